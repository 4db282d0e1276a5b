"""The folded state of a log: compact indexes over entries, rebuilt or brought up to date.

The log is the document store: the state keeps, per entry, where its record lies (so a view
decodes only the records it shows) and indexes by entity, by source and by historical date.
Corrections are kept with their own sequence number, so one state answers "as of N" for every
N: a correction counts only when its sequence is within N. What a record is about, whether it
declares an entity and which date places it on a timeline come from the kinds table.

A snapshot of the state is kept in the log's byte store (:attr:`LogStore.cache`), keyed by the
log head it covers; a later call loads it and folds only the entries appended since. The
snapshot is data only (arrays and text, read with ``struct``, ``array`` and ``orjson``: nothing
in it can run), carries a SHA-256 of its contents, and is used only when its head is the log's
head or the entry just before the ones it lacks; anything else is ignored and rebuilt.
"""

from __future__ import annotations

import hashlib
import struct
import sys
from array import array
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from itertools import accumulate, chain
from typing import Any

import attrs
import orjson

from fonds.gcpause import gc_paused
from fonds.log.base import AsOf, LogStore, ScannedEntry, as_of_bounds
from fonds.model.dates import date_bounds
from fonds.model.kinds import KINDS
from fonds.model.records import SAME_AS
from fonds.problems import LogIntegrityError, Problem
from fonds.views.dated import DatedEntries

__all__ = [
    "CLAIM_SEPARATOR",
    "INDEXES",
    "RESTRICTED",
    "SNAPSHOT",
    "Correction",
    "PackedIndex",
    "ViewState",
    "claim_key",
    "claim_of",
    "load_state",
]

RESTRICTED = "restricted"
"""The flag of a private or restricted record: views and exports leave it out unless asked."""

SNAPSHOT = "views.snapshot"
"""The name of the views' snapshot in the log's byte store."""
INDEXES = ("declarations", "mentions", "citing", "claims")
"""The state's indexes of sequence numbers by key (entity, entity, source, claim)."""
CLAIM_SEPARATOR = "\x1f"
"""Between a claim's subject and property in a claims key: neither holds a control character."""


def claim_key(subject: str, prop: str) -> str:
    """The key of the claims index: an attribute's subject and property."""
    return f"{subject}{CLAIM_SEPARATOR}{prop}"


def claim_of(key: str) -> tuple[str, str]:
    """The subject and property of a claims index key."""
    subject, _, prop = key.rpartition(CLAIM_SEPARATOR)
    return subject, prop


_SNAPSHOT_MAGIC = b"fonds-view-state\n"
_SNAPSHOT_VERSION = 10
_RESAVE_AFTER = 1_000
_TIME_WIDTH = 27  # 2026-11-24T12:00:00.000000Z
_KINDS = KINDS.by_name


@attrs.frozen(slots=True)
class Correction:
    """A supersession or retraction of an entry: its own sequence number, kind, the
    replacement's sequence number (a supersession's) and the reason."""

    seq: int
    kind: str  # "supersede" or "retract"
    replacement: int | None
    reason: str


