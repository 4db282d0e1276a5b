"""A log held in memory: for research code that builds a log on the fly, and for tests.

It keeps every invariant of :mod:`fonds.log.base`; positions are line counts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from fonds.log.base import LogStore, MemoryBytes, vocabulary_hash
from fonds.log.index import LogIndex
from fonds.model.vocabulary import Vocabulary, default_vocabulary_bytes
from fonds.problems import Problem

__all__ = ["MemoryLog"]


class MemoryLog(LogStore):
    """A log in a list; ``vocabulary`` is the vocabulary file's bytes (the default when None)."""

    def __init__(self, vocabulary: bytes | None = None) -> None:
        import orjson

        data = vocabulary or default_vocabulary_bytes()
        self.location = "<memory>"
        self.vocabulary = Vocabulary.from_document(orjson.loads(data), "vocabulary")
        self.vocabulary_hash = vocabulary_hash(data)
        self._vocabulary_data = bytes(data)
        self.stored: list[bytes] = []
        self._lock = threading.Lock()
        self._index = LogIndex(None)
        self.cache = MemoryBytes()

    def _lines(self, position: int = 0) -> Iterator[tuple[bytes, int]]:
        for number in range(position, len(self.stored)):
            yield self.stored[number], number + 1

    def _line_between(self, start: int, end: int) -> bytes:
        return self.stored[end - 1]

    def _last_line(self) -> tuple[bytes, int] | None:
        return (self.stored[-1], len(self.stored)) if self.stored else None

    def _commit(self, lines: Sequence[bytes]) -> int:
        self.stored.extend(line.rstrip(b"\n") for line in lines)
        return len(self.stored)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self._lock:
            yield

    def _index_store(self) -> LogIndex:
        return self._index

    def _integrity_problems(self) -> list[Problem]:
        return []
