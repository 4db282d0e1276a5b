"""A timeline as a sequence whose entries are built as they are read.

A one-day question over a large log can match thousands of entries (every open interval that
may reach the day), and a reader usually wants the first page of them and how many there are.
The query decides which entries the timeline holds and in which order (which records stand,
pass the filters, and which agree and are shown as one fact) without building any; a
:class:`Fact` is built when an entry is read, once, and kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from fonds.gcpause import gc_paused
from fonds.views.answers import Fact

__all__ = ["Timeline"]

# entries are built in chunks, each under one pause of the cyclic collector (as folding is)
_CHUNK = 128
_MAX_CHUNK = 8192


class Timeline(Sequence[Fact]):
    """Timeline entries in historical order: a read-only sequence of :class:`Fact`.

    ``len()`` is the number of entries, known without building them; indexing, slicing and
    iterating build (and keep) only the entries read; :meth:`page` gives one page. It can be
    used where a list of facts was: it compares equal to a list or tuple of the same facts,
    and ``list(timeline)`` builds them all. Each entry stands for one or more records (the
    first, then those agreeing with it, its :attr:`Fact.agreeing`): :attr:`seq_groups`.
    """

    __slots__ = ("_build", "_built", "_groups")
    __hash__ = None  # type: ignore[assignment]  # equal to a list, so unhashable as a list

    def __init__(
        self, groups: Sequence[tuple[int, ...]], build: Callable[[tuple[int, ...]], Fact]
    ) -> None:
        self._groups = groups
        self._build = build
        self._built: list[Fact | None] = [None] * len(groups)

    @property
    def total(self) -> int:
        """The number of entries (as ``len()``)."""
        return len(self._groups)

    @property
    def seqs(self) -> list[int]:
        """The log entry of each timeline entry, in order, with no fact built."""
        return [group[0] for group in self._groups]

    @property
    def seq_groups(self) -> list[tuple[int, ...]]:
        """The log entries (sequence numbers) each entry stands for: its own, then those of the
        records agreeing with it."""
        return list(self._groups)

    def __len__(self) -> int:
        return len(self._groups)

    def _entry(self, index: int) -> Fact:
        fact = self._built[index]
        if fact is None:
            fact = self._built[index] = self._build(self._groups[index])
        return fact

    def _entries(self, start: int, stop: int) -> list[Fact]:
        with gc_paused():
            return [self._entry(index) for index in range(start, stop)]

    @overload
    def __getitem__(self, index: int) -> Fact: ...

    @overload
    def __getitem__(self, index: slice) -> list[Fact]: ...

    def __getitem__(self, index: int | slice) -> Fact | list[Fact]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self._groups))
            if step == 1:
                return self._entries(start, max(start, stop))
            with gc_paused():
                return [self._entry(i) for i in range(start, stop, step)]
        if not -len(self._groups) <= index < len(self._groups):
            raise IndexError("timeline index out of range")
        return self._entry(index % len(self._groups))

    def __iter__(self) -> Iterator[Fact]:
        # chunks grow: a reader who stops early builds little, one who reads on pauses the
        # collector a few times rather than once a chunk
        start, chunk = 0, _CHUNK
        while start < len(self._groups):
            stop = min(start + chunk, len(self._groups))
            yield from self._entries(start, stop)
            start, chunk = stop, min(chunk * 4, _MAX_CHUNK)

    def chunks(self, size: int = 10_000) -> Iterator[list[Fact]]:
        """Every entry, in lists of at most ``size``, each built for its list and not kept:
        for a reader that passes over all of them once (an export) and should not hold them
        all at the end."""
        if size < 1:
            raise ValueError("size must be at least 1")
        for start in range(0, len(self._groups), size):
            stop = min(start + size, len(self._groups))
            with gc_paused():
                yield [self._built[i] or self._build(self._groups[i]) for i in range(start, stop)]

    def page(self, offset: int = 0, limit: int | None = None) -> list[Fact]:
        """The entries from ``offset`` (0 the first), at most ``limit`` of them (all the rest
        when None); an empty list past the end. Negative values raise ``ValueError``."""
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError("offset and limit must not be negative")
        stop = len(self._groups) if limit is None else min(offset + limit, len(self._groups))
        return self._entries(min(offset, stop), stop)

    def __reduce__(self) -> tuple[Any, ...]:
        # a copy holds its facts, not the query (and the open log) that builds them
        return (_of_facts, (tuple(self),))

    def to_json(self) -> list[dict[str, Any]]:
        """Every entry's ``to_json()``: what ``fonds timeline --format json`` prints."""
        return [fact.to_json() for fact in self]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Timeline):
            if len(other) != len(self):
                return False
            return list(self) == list(other)
        if isinstance(other, (list, tuple)):
            return len(other) == len(self) and list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"<Timeline of {len(self._groups)} entries>"


def _of_facts(facts: Sequence[Fact]) -> Timeline:
    """A timeline of facts already built (a copy of one)."""
    groups = [(fact.seq, *(other.seq for other in fact.agreeing)) for fact in facts]
    built = {group: fact for group, fact in zip(groups, facts, strict=True)}
    return Timeline(groups, built.__getitem__)