class PackedIndex(MutableMapping[str, Sequence[int]]):
    """Sequence numbers by key, held as one flat array and sliced when a key is looked up.

    A million records give hundreds of thousands of keys: a slice made when asked for costs
    less than an array per key made up front (the columnar build and the snapshot load make
    this). Keys added or changed afterwards (a fold after a snapshot) are held apart; keys keep
    the order they were packed in, the added ones after.
    """

    __slots__ = ("_added", "_flat", "_slots", "_starts")

    def __init__(self, names: Sequence[str], starts: array[int], flat: array[int]) -> None:
        if len(starts) != len(names) + 1 or starts[-1] != len(flat):
            raise ValueError("a packed index needs a start for each key and an end")
        self._slots = dict(zip(names, range(len(names)), strict=True))
        self._starts, self._flat = starts, flat
        self._added: dict[str, Sequence[int]] = {}

    def __getitem__(self, key: str) -> Sequence[int]:
        found = self._added.get(key)
        if found is not None:
            return found
        at = self._slots[key]
        return self._flat[self._starts[at] : self._starts[at + 1]]

    def get(self, key: str, default: Any = None) -> Any:
        found = self._added.get(key)
        if found is not None:
            return found
        at = self._slots.get(key)
        return default if at is None else self._flat[self._starts[at] : self._starts[at + 1]]

    def __contains__(self, key: object) -> bool:
        return key in self._slots or key in self._added

    def __setitem__(self, key: str, value: Sequence[int]) -> None:
        self._added[key] = value

    def __delitem__(self, key: str) -> None:
        if key not in self:
            raise KeyError(key)
        self._added.pop(key, None)
        self._slots.pop(key, None)

    def __iter__(self) -> Iterator[str]:
        yield from self._slots
        yield from (key for key in self._added if key not in self._slots)

    def __len__(self) -> int:
        return len(self._slots) + sum(1 for key in self._added if key not in self._slots)

    def seal(self) -> None:
        """Turn the lists of keys folded since packing into arrays."""
        for key, seqs in self._added.items():
            if isinstance(seqs, list):
                self._added[key] = array("q", seqs)

    def parts(
        self,
    ) -> tuple[array[int], array[int], Mapping[str, int], Mapping[str, Sequence[int]]]:
        """The packed numbers, each key's start in them, the key of each slot, and the keys
        added since packing (whose slots, if any, no longer count): for readers by columns."""
        return self._flat, self._starts, self._slots, self._added

    def packed(self) -> tuple[bytes, bytes, bytes] | None:
        """Keys, counts and sequence numbers as a snapshot stores them, when nothing was added
        since packing (then no key needs slicing)."""
        if self._added or len(self._slots) != len(self._starts) - 1:
            return None
        starts = self._starts
        counts = array("I", map(int.__sub__, starts[1:], starts[:-1]))
        return "\n".join(self._slots).encode(), counts.tobytes(), self._flat.tobytes()


def _add(index: MutableMapping[str, Sequence[int]], key: str, seq: int) -> None:
    """Append to a list, or reopen a sealed array as a list (a fold after a snapshot)."""
    found = index.get(key)
    if found is None:
        index[key] = [seq]
    elif isinstance(found, list):
        found.append(seq)
    else:
        index[key] = [*found, seq]


