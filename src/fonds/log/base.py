"""The log: an append-only, validated, hash-chained sequence of records.

Invariants, which every backend keeps and the conformance tests check:

1. Append-only. Entries are only ever added at the end; nothing stored is rewritten.
2. Sequence. Entry ``n`` has sequence number ``n``, from 1, without gaps.
3. Chain. Each entry's hash covers its sequence, record time, record id, vocabulary hash and
   the previous entry's hash; the record id is the SHA-256 of the record's canonical bytes.
4. Record time is monotonic: each entry's time is later than the one before.
5. All or nothing. A batch is validated as a whole against the log, then stored whole or not
   at all; an error or a crash mid-way leaves the stored log as it was.
6. One writer. Appends are serialised by a lock; readers never see half a batch.

Backends supply storage primitives (lines in order, the last line, an atomic commit, a lock,
a byte store for derived data); the rules above live here once. Everything above the log
(validation, views, exports, the command line) uses only the public calls of
:class:`LogStore`: :meth:`~LogStore.head`, :meth:`~LogStore.entries` and :meth:`~LogStore.scan`
after a cursor, :meth:`~LogStore.record_bytes` and :meth:`~LogStore.find` to read one record by
position or id, :meth:`~LogStore.follow` to read entries as they are committed, and
:attr:`~LogStore.cache` for derived data (snapshots) the backend keeps.

A *position* is a cursor the backend defines (a byte offset in a file, a line count, a
sequence number): :attr:`Head.position` and :attr:`ScannedEntry.end` give one, and a scan
continues after it. An entry lies between the position after the entry before it and its own.
"""

from __future__ import annotations

import hashlib
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any, NamedTuple, NoReturn

import attrs
import orjson

from fonds.gcpause import gc_paused
from fonds.log.chain import (
    GENESIS,
    EntryHeader,
    HeaderError,
    encode_entry,
    entry_fault,
    record_body,
    record_times,
    split_line,
)
from fonds.log.index import LogIndex
from fonds.model.convert import structure_record, unstructure_record
from fonds.model.records import Record
from fonds.model.vocabulary import Vocabulary
from fonds.problems import ArgumentError, InvalidRecordError, LogIntegrityError, Problem
from fonds.validate import Limits, ValidationReport, log_order, validate_lines

__all__ = ["AsOf", "ByteStore", "Entry", "Head", "LogStore", "ScannedEntry", "as_of_bounds"]

AsOf = int | str | datetime | None
"""A point of the log: a sequence number, a record time (ISO 8601 text or an aware
``datetime``; UTC when naive), or None for now."""


@attrs.frozen(slots=True)
class Head:
    """The last entry of a log: its sequence number, hash, record time and the position
    after it."""

    seq: int
    hash: str
    time: str
    position: int


class ScannedEntry(NamedTuple):
    """One stored entry as a scan reads it: the header, the record's canonical bytes (not
    decoded) and the position after the entry."""

    header: EntryHeader
    body: bytes
    end: int


class ByteStore(ABC):
    """Named blobs of derived data that a backend keeps beside its log (snapshots, trees).

    Only ever a cache: whoever reads a blob checks it against the log before using it, and a
    blob that cannot be read or written costs only a rebuild.
    """

    @abstractmethod
    def get(self, name: str) -> bytes | None:
        """The blob called ``name``, or None when there is none (or it cannot be read)."""

    @abstractmethod
    def put(self, name: str, data: bytes) -> None:
        """Store ``data`` as ``name``, replacing it whole or not at all; failures are ignored."""

    def put_pieces(self, name: str, pieces: Sequence[bytes]) -> None:
        """Store the concatenation of ``pieces`` as ``name``, as :meth:`put` does (a store
        that can write them one after the other need not join them)."""
        self.put(name, b"".join(pieces))

    @abstractmethod
    def remove(self, name: str) -> None:
        """Forget ``name`` (nothing when it is not there)."""


class MemoryBytes(ByteStore):
    """A byte store in a dict (for logs held in memory)."""

    def __init__(self) -> None:
        self._blobs: dict[str, bytes] = {}

    def get(self, name: str) -> bytes | None:
        return self._blobs.get(name)

    def put(self, name: str, data: bytes) -> None:
        self._blobs[name] = bytes(data)

    def remove(self, name: str) -> None:
        self._blobs.pop(name, None)


