"""The first steps of validation, before any schema: limits, UTF-8, JSON, depth, kind, version."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import attrs
import orjson

from fonds.model.kinds import KINDS
from fonds.model.records import SCHEMA_VERSION
from fonds.problems import Problem

__all__ = ["Limits", "check_header", "decode_line"]


@attrs.frozen(slots=True)
class Limits:
    """Bounds on what a contribution may hold; past them a clear problem, never a crash."""

    max_line_bytes: int = 1 << 20
    max_depth: int = 32
    max_records: int = 1_000_000


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def decode_line(
    path: str, number: int, raw: bytes, limits: Limits
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The JSON object on one line, or the problem that stops it being one."""

    def problem(code: str, message: str, pointer: str = "/") -> list[Problem]:
        return [Problem(path, number, pointer, code, message)]

    if len(raw) > limits.max_line_bytes:
        return None, problem(
            "line-too-long",
            f"line is {len(raw):,} bytes; the limit is {limits.max_line_bytes:,} bytes "
            "(one record a line)",
        )
    try:
        # orjson checks the UTF-8 itself and refuses any invalid byte: a good line is parsed
        # from its bytes, and only a refused one is decoded again, for the message
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return None, _refusal(raw, limits, problem, exc)
    if not isinstance(value, dict):
        return None, problem(
            "not-an-object", f"expected a JSON object (one record), found {type(value).__name__}"
        )
    # a line with fewer brackets than the limit cannot nest deeper: skip the walk
    brackets = raw.count(b"{") + raw.count(b"[")
    if brackets > limits.max_depth and _depth_exceeds(value, limits.max_depth):
        return None, problem(
            "too-deep", f"nesting deeper than the limit of {limits.max_depth} levels"
        )
    return value, []


def _refusal(
    raw: bytes,
    limits: Limits,
    problem: Callable[[str, str], list[Problem]],
    refused: orjson.JSONDecodeError,
) -> list[Problem]:
    """Why a line is not JSON, from the step that fails first: UTF-8, then JSON itself."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return problem(
            "encoding", f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}"
        )
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        refused = exc  # its column counts characters, as the message says
    reason = str(refused.msg) if hasattr(refused, "msg") else str(refused)
    if "depth limit" in reason or "recursion" in reason:
        return problem("too-deep", f"nesting deeper than the limit of {limits.max_depth} levels")
    return problem("json-invalid", f"not valid JSON: {reason} at column {refused.pos + 1}")


def check_header(
    path: str, number: int, document: dict[str, Any]
) -> tuple[str | None, list[Problem]]:
    """The record's kind, if it names a known one in a schema version this fonds reads."""
    kind = document.get("kind")
    if kind is None:
        return None, [Problem(path, number, "/", "missing-field", "'kind' is a required property")]
    if kind not in KINDS:
        close = difflib.get_close_matches(str(kind), list(KINDS.names), n=1)
        return None, [
            Problem(
                path,
                number,
                "/kind",
                "unknown-kind",
                f"unknown record kind {kind!r}; expected one of {', '.join(KINDS.names)}",
                close[0] if close else None,
            )
        ]
    version = document.get("schema")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        return None, [
            Problem(
                path,
                number,
                "/schema",
                "unsupported-schema-version",
                f"schema version {version} is newer than this fonds reads "
                f"({SCHEMA_VERSION}); upgrade fonds",
            )
        ]
    return str(kind), []
