"""The append-only, hash-chained log and its backends.

Code above the log opens one with :func:`open_log` (or creates one with :func:`init_log`) and
speaks only :class:`LogStore`'s public calls, whatever the backend.
"""

from __future__ import annotations

from os import PathLike, fspath
from pathlib import Path

from fonds.log.base import AsOf, ByteStore, Entry, Head, LogStore, ScannedEntry, as_of_bounds
from fonds.log.jsonl import JsonlLog
from fonds.log.memory import MemoryLog
from fonds.problems import UsageError

__all__ = [
    "AsOf",
    "ByteStore",
    "Entry",
    "Head",
    "JsonlLog",
    "LogStore",
    "MemoryLog",
    "ScannedEntry",
    "as_of_bounds",
    "init_log",
    "open_log",
]

_MEMORY = ":memory:"


def _kind_of(location: str) -> str:
    if location == _MEMORY:
        return "memory"
    scheme, sep, _ = location.partition("://")
    if sep and scheme.lower() in ("postgresql", "postgres"):
        return "postgres"
    if sep and scheme.isalpha():
        raise UsageError(f"{location}: no log backend for {scheme}:// locations")
    return "folder"


def open_log(location: str | PathLike[str]) -> LogStore:
    """Open the log at ``location``: a folder holding ``log.jsonl`` (``records/`` by
    convention), a ``postgresql://`` URL (see :mod:`fonds.log.postgres`), or ``:memory:`` for
    a new empty log held in memory."""
    text = fspath(location)
    kind = _kind_of(text)
    if kind == "memory":
        return MemoryLog()
    if kind == "postgres":
        from fonds.log.postgres import PostgresLog

        return PostgresLog(text)
    return JsonlLog(Path(text))


def init_log(location: str | PathLike[str], vocabulary: bytes | None = None) -> LogStore:
    """Create an empty log at ``location`` (with the default vocabulary unless one is given)."""
    text = fspath(location)
    kind = _kind_of(text)
    if kind == "memory":
        return MemoryLog(vocabulary)
    if kind == "postgres":
        from fonds.log.postgres import PostgresLog

        return PostgresLog.init(text, vocabulary)
    return JsonlLog.init(Path(text), vocabulary)