@attrs.frozen(slots=True, hash=False)
class Entry:
    """One stored record with its place in the log."""

    seq: int
    time: str
    prev: str
    vocab: str
    id: str
    hash: str
    document: Mapping[str, Any]

    @property
    def short_id(self) -> str:
        """The record hash shortened, as a git hash is (12 hex digits)."""
        return self.id[:12]

    @property
    def kind(self) -> str:
        """The record's kind."""
        return str(self.document["kind"])

    @property
    def record(self) -> Record:
        """The record as a typed value (structured on each call: cheap enough, never stale)."""
        return structure_record(self.document)


def as_of_bounds(as_of: AsOf) -> tuple[int | None, str | None]:
    """A point of the log as (last sequence number, last record time); None for no bound.

    Raises :class:`~fonds.problems.ArgumentError` (argument ``as_of``) for anything else.
    """
    if as_of is None:
        return None, None
    if isinstance(as_of, datetime):
        moment = as_of
    elif isinstance(as_of, bool) or not isinstance(as_of, int | str):
        raise ArgumentError("as_of", as_of, _AS_OF_EXPECTED)
    elif isinstance(as_of, int):
        if as_of < 0:
            raise ArgumentError("as_of", as_of, "a sequence number is 0 or more")
        return as_of, None
    else:
        text = as_of.strip()
        if text.isascii() and text.isdigit():
            if len(text) > 18:
                raise ArgumentError("as_of", as_of, "a sequence number this large is no entry")
            return int(text), None
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ArgumentError("as_of", as_of, _AS_OF_EXPECTED) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return None, moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_AS_OF_EXPECTED = "expected a sequence number or a record time such as 2026-11-24T12:00:00Z"


