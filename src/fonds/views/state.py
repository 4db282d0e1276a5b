"""The folded state of a log: compact indexes over entries, rebuilt or brought up to date.

The log is the document store: the state keeps, per entry, where its record lies (so a view
decodes only the records it shows) and indexes by entity, by source and by historical date.
Corrections are kept with their own sequence number, so one state answers "as of N" for every
N: a correction counts only when its sequence is within N. A snapshot of the state, keyed by
the log head it covers, is kept in the log's cache; a later call loads it and folds only the
entries appended since.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import orjson

from fonds.gcpause import gc_paused
from fonds.log.base import Entry, LogStore, _as_of_filter
from fonds.log.chain import record_body, split_line
from fonds.model.dates import date_bounds

__all__ = ["Correction", "ViewState", "load_state"]

_SNAPSHOT_VERSION = 5
_DATED_KINDS = frozenset({"event", "participation", "quotation", "attribute", "relation"})
_ENTITY_KINDS = frozenset({"person", "place", "event", "source", "agent"})
_RESAVE_AFTER = 1_000
_TIME_WIDTH = 27  # 2026-11-24T12:00:00.000000Z


@attrs.frozen(slots=True)
class Correction:
    seq: int
    kind: str  # "supersede" or "retract"
    replacement: int | None
    reason: str


# The fields holding the entity ids a record is about, by kind (not its sources or recorder).
_MENTION_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "person": (("id",), ()),
    "place": (("id",), ()),
    "agent": (("id",), ()),
    "event": (("id",), ("places",)),
    "source": (("id", "part_of"), ()),
    "participation": (("person", "event", "place"), ()),
    "quotation": (("speaker", "event"), ("addressees",)),
    "attribute": (("subject", "place"), ()),
    "relation": (("subject", "object"), ()),
    "passage": (("source",), ()),
}
_NO_FIELDS: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())


def _add(index: dict[str, Sequence[int]], key: str, seq: int) -> None:
    """Append to a list, or reopen a sealed tuple as a list (a fold after a snapshot)."""
    found = index.get(key)
    if found is None:
        index[key] = [seq]
    elif isinstance(found, list):
        found.append(seq)
    else:
        index[key] = [*found, seq]


def _mentions(document: Mapping[str, Any]) -> list[str]:
    """The entity ids a record is about, each once, in field order."""
    single, lists = _MENTION_FIELDS.get(document["kind"], _NO_FIELDS)
    found = [document[f] for f in single if f in document]
    for field in lists:
        found.extend(document.get(field, ()))
    return found if len(found) < 2 else list(dict.fromkeys(found))


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
        self.declarations: dict[str, Sequence[int]] = {}
        self.mentions: dict[str, Sequence[int]] = {}
        self.citing: dict[str, Sequence[int]] = {}
        self.corrections: dict[int, list[Correction]] = {}
        self.dated: list[tuple[int, int, int]] = []  # (lower, upper, seq)
        self._dated_sorted = True
        # dated entries grouped by the magnitude of their span, each group sorted (derived)
        self._buckets: list[tuple[int, list[tuple[int, int, int]]]] | None = None
        self._documents: dict[int, Mapping[str, Any]] = {}
        self._reader: Any = None

    # -- folding -----------------------------------------------------------------------
    def apply(self, entry: Entry, span: tuple[int, int] = (0, 0), keep: bool = False) -> None:
        """Fold one entry in; ``keep`` holds its document in memory (logs without a file)."""
        self.fold(entry.seq, entry.time, entry.id, entry.hash, entry.document, span, keep)

    def fold(
        self,
        seq: int,
        time: str,
        record_id: str,
        entry_hash: str,
        document: Mapping[str, Any],
        span: tuple[int, int] = (0, 0),
        keep: bool = False,
    ) -> None:
        kind = document["kind"]
        self._ids += bytes.fromhex(record_id)
        self.kinds.append(kind)
        self._times += time.encode()
        self._ends.append(span[1])
        if self._seq_of is not None:
            self._seq_of[record_id] = seq
        if keep:
            self._documents[seq] = document
        if kind in _ENTITY_KINDS:
            _add(self.declarations, document["id"], seq)
        for entity in _mentions(document):
            _add(self.mentions, entity, seq)
        for citation in document.get("citations", ()):
            _add(self.citing, citation["source"], seq)
        if kind in ("supersede", "retract"):
            target = self.seq_of.get(document["target"])
            replacement = self.seq_of.get(document["replacement"]) if kind == "supersede" else None
            if target is not None:
                self.corrections.setdefault(target, []).append(
                    Correction(seq, kind, replacement, document["reason"])
                )
        if kind in _DATED_KINDS and "date" in document:
            bounds = date_bounds(document["date"], document.get("calendar"))
            if bounds is not None:
                self.dated.append((bounds[0], bounds[1], seq))
                self._dated_sorted = False
        self.head_seq, self.head_hash = seq, entry_hash

    def seal(self) -> None:
        """Turn the per-entity lists into tuples once folding is done. A million records give
        hundreds of thousands of them; the cyclic collector walks every list on each full pass,
        but stops tracking a tuple of plain numbers once it has seen it."""
        for index in (self.declarations, self.mentions, self.citing):
            for key, seqs in index.items():
                if isinstance(seqs, list):
                    index[key] = tuple(seqs)

    def dated_in_order(self) -> list[tuple[int, int, int]]:
        if not self._dated_sorted:
            self.dated.sort()
            self._dated_sorted = True
            self._buckets = None
        return self.dated

    def _span_buckets(self) -> list[tuple[int, list[tuple[int, int, int]]]]:
        """Entries grouped by span (a day, a month, a year, a decade, ...), each group sorted by
        its lower bound with its widest span: a range query bisects every group instead of
        scanning all entries that might reach into the range."""
        if self._buckets is None:
            groups: dict[int, list[tuple[int, int, int]]] = {}
            for entry in self.dated_in_order():
                groups.setdefault((entry[1] - entry[0]).bit_length(), []).append(entry)
            self._buckets = [
                (max(e[1] - e[0] for e in group), group) for _, group in sorted(groups.items())
            ]
        return self._buckets

    def dated_between(
        self, low: int, high: int, *, within: bool = False
    ) -> list[tuple[int, int, int]]:
        """Dated entries whose bounds overlap ``[low, high]`` (``within``: lie inside it), in
        order."""
        import bisect

        found: list[tuple[int, int, int]] = []
        for span, group in self._span_buckets():
            # sorted by lower bound: an entry inside starts at low, an overlapping one may
            # start up to the group's widest span before it
            start = bisect.bisect_left(group, (low if within else low - span,))
            stop = bisect.bisect_right(group, (high, 1 << 63))
            if within:
                found.extend(d for d in group[start:stop] if d[1] <= high)
            else:
                found.extend(d for d in group[start:stop] if d[1] >= low)
        found.sort()
        return found

    # -- per entry ---------------------------------------------------------------------
    def record_id(self, seq: int) -> str:
        return self._ids[32 * seq : 32 * seq + 32].hex()

    def time(self, seq: int) -> str:
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
        kept = self._documents.get(seq)
        if kept is not None:
            return kept
        start, end = self._ends[seq - 1], self._ends[seq]
        if self._reader is None:
            raise LookupError(f"entry {seq}: no document store attached")
        document: Mapping[str, Any] = orjson.loads(record_body(self._reader[start : end - 1]))
        return document

    def attach(self, data: bytes | None) -> None:
        """Give the state the log's bytes to decode records from."""
        self._reader = data

    # -- as of -------------------------------------------------------------------------
    def limit(self, as_of: object = None) -> int:
        """The last sequence number visible as of a point (a sequence number or a time)."""
        stop_seq, stop_time = _as_of_filter(as_of)  # type: ignore[arg-type]
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
        self.dated_in_order()
        derived = ("_reader", "_seq_of", "_buckets")
        payload = {k: v for k, v in self.__dict__.items() if k not in derived}
        with gc_paused():
            return pickle.dumps((_SNAPSHOT_VERSION, payload), protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_bytes(cls, data: bytes) -> ViewState | None:
        try:
            with gc_paused():
                version, payload = pickle.loads(data)
            state_version_ok = (
                version == _SNAPSHOT_VERSION
            )  # our own cache file, in the log's directory
        except Exception:
            return None
        if not state_version_ok:
            return None
        state = cls()
        state.__dict__.update(payload)
        state._seq_of = None
        return state


def load_state(log: LogStore, *, use_snapshot: bool = True) -> ViewState:
    """The folded state of ``log`` at its head: from the snapshot, brought up to date."""
    from fonds.log.jsonl import CACHE_DIR, JsonlLog

    if not isinstance(log, JsonlLog):
        state = ViewState()
        with gc_paused():
            for entry in log.entries():
                state.apply(entry, keep=True)
            state.seal()
        return state
    snapshot_path = log.directory / CACHE_DIR / "views.pickle"
    head = log.head()
    cached = _read_snapshot(snapshot_path) if use_snapshot else None
    state, start = ViewState(), 0
    if cached is not None and head is not None:
        if cached.head_seq == head.seq and cached.head_hash == head.hash:
            state, start = cached, cached.position
        elif cached.head_seq < head.seq:
            # only if the snapshot's head is still the entry before the ones it lacks
            following = next(log._lines(cached.position), None)
            if following is not None and split_line(following[0])[0].prev == cached.head_hash:
                state, start = cached, cached.position
    if head is not None and state.head_seq != head.seq:
        position, folded_from = start, state.head_seq
        loads = orjson.loads
        with gc_paused():
            for header, body, after in log._scan(start):
                state.fold(header.seq, header.time, header.id, header.hash, loads(body),
                           (position, after))  # fmt: skip
                position = after
            state.seal()
        state.position = position
        # a few new entries are cheaper to fold again next time than to re-save the snapshot
        if use_snapshot and (start == 0 or state.head_seq - folded_from >= _RESAVE_AFTER):
            _write_snapshot(snapshot_path, state)
    state.attach(_map(log.path) if head is not None else b"")
    return state


def _map(path: Path) -> Any:
    """The log's bytes, mapped rather than read: a view decodes only what it shows."""
    import mmap

    with path.open("rb") as handle:
        if handle.seek(0, 2) == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _read_snapshot(path: Path) -> ViewState | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return ViewState.from_bytes(data)


def _write_snapshot(path: Path, state: ViewState) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_bytes(state.to_bytes())
        temporary.replace(path)
    except OSError:
        pass  # a cache that cannot be written is only a slower next call
