"""The first build of the views by columns: the whole log checked and indexed in DuckDB.

The reference fold (:func:`fonds.views.state.load_state` over :meth:`LogStore.scan`) handles
one record at a time in Python. A first build of a large folder log instead reads the file
once, cuts it into lines with NumPy, hands the lines to DuckDB as one Arrow column (no copy)
and lets DuckDB's vectorised operators, on every core, do the rest: take the fixed-offset
header apart, recompute every record id and header hash, check the chain, and pull out of
each record the fields the kinds table names, once; the indexes are then grouped and ordered
there. Python only computes the bounds of each distinct (date, calendar) pair and turns the
grouped columns into the state's arrays.

The result is the state the reference fold gives, array for array (a property test holds the
two together). A log with any fault is not judged here: the reference scan runs instead and
names the first faulty entry exactly as it always does.
"""

from __future__ import annotations

import binascii
import hashlib
from array import array
from collections.abc import Sequence
from itertools import accumulate, pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from fonds.gcpause import gc_paused
from fonds.log.chain import GENESIS, split_line
from fonds.model.dates import date_bounds
from fonds.model.kinds import KINDS, Kind
from fonds.model.records import SAME_AS
from fonds.views.state import RESTRICTED, Correction, ViewState

if TYPE_CHECKING:
    from fonds.log.jsonl import JsonlLog

__all__ = ["COLUMNAR_FROM", "build_state"]

COLUMNAR_FROM = 5_000
"""Logs of fewer entries fold faster in Python than DuckDB starts up and plans its queries."""

_CHUNK = 1 << 26  # newlines are looked for 64 MiB at a time: a bounded temporary array


def build_state(log: JsonlLog) -> ViewState | None:
    """The folded state of a folder log from its first entry, built by columns; None when the
    stored log has a fault (or nothing to index), for the reference scan to report or fold.

    The log file is stamped as verified, as a whole scan stamps it.
    """
    data, before = log.stored_bytes()
    ends = _line_ends(data)
    if not len(ends):
        return None
    with gc_paused():
        state = _build(data, ends)
    if state is None:
        return None
    start = int(ends[-2]) if len(ends) > 1 else 0
    last, _ = split_line(data[start : state.position - 1])
    log.stamp_verified(before, last, state.position)
    return state


