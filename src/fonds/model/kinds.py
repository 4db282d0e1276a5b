"""The record kinds as one table: what each kind means, read from the attrs classes.

Every layer asks this table instead of keeping its own list: validation (which fields name
entities and of which kinds, which take vocabulary terms, which carry dates), the log's index
and the views' fold (which entities a record is about, which records declare an entity, which
ones a timeline places), the queries (how a record reads in one line), review and the sheet
importer. The table is derived from the field metadata of :mod:`fonds.model.records`; a test
holds it against the JSON Schemas.

Adding a kind: declare its attrs class (with the field helpers of :mod:`fonds.model.fields`),
write its schema in ``schemas/``, and register it (``KINDS.register``); docs/record-model.md
walks through it.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeAlias

import attrs

from fonds.model.fields import META
from fonds.model.records import BUILT_IN_KINDS

__all__ = ["KINDS", "DateField", "Kind", "KindTable", "Reference", "TermField"]


@attrs.frozen(slots=True)
class Reference:
    """A field naming entities: of ``kinds`` (any entity kind when empty)."""

    field: str
    kinds: frozenset[str]
    many: bool
    about: bool
    declares: bool


@attrs.frozen(slots=True)
class TermField:
    """A field taking terms of a vocabulary ``group`` (``within``: a key of the field's object)."""

    field: str
    group: str
    many: bool
    within: str | None


@attrs.frozen(slots=True)
class DateField:
    """A field holding an EDTF date, read in the calendar named by field ``calendar``."""

    field: str
    calendar: str | None
    timeline: bool


_PART = re.compile(r"\[([^\]]*)\]|\{(\w+)\}|([^\[{]+)")


@attrs.frozen(slots=True)
class Kind:
    """One record kind: its class and what its fields mean."""

    name: str
    cls: type
    references: tuple[Reference, ...]
    terms: tuple[TermField, ...]
    dates: tuple[DateField, ...]
    citations: str | None
    targets: tuple[str, ...]
    summary: str
    #: The fields that say which statement a record makes (with the places it cites): a
    #: source read again that words a record otherwise but keeps these has corrected it.
    #: From the class's ``identity``; a kind without one is never matched so.
    identity: tuple[str, ...] = ()
    # derived once, read for every record a fold or a validation meets
    about_single: tuple[str, ...] = attrs.field(init=False)
    about_lists: tuple[str, ...] = attrs.field(init=False)
    #: Whether a record of this kind declares an entity (it has an ``id``).
    entity: bool = attrs.field(init=False)
    #: Whether a record of this kind corrects other records (supersede, retract).
    correction: bool = attrs.field(init=False)
    #: The date that places a record of this kind on a timeline, if it has one.
    timeline_date: DateField | None = attrs.field(init=False)
    #: The summary template, read once.
    summary_parts: tuple[_Part, ...] = attrs.field(init=False)

    @about_single.default
    def _about_single(self) -> tuple[str, ...]:
        return tuple(r.field for r in self.references if r.about and not r.many)

    @about_lists.default
    def _about_lists(self) -> tuple[str, ...]:
        return tuple(r.field for r in self.references if r.about and r.many)

    @entity.default
    def _entity(self) -> bool:
        return any(r.declares for r in self.references)

    @correction.default
    def _correction(self) -> bool:
        return bool(self.targets)

    @timeline_date.default
    def _timeline_date(self) -> DateField | None:
        return next((d for d in self.dates if d.timeline), None)

    @summary_parts.default
    def _summary_parts(self) -> tuple[_Part, ...]:
        named = frozenset(r.field for r in self.references if not r.many)
        return _parse(self.summary, named)

    def about(self, document: Mapping[str, Any]) -> list[str]:
        """The entity ids a record is about, each once, in field order."""
        found = [document[f] for f in self.about_single if f in document]
        for field in self.about_lists:
            found.extend(document.get(field, ()))
        return found if len(found) < 2 else list(dict.fromkeys(found))

    def references_in(self, document: Mapping[str, Any]) -> Iterator[tuple[str, str, Reference]]:
        """``(JSON pointer, entity id, reference)`` for every entity the record names,
        citations' sources included (a source reference of no field of the kind's own)."""
        for ref in self.references:
            value = document.get(ref.field)
            if value is None or ref.declares:
                continue
            if ref.many:
                for index, target in enumerate(value):
                    yield f"/{ref.field}/{index}", target, ref
            else:
                yield f"/{ref.field}", value, ref
        if self.citations is not None:
            for index, citation in enumerate(document.get(self.citations, ())):
                yield f"/{self.citations}/{index}/source", citation["source"], _CITED_SOURCE

    def terms_in(self, document: Mapping[str, Any]) -> Iterator[tuple[str, str, str]]:
        """``(JSON pointer, vocabulary group, term)`` for every vocabulary term the record uses."""
        for spec in self.terms:
            value = document.get(spec.field)
            if value is None:
                continue
            pointer = f"/{spec.field}"
            if spec.within is not None:
                yield f"{pointer}/{spec.within}", spec.group, value[spec.within]
            elif spec.many:
                for index, item in enumerate(value):
                    yield f"{pointer}/{index}", spec.group, item
            else:
                yield pointer, spec.group, value
        if self.citations is not None:
            for index, citation in enumerate(document.get(self.citations, ())):
                locator = citation.get("locator")
                if locator is not None:
                    pointer = f"/{self.citations}/{index}/locator/label"
                    yield pointer, "locator_labels", locator["label"]

    def dates_in(self, document: Mapping[str, Any]) -> Iterator[tuple[str, str, str | None]]:
        """``(JSON pointer, EDTF text, calendar or None)`` for every date the record holds."""
        for spec in self.dates:
            text = document.get(spec.field)
            if text is not None:
                calendar = document.get(spec.calendar) if spec.calendar else None
                yield f"/{spec.field}", text, calendar

    def targets_in(self, document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
        """``(JSON pointer, record hash)`` for every record a correction names."""
        for field in self.targets:
            if field in document:
                yield f"/{field}", document[field]

    def summarise(self, document: Mapping[str, Any], label: Callable[[str], str]) -> str:
        """The record in one line, entities named by ``label``; the kind's name without a
        summary."""
        return _fill(self.summary_parts, document, label) or self.name


# A summary template, read once: literal text, a field (named by its label when the field
# names an entity), or an optional group left out when a field in it is absent.
_Part: TypeAlias = "tuple[str, str, bool, tuple[_Part, ...]]"  # (text, field, labelled, group)


def _parse(template: str, named: frozenset[str]) -> tuple[_Part, ...]:
    parts: list[_Part] = []
    for optional, field, text in _PART.findall(template):
        if optional:
            parts.append(("", "", False, _parse(optional, named)))
        elif field:
            parts.append(("", field, field in named, ()))
        else:
            parts.append((text, "", False, ()))
    return tuple(parts)


def _fill(
    parts: tuple[_Part, ...], document: Mapping[str, Any], label: Callable[[str], str]
) -> str | None:
    out: list[str] = []
    for text, field, labelled, group in parts:
        if field:
            found = document.get(field)
            if found is None or found == "":
                return None
            out.append(label(found) if labelled else str(found))
        elif group:
            out.append(_fill(group, document, label) or "")
        else:
            out.append(text)
    return "".join(out)


_CITED_SOURCE = Reference("source", frozenset({"source"}), False, False, False)


def _is_many(hint: Any) -> bool:
    """Whether a field's type is a tuple (a list in JSON), optional or not."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, _UnionType) else ()
    return any(typing.get_origin(h) is tuple for h in (hint, *options))


_UnionType = type(int | None)


def describe(cls: type) -> Kind:
    """The table row of an attrs record class, read from its field metadata."""
    hints = typing.get_type_hints(cls)
    references: list[Reference] = []
    terms: list[TermField] = []
    dates: list[DateField] = []
    targets: list[str] = []
    citations: str | None = None
    for field in attrs.fields(cls):
        meaning: Mapping[str, Any] = field.metadata.get(META, {})
        many = _is_many(hints[field.name])
        if "refers" in meaning:
            about, declares = meaning["about"], meaning["declares"]
            references.append(Reference(field.name, meaning["refers"], many, about, declares))
        elif "term" in meaning:
            terms.append(TermField(field.name, meaning["term"], many, meaning["within"]))
        elif "date" in meaning:
            dates.append(DateField(field.name, meaning["calendar"], meaning["timeline"]))
        elif "cites" in meaning:
            citations = field.name
        elif "targets" in meaning:
            targets.append(field.name)
    name: str = cls.kind  # type: ignore[attr-defined]
    summary: str = getattr(cls, "summary", "")
    identity: tuple[str, ...] = tuple(getattr(cls, "identity", ()))
    return Kind(
        name, cls, tuple(references), tuple(terms), tuple(dates), citations, tuple(targets),
        summary, identity,
    )  # fmt: skip


class KindTable:
    """Every record kind by name, in the order they are listed to users."""

    def __init__(self, classes: typing.Iterable[type]) -> None:
        self._kinds: dict[str, Kind] = {}
        self._schemas: dict[str, Mapping[str, Any]] = {}
        for cls in classes:
            self._add(describe(cls))

    def _add(self, kind: Kind) -> None:
        self._kinds[kind.name] = kind
        self._refresh()

    def _refresh(self) -> None:
        self.entity_kinds: frozenset[str] = frozenset(k.name for k in self if k.entity)
        self.names: tuple[str, ...] = tuple(self._kinds)

    def register(self, cls: type, schema: Mapping[str, Any]) -> Kind:
        """Add a record kind: its attrs class and its JSON Schema (which may ``$ref`` the
        shared ``defs``). Every layer handles it from then on."""
        name = getattr(cls, "kind", None)
        if not isinstance(name, str) or name in self._kinds:
            raise ValueError(f"{cls.__name__}: needs a new, unique ClassVar 'kind'")
        kind = describe(cls)
        self._schemas[name] = schema
        self._add(kind)
        return kind

    def unregister(self, name: str) -> None:
        """Remove a kind added by :meth:`register` (the built-in kinds stay)."""
        if name in self._schemas:
            del self._schemas[name]
            del self._kinds[name]
            self._refresh()

    def registered_schema(self, name: str) -> Mapping[str, Any] | None:
        """The schema given to :meth:`register` for ``name``; None for a built-in kind."""
        return self._schemas.get(name)

    @property
    def by_name(self) -> Mapping[str, Kind]:
        """Every kind by name (a live view: a kind registered later appears in it)."""
        return self._kinds

    def __getitem__(self, name: str) -> Kind:
        return self._kinds[name]

    def get(self, name: object) -> Kind | None:
        return self._kinds.get(name) if isinstance(name, str) else None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._kinds

    def __iter__(self) -> Iterator[Kind]:
        return iter(self._kinds.values())

    def of(self, document: Mapping[str, Any]) -> Kind:
        """The kind of a record document (one that passed validation)."""
        return self._kinds[document["kind"]]

    def about(self, document: Mapping[str, Any]) -> list[str]:
        """The entity ids a record document is about (see :meth:`Kind.about`)."""
        return self._kinds[document["kind"]].about(document)

    def kind_of_id(self, entity_id: str) -> str | None:
        """The entity kind an id's prefix names (``person:molotov`` → ``person``), if any."""
        prefix = entity_id.partition(":")[0]
        return prefix if prefix in self.entity_kinds else None


KINDS = KindTable(BUILT_IN_KINDS)
"""The record kinds; the single source of what each kind means."""
