"""The first build of the views by columns: the whole log checked in NumPy, indexed in DuckDB.

The reference fold (:func:`fonds.views.state.load_state` over :meth:`LogStore.scan`) handles
one record at a time in Python. A first build of a large folder log instead reads the file a
window of 128 MiB at a time and cuts it into lines with NumPy; the fixed-offset headers are
taken apart and checked by columns, a chunk of entries at a time, and the chain and record
times followed. In a file fonds has not verified, every header hash and record id is
recomputed by ``hashlib`` (faster here than DuckDB's ``sha256``); a file whose stamp says
fonds verified it, unchanged since, keeps its stored hashes. Meanwhile, on a DuckDB thread,
each window's records (an Arrow string-view column over its bytes, no copy) are read once for
every field the kinds table names; the indexes are then grouped and ordered there. Python
computes the bounds of each distinct (date, calendar) pair, plain days by columns, and slices
the grouped columns into the state's arrays.

The result is the state the reference fold gives, array for array (a property test holds the
two together). A log with any fault is not judged here: the reference scan runs instead and
names the first faulty entry exactly as it always does.
"""

from __future__ import annotations

import binascii
import bisect
import hashlib
import queue
import threading
from array import array
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from fonds.gcpause import gc_paused
from fonds.log.chain import GENESIS, EntryHeader, HeaderError, split_line
from fonds.model.dates import date_bounds
from fonds.model.kinds import KINDS, Kind
from fonds.model.records import SAME_AS
from fonds.views.dated import DatedEntries
from fonds.views.state import (
    CLAIM_SEPARATOR,
    INDEXES,
    RESTRICTED,
    Correction,
    PackedIndex,
    ViewState,
)

if TYPE_CHECKING:
    from fonds.log.jsonl import JsonlLog
    from fonds.log.postgres import PostgresLog

__all__ = ["build_state", "build_state_of_rows"]

_CHUNK = 1 << 22  # newlines are looked for 4 MiB at a time, in one reused array
_WINDOW = 1 << 27  # DuckDB reads 128 MiB of the log at a time: the build holds two windows
_sha256 = hashlib.sha256  # (a name of its own: a test checks that a trusted log is not hashed)


def build_state(log: JsonlLog) -> ViewState | None:
    """The folded state of a folder log from its first entry, built by columns; None when the
    stored log has a fault (or nothing to index), for the reference scan to report or fold.

    The file is read a window at a time, so the build never holds the whole of it. A file
    fonds has verified and not seen change since (its stamp matches) keeps its hashes: the
    headers are still checked by columns and the chain followed, but no hash is recomputed.
    Any other file has every record id and header hash recomputed, and is then stamped as
    verified, as a whole scan stamps it.
    """
    trusted = log.unchanged_since_verified()
    with log.stored_bytes() as (stored, before), gc_paused():
        built = _build(stored, trusted)
    if built is None:
        return None
    state, last = built
    if not trusted:
        log.stamp_verified(before, last, state.position)
    return state


def build_state_of_rows(log: PostgresLog) -> ViewState | None:
    """The folded state of a PostgreSQL log from its first entry, built by columns from its
    rows (every hash recomputed, as a scan of them does); None when a row has a fault, for the
    reference scan to report. A row's position is its sequence number."""
    with gc_paused():
        built = _build(_Pieces(log.stored_pieces()), trusted=False)
    if built is None:
        return None
    state = built[0]
    state._ends = array("q", range(state.head_seq + 1))
    state.position = state.head_seq
    return state


