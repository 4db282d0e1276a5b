"""The one cattrs converter: JSON documents ⇄ record values.

Labels and external ids are JSON objects keyed by language or scheme and tuples of pairs in
Python (so records stay hashable); absent optional fields stay absent; ``kind`` comes from the
class. Nothing else in fonds calls cattrs directly.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

from fonds.model.kinds import KINDS
from fonds.model.records import (
    ExternalId,
    ExternalIds,
    Label,
    Labels,
    Record,
)

__all__ = ["StructureError", "structure_record", "unstructure_record"]


class StructureError(ValueError):
    """A document that cannot become a record; ``pointer`` says where."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer}: {message}")
        self.pointer = pointer
        self.message = message


def _build_converter() -> cattrs.Converter:
    conv = cattrs.Converter(detailed_validation=True)

    def structure_labels(value: Mapping[str, str], _: object) -> Labels:
        return tuple(Label(lang, text) for lang, text in value.items())

    def structure_external_ids(value: Mapping[str, str], _: object) -> ExternalIds:
        return tuple(ExternalId(scheme, ident) for scheme, ident in value.items())

    conv.register_structure_hook_func(lambda t: t == Labels, structure_labels)
    conv.register_structure_hook_func(lambda t: t == ExternalIds, structure_external_ids)
    conv.register_unstructure_hook_func(
        lambda t: t == Labels, lambda labels: {lab.lang: lab.text for lab in labels}
    )
    conv.register_unstructure_hook_func(
        lambda t: t == ExternalIds, lambda ids: {ext.scheme: ext.value for ext in ids}
    )
    # Absent stays absent: every optional field defaults to None.
    conv.register_unstructure_hook_factory(
        lambda cls: hasattr(cls, "__attrs_attrs__"),
        lambda cls: (
            make_dict_unstructure_fn(
                cls, conv, _cattrs_omit_if_default=True, schema=override(omit_if_default=False)
            )
            if "schema" in {a.name for a in cls.__attrs_attrs__}
            else make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)
        ),
    )
    return conv


_converter = _build_converter()


def unstructure_record(record: Record) -> dict[str, Any]:
    """The JSON document of a record, ``kind`` first."""
    body: dict[str, Any] = _converter.unstructure(record)
    return {"kind": record.kind, **body}


@functools.cache
def _has_kind(cls: type) -> bool:
    return "kind" in attrs.fields_dict(cls)


def structure_record(document: Mapping[str, Any]) -> Record:
    """The record value of a schema-valid document; :class:`StructureError` otherwise."""
    kind = document.get("kind")
    spec = KINDS.get(kind)
    if spec is None:
        raise StructureError("/kind", f"unknown record kind {kind!r}")
    cls = spec.cls
    # the generated hook reads only the class's own fields: a copy without "kind" is needed
    # only by a class that has a field of that name
    fields = {k: v for k, v in document.items() if k != "kind"} if _has_kind(cls) else document
    try:
        record: Record = _converter.structure(fields, cls)
    except cattrs.BaseValidationError as group:
        messages = cattrs.transform_error(group, path="")
        raise StructureError("/", "; ".join(messages)) from None
    return record