class LogStore(ABC):
    """The log's interface; :class:`fonds.log.jsonl.JsonlLog` is the default backend."""

    #: Where the log lives, for messages (a directory, a file, ``<memory>``).
    location: str
    vocabulary: Vocabulary
    vocabulary_hash: str
    #: Derived data the backend keeps for this log (view snapshots, ...); only ever a cache.
    cache: ByteStore
    _vocabulary_data: bytes  # the vocabulary file's bytes, as the backend read them

    # -- storage primitives, one set per backend ---------------------------------------
    @abstractmethod
    def _lines(self, position: int = 0) -> Iterator[tuple[bytes, int]]:
        """Complete stored lines (no newline) from ``position``, each with the position after it."""

    @abstractmethod
    def _line_between(self, start: int, end: int) -> bytes:
        """The stored line of the entry between two positions (without its newline)."""

    @abstractmethod
    def _last_line(self) -> tuple[bytes, int] | None:
        """The last complete line and the position after it, without reading the whole log."""

    @abstractmethod
    def _commit(self, lines: Sequence[bytes]) -> int:
        """Store ``lines`` after the last one, all or nothing; return the new end position."""

    @abstractmethod
    def _exclusive(self) -> AbstractContextManager[None]:
        """Hold the writer's lock."""

    @abstractmethod
    def _index_store(self) -> LogIndex:
        """The index of this log (possibly stale; :meth:`index` brings it up to date)."""

    @abstractmethod
    def _integrity_problems(self) -> list[Problem]:
        """Faults of the storage itself (a torn last line, ...), before any entry is read."""

    # -- reading -----------------------------------------------------------------------
    def head(self) -> Head | None:
        """The last entry, or None for an empty log."""
        last = self._last_line()
        if last is None:
            return None
        line, position = last
        try:
            header, _ = split_line(line)
        except HeaderError as exc:
            raise LogIntegrityError(
                Problem(self.location, None, "/", "malformed-entry", f"last entry: {exc}")
            ) from None
        return Head(header.seq, header.hash, header.time, position)

    def entries(self, as_of: AsOf = None, *, start: int = 0) -> Iterator[Entry]:
        """Entries in log order after position ``start``, up to ``as_of``, the chain checked as
        they are read (a trusted load)."""
        stop_seq, stop_time = as_of_bounds(as_of)
        self.ensure_verified()
        for entry, _position in self._checked(start):
            if stop_seq is not None and entry.seq > stop_seq:
                return
            if stop_time is not None and entry.time > stop_time:
                return
            yield entry

    def ensure_verified(self) -> None:
        """Raise :class:`~fonds.problems.LogIntegrityError`, with the fault :meth:`verify`
        finds, when the stored log was changed behind fonds' back and no longer verifies.

        Views and :meth:`entries` call it before answering, so an answer never rests on a log
        that was edited in a place the answer does not read. A backend that only fonds writes
        has nothing to check; a folder log verifies the whole chain only when its file is not
        as fonds last verified or appended it.
        """
        return  # nothing to check here: only fonds writes this backend's storage

    def records(self, as_of: AsOf = None) -> Iterator[Record]:
        """The records, as typed values, in log order up to ``as_of``."""
        for entry in self.entries(as_of):
            yield entry.record

    def record_bytes(self, start: int, end: int) -> bytes:
        """The canonical bytes of the record stored between two positions (those a scan
        gave: the end of the entry before, and its own end)."""
        return record_body(self._line_between(start, end))

    def find(self, record_id: str, as_of: AsOf = None) -> list[Entry]:
        """The entries whose record hash is, or starts with, ``record_id`` (a full hash or a
        prefix of it), up to ``as_of``."""
        return [entry for entry in self.entries(as_of) if entry.id.startswith(record_id)]

    def scan(self, position: int = 0) -> Iterator[ScannedEntry]:
        """Stored entries after ``position`` as header, record bytes and the position after,
        the chain checked over the stored bytes; nothing is decoded.

        This is the trusted load's inner loop: it works on byte slices at the header's fixed
        offsets (see :func:`fonds.log.chain.split_line`) and hashes what is stored.
        """
        prev, prev_time = GENESIS, ""
        expected = 1
        sha = hashlib.sha256
        for number, (line, after) in enumerate(self._lines(position), start=1):
            try:
                header, body = split_line(line)
            except HeaderError as exc:
                self._fault(number, position, "malformed-entry", str(exc))
            seq, time, record_id = header.seq, header.time, header.id
            if position and number == 1:
                prev, expected = header.prev, seq
            if seq != expected:
                self._fault(number, position, "sequence-gap",
                            f"entry has sequence {seq}; expected {expected}")  # fmt: skip
            if header.prev != prev:
                self._fault(number, position, "chain-broken",
                            f"entry {seq} does not follow the entry before it")  # fmt: skip
            if time <= prev_time:
                self._fault(number, position, "time-not-monotonic",
                            f"entry {seq}: record time goes backwards")  # fmt: skip
            if sha(body).hexdigest() != record_id:
                self._fault(number, position, "record-hash-mismatch",
                            f"entry {seq}: the record does not match its hash")  # fmt: skip
            canonical = (
                f'{{"id":"{record_id}","prev":"{prev}","seq":{seq},"time":"{time}",'
                f'"vocab":"{header.vocab}"}}'
            )
            if sha(canonical.encode()).hexdigest() != header.hash:
                self._fault(number, position, "entry-hash-mismatch",
                            f"entry {seq}: the header does not match its hash")  # fmt: skip
            yield ScannedEntry(header, body, after)
            prev, prev_time, expected = header.hash, time, seq + 1

    def _fault(self, number: int, position: int, code: str, message: str) -> NoReturn:
        line = number if not position else None
        raise LogIntegrityError(Problem(self.location, line, "/", code, message))

    def _checked(self, position: int = 0) -> Iterator[tuple[Entry, int]]:
        loads = orjson.loads
        for header, body, after in self.scan(position):
            entry = Entry(
                header.seq, header.time, header.prev, header.vocab, header.id, header.hash,
                loads(body),
            )  # fmt: skip
            yield entry, after

    # -- following ---------------------------------------------------------------------
    def follow(
        self, after: int = 0, *, timeout: float | None = None, poll: float = 1.0
    ) -> Generator[Entry, None, None]:
        """Entries after sequence number ``after``, in log order, as they are committed: the
        iterator waits for new ones and ends once ``timeout`` seconds pass without one (never,
        when None).

        Each entry comes once, none is skipped, and each is checked to follow the one before
        it. A folder log is looked at every ``poll`` seconds. A PostgreSQL log is woken by the
        notification each append sends on commit, and is looked at every ``poll`` seconds as
        well, so a lost notification delays an entry but never loses it. Raises
        :class:`~fonds.problems.ArgumentError` (argument ``after``, ``timeout`` or ``poll``)
        for a value it cannot use, or a log holding fewer than ``after`` entries.
        """
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise ArgumentError("after", after, "expected a sequence number, 0 or more")
        if timeout is not None and not timeout >= 0:
            raise ArgumentError("timeout", timeout, "expected a number of seconds, 0 or more")
        if not poll > 0:
            raise ArgumentError("poll", poll, "expected a number of seconds above 0")
        clock = time.monotonic
        loads = orjson.loads
        with self._wake_ups() as wait:  # listening before the first look: no news is missed
            position, prev = self._cursor_after(after)
            seq = after
            deadline = None if timeout is None else clock() + timeout
            while True:
                for header, body, end in self.scan(position):
                    if header.seq != seq + 1 or header.prev != prev:
                        raise LogIntegrityError(
                            Problem(self.location, None, "/", "chain-broken",
                                    f"entry {header.seq} does not follow entry {seq}")
                        )  # fmt: skip
                    position, prev, seq = end, header.hash, header.seq
                    yield Entry(
                        header.seq, header.time, header.prev, header.vocab, header.id,
                        header.hash, loads(body),
                    )  # fmt: skip
                    if timeout is not None:
                        deadline = clock() + timeout
                if deadline is None:
                    wait(poll)
                    continue
                left = deadline - clock()
                if left <= 0:
                    return
                wait(min(poll, left))

    def _cursor_after(self, seq: int) -> tuple[int, str]:
        """The position after entry ``seq`` and that entry's hash (for 0: the start)."""
        if seq == 0:
            return 0, GENESIS
        head = self.head()
        if head is not None and head.seq == seq:
            return head.position, head.hash
        if head is not None and head.seq > seq:
            for header, _body, end in self.scan(0):
                if header.seq == seq:
                    return end, header.hash
        held = 0 if head is None else head.seq
        raise ArgumentError(
            "after", seq, f"expected at most {held}, the log's last sequence number"
        )

    @contextmanager
    def _wake_ups(self) -> Iterator[Callable[[float], None]]:
        """A wait of at most the seconds given, cut short by news of an append where the
        backend has any (a folder has none: its wait is the whole time)."""
        yield time.sleep

    # -- the index ---------------------------------------------------------------------
    def index(self) -> LogIndex:
        """The index, checked against the log and brought up to date with only the entries
        it lacks (rebuilt when its head is not where the log says)."""
        index = self._index_store()
        head = self.head()
        covered = index.covered()
        if head is None:
            if covered is not None:
                index.reset()
            return index
        if covered == (head.seq, head.hash, head.position):
            return index
        start = 0
        if covered is not None and covered[0] < head.seq:
            try:
                first = next(self.scan(covered[2]), None)
            except LogIntegrityError:
                first = None  # the covered position is not between two entries of this log
            if (
                first is not None
                and first.header.seq == covered[0] + 1
                and first.header.prev == covered[1]
            ):
                start = covered[2]
        if start == 0:
            index.reset()
        batch: list[tuple[int, str, dict[str, Any]]] = []
        last: tuple[int, str, int] | None = None
        for entry, after in self._checked(start):
            batch.append((entry.seq, entry.id, dict(entry.document)))
            last = (entry.seq, entry.hash, after)
            if len(batch) >= 10_000:
                index.add(batch, last)
                batch = []
        if last is not None:
            index.add(batch, last)
        return index

    # -- validating and appending ------------------------------------------------------
    def validate(
        self,
        lines: Iterable[tuple[str, int, bytes]],
        limits: Limits = Limits(),  # noqa: B008 - frozen value
    ) -> ValidationReport:
        """Check raw JSON Lines ``(path, line, bytes)`` as one batch against this log;
        nothing is appended."""
        return validate_lines(lines, self.vocabulary, self.index(), limits)

    def append(
        self,
        items: Iterable[Record | Mapping[str, Any]],
        limits: Limits = Limits(),  # noqa: B008 - frozen value
    ) -> list[Entry]:
        """Validate records (values or JSON documents) and append them all, or none."""

        def lines() -> Iterator[tuple[str, int, bytes]]:
            for number, item in enumerate(items, start=1):
                document = item if isinstance(item, Mapping) else unstructure_record(item)
                yield "<append>", number, orjson.dumps(document)

        return self.append_lines(lines(), limits)

    def append_lines(
        self,
        lines: Iterable[tuple[str, int, bytes]],
        limits: Limits = Limits(),  # noqa: B008 - frozen value
    ) -> list[Entry]:
        """Validate raw JSON Lines as one batch and append it whole; raise with every problem."""
        batch = list(lines)
        with self._exclusive(), gc_paused():
            integrity = self._integrity_problems()
            if integrity:
                raise LogIntegrityError(integrity[0])
            report = self.validate(batch, limits)
            if not report.ok:
                raise InvalidRecordError(report.problems)
            head = self.head()
            seq, prev, last = (head.seq, head.hash, head.time) if head else (0, GENESIS, None)
            stored: list[bytes] = []
            entries: list[Entry] = []
            ordered = log_order(report.records)
            for item, time in zip(ordered, record_times(last, len(ordered)), strict=True):
                seq += 1
                line, record_id, entry_hash = encode_entry(
                    seq, time, prev, self.vocabulary_hash, item.canonical
                )
                stored.append(line)
                entries.append(
                    Entry(
                        seq, time, prev, self.vocabulary_hash, record_id, entry_hash, item.document
                    )
                )
                prev = entry_hash
            if stored:
                position = self._commit(stored)
                self._index_store().add(
                    ((e.seq, e.id, dict(e.document)) for e in entries),
                    (entries[-1].seq, entries[-1].hash, position),
                )
            return entries

    def store_entries(self, lines: Iterable[bytes]) -> Head | None:
        """Store entries already encoded (stored lines of another log, as a copy reads them)
        after the last one, all or nothing, keeping their record times; return the new head.

        The records are not validated again (they were, when first appended): what is checked
        is that the entries continue this log's chain, each one's sequence, previous hash,
        record time and both hashes. Raises :class:`~fonds.problems.LogIntegrityError` naming
        the first entry that does not follow, and stores nothing then.
        """
        batch = [bytes(line[:-1] if line.endswith(b"\n") else line) for line in lines]
        with self._exclusive():
            integrity = self._integrity_problems()
            if integrity:
                raise LogIntegrityError(integrity[0])
            head = self.head()
            prev, prev_time, expected = (head.hash, head.time, head.seq + 1) if head else (
                GENESIS, "", 1,
            )  # fmt: skip
            for number, line in enumerate(batch, start=1):
                try:
                    header, body = split_line(line)
                except HeaderError as exc:
                    raise LogIntegrityError(
                        Problem("<entries>", number, "/", "malformed-entry", str(exc))
                    ) from None
                fault = entry_fault(header, body, prev, prev_time, expected)
                if fault is not None:
                    raise LogIntegrityError(Problem("<entries>", number, "/", *fault))
                prev, prev_time, expected = header.hash, header.time, header.seq + 1
            if batch:
                self._commit([line + b"\n" for line in batch])
            return self.head()

    def vocabulary_bytes(self) -> bytes:
        """The bytes of the vocabulary file this log carries (a copy carries the same bytes)."""
        return self._vocabulary_data

    # -- verifying ---------------------------------------------------------------------
    def verify(self, *, deep: bool = False) -> list[Problem]:
        """Re-check the whole log; the first fault found, or none.

        Every stored byte of every entry is covered by a hash, so the chain check proves that
        the records are the ones validated when they were appended. ``deep`` also re-validates
        every record against the schemas and rules, as of its place in the log.
        """
        problems = self._integrity_problems()
        if problems:
            return problems[:1]
        last: EntryHeader | None = None
        replay = LogIndex(None) if deep else None
        try:
            if replay is None:
                for header, _body, _after in self.scan(0):
                    last = header
            else:
                for entry, after in self._checked(0):
                    last = EntryHeader(
                        entry.seq, entry.time, entry.prev, entry.vocab, entry.id, entry.hash
                    )
                    found = self._revalidate(entry, replay)
                    if found:
                        return found[:1]
                    replay.add(
                        [(entry.seq, entry.id, dict(entry.document))],
                        (entry.seq, entry.hash, after),
                    )
        except LogIntegrityError as exc:
            return [exc.problem]
        finally:
            if replay is not None:
                replay.close()
        if last is not None and last.vocab != self.vocabulary_hash:
            return [
                Problem(
                    self._vocabulary_location(),
                    None,
                    "/",
                    "vocabulary-changed",
                    f"the vocabulary differs from the one entry {last.seq} was checked "
                    f"against (sha256 {last.vocab[:12]}…, now {self.vocabulary_hash[:12]}…)",
                )
            ]
        return []

    def _revalidate(self, entry: Entry, replay: LogIndex) -> list[Problem]:
        line = orjson.dumps(entry.document)
        report = validate_lines([(self.location, entry.seq, line)], self.vocabulary, replay)
        return [attrs.evolve(p, message=f"entry {entry.seq}: {p.message}") for p in report.problems]

    def _vocabulary_location(self) -> str:
        return f"{self.location}/vocabulary.json"


def vocabulary_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
