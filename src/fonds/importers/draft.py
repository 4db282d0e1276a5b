"""The one result every importer returns: draft records and the problems met reading the input.

A draft is a contribution like any other: its records are JSON documents (one record each, in
the order they should be written), to be checked by ``fonds validate`` or ``fonds review`` and
appended by ``fonds append``. ``lines`` numbers each record by where it came from in the input
(a page line, a sheet row, a GEDCOM line; 0 when there is no one place), so a problem found
later can still name its place.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import orjson

from fonds.problems import Problem

__all__ = ["Draft"]


@attrs.frozen
class Draft:
    """Draft records (JSON documents) and every problem found reading the input."""

    records: tuple[Mapping[str, Any], ...]
    problems: tuple[Problem, ...] = ()
    lines: tuple[int, ...] = ()
    already_there: int = 0
    """How many records read from the input the log already holds (left out of ``records``)."""

    @property
    def ok(self) -> bool:
        """Whether the input was read without a problem."""
        return not self.problems

    def jsonl(self) -> bytes:
        """The records as JSON Lines, as ``fonds append`` reads them."""
        return b"".join(orjson.dumps(dict(record)) + b"\n" for record in self.records)

    def numbered(self, path: str) -> Iterator[tuple[str, int, bytes]]:
        """``(path, line, bytes)`` of each record, for :func:`fonds.validate_lines`."""
        for index, record in enumerate(self.records):
            line = self.lines[index] if index < len(self.lines) else index + 1
            yield path, line, orjson.dumps(dict(record))