class ViewState:
    """Indexes over a log's entries (1-based sequence numbers; index 0 unused)."""

    def __init__(self) -> None:
        self.head_seq = 0
        self.head_hash = ""
        self.position = 0
        # Per entry, compactly (a snapshot loads in one pass): record ids as 32 raw bytes,
        # record times as 27 characters, the stored line's end position.
        self._ids = bytearray(32)
        self.kinds: list[str] = [""]
        self._times = bytearray(_TIME_WIDTH)
        self._ends = array("q", [0])
        self._seq_of: dict[str, int] | None = {}
        # sequence numbers by entity and by source: lists while folding, sealed into tuples
        # after (see seal)
        self.declarations: MutableMapping[str, Sequence[int]] = {}
        self.mentions: MutableMapping[str, Sequence[int]] = {}
        self.citing: MutableMapping[str, Sequence[int]] = {}
        # attribute records by subject and property (claim_key): what conflicts compare
        self.claims: MutableMapping[str, Sequence[int]] = {}
        self.corrections: dict[int, list[Correction]] = {}
        # entries flagged restricted (private): left out of answers unless asked for
        self.restricted: set[int] = set()
        # same-as relations, standing or not: a question merges ids by those standing then
        self.same_as: list[int] = []
        # (lower, upper, seq) of the entries a timeline places
        self.dated = DatedEntries()
        self._reader: Callable[[int, int], bytes] | None = None
        self.location = "<log>"

    # -- folding -----------------------------------------------------------------------
    def fold(
        self,
        seq: int,
        time: str,
        record_id: str,
        entry_hash: str,
        document: Mapping[str, Any],
        span: tuple[int, int] = (0, 0),
    ) -> None:
        """Fold one entry in (its header fields and decoded record)."""
        kind = document["kind"]
        spec = _KINDS[kind]
        self._ids += bytes.fromhex(record_id)
        self.kinds.append(kind)
        self._times += time.encode()
        self._ends.append(span[1])
        if self._seq_of is not None:
            self._seq_of[record_id] = seq
        if RESTRICTED in document.get("flags", ()):
            self.restricted.add(seq)
        if spec.entity:
            _add(self.declarations, document["id"], seq)
        for entity in spec.about(document):
            _add(self.mentions, entity, seq)
        if spec.citations is not None:
            for citation in document.get(spec.citations, ()):
                _add(self.citing, citation["source"], seq)
        if kind == "relation" and document["predicate"] == SAME_AS:
            self.same_as.append(seq)
        if kind == "attribute":
            _add(self.claims, claim_key(document["subject"], document["property"]), seq)
        if spec.correction:
            target = self.seq_of.get(document["target"])
            replaced_by = document.get("replacement")
            replacement = self.seq_of.get(replaced_by) if replaced_by is not None else None
            if target is not None:
                self.corrections.setdefault(target, []).append(
                    Correction(seq, kind, replacement, document["reason"])
                )
        when = spec.timeline_date
        if when is not None and when.field in document:
            calendar = document.get(when.calendar) if when.calendar else None
            bounds = date_bounds(document[when.field], calendar)
            if bounds is not None:
                self.dated.add(bounds[0], bounds[1], seq)
        self.head_seq, self.head_hash = seq, entry_hash

    def seal(self) -> None:
        """Turn the per-entity lists into arrays of numbers once folding is done. A million
        records give hundreds of thousands of them: an array holds its numbers in 8 bytes each
        (a list, one object each) and the cyclic collector never walks it."""
        for index in (getattr(self, name) for name in INDEXES):
            if isinstance(index, PackedIndex):
                index.seal()
                continue
            for key, seqs in index.items():
                if isinstance(seqs, list):
                    index[key] = array("q", seqs)

    def dated_in_order(self) -> DatedEntries:
        """The dated entries, every one in its place."""
        self.dated.settle()
        return self.dated

    def dated_between(
        self, low: int, high: int, *, within: bool = False
    ) -> list[tuple[int, int, int]]:
        """Dated entries whose bounds overlap ``[low, high]`` (``within``: lie inside it), in
        order."""
        return self.dated.between(low, high, within=within)

    # -- per entry ---------------------------------------------------------------------
    def record_id(self, seq: int) -> str:
        """The record hash of entry ``seq``."""
        return self._ids[32 * seq : 32 * seq + 32].hex()

    def time(self, seq: int) -> str:
        """The record time of entry ``seq``."""
        return self._times[_TIME_WIDTH * seq : _TIME_WIDTH * seq + _TIME_WIDTH].decode()

    @property
    def seq_of(self) -> dict[str, int]:
        """Sequence number by record id; rebuilt on first use after loading a snapshot."""
        if self._seq_of is None:
            ids = self._ids
            self._seq_of = {ids[32 * s : 32 * s + 32].hex(): s for s in range(1, self.head_seq + 1)}
        return self._seq_of

    # -- reading records ----------------------------------------------------------------
    def document(self, seq: int) -> Mapping[str, Any]:
        """The record of entry ``seq``, read back from the log and decoded.

        The bytes read are checked against the record hash the fold saw, so a log changed
        behind the state's back is reported (as ``fonds verify`` reports it), never shown.
        """
        if self._reader is None:
            raise LookupError(f"entry {seq}: no log attached")
        try:
            body = self._reader(self._ends[seq - 1], self._ends[seq])
        except (ValueError, LookupError, OSError):
            body = b""
        if hashlib.sha256(body).digest() != self._ids[32 * seq : 32 * seq + 32]:
            raise LogIntegrityError(
                Problem(
                    self.location, None, "/", "record-hash-mismatch",
                    f"entry {seq}: the record does not match its hash",
                )
            )  # fmt: skip
        document: Mapping[str, Any] = orjson.loads(body)
        return document

    def stored_record(self, seq: int) -> bytes:
        """The stored bytes of entry ``seq``'s record, not checked against its hash: for a
        question to pass over records it has no use for; what it shows it reads with
        :meth:`document`."""
        if self._reader is None:
            raise LookupError(f"entry {seq}: no log attached")
        return self._reader(self._ends[seq - 1], self._ends[seq])

    def attach(self, reader: Callable[[int, int], bytes], location: str = "<log>") -> None:
        """Give the state the call that reads a record's bytes between two log positions
        (and where that log is, for messages)."""
        self._reader = reader
        self.location = location

    # -- as of -------------------------------------------------------------------------
    def limit(self, as_of: AsOf = None) -> int:
        """The last sequence number visible as of a point (a sequence number or a time)."""
        stop_seq, stop_time = as_of_bounds(as_of)
        if stop_seq is not None:
            return min(stop_seq, self.head_seq)
        if stop_time is not None:
            low, high = 1, self.head_seq + 1
            while low < high:  # the first entry recorded after stop_time
                middle = (low + high) // 2
                if self.time(middle) <= stop_time:
                    low = middle + 1
                else:
                    high = middle
            return low - 1
        return self.head_seq

    def status(self, seq: int, limit: int) -> Correction | None:
        """The correction in force on an entry as of ``limit``, if any."""
        for correction in self.corrections.get(seq, ()):
            if correction.seq <= limit:
                return correction
        return None

    def active(self, seq: int, limit: int) -> bool:
        return seq <= limit and self.status(seq, limit) is None

    def declaration(self, entity_id: str, limit: int) -> int | None:
        """The entity's current declaration as of ``limit``."""
        for seq in reversed(self.declarations.get(entity_id, ())):
            if self.active(seq, limit):
                return seq
        return None

    # -- snapshots ---------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The state as a snapshot: data only, checksummed, keyed by the head it covers."""
        return b"".join(self.snapshot_pieces())

    def snapshot_pieces(self) -> list[bytes]:
        """:meth:`to_bytes` in pieces, for a store to write one after the other."""
        from concurrent.futures import ThreadPoolExecutor

        names = sorted({*self.kinds[1:]})
        digest = hashlib.sha256()
        offsets: dict[str, list[int]] = {}
        sections: list[bytes] = []
        at = 0
        # each section is hashed on a thread of its own while the next is made (hashlib lets
        # go of the interpreter): a 1M state's 130 MB take 0.12 s to hash
        with ThreadPoolExecutor(max_workers=1) as hashing:
            for name, data in self._sections(names):
                hashing.submit(digest.update, data)
                offsets[name] = [at, len(data)]
                at += len(data)
                sections.append(data)
        meta = orjson.dumps(
            {
                "version": _SNAPSHOT_VERSION,
                "byteorder": sys.byteorder,
                "head_seq": self.head_seq,
                "head_hash": self.head_hash,
                "position": self.position,
                "kind_names": names,
                "sections": offsets,
                "sha256": digest.hexdigest(),
            }
        )
        return [_SNAPSHOT_MAGIC, struct.pack(">I", len(meta)), meta, *sections]

    def _sections(self, names: list[str]) -> Iterator[tuple[str, bytes]]:
        """The snapshot's sections in order, each made when asked for."""
        code = {name: index for index, name in enumerate(names)}
        yield "ids", bytes(self._ids)
        yield "times", bytes(self._times)
        yield "ends", self._ends.tobytes()
        yield "kinds", bytes(map(code.__getitem__, self.kinds[1:]))
        lows, highs, seqs = self.dated.to_bytes()
        yield "dated.lows", lows
        yield "dated.highs", highs
        yield "dated.seqs", seqs
        yield "restricted", array("q", sorted(self.restricted)).tobytes()
        yield "same_as", array("q", self.same_as).tobytes()
        corrections = [
            [target, c.seq, c.kind, c.replacement, c.reason]
            for target, found in sorted(self.corrections.items())
            for c in found
        ]
        yield "corrections", orjson.dumps(corrections)
        for name in INDEXES:
            keys, counts, flat = _pack_index(getattr(self, name))
            yield f"{name}.keys", keys
            yield f"{name}.counts", counts
            yield f"{name}.seqs", flat

    @classmethod
    def from_bytes(cls, data: bytes) -> ViewState | None:
        """The state in a snapshot; None for anything that is not a whole, intact snapshot of
        this version (garbage, another format, a truncated or altered file)."""
        try:
            with gc_paused():
                return _read_snapshot(cls(), data)
        except (ValueError, KeyError, TypeError, IndexError, struct.error, UnicodeDecodeError):
            return None


