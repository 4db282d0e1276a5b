"""The folded state of a log: compact indexes over entries, rebuilt or brought up to date.

The log is the document store: the state keeps, per entry, where its record lies (so a view
decodes only the records it shows) and indexes by entity, by source and by historical date.
Corrections are kept with their own sequence number, so one state answers "as of N" for every
N: a correction counts only when its sequence is within N. A snapshot of the state, keyed by
the log head it covers, is kept in the log's cache; a later call loads it and folds only the
entries appended since.
"""

from __future__ import annotations

import gc
import pickle
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import orjson

from fonds.log.base import Entry, LogStore, _as_of_filter
from fonds.log.chain import split_line
from fonds.model.dates import DateError, DateInfo, parse_date

__all__ = ["Correction", "ViewState", "load_state"]

_SNAPSHOT_VERSION = 1
_DATED_KINDS = frozenset({"event", "participation", "quotation", "attribute", "relation"})


@attrs.frozen(slots=True)
class Correction:
    seq: int
    kind: str  # "supersede" or "retract"
    replacement: int | None
    reason: str


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Folding creates many small objects; the cyclic GC scanning them costs 2-3x.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _mentions(document: Mapping[str, Any]) -> set[str]:
    """The entity ids a record is about (its subjects, not its sources or recorder)."""
    kind = document.get("kind")
    found: set[str] = set()
    if kind in ("person", "place", "event", "source", "agent"):
        found.add(document["id"])
        found.update(document.get("places", ()))
        if kind == "source" and "part_of" in document:
            found.add(document["part_of"])
    elif kind == "participation":
        found.update((document["person"], document["event"]))
        if "place" in document:
            found.add(document["place"])
    elif kind == "quotation":
        found.add(document["speaker"])
        found.update(document.get("addressees", ()))
        if "event" in document:
            found.add(document["event"])
    elif kind == "attribute":
        found.add(document["subject"])
        if "place" in document:
            found.add(document["place"])
    elif kind == "relation":
        found.update((document["subject"], document["object"]))
    elif kind == "passage":
        found.add(document["source"])
    return found


class ViewState:
    """Indexes over a log's entries (1-based sequence numbers; index 0 unused)."""

    def __init__(self) -> None:
        self.head_seq = 0
        self.head_hash = ""
        self.position = 0
        self.ids: list[str] = [""]
        self.kinds: list[str] = [""]
        self.times: list[str] = [""]
        self.spans: list[tuple[int, int]] = [(0, 0)]
        self.seq_of: dict[str, int] = {}
        self.declarations: dict[str, list[int]] = {}
        self.mentions: dict[str, list[int]] = {}
        self.citing: dict[str, list[int]] = {}
        self.corrections: dict[int, list[Correction]] = {}
        self.dated: list[tuple[int, int, int]] = []  # (lower, upper, seq)
        self._dated_sorted = True
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
        self.ids.append(record_id)
        self.kinds.append(kind)
        self.times.append(time)
        self.spans.append(span)
        self.seq_of[record_id] = seq
        if keep:
            self._documents[seq] = document
        if kind in ("person", "place", "event", "source", "agent"):
            self.declarations.setdefault(document["id"], []).append(seq)
        for entity in _mentions(document):
            self.mentions.setdefault(entity, []).append(seq)
        for citation in document.get("citations", ()):
            self.citing.setdefault(citation["source"], []).append(seq)
        if kind in ("supersede", "retract"):
            target = self.seq_of.get(document["target"])
            replacement = self.seq_of.get(document["replacement"]) if kind == "supersede" else None
            if target is not None:
                self.corrections.setdefault(target, []).append(
                    Correction(seq, kind, replacement, document["reason"])
                )
        if kind in _DATED_KINDS and "date" in document:
            info = _date_info(document)
            if info is not None:
                lower = info.lower if info.lower is not None else -(1 << 62)
                upper = info.upper if info.upper is not None else 1 << 62
                self.dated.append((lower, upper, seq))
                self._dated_sorted = False
        self.head_seq, self.head_hash = seq, entry_hash

    def dated_in_order(self) -> list[tuple[int, int, int]]:
        if not self._dated_sorted:
            self.dated.sort()
            self._dated_sorted = True
        return self.dated

    # -- reading records ----------------------------------------------------------------
    def document(self, seq: int) -> Mapping[str, Any]:
        kept = self._documents.get(seq)
        if kept is not None:
            return kept
        start, end = self.spans[seq]
        if self._reader is None:
            raise LookupError(f"entry {seq}: no document store attached")
        _, body = split_line(self._reader[start : end - 1])
        document: Mapping[str, Any] = orjson.loads(body)
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
            import bisect

            return bisect.bisect_right(self.times, stop_time, 1) - 1
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
        payload = {k: v for k, v in self.__dict__.items() if k not in ("_reader",)}
        return pickle.dumps((_SNAPSHOT_VERSION, payload), protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_bytes(cls, data: bytes) -> ViewState | None:
        try:
            version, payload = pickle.loads(data)  # our own cache file, in the log's directory
        except Exception:
            return None
        if version != _SNAPSHOT_VERSION:
            return None
        state = cls()
        state.__dict__.update(payload)
        return state


def _date_info(document: Mapping[str, Any]) -> DateInfo | None:
    try:
        return parse_date(document["date"], document.get("calendar") or "gregorian")
    except DateError:
        return None


def load_state(log: LogStore, *, use_snapshot: bool = True) -> ViewState:
    """The folded state of ``log`` at its head: from the snapshot, brought up to date."""
    from fonds.log.jsonl import CACHE_DIR, JsonlLog

    if not isinstance(log, JsonlLog):
        state = ViewState()
        with _gc_paused():
            for entry in log.entries():
                state.apply(entry, keep=True)
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
        position = start
        loads = orjson.loads
        with _gc_paused():
            for header, body, after in log._scan(start):
                state.fold(header.seq, header.time, header.id, header.hash, loads(body),
                           (position, after))  # fmt: skip
                position = after
        state.position = position
        if use_snapshot:
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
