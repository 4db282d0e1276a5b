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
        names += [w for w in wanted if w not in names]
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


def _build(data: bytes, ends: np.ndarray[Any, Any]) -> ViewState | None:
    import duckdb

    count = len(ends)
    offsets = np.concatenate([np.zeros(1, np.int64), ends])
    lines = pa.LargeStringArray.from_buffers(
        count, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)
    )
    table = pa.table({"n": pa.array(np.arange(1, count + 1, dtype=np.int64)), "line": lines})
    names, column = _fields()
    kinds = list(KINDS)
    paths = ", ".join(_quote(f'$."{name}"') for name in names)
    con = duckdb.connect(":memory:")
    try:
        con.register("lines", table)
        # the header has a fixed layout after the sequence number (see fonds.log.chain);
        # p is the 1-based place of the comma after it
        con.execute(f"""
            CREATE TEMP TABLE e AS
            WITH h AS (
                SELECT n, line, 8 + length(CAST(n AS VARCHAR)) AS p FROM lines
            ), s AS (
                SELECT n, p, line,
                    substr(line, p + 9, 27) AS time, substr(line, p + 46, 64) AS prev,
                    substr(line, p + 121, 64) AS vocab, substr(line, p + 193, 64) AS id,
                    substr(line, p + 267, 64) AS hash,
                    substr(line, p + 342, length(line) - p - 343) AS body
                FROM h
            )
            SELECT n, time, id, hash,
                starts_with(line, '{{"seq":' || n || ',"time":"')
                AND substr(line, p + 36, 10) = '","prev":"'
                AND substr(line, p + 110, 11) = '","vocab":"'
                AND substr(line, p + 185, 8) = '","id":"'
                AND substr(line, p + 257, 10) = '","hash":"'
                AND substr(line, p + 331, 11) = '","record":'
                AND strlen(substr(line, 1, p + 341)) = p + 341
                AND suffix(line, '}}' || chr(10))
                AND sha256(body) = id
                AND sha256('{{"id":"' || id || '","prev":"' || prev || '","seq":' || n
                           || ',"time":"' || time || '","vocab":"' || vocab || '"}}') = hash
                AS sound,
                prev,
                json_extract_string(body, [{paths}]) AS f
            FROM s
        """).fetchall()  # fmt: skip
        broken = con.execute(f"""
            SELECT count(*) FROM (
                SELECT sound, prev, time,
                    coalesce(lag(hash) OVER w, '{GENESIS}') AS before,
                    coalesce(lag(time) OVER w, '') AS earlier
                FROM e WINDOW w AS (ORDER BY n)
            ) WHERE NOT sound OR prev <> before OR time <= earlier
        """).fetchall()[0]
        if broken is None or broken[0]:
            return None
        kind_names = [k.name for k in kinds]
        con.execute(f"""
            CREATE TEMP TABLE x AS SELECT n, f[1] AS kind, f FROM e
            WHERE f[1] IN ({", ".join(map(_quote, kind_names))})
        """).fetchall()
        known = con.execute("SELECT count(*) FROM x").fetchall()[0]
        if known is None or known[0] != count:
            return None  # a record of no known kind: the reference fold reports it
        return _state(con, count, data, ends, kinds, column)
    except duckdb.Error:
        raise  # bytes DuckDB cannot read (not UTF-8, not JSON): the reference scan
    finally:
        con.close()


def _list(field: str) -> str:
    return f"coalesce(json_extract_string({field}, '$[*]'), [])"


def _state(
    con: Any,
    count: int,
    data: bytes,
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

    # the header columns, packed as the state keeps them
    ids = con.execute("SELECT string_agg(id, '' ORDER BY n) FROM e").fetchall()[0][0]
    times = con.execute("SELECT string_agg(time, '' ORDER BY n) FROM e").fetchall()[0][0]
    head_hash = con.execute("SELECT hash FROM e WHERE n = ?", [count]).fetchall()[0][0]
    state._ids = bytearray(32) + binascii.unhexlify(ids)
    state._times = bytearray(27) + times.encode()
    state._ends = array("q", [0])
    state._ends.frombytes(ends.tobytes())
    state._seq_of = None
    state.head_seq, state.head_hash, state.position = count, str(head_hash), int(ends[-1])
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