def _pack_index(index: Mapping[str, Sequence[int]]) -> tuple[bytes, bytes, bytes]:
    packed = index.packed() if isinstance(index, PackedIndex) else None
    if packed is not None:
        return packed
    keys = "\n".join(index).encode()
    counts = array("I", (len(seqs) for seqs in index.values()))
    flat = array("q")
    for seqs in index.values():
        flat.extend(seqs)
    return keys, counts.tobytes(), flat.tobytes()


def _unpack_index(keys: bytes, counts: bytes, flat: bytes, top: int) -> PackedIndex:
    names = keys.decode().split("\n") if keys else []
    sizes, seqs = array("I"), array("q")
    sizes.frombytes(counts)
    seqs.frombytes(flat)
    if len(names) != len(sizes) or sum(sizes) != len(seqs):
        raise ValueError("index sections disagree")
    if seqs:
        if len(seqs) > 100_000:  # a large log's millions of numbers, by NumPy (loaded then)
            import numpy as np

            numbers = np.frombuffer(seqs, dtype=np.int64)
            low, high = int(numbers.min()), int(numbers.max())
        else:
            low, high = min(seqs), max(seqs)
        if low < 1 or high > top:
            raise ValueError("index names entries the snapshot does not cover")
    return PackedIndex(names, array("q", [0, *accumulate(sizes)]), seqs)


