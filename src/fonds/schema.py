"""The JSON Schemas of the record kinds: loading them and checking documents against them.

The schemas in ``fonds/schemas/`` (exposed as ``schemas/`` at the repository root) are the
contract; a contributor in any language can use them. Each kind's schema refers to
``defs.schema.json``; both are put in one registry so ``$ref`` resolves offline.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

import attrs
import orjson
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from fonds.model.kinds import KINDS

__all__ = [
    "SchemaFailure",
    "conforms",
    "load_schema",
    "registry",
    "schema_failures",
    "validator_for",
]

_FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER


def _schema_names() -> list[str]:
    return ["defs", "record", *(k for k in KINDS.names if KINDS.registered_schema(k) is None)]


@functools.cache
def load_schema(name: str) -> Mapping[str, Any]:
    """One schema document by name (``person``, ``defs``, ``record``, ...); a kind registered
    at run time brings its own."""
    registered = KINDS.registered_schema(name)
    if registered is not None:
        return registered
    text = resources.files("fonds").joinpath(f"schemas/{name}.schema.json").read_bytes()
    loaded: dict[str, Any] = orjson.loads(text)
    return loaded


@functools.cache
def registry() -> Registry[Any]:
    resources_ = [Resource.from_contents(load_schema(name)) for name in _schema_names()]
    return Registry().with_resources((str(r.contents["$id"]), r) for r in resources_)


@functools.cache
def validator_for(kind: str) -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(kind), registry=registry(), format_checker=_FORMAT_CHECKER
    )


@attrs.frozen(slots=True)
class SchemaFailure:
    pointer: str
    code: str
    message: str
    suggestion: str | None = None


def _pointer(parts: Any) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _describe(error: ValidationError) -> SchemaFailure:
    pointer = _pointer(error.absolute_path) or "/"
    validator = str(error.validator)
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    if validator == "additionalProperties" and isinstance(error.instance, Mapping):
        known = sorted(schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known))
        close = difflib.get_close_matches(extra[0], known, n=1) if len(extra) == 1 else []
        names = ", ".join(repr(name) for name in extra)
        return SchemaFailure(
            pointer, "unknown-field", f"unknown field {names}", close[0] if close else None
        )
    if validator == "required":
        return SchemaFailure(pointer, "missing-field", str(error.message))
    description = schema.get("description")
    message = str(error.message)
    if validator == "pattern" and isinstance(description, str) and description:
        expected = description[0].lower() + description[1:]
        message = f"{error.instance!r} is not valid here: expected {expected}"
    return SchemaFailure(pointer, f"schema-{validator.lower()}", message)


def schema_failures(kind: str, document: Any) -> Iterator[SchemaFailure]:
    """Every way ``document`` breaks the schema of ``kind``, ordered by place."""
    errors = sorted(
        validator_for(kind).iter_errors(document), key=lambda e: list(map(str, e.absolute_path))
    )
    for error in errors:
        yield _describe(error)


def bundled_schema(kind: str) -> dict[str, Any]:
    """The schema of ``kind`` with every ``$ref`` replaced by its target: one self-contained
    document for tools that cannot resolve references across files."""
    defs = load_schema("defs")["$defs"]

    def inline(node: Any, local: Mapping[str, Any]) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target_name = str(node["$ref"]).rsplit("/", 1)[-1]
                target = inline(defs[target_name], defs)
                extra = {k: inline(v, local) for k, v in node.items() if k != "$ref"}
                return {**target, **extra}
            return {k: inline(v, local) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v, local) for v in node]
        return node

    schema: dict[str, Any] = inline(dict(load_schema(kind)), defs)
    schema.pop("$id", None)
    return schema


@functools.cache
def _fast_gate(kind: str) -> Any:
    """A compiled validator (jsonschema-rs) of the kind's schema, formats left out."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(bundled_schema(kind), validate_formats=False)


@functools.cache
def _format_fields(kind: str) -> tuple[tuple[str, str], ...]:
    """(property, format) for every top-level property of the kind that names a format."""
    properties: Mapping[str, Any] = bundled_schema(kind).get("properties", {})
    return tuple(
        (name, str(spec["format"]))
        for name, spec in properties.items()
        if isinstance(spec, Mapping) and "format" in spec
    )


def conforms(kind: str, document: Any) -> bool:
    """Whether ``document`` is valid for ``kind``: exactly what ``jsonschema`` decides.

    The compiled gate checks the structure; the formats are checked by the same format checker
    that ``jsonschema`` uses, so the two cannot disagree on what a "uri" is. A property test
    holds the whole against ``jsonschema``.
    """
    if not _fast_gate(kind).is_valid(document):
        return False
    return all(
        _FORMAT_CHECKER.conforms(document[name], fmt)
        for name, fmt in _format_fields(kind)
        if name in document
    )