def _line_ends(data: bytes) -> np.ndarray[Any, Any]:
    """The position after each newline (a torn last line has none and is left out, as a
    scan leaves it out)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    found = [
        np.flatnonzero(raw[at : at + _CHUNK] == 10) + (at + 1) for at in range(0, len(raw), _CHUNK)
    ]
    return np.concatenate(found).astype(np.int64) if found else np.zeros(0, np.int64)


def _fields() -> tuple[list[str], dict[tuple[str, str], str]]:
    """Every field the kinds table makes the fold read, as JSON paths extracted once per record,
    and the column each (kind, field) is read from."""
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
        names += [w for w in dict.fromkeys(wanted) if w not in names]
    columns = {(kind.name, name): f"f[{names.index(name) + 1}]" for kind in KINDS for name in names}
    return names, columns


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _by_kind(kinds: Sequence[Kind], expression: Any, otherwise: str = "NULL") -> str:
    """A CASE over the kind: ``expression(kind)`` (SQL, or None to skip) for each kind."""
    arms = []
    for kind in kinds:
        sql = expression(kind)
        if sql is not None:
            arms.append(f"WHEN {_quote(kind.name)} THEN {sql}")
    return f"CASE kind {' '.join(arms)} ELSE {otherwise} END" if arms else otherwise


_POWERS = np.array([10**k for k in range(19)], dtype=np.int64)
_GIB = 1 << 30


def _const(text: str) -> np.ndarray[Any, Any]:
    return np.frombuffer(text.encode(), dtype=np.uint8)


class _Chain:
    """The header fields of every entry, checked: record ids and header hashes recomputed, the
    chain and record times followed. ``sound`` is False at the first doubt."""

    def __init__(self, data: bytes, ends: np.ndarray[Any, Any]) -> None:
        count = len(ends)
        self.starts = np.concatenate([np.zeros(1, np.int64), ends[:-1]])
        seqs = np.arange(1, count + 1, dtype=np.int64)
        digits = np.searchsorted(_POWERS, seqs, side="right")
        self.bodies = self.starts + 7 + digits + 342  # where each record starts
        raw = np.frombuffer(data, dtype=np.uint8)
        # a line ends with "}" and its newline, and has room for its header and a record
        self.sound = bool(
            (raw[ends - 2] == 125).all() and (ends - 2 - self.bodies >= 1).all()
        )
        self.times, self.ids, self.hashes, self.prevs = [], [], [], []
        self.digests: list[bytes] = []
        if not self.sound:
            return
        sha = hashlib.sha256
        view = memoryview(data)
        for width in np.unique(digits).tolist():
            rows = np.flatnonzero(digits == width)
            low, high = int(rows[0]), int(rows[-1]) + 1
            if not self._group(data, view, low, high, int(width)):
                self.sound = False
                return
        # the record ids: SHA-256 of the stored record bytes (hashlib: OpenSSL, faster than
        # DuckDB's sha256 by 2-3x here)
        self.digests = [
            sha(view[a:b]).digest()
            for a, b in zip(self.bodies.tolist(), (ends - 2).tolist(), strict=True)
        ]
        ids = np.concatenate(self.ids)
        if binascii.hexlify(b"".join(self.digests)) != ids.tobytes():
            self.sound = False
            return
        times, hashes, prevs = (np.concatenate(x) for x in (self.times, self.hashes, self.prevs))
        chained = (prevs[0] == _const(GENESIS)).all() and (prevs[1:] == hashes[:-1]).all()
        stamps = times.view("S27").ravel()
        self.sound = bool(chained and (stamps[1:] > stamps[:-1]).all())
        self.time_bytes, self.id_hex, self.head_hash = times.tobytes(), ids.tobytes(), hashes[-1]

    def _group(self, data: bytes, view: memoryview, low: int, high: int, width: int) -> bool:
        """Check the entries ``low`` to ``high`` (0-based), whose sequence numbers have
        ``width`` digits: their headers then have one layout, taken apart by columns."""
        p = 7 + width  # the comma after the sequence number
        size = p + 342
        block = b"".join([data[a : a + size] for a in self.starts[low:high].tolist()])
        headers = np.frombuffer(block, dtype=np.uint8).reshape(high - low, size)
        seqs = np.arange(low + 1, high + 1, dtype=np.int64)
        expected = (seqs[:, None] // _POWERS[width - 1 :: -1][:width] % 10 + 48).astype(np.uint8)
        marks = (
            (0, '{"seq":'), (p, ',"time":"'), (p + 36, '","prev":"'), (p + 110, '","vocab":"'),
            (p + 185, '","id":"'), (p + 257, '","hash":"'), (p + 331, '","record":'),
        )  # fmt: skip
        if not (
            ((headers >= 32) & (headers < 127)).all()
            and (headers[:, 7:p] == expected).all()
            and all((headers[:, at : at + len(m)] == _const(m)).all() for at, m in marks)
        ):
            return False
        time = headers[:, p + 9 : p + 36]
        prev = headers[:, p + 46 : p + 110]
        vocab = headers[:, p + 121 : p + 185]
        ids = headers[:, p + 193 : p + 257]
        hashes = headers[:, p + 267 : p + 331]
        # the hashed header, {"id":R,"prev":P,"seq":N,"time":T,"vocab":V}, by columns
        parts = [
            '{"id":"', ids, '","prev":"', prev, '","seq":', headers[:, 7:p], ',"time":"', time,
            '","vocab":"', vocab, '"}',
        ]  # fmt: skip
        columns = [
            np.broadcast_to(_const(x), (high - low, len(x))) if isinstance(x, str) else x
            for x in parts
        ]
        canonical = np.ascontiguousarray(np.concatenate(columns, axis=1))
        step = canonical.shape[1]
        flat = memoryview(canonical.tobytes())
        sha = hashlib.sha256
        digests = b"".join(
            [sha(flat[at : at + step]).digest() for at in range(0, len(flat), step)]
        )
        if binascii.hexlify(digests) != np.ascontiguousarray(hashes).tobytes():
            return False
        self.times.append(time)
        self.ids.append(ids)
        self.hashes.append(hashes)
        self.prevs.append(prev)
        return True


def _records(data: bytes, chain: _Chain, ends: np.ndarray[Any, Any]) -> pa.Array:
    """The record bytes of every entry as one Arrow string-view column over the log's bytes,
    without a copy (a view's offset is 32-bit: the bytes are given in overlapping windows)."""
    count = len(ends)
    raw = np.frombuffer(data, dtype=np.uint8)
    lengths = ends - 2 - chain.bodies
    windows = chain.bodies // _GIB
    views = np.zeros((count, 4), dtype=np.int32)
    views[:, 0] = lengths
    prefix = raw[chain.bodies[:, None] + np.arange(4)]  # every record is longer than 12
    views[:, 1] = np.ascontiguousarray(prefix).view(np.int32).ravel()
    views[:, 2] = windows
    views[:, 3] = chain.bodies - windows * _GIB
    whole = memoryview(data)
    buffers = [
        pa.py_buffer(whole[k * _GIB : (k + 2) * _GIB]) for k in range(int(windows[-1]) + 1)
    ]
    return pa.Array.from_buffers(
        pa.string_view(), count, [None, pa.py_buffer(views.tobytes()), *buffers]
    )


def _build(data: bytes, ends: np.ndarray[Any, Any]) -> ViewState | None:
    import duckdb

    count = len(ends)
    chain = _Chain(data, ends)
    if not chain.sound:
        return None
    seqs = pa.array(np.arange(1, count + 1, dtype=np.int64))
    records = pa.table({"n": seqs, "body": _records(data, chain, ends)})
    ids = pa.table(
        {
            "n": seqs,
            "id": pa.Array.from_buffers(
                pa.string(), count,
                [None, pa.py_buffer(np.arange(0, 64 * count + 1, 64, dtype=np.int32).tobytes()),
                 pa.py_buffer(chain.id_hex)],
            ),
        }
    )  # fmt: skip
    names, column = _fields()
    kinds = list(KINDS)
    paths = ", ".join(_quote(f'$."{name}"') for name in names)
    con = duckdb.connect(":memory:")
    try:
        con.register("records", records)
        con.register("e", ids)
        kind_names = ", ".join(map(_quote, (k.name for k in kinds)))
        con.execute(f"""
            CREATE TEMP TABLE x AS SELECT n, f[1] AS kind, f FROM (
                SELECT n, json_extract_string(body, [{paths}]) AS f FROM records
            ) WHERE f[1] IN ({kind_names})
        """).fetchall()
        known = con.execute("SELECT count(*) FROM x").fetchall()[0]
        if known[0] != count:
            return None  # a record of no known kind: the reference fold reports it
        state = _state(con, count, ends, kinds, column)
    except duckdb.Error:
        return None  # bytes DuckDB cannot read (not UTF-8, not JSON): the reference scan
    finally:
        con.close()
    state._ids = bytearray(32) + b"".join(chain.digests)
    state._times = bytearray(27) + chain.time_bytes
    state.head_hash = chain.head_hash.tobytes().decode()
    return state


def _list(field: str) -> str:
    return f"coalesce(json_extract_string({field}, '$[*]'), [])"


def _state(
    con: Any,
    count: int,
    ends: np.ndarray[Any, Any],
    kinds: Sequence[Kind],
    column: dict[tuple[str, str], str],
) -> ViewState:
    state = ViewState()

    def col(kind: Kind, field: str) -> str:
        return column[(kind.name, field)]

    def about(kind: Kind) -> str | None:
        parts = [f"[{col(kind, f)}]" for f in kind.about_single]
        parts += [_list(col(kind, f)) for f in kind.about_lists]
        return f"list_concat({', '.join(parts)})" if parts else None

    def declared(kind: Kind) -> str | None:
        fields = [r.field for r in kind.references if r.declares]
        return f"[{col(kind, fields[0])}]" if fields else None

    def cited(kind: Kind) -> str | None:
        if kind.citations is None:
            return None
        return f"coalesce(json_extract_string({col(kind, kind.citations)}, '$[*].source'), [])"

    state._ends = array("q", [0])
    state._ends.frombytes(ends.tobytes())
    state._seq_of = None
    state.head_seq, state.position = count, int(ends[-1])
    coded = _arrow(con, "SELECT kind FROM x ORDER BY n").column(0)
    coded = coded.combine_chunks().dictionary_encode()
    names = coded.dictionary.to_pylist()
    state.kinds = ["", *map(names.__getitem__, coded.indices.to_numpy())]

    state.restricted = set(
        _column(con, f"""
            SELECT n FROM x WHERE list_contains({_list("f[2]")}, {_quote(RESTRICTED)})
        """)
    )
    state.same_as = _column(con, f"""
        SELECT n FROM x WHERE kind = 'relation' AND {column[("relation", "predicate")]}
            = {_quote(SAME_AS)} ORDER BY n
    """)
    state.declarations = _index(con, _by_kind(kinds, declared), distinct=False)
    state.mentions = _index(con, _by_kind(kinds, about), distinct=True)
    state.citing = _index(con, _by_kind(kinds, cited), distinct=False)
    state.corrections = _corrections(con, [k for k in kinds if k.correction], column)
    state.dated = _dated(con, [k for k in kinds if k.timeline_date is not None], column)
    state._dated_sorted = True
    return state


def _arrow(con: Any, sql: str) -> pa.Table:
    """A query's result as an Arrow table (the call's name differs between DuckDB versions)."""
    relation = con.sql(sql)
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
    table: pa.Table = fetch()
    return table


def _column(con: Any, sql: str) -> list[int]:
    return _arrow(con, sql).column(0).to_numpy().tolist()


def _index(con: Any, listed: str, *, distinct: bool) -> dict[str, Sequence[int]]:
    """Sequence numbers by key: keys in the order the fold first meets them, each key's
    numbers in log order (once per record when ``distinct``, as a record's ``about`` is)."""
    pairs = f"""
        SELECT n, unnest(v) AS key, unnest(generate_series(1, len(v))) AS ord
        FROM (SELECT n, {listed} AS v FROM x)
    """
    if distinct:
        pairs = f"SELECT n, key, min(ord) AS ord FROM ({pairs}) WHERE key IS NOT NULL GROUP BY ALL"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE k AS
        WITH p AS ({pairs}), firsts AS (
            SELECT key, min(n * 1048576 + ord) AS first FROM p WHERE key IS NOT NULL GROUP BY key
        )
        SELECT p.key, p.n, firsts.first, p.ord FROM p JOIN firsts USING (key)
    """)
    keys = _arrow(con, "SELECT key, count(*) FROM k GROUP BY key, first ORDER BY first")
    flat = _arrow(con, "SELECT n FROM k ORDER BY first, n, ord").column(0)
    seqs = array("q")
    seqs.frombytes(flat.to_numpy().astype(np.int64).tobytes())
    names = keys.column(0).to_pylist()
    starts = [0, *accumulate(keys.column(1).to_pylist())]
    return dict(zip(names, [seqs[a:b] for a, b in pairwise(starts)], strict=True))


def _corrections(
    con: Any, kinds: Sequence[Kind], column: dict[tuple[str, str], str]
) -> dict[int, list[Correction]]:
    """Corrections by the entry they name: a record id names its latest entry up to the
    correction itself (the fold looks it up as it goes)."""
    if not kinds:
        return {}
    names = ", ".join(_quote(k.name) for k in kinds)
    k0 = kinds[0].name
    rows = con.execute(f"""
        WITH c AS (
            SELECT n, kind, {column[(k0, "target")]} AS target,
                {column[(k0, "replacement")]} AS replacement, {column[(k0, "reason")]} AS reason
            FROM x WHERE kind IN ({names})
        )
        SELECT c.n, c.kind, c.reason,
            (SELECT max(e.n) FROM e WHERE e.id = c.target AND e.n <= c.n) AS t,
            (SELECT max(e.n) FROM e WHERE e.id = c.replacement AND e.n <= c.n) AS r
        FROM c ORDER BY c.n
    """).fetchall()
    found: dict[int, list[Correction]] = {}
    for seq, kind, reason, target, replacement in rows:
        if target is not None:
            found.setdefault(int(target), []).append(
                Correction(int(seq), str(kind), replacement, str(reason))
            )
    return found


def _dated(
    con: Any, kinds: Sequence[Kind], column: dict[tuple[str, str], str]
) -> list[tuple[int, int, int]]:
    """(lower, upper, seq) of every entry a timeline places, sorted; the bounds computed once
    per distinct (date, calendar)."""
    if not kinds:
        return []

    def field(kind: Kind) -> str | None:
        when = kind.timeline_date
        return column[(kind.name, when.field)] if when is not None else None

    def calendar(kind: Kind) -> str | None:
        when = kind.timeline_date
        return column[(kind.name, when.calendar)] if when and when.calendar else "NULL"

    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE d AS
        SELECT n, {_by_kind(kinds, field)} AS date, {_by_kind(kinds, calendar)} AS calendar
        FROM x
    """).fetchall()
    pairs = con.execute(
        "SELECT DISTINCT date, calendar FROM d WHERE date IS NOT NULL"
    ).fetchall()
    bounds = [(d, c, *b) for d, c in pairs if (b := date_bounds(d, c)) is not None]
    table = pa.table(
        {
            "date": pa.array([b[0] for b in bounds], pa.string()),
            "calendar": pa.array([b[1] for b in bounds], pa.string()),
            "low": pa.array([b[2] for b in bounds], pa.int64()),
            "high": pa.array([b[3] for b in bounds], pa.int64()),
        }
    )
    con.register("bounds", table)
    found = _arrow(con, """
        SELECT b.low, b.high, d.n FROM d JOIN bounds b
            ON d.date = b.date AND d.calendar IS NOT DISTINCT FROM b.calendar
        ORDER BY b.low, b.high, d.n
    """)
    lows, highs, seqs = (found.column(i).to_numpy().tolist() for i in range(3))
    return list(zip(lows, highs, seqs, strict=True))
