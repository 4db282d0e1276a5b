"""Upcasters: schema version N → N + 1, applied on read; stored records never change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fonds.model.records import SCHEMA_VERSION

__all__ = ["UPCASTERS", "upcast"]

UPCASTERS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""By the version they read: a function from a document of that version to the next."""


def upcast(document: dict[str, Any]) -> dict[str, Any]:
    """The document as the current schema version reads it."""
    version = document.get("schema")
    while isinstance(version, int) and version < SCHEMA_VERSION and version in UPCASTERS:
        document = UPCASTERS[version](document)
        version = document.get("schema")
    return document