def _line_ends(data: memoryview) -> np.ndarray[Any, Any]:
    """The position after each newline (a torn last line has none and is left out, as a
    scan leaves it out)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    newline = np.empty(_CHUNK, dtype=bool)  # fresh memory for each chunk costs page faults
    found = [np.zeros(0, np.int64)]
    for at in range(0, len(raw), _CHUNK):
        part = raw[at : at + _CHUNK]
        np.equal(part, 10, out=newline[: len(part)])
        found.append(np.flatnonzero(newline[: len(part)]) + (at + 1))
    return np.concatenate(found).astype(np.int64)


def _fields() -> tuple[str, dict[tuple[str, str], str]]:
    """Every field the kinds table makes the fold read, as the structure each record's JSON is
    read into once (lists of text, citations as their sources, the rest as text), and the
    column each (kind, field) is read from."""
    lists = {"flags"} | {f for kind in KINDS for f in kind.about_lists}
    cited = {kind.citations for kind in KINDS if kind.citations is not None}
    names: list[str] = ["kind", "flags"]
    for kind in KINDS:
        wanted = [*kind.about_single, *kind.about_lists]
        wanted += [r.field for r in kind.references if r.declares]
        if kind.citations is not None:
            wanted.append(kind.citations)
        if kind.correction:
            wanted += ["target", "replacement", "reason"]
        if kind.timeline_date is not None:
            wanted.append(kind.timeline_date.field)
            if kind.timeline_date.calendar:
                wanted.append(kind.timeline_date.calendar)
        if kind.name == "relation":
            wanted.append("predicate")
        if kind.name == "attribute":
            wanted.append("property")
        names += [w for w in dict.fromkeys(wanted) if w not in names]

    def shape(name: str) -> object:
        if name in cited:
            return [{"source": "VARCHAR"}]
        return ["VARCHAR"] if name in lists else "VARCHAR"

    structure = orjson.dumps({name: shape(name) for name in names}).decode()
    columns = {(kind.name, name): f'x."{name}"' for kind in KINDS for name in names}
    return structure, columns


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_DAY = 86_400  # date bounds count seconds (fonds.model.dates)
_POWERS = np.array([10**k for k in range(19)], dtype=np.int64)
_GIB = 1 << 30
_ROWS = 1 << 15  # entries whose headers are checked at once: bounded temporary arrays


def _const(text: str) -> np.ndarray[Any, Any]:
    return np.frombuffer(text.encode(), dtype=np.uint8)


class _Chain:
    """The header fields of every entry, checked a window of the log at a time: the headers in
    the entry format, the sequence numbers, the chain and the record times followed across
    windows and, unless the file is trusted, every record id and header hash recomputed.
    ``sound`` is False at the first doubt."""

    def __init__(self, trusted: bool) -> None:
        self.trusted = trusted
        self.sound = True
        self.count = 0  # entries checked so far
        self.last_hash, self.last_time = _const(GENESIS), np.bytes_(b"")
        self.digests: list[bytes] = []
        self.ids: list[bytes] = []
        self.times: list[bytes] = []

    def layout(
        self, data: memoryview, ends: np.ndarray[Any, Any]
    ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Where the lines ending at ``ends`` (the next entries of the log, positions in
        ``data``) start, how many digits their sequence numbers have, and where each record
        starts; ``sound`` turns False when a line cannot hold a header and a record."""
        starts = np.concatenate([np.zeros(1, np.int64), ends[:-1]])
        seqs = np.arange(self.count + 1, self.count + len(ends) + 1, dtype=np.int64)
        digits = np.searchsorted(_POWERS, seqs, side="right")
        bodies = starts + 7 + digits + 342
        raw = np.frombuffer(data, dtype=np.uint8)
        # a line ends with "}" and its newline, and has room for its header and a record
        if not ((raw[ends - 2] == 125).all() and (ends - 2 - bodies >= 1).all()):
            self.sound = False
        return starts, digits, bodies

    def check(
        self,
        data: memoryview,
        ends: np.ndarray[Any, Any],
        layout: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]],
    ) -> None:
        """Check the entries whose lines end at ``ends`` in ``data``, a bounded number at a
        time, as the ones that follow those already checked."""
        sha = _sha256
        all_starts, all_digits, all_bodies = layout
        # the lines as Arrow values over the window (no copy), for their headers to be cut
        offsets = np.append(all_starts, ends[-1]).astype(np.int64)
        lines = pa.Array.from_buffers(
            pa.large_binary(), len(ends), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
        )
        for low in range(0, len(ends), _ROWS):
            high = min(len(ends), low + _ROWS)
            bodies = all_bodies[low:high].tolist()
            stops = (ends[low:high] - 2).tolist()
            digits = all_digits[low:high]
            # entries whose sequence numbers have as many digits share one header layout
            cuts = [0, *(np.flatnonzero(np.diff(digits)) + 1).tolist()]
            for a, b in pairwise([*cuts, high - low]):
                found = _headers(
                    lines.slice(low + a, b - a), self.count, int(digits[a]), self.trusted
                )
                if found is None:
                    self.sound = False
                    return
                time, hexes, hashes, prevs = found
                stamps = time.view("S27").ravel()
                if self.trusted:
                    try:
                        digest = binascii.unhexlify(hexes.tobytes())
                    except binascii.Error:
                        digest = b""
                else:
                    records = zip(bodies[a:b], stops[a:b], strict=True)
                    digest = b"".join([sha(data[x:y]).digest() for x, y in records])
                if not (
                    (prevs[0] == self.last_hash).all()
                    and (prevs[1:] == hashes[:-1]).all()
                    and stamps[0] > self.last_time
                    and (stamps[1:] > stamps[:-1]).all()
                    and binascii.hexlify(digest) == hexes.tobytes()
                ):
                    self.sound = False
                    return
                self.last_hash, self.last_time = hashes[-1], stamps[-1]
                self.count += b - a
                self.digests.append(digest)
                self.ids.append(hexes.tobytes())
                self.times.append(time.tobytes())