def _read_snapshot(state: ViewState, data: bytes) -> ViewState | None:
    if not data.startswith(_SNAPSHOT_MAGIC):
        return None
    at = len(_SNAPSHOT_MAGIC)
    (meta_length,) = struct.unpack_from(">I", data, at)
    meta: dict[str, Any] = orjson.loads(data[at + 4 : at + 4 + meta_length])
    payload = memoryview(data)[at + 4 + meta_length :]
    if meta["version"] != _SNAPSHOT_VERSION or meta["byteorder"] != sys.byteorder:
        return None
    if hashlib.sha256(payload).hexdigest() != meta["sha256"]:
        return None

    def section(name: str) -> bytes:
        offset, length = meta["sections"][name]
        if offset < 0 or length < 0 or offset + length > len(payload):
            raise ValueError(f"section {name} lies outside the snapshot")
        return bytes(payload[offset : offset + length])

    top = int(meta["head_seq"])
    names = [str(name) for name in meta["kind_names"]]
    if top < 0 or any(name not in _KINDS for name in names):
        return None
    ids, times, ends, codes = section("ids"), section("times"), array("q"), section("kinds")
    ends.frombytes(section("ends"))
    if not (len(ids) == 32 * (top + 1) and len(times) == _TIME_WIDTH * (top + 1)):
        return None
    if len(ends) != top + 1 or len(codes) != top:
        return None
    state.head_seq, state.head_hash = top, str(meta["head_hash"])
    state.position = int(meta["position"])
    state._ids, state._times, state._ends = bytearray(ids), bytearray(times), ends
    state.kinds = ["", *map(names.__getitem__, codes)]
    state._seq_of = None
    dated = {part: array("q") for part in ("lows", "highs", "seqs")}
    for part, numbers in dated.items():
        numbers.frombytes(section(f"dated.{part}"))
    state.dated = DatedEntries(**dated)  # (as many of each, or a ValueError)
    restricted = array("q")
    restricted.frombytes(section("restricted"))
    if restricted and (restricted[0] < 1 or restricted[-1] > top):
        return None
    state.restricted = set(restricted)
    same_as = array("q")
    same_as.frombytes(section("same_as"))
    if same_as and (same_as[0] < 1 or same_as[-1] > top):
        return None
    state.same_as = same_as.tolist()
    for target, seq, kind, replacement, reason in orjson.loads(section("corrections")):
        state.corrections.setdefault(int(target), []).append(
            Correction(int(seq), str(kind), replacement, str(reason))
        )
    for name in INDEXES:
        keys, counts, seqs = (section(f"{name}.{part}") for part in ("keys", "counts", "seqs"))
        setattr(state, name, _unpack_index(keys, counts, seqs, top))
    return state


