"""A record's canonical bytes and its identity (the SHA-256 of those bytes)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import orjson

__all__ = ["canonical_bytes", "record_hash"]


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON of a record document.

    Sorted-key ``orjson`` output equals RFC 8785 for every document the schemas admit (no
    floats, ASCII keys); a property test checks this against ``rfc8785``.
    """
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)


def record_hash(document: Mapping[str, Any]) -> str:
    """A record's identity: the hex SHA-256 of its canonical bytes."""
    return hashlib.sha256(canonical_bytes(document)).hexdigest()