def _headers(
    lines: pa.Array, before: int, width: int, trusted: bool
) -> tuple[np.ndarray[Any, Any], ...] | None:
    """The record time, record id, hash and previous hash of the entries whose stored
    ``lines`` are given (the first one is entry ``before + 1``; all have sequence numbers of
    ``width`` digits, so one layout), each header hash recomputed unless ``trusted``; None
    when a header is not in the entry format or its hash does not match."""
    rows = len(lines)
    p = 7 + width  # the comma after the sequence number
    size = p + 342
    cut = pc.binary_slice(lines, 0, size)  # every line is longer (see _Chain.layout)
    first = np.frombuffer(cut.buffers()[1], np.int64, count=1, offset=8 * cut.offset)[0]
    headers = np.frombuffer(
        cut.buffers()[2], dtype=np.uint8, count=rows * size, offset=int(first)
    ).reshape(rows, size)
    seqs = np.arange(before + 1, before + rows + 1, dtype=np.int64)
    expected = (seqs[:, None] // _POWERS[width - 1 :: -1][:width] % 10 + 48).astype(np.uint8)
    marks = (
        (0, '{"seq":'), (p, ',"time":"'), (p + 36, '","prev":"'), (p + 110, '","vocab":"'),
        (p + 185, '","id":"'), (p + 257, '","hash":"'), (p + 331, '","record":'),
    )  # fmt: skip
    if not (
        headers.min() >= 32  # printable ASCII, as every header field is
        and headers.max() < 127
        and (headers[:, 7:p] == expected).all()
        and all((headers[:, at : at + len(m)] == _const(m)).all() for at, m in marks)
    ):
        return None
    time = headers[:, p + 9 : p + 36]
    prev = headers[:, p + 46 : p + 110]
    vocab = headers[:, p + 121 : p + 185]
    ids = headers[:, p + 193 : p + 257]
    hashes = headers[:, p + 267 : p + 331]
    if not trusted:

        def fixed(text: str) -> np.ndarray[Any, Any]:
            return np.broadcast_to(_const(text), (rows, len(text)))

        # the hashed header, {"id":R,"prev":P,"seq":N,"time":T,"vocab":V}, by columns
        columns = [
            fixed('{"id":"'), ids, fixed('","prev":"'), prev, fixed('","seq":'),
            headers[:, 7:p], fixed(',"time":"'), time, fixed('","vocab":"'), vocab, fixed('"}'),
        ]  # fmt: skip
        canonical = np.concatenate(columns, axis=1).tobytes()
        step = len(canonical) // rows
        flat = memoryview(canonical)
        sha = _sha256
        digests = b"".join([sha(flat[at : at + step]).digest() for at in range(0, len(flat), step)])
        if binascii.hexlify(digests) != np.ascontiguousarray(hashes).tobytes():
            return None
    return np.ascontiguousarray(time), np.ascontiguousarray(ids), hashes, prev


def _records(
    data: memoryview, first: int, bodies: np.ndarray[Any, Any], ends: np.ndarray[Any, Any]
) -> pa.Table:
    """Sequence numbers from ``first`` and the record bytes of the entries whose records start
    at ``bodies`` in ``data``, as a table whose record column is string views over ``data``,
    without a copy (a view's offset is 32-bit: the bytes are given in overlapping windows)."""
    count = len(ends)
    raw = np.frombuffer(data, dtype=np.uint8)
    lengths = ends - 2 - bodies
    windows = bodies // _GIB
    views = np.zeros((count, 4), dtype=np.int32)
    views[:, 0] = lengths
    prefix = raw[bodies[:, None] + np.arange(4)]  # every record is longer than 12
    views[:, 1] = np.ascontiguousarray(prefix).view(np.int32).ravel()
    views[:, 2] = windows
    views[:, 3] = bodies - windows * _GIB
    buffers = [pa.py_buffer(data[k * _GIB : (k + 2) * _GIB]) for k in range(int(windows[-1]) + 1)]
    body = pa.Array.from_buffers(
        pa.string_view(), count, [None, pa.py_buffer(views.tobytes()), *buffers]
    )
    return pa.Table.from_arrays(
        [_int64(np.arange(first, first + count)), body], names=["n", "body"]
    )


def _int64(values: np.ndarray[Any, Any]) -> pa.Array:
    """A NumPy column as an Arrow one, without a copy (``pa.array`` would load pandas)."""
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _numbers(column: pa.ChunkedArray | pa.Array) -> np.ndarray[Any, Any]:
    """A column of non-null BIGINTs as NumPy, read from the buffers (``to_numpy`` loads
    pandas)."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    parts = [
        np.frombuffer(c.buffers()[1], np.int64, count=len(c), offset=8 * c.offset)
        for c in chunks
        if len(c)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


_POOL = 2  # window buffers: one DuckDB reads, one being filled (Python is the slower side)
_ROOM = 1 << 20  # beyond a window, for the line the window before left unfinished


class _Readable(Protocol):
    def readinto(self, buffer: memoryview, /) -> int:
        """Fill ``buffer`` with the bytes that follow (as many as there are); how many."""
        ...


class _Pieces:
    """Stored bytes given as pieces, read into a caller's buffer as a file is."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._pending = memoryview(b"")  # what is left of the last piece taken

    def readinto(self, buffer: memoryview) -> int:
        filled = 0
        while filled < len(buffer):
            if not self._pending:
                piece = next(self._pieces, None)
                if piece is None:
                    break
                self._pending = memoryview(piece)
            take = min(len(self._pending), len(buffer) - filled)
            buffer[filled : filled + take] = self._pending[:take]
            self._pending, filled = self._pending[take:], filled + take
        return filled


class _Windows:
    """The log's bytes a window at a time, each window in a buffer of its own that begins with
    the line the window before left unfinished, read straight into it. Buffers come back from
    DuckDB once it has read them and are filled again: a fresh 128 MiB for each window would
    cost the kernel a page fault for every 4 KiB of the log."""

    def __init__(self, stored: _Readable, reader: _Reader) -> None:
        self._stored = stored
        self._reader = reader
        self._made = 0
        self._carried = b""

    def __iter__(self) -> Iterator[tuple[np.ndarray[Any, Any], memoryview]]:
        while True:
            buffer = self._spare(len(self._carried) + _WINDOW)
            view = memoryview(buffer.data)
            kept = len(self._carried)
            view[:kept] = self._carried
            filled = kept + self._stored.readinto(view[kept:])
            if filled == kept:  # the end; what is carried is a torn last line, not an entry
                self._reader.free.put(buffer)
                return
            yield buffer, view[:filled]

    def carry(self, data: memoryview, cut: int, buffer: np.ndarray[Any, Any] | None = None) -> None:
        """Keep ``data`` from ``cut`` on for the next window (and give ``buffer`` back when
        no window of it went to DuckDB)."""
        self._carried = bytes(data[cut:])
        if buffer is not None:
            self._reader.free.put(buffer)

    def _spare(self, size: int) -> np.ndarray[Any, Any]:
        """A buffer of at least ``size`` bytes: a new one while there are fewer than the
        pool's, else one DuckDB has given back (waiting for it). A new one is not cleared
        (clearing 128 MiB costs about as much as reading it)."""
        fresh = max(size, _WINDOW + _ROOM)
        if self._made < _POOL:
            self._made += 1
            return np.empty(fresh, dtype=np.uint8)
        while True:
            try:
                buffer = self._reader.free.get(timeout=1.0)
            except queue.Empty:
                if not self._reader.is_alive():  # (it gives every buffer back as it ends)
                    return np.empty(fresh, dtype=np.uint8)
                continue
            return buffer if len(buffer) >= size else np.empty(fresh, dtype=np.uint8)


class _Reader(threading.Thread):
    """DuckDB's side of the build, on a thread of its own: it reads the records of each window
    it is handed (their JSON once, for every field the indexes take) and gives its buffer back,
    then orders and groups the indexes. The log's bytes are held in a pool of buffers, two
    windows' worth."""

    def __init__(self, con: Any, extract: str, steps: list[tuple[str, str]]) -> None:
        super().__init__(name="fonds-columnar")
        self.con, self.extract, self.steps = con, extract, steps
        self.windows: queue.Queue[tuple[pa.Table, np.ndarray[Any, Any]] | None] = queue.Queue()
        self.free: queue.Queue[np.ndarray[Any, Any]] = queue.Queue()  # to be filled again
        self.tables: dict[str, pa.Table] = {}
        self.indexes: dict[str, PackedIndex] = {}
        self.failed: list[BaseException] = []
        self.wanted = True  # False when the build has already failed on Python's side
        # set once DuckDB is done (its tables made, or the build failed): the connection is
        # then Python's, while this thread goes on grouping the indexes
        self.tables_ready = threading.Event()

    def run(self) -> None:
        import duckdb

        ended, first = False, True
        try:
            while (window := self.windows.get()) is not None:
                records, buffer = window
                self.con.register("records", records)
                into = "CREATE TEMP TABLE x AS " if first else "INSERT INTO x "
                self.con.execute(into + self.extract)
                self.con.unregister("records")
                del records, window
                self.free.put(buffer)
                first = False
            ended = True
            self.free = queue.Queue()  # the buffers are not filled again
            for name, sql in self.steps if self.wanted and not first else ():
                if name:
                    self.tables[name] = _arrow(self.con, sql)
                else:
                    self.con.execute(sql).fetchall()
            if not first:  # every field is read out: its memory is the state's to use
                self.con.execute("DROP TABLE x")
        except duckdb.Error as exc:  # bytes DuckDB cannot read (not UTF-8, not JSON)
            self.failed.append(exc)
            while not ended:  # the windows still to come are let go of unread
                window = self.windows.get()
                if window is not None:
                    self.free.put(window[1])
                ended = window is None
        finally:
            self.tables_ready.set()
        if self.failed or not self.tables:
            return
        # grouped here while Python builds the rest of the state (NumPy and Arrow let go of
        # the interpreter for the sorting and the encoding); one at a time, as each holds its
        # rows and their order meanwhile (two at once cost a 1M build 150 MB more at its peak)
        for name in INDEXES:
            self._group(name)

    def _group(self, name: str) -> None:
        self.indexes[name] = _index(self.tables.pop(name), distinct=name == "mentions")


def _feed(
    windows: _Windows, chain: _Chain, reader: _Reader
) -> tuple[list[np.ndarray[Any, Any]], bytes]:
    """Hand each window to DuckDB and check its headers meanwhile; the line ends of every
    window (positions in the log) and the last line. The buffers are let go of on return."""
    found: list[np.ndarray[Any, Any]] = [np.zeros(0, np.int64)]
    last_line = b""
    base = 0  # where the window's first byte is in the log
    for buffer, data in windows:
        ends = _line_ends(data)
        if not len(ends):  # no line ends in this window: it is carried whole
            windows.carry(data, 0, buffer)
            continue
        cut = int(ends[-1])
        layout = chain.layout(data, ends)
        if not chain.sound:
            break
        first = chain.count + 1
        reader.windows.put((_records(data, first, layout[2], ends), buffer))
        chain.check(data, ends, layout)  # while DuckDB reads the same window
        if not chain.sound:
            break
        found.append(ends + base)
        base += cut
        last_line = bytes(data[int(layout[0][-1]) : cut - 1])
        windows.carry(data, cut)
    return found, last_line


def _build(stored: _Readable, trusted: bool) -> tuple[ViewState, EntryHeader | None] | None:
    """The state of the log whose stored bytes are read from ``stored``, and the header of its
    last entry; None when the log has a fault (or no entry)."""
    try:
        import duckdb
    except ImportError:  # the fold needs nothing but the standard library and orjson
        return None

    kinds = list(KINDS)
    structure, column = _fields()
    extract, steps = _queries(kinds, structure, column)
    con = duckdb.connect(":memory:")
    chain = _Chain(trusted)
    reader = _Reader(con, extract, steps)
    try:
        reader.start()
        try:
            found, last_line = _feed(_Windows(stored, reader), chain, reader)
        finally:
            reader.wanted = chain.sound
            reader.windows.put(None)
            reader.tables_ready.wait()
        if not chain.sound or reader.failed or not chain.count:
            return None  # the reference scan names the fault
        tables = reader.tables
        count = chain.count
        if _numbers(tables["count"].column(0)).tolist() != [count]:
            return None  # a record of no known kind: the reference fold reports it
        id_hex = b"".join(chain.ids)
        id_offsets = pa.py_buffer(np.arange(0, 64 * count + 1, 64, dtype=np.int64))
        ids = pa.Array.from_buffers(
            pa.large_string(), count, [None, id_offsets, pa.py_buffer(id_hex)]
        )
        seqs = _int64(np.arange(1, count + 1))
        con.register("e", pa.Table.from_arrays([seqs, ids], names=["n", "id"]))
        ends = np.concatenate(found)
        state = _state(con, tables, ends, kinds)
        reader.join()
        for name in INDEXES:
            setattr(state, name, reader.indexes[name])
    except duckdb.Error:
        return None
    finally:
        reader.join()
        con.close()
    state._ids = bytearray(32) + b"".join(chain.digests)
    state._times = bytearray(27) + b"".join(chain.times)
    state.head_seq, state.position = count, int(ends[-1])
    state.head_hash = chain.last_hash.tobytes().decode()
    try:
        last: EntryHeader | None = split_line(last_line)[0]
    except HeaderError:
        return None
    return state, last


def _list(field: str) -> str:
    return f"coalesce({field}, [])"


def _queries(
    kinds: Sequence[Kind], structure: str, column: dict[tuple[str, str], str]
) -> tuple[str, list[tuple[str, str]]]:
    """What DuckDB computes from the records alone: the query that reads a window's records
    into the rows of ``x`` (a column for each field, each record's JSON read once), then, in
    order, (name of the result, query) or ("", statement)."""
    kind_names = ", ".join(_quote(k.name) for k in kinds)

    def among(group: Sequence[Kind]) -> str:
        return f"kind IN ({', '.join(_quote(k.name) for k in group)})"

    def by_field(pairs: Sequence[tuple[Any, Kind]]) -> dict[Any, list[Kind]]:
        found: dict[Any, list[Kind]] = {}
        for key, kind in pairs:
            found.setdefault(key, []).append(kind)
        return found

    def listed(parts: Sequence[str]) -> str:
        """Rows (n, key) of the parts, in log order and, within a record, in list order."""
        union = (
            " UNION ALL ".join(parts)
            or "SELECT NULL::BIGINT AS n, 0 AS ord, 0 AS sub, NULL::VARCHAR AS key"
        )
        return f"SELECT n, key FROM ({union}) WHERE key IS NOT NULL ORDER BY n, ord, sub"

    def single(field: str, ord: int, group: Sequence[Kind]) -> str:
        value = column[(group[0].name, field)]
        return f"SELECT n, {ord} AS ord, 0 AS sub, {value} AS key FROM x WHERE {among(group)}"

    def many(values: str, ord: int, group: Sequence[Kind]) -> str:
        return (
            f"SELECT n, {ord} AS ord, unnest(generate_series(1, len({values}))) AS sub,"
            f" unnest({values}) AS key FROM x WHERE {among(group)}"
        )

    # declarations: the field that declares, per kind
    declaring = by_field([(r.field, k) for k in kinds for r in k.references if r.declares])
    declarations = [single(field, 0, group) for field, group in declaring.items()]
    # what each record is about: its single fields, then its lists, in the kind's order
    about: list[tuple[Any, Kind]] = []
    for k in kinds:
        about += [((f, i, False), k) for i, f in enumerate(k.about_single)]
        about += [((f, len(k.about_single) + i, True), k) for i, f in enumerate(k.about_lists)]
    mentions = [
        many(column[(group[0].name, f)], ord, group) if is_list else single(f, ord, group)
        for (f, ord, is_list), group in by_field(about).items()
    ]
    citing = [
        many(f"[c.source FOR c IN {column[(group[0].name, f)]}]", 0, group)
        for f, group in by_field([(k.citations, k) for k in kinds if k.citations]).items()
    ]
    claims = (
        f"SELECT n, 0 AS ord, 0 AS sub, {column[('attribute', 'subject')]} ||"
        f" chr({ord(CLAIM_SEPARATOR)}) || {column[('attribute', 'property')]} AS key"
        " FROM x WHERE kind = 'attribute'"
    )  # (claim_key, by columns)
    dated = by_field(
        [((k.timeline_date.field, k.timeline_date.calendar), k) for k in kinds if k.timeline_date]
    )
    dates = (
        " UNION ALL ".join(
            f"SELECT n, {column[(group[0].name, field)]} AS date,"
            f" {column[(group[0].name, calendar)] if calendar else 'NULL::VARCHAR'} AS calendar"
            f" FROM x WHERE {among(group)} AND {column[(group[0].name, field)]} IS NOT NULL"
            for (field, calendar), group in dated.items()
        )
        or "SELECT NULL::BIGINT AS n, NULL::VARCHAR AS date, NULL::VARCHAR AS calendar LIMIT 0"
    )
    fixes = [k for k in kinds if k.correction]
    corrections = (
        f"SELECT n, kind, {column[(fixes[0].name, 'target')]} AS target,"
        f" {column[(fixes[0].name, 'replacement')]} AS replacement,"
        f" {column[(fixes[0].name, 'reason')]} AS reason FROM x WHERE {among(fixes)}"
        if fixes
        else "SELECT NULL::BIGINT AS n, NULL::VARCHAR AS kind, NULL::VARCHAR AS target,"
        " NULL::VARCHAR AS replacement, NULL::VARCHAR AS reason LIMIT 0"
    )
    flags = _list('x."flags"')
    predicate = column[("relation", "predicate")]
    # every record is kept, whatever its kind: a filter here would be pushed into the
    # subquery and have DuckDB read each record's JSON twice (0.40 s a window against 0.24)
    extract = f"""
        SELECT n, j.* FROM (SELECT n, json_transform(body, {_quote(structure)}) AS j FROM records)
    """
    steps = [
        # the records of known kinds: all of them, or the build is left to the fold
        ("count", f"SELECT count(*)::BIGINT FROM x WHERE kind IN ({kind_names})"),
        ("kinds", f"SELECT (list_position([{kind_names}], kind) - 1)::BIGINT FROM x ORDER BY n"),
        ("restricted", f"SELECT n FROM x WHERE list_contains({flags}, {_quote(RESTRICTED)})"),
        ("same_as", f"""
            SELECT n FROM x WHERE kind = 'relation' AND {predicate} = {_quote(SAME_AS)} ORDER BY n
        """),
        ("declarations", listed(declarations)),
        ("mentions", listed(mentions)),
        ("citing", listed(citing)),
        ("claims", listed([claims])),
        ("", f"CREATE TEMP TABLE c AS {corrections}"),
        ("", f"CREATE TEMP TABLE d AS {dates}"),
        # the distinct dates; those of the simple Gregorian forms (a year, month, day or
        # moment, with or without a qualifier) taken apart for the columns to compute
        ("dates", f"""
            SELECT date, calendar, (simple AND part.year <> '')::BIGINT AS simple,
                {", ".join(f"coalesce(TRY_CAST(nullif(part.{g}, '') AS BIGINT), -1) AS {g}"
                           for g in _PARTS)}
            FROM (
                SELECT date, calendar, coalesce(calendar, '') IN ('', 'gregorian') AS simple,
                    regexp_extract(date, '{_SIMPLE_DATE}', {_PARTS}) AS part
                FROM (SELECT DISTINCT date, calendar FROM d)
            )
        """),
    ]  # fmt: skip
    return extract, steps


def _state(
    con: Any,
    tables: dict[str, pa.Table],
    ends: np.ndarray[Any, Any],
    kinds: Sequence[Kind],
) -> ViewState:
    """The state but for its indexes (grouped meanwhile on the reader's thread)."""
    state = ViewState()
    state._ends = array("q", [0])
    state._ends.frombytes(ends.tobytes())
    state._seq_of = None
    names = [k.name for k in kinds]
    state.kinds = ["", *map(names.__getitem__, _numbers(tables["kinds"].column(0)).tolist())]
    state.restricted = set(_numbers(tables["restricted"].column(0)).tolist())
    state.same_as = _numbers(tables["same_as"].column(0)).tolist()
    state.corrections = _corrections(con)
    state.dated = _dated(con, tables["dates"])
    return state


def _arrow(con: Any, sql: str) -> pa.Table:
    """A query's result as an Arrow table (the call's name differs between DuckDB versions)."""
    relation = con.sql(sql)
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
    table: pa.Table = fetch()
    return table


def _index(found: pa.Table, *, distinct: bool) -> PackedIndex:
    """An index as the state keeps it, from rows (sequence number, key) in log order: the keys
    in the order the fold first meets them, each key's sequence numbers in log order (once per
    record when ``distinct``, as a record's ``about`` is), as arrays sliced from one."""
    seqs = _numbers(found.column(0))
    keys = found.column(1).combine_chunks()
    encoded = pc.dictionary_encode(keys)  # codes in the order the keys first appear
    codes = np.frombuffer(
        encoded.indices.buffers()[1], np.int32, count=len(encoded), offset=4 * encoded.offset
    )
    order = _stable_order(codes)
    codes, seqs = codes[order], seqs[order]
    if distinct and len(seqs):
        keep = np.ones(len(seqs), dtype=bool)
        keep[1:] = (codes[1:] != codes[:-1]) | (seqs[1:] != seqs[:-1])
        codes, seqs = codes[keep], seqs[keep]
    names = encoded.dictionary.to_pylist()
    bounds = np.zeros(len(names) + 1, np.int64)
    np.cumsum(np.bincount(codes, minlength=len(names)), out=bounds[1:])
    starts, flat = array("q"), array("q")
    starts.frombytes(bounds.tobytes())
    flat.frombytes(np.ascontiguousarray(seqs, dtype=np.int64).tobytes())
    return PackedIndex(names, starts, flat)


def _stable_order(codes: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The stable argsort of non-negative 32-bit codes, as two stable sorts of 16-bit halves
    (NumPy sorts 16-bit keys by radix: three to five times faster than a stable sort of the
    32-bit codes)."""
    order = np.argsort((codes & 0xFFFF).astype(np.uint16), kind="stable")
    high = (codes >> 16).astype(np.uint16)
    if high.any():
        order = order[np.argsort(high[order], kind="stable")]
    return order


def _corrections(con: Any) -> dict[int, list[Correction]]:
    """Corrections by the entry they name: a record id names its latest entry up to the
    correction itself (the fold looks it up as it goes)."""
    rows = con.execute(
        "SELECT n, kind, target, replacement, reason FROM c WHERE target IS NOT NULL ORDER BY n"
    ).fetchall()
    if not rows:
        return {}
    # the entries of the ids corrections name: few, found by one pass over every id
    named = con.execute("""
        SELECT id, list(n ORDER BY n) FROM e
        WHERE id IN (SELECT target FROM c UNION SELECT replacement FROM c)
        GROUP BY id
    """).fetchall()
    entries: dict[str, list[int]] = {str(i): [int(n) for n in seqs] for i, seqs in named}

    def latest(record_id: str | None, before: int) -> int | None:
        seqs = entries.get(record_id or "", [])
        at = bisect.bisect_right(seqs, before)
        return seqs[at - 1] if at else None

    found: dict[int, list[Correction]] = {}
    for seq, kind, target, replacement, reason in rows:
        named_seq = latest(target, seq)
        if named_seq is not None:
            found.setdefault(named_seq, []).append(
                Correction(int(seq), str(kind), latest(replacement, seq), str(reason))
            )
    return found


_SIMPLE_DATE = (
    r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2})Z?)?)?)?[?~%]?$"
)
_PARTS = ["year", "month", "day", "hour", "minute", "second"]
_LENGTHS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _simple_bounds(
    years: np.ndarray[Any, Any],
    months: np.ndarray[Any, Any],
    days: np.ndarray[Any, Any],
    hours: np.ndarray[Any, Any],
    minutes: np.ndarray[Any, Any],
    seconds: np.ndarray[Any, Any],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """:func:`~fonds.model.dates.date_bounds` of simple Gregorian dates by columns: a year, a
    month, a day or a moment (-1 for a part not given), with the model's arithmetic (Hinnant's
    days from civil). Lower and upper bounds, and a mask of the dates they hold for (the rest,
    a month or day or time that does not exist, is for the model's parser to judge)."""  # fmt: skip
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))

    def day_number(month: np.ndarray[Any, Any], day: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        y = years - (month <= 2)
        era = y // 400
        yoe = y - era * 400
        doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
        doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
        result: np.ndarray[Any, Any] = era * 146097 + doe - 719468
        return result

    year_only, month_only = months < 0, (months >= 0) & (days < 0)
    month = np.where(year_only, 1, months)
    valid = (month >= 1) & (month <= 12)
    month = np.where(valid, month, 1)
    length = _LENGTHS[month] + ((month == 2) & leap)
    last_month = np.where(year_only, 12, month)
    last_length = np.where(year_only, 31, length)
    day = np.where(year_only | month_only, 1, days)
    valid &= (day >= 1) & (day <= length)
    timed = hours >= 0
    valid &= ~timed | ((hours <= 23) & (minutes <= 59) & (seconds <= 59))
    start = day_number(month, np.where(valid, day, 1)) * _DAY
    moment = start + hours * 3600 + minutes * 60 + seconds
    upper = np.where(
        year_only | month_only,
        day_number(last_month, last_length) * _DAY + _DAY - 1,
        start + _DAY - 1,
    )
    low = np.where(timed, moment, start)
    high = np.where(timed, moment, upper)
    return np.where(valid, low, 0), np.where(valid, high, 0), valid


def _dated(con: Any, pairs: pa.Table) -> DatedEntries:
    """(lower, upper, seq) of every entry a timeline places, sorted; the bounds computed once
    per distinct (date, calendar), the simple forms by columns."""
    simple = _numbers(pairs.column("simple")).astype(bool)
    low, high, valid = _simple_bounds(*(_numbers(pairs.column(g)) for g in _PARTS))
    known = simple & valid
    dates, calendars = pairs.column("date"), pairs.column("calendar")
    for at in np.flatnonzero(~known).tolist():  # the other forms, by the model's parser
        bounds = date_bounds(dates[at].as_py(), calendars[at].as_py())
        if bounds is not None:
            low[at], high[at], known[at] = bounds[0], bounds[1], True
    table = pa.Table.from_arrays(
        [dates.combine_chunks(), calendars.combine_chunks(), _int64(low), _int64(high),
         _int64(known)],
        names=["date", "calendar", "low", "high", "known"],
    )  # fmt: skip
    con.register("bounds", table)
    found = _arrow(
        con,
        """
        SELECT b.low, b.high, d.n FROM d JOIN bounds b
            ON d.date = b.date AND d.calendar IS NOT DISTINCT FROM b.calendar
        WHERE b.known = 1
        ORDER BY b.low, b.high, d.n
    """,
    )
    lows, highs, seqs = (array("q", _numbers(found.column(i)).tobytes()) for i in range(3))
    return DatedEntries(lows, highs, seqs)