def load_state(log: LogStore, *, use_snapshot: bool = True) -> ViewState:
    """The folded state of ``log`` at its head: from the snapshot, brought up to date.

    The snapshot is used only when it covers the log's own head, or an earlier entry that the
    rest of the log still follows; otherwise the state is folded from the first entry.
    A snapshot is trusted only while the log is as fonds last verified it
    (:meth:`LogStore.ensure_verified`); a fold from the first entry checks the chain itself.
    The first build of a large folder log is done by columns (:mod:`fonds.views.columnar`),
    to the same state; the fold here stays the reference it is tested against.
    """
    head = log.head()
    cached = None
    if use_snapshot and head is not None:
        data = log.cache.get(SNAPSHOT)
        cached = ViewState.from_bytes(data) if data else None
    state, start = ViewState(), 0
    pending: Iterator[ScannedEntry] = iter(())
    if cached is not None and head is not None:
        if (cached.head_seq, cached.head_hash, cached.position) == (
            head.seq, head.hash, head.position,
        ):  # fmt: skip
            state, start = cached, cached.position
        elif cached.head_seq < head.seq:
            scanning = log.scan(cached.position)
            following = _first(scanning)
            if (
                following is not None
                and following.header.seq == cached.head_seq + 1
                and following.header.prev == cached.head_hash
            ):
                # the log goes on from the snapshot's head: fold only what follows it
                state, start = cached, cached.position
                pending = chain([following], scanning)
    if start:  # an edit since the snapshot, wherever it is, must be found before it is used
        log.ensure_verified()
    if head is not None and state.head_seq != head.seq:
        position, folded_from = start, state.head_seq
        built = _built_by_columns(log) if not start and head.seq >= _COLUMNAR_FROM else None
        if built is not None:
            state, position = built, built.position
        else:
            loads = orjson.loads
            with gc_paused():
                for header, body, after in pending if start else log.scan(0):
                    state.fold(header.seq, header.time, header.id, header.hash, loads(body),
                               (position, after))  # fmt: skip
                    position = after
                state.seal()
        state.position = position
        # a few new entries are cheaper to fold again next time than to re-save the snapshot
        if use_snapshot and (start == 0 or state.head_seq - folded_from >= _RESAVE_AFTER):
            log.cache.put_pieces(SNAPSHOT, state.snapshot_pieces())
    state.attach(log.record_bytes, log.location)
    return state


# below this, Python folds a log before DuckDB (and NumPy, Arrow) have loaded and planned
_COLUMNAR_FROM = 30_000


def _built_by_columns(log: LogStore) -> ViewState | None:
    """The first build of a folder or PostgreSQL log by columns
    (:mod:`fonds.views.columnar`); None for another backend, or a log the columns leave to the
    fold (one with a fault, which the fold's scan then names)."""
    from fonds.log.jsonl import JsonlLog

    if isinstance(log, JsonlLog):
        from fonds.views.columnar import build_state

        return build_state(log)
    if not hasattr(log, "stored_pieces"):  # (another backend: psycopg is not loaded for it)
        return None
    from fonds.log.postgres import PostgresLog
    from fonds.views.columnar import build_state_of_rows

    return build_state_of_rows(log) if isinstance(log, PostgresLog) else None


def _first(scanning: Iterator[ScannedEntry]) -> ScannedEntry | None:
    """The first entry of a scan, or None when there is none or it cannot be read there (a
    snapshot's position that no longer falls between two entries)."""
    try:
        return next(scanning, None)
    except (LogIntegrityError, OSError, LookupError):
        return None
