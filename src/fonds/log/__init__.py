"""The append-only, hash-chained log and its backends."""

from os import PathLike

from fonds.log.base import AsOf, Entry, Head, LogStore
from fonds.log.jsonl import JsonlLog
from fonds.log.memory import MemoryLog

__all__ = ["AsOf", "Entry", "Head", "JsonlLog", "LogStore", "MemoryLog", "open_log"]


def open_log(directory: str | PathLike[str]) -> JsonlLog:
    """Open the log in ``directory`` (``records/`` by convention)."""
    from pathlib import Path

    return JsonlLog(Path(directory))
