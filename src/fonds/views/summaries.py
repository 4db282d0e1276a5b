"""A record in one line, as the kinds table writes it, at the speed a timeline needs.

:meth:`fonds.model.kinds.Kind.summarise` reads its template anew on every call, a few
microseconds that a timeline of thousands of entries pays each time. Its output is kept here as
a shape per kind and per presence of the fields it reads: literal text, and slots for fields
(named by a label or written as they are), learnt by calling ``Kind.summarise`` itself on
stand-ins that mark each field. The table stays the one place that says how a record reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from fonds.model.kinds import Kind

__all__ = ["summarise"]

_Shape: TypeAlias = tuple[tuple[str, str | None, bool], ...]  # (text, field, labelled)
_MARKED = re.compile("\x01\x00(\\w+)\x00\x01|\x00(\\w+)\x00")


class _Probe(dict[str, Any]):
    """A record that stands in marks for the fields a summary reads (those in ``present``),
    and notes every field read."""

    def __init__(self, present: Callable[[str], bool]) -> None:
        super().__init__()
        self.present = present
        self.read: list[str] = []

    def get(self, key: str, default: Any = None) -> Any:
        self.read.append(key)
        return f"\x00{key}\x00" if self.present(key) else default

    def __getitem__(self, key: str) -> Any:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.present(key)


def _mark(text: str) -> str:
    return f"\x01{text}\x01"


def _fields_read(kind: Kind) -> tuple[str, ...]:
    probe = _Probe(lambda _: True)
    kind.summarise(probe, _mark)
    return tuple(dict.fromkeys(probe.read))


def _shape(kind: Kind, fields: tuple[str, ...], present: tuple[bool, ...]) -> _Shape:
    given = dict(zip(fields, present, strict=True))
    text = kind.summarise(_Probe(lambda f: given.get(f, False)), _mark)
    parts: list[tuple[str, str | None, bool]] = []
    position = 0
    for found in _MARKED.finditer(text):
        parts.append((text[position : found.start()], None, False))
        parts.append(("", found.group(1) or found.group(2), found.group(1) is not None))
        position = found.end()
    parts.append((text[position:], None, False))
    return tuple(part for part in parts if part[0] or part[1])


_FIELDS: dict[tuple[str, str], tuple[str, ...]] = {}
_SHAPES: dict[tuple[tuple[str, str], tuple[bool, ...]], _Shape] = {}


def summarise(kind: Kind, document: Mapping[str, Any], label: Callable[[str], str]) -> str:
    """The record in one line, as ``kind.summarise(document, label)`` writes it."""
    key = (kind.name, kind.summary)
    fields = _FIELDS.get(key)
    if fields is None:
        fields = _FIELDS[key] = _fields_read(kind)
    present = tuple(document.get(f) not in (None, "") for f in fields)
    shape = _SHAPES.get((key, present))
    if shape is None:
        shape = _SHAPES[(key, present)] = _shape(kind, fields, present)
    out = []
    for text, field, labelled in shape:
        if field is None:
            out.append(text)
        else:
            value = document[field]
            out.append(label(value) if labelled else str(value))
    return "".join(out)
