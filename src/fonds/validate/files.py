"""Reading contribution files as numbered lines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

__all__ = ["iter_file_lines"]


def iter_file_lines(path: Path, label: str | None = None) -> Iterator[tuple[str, int, bytes]]:
    """``(label, line number, bytes)`` for each line of a file, BOM and CR removed."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    name = label or str(path)
    for number, raw in enumerate(data.split(b"\n"), start=1):
        yield name, number, raw[:-1] if raw.endswith(b"\r") else raw
