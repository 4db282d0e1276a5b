"""The first build of the views by columns: the whole log checked in NumPy, indexed in DuckDB.

The reference fold (:func:`fonds.views.state.load_state` over :meth:`LogStore.scan`) handles
one record at a time in Python. A first build of a large folder log instead reads the file
once and cuts it into lines with NumPy; the fixed-offset headers are taken apart and checked
by columns, a chunk of entries at a time, with every header hash and record id recomputed by
``hashlib`` (faster here than DuckDB's ``sha256``) and the chain and record times followed.
Meanwhile, on DuckDB's threads, the records (one Arrow string-view column over the file's
bytes, no copy) are read once for every field the kinds table names, and the indexes are
grouped and ordered there. Python then computes the bounds of each distinct (date, calendar)
pair, plain days by columns, and slices the grouped columns into the state's arrays.

The result is the state the reference fold gives, array for array (a property test holds the
two together). A log with any fault is not judged here: the reference scan runs instead and
names the first faulty entry exactly as it always does.
"""

from __future__ import annotations

import binascii
import bisect
import hashlib
import threading
from array import array
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from fonds.gcpause import gc_paused
from fonds.log.chain import GENESIS, EntryHeader, HeaderError, split_line
from fonds.model.dates import date_bounds
from fonds.model.kinds import KINDS, Kind
from fonds.model.records import SAME_AS
from fonds.views.state import RESTRICTED, Correction, ViewState

if TYPE_CHECKING:
    from fonds.log.jsonl import JsonlLog

__all__ = ["build_state"]

_CHUNK = 1 << 22  # newlines are looked for 4 MiB at a time, in one reused array


def build_state(log: JsonlLog) -> ViewState | None:
    """The folded state of a folder log from its first entry, built by columns; None when the
    stored log has a fault (or nothing to index), for the reference scan to report or fold.

    The log file is stamped as verified, as a whole scan stamps it.
    """
    data, before = log.stored_bytes()
    ends = _line_ends(data)
    if not len(ends):
        return None
    start = int(ends[-2]) if len(ends) > 1 else 0
    try:
        last: EntryHeader | None = split_line(data[start : int(ends[-1]) - 1])[0]
    except HeaderError:
        return None
    held = [data]
    del data  # the build lets go of the log's bytes once it has read them
    with gc_paused():
        state = _build(held, ends)
    if state is None:
        return None
    log.stamp_verified(before, last, state.position)
    return state


def _line_ends(data: bytes) -> np.ndarray[Any, Any]:
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


_DAY = 86_400  # date bounds count seconds (fonds.model.dates)
_POWERS = np.array([10**k for k in range(19)], dtype=np.int64)
_GIB = 1 << 30
_ROWS = 1 << 15  # entries whose headers are checked at once: bounded temporary arrays


def _const(text: str) -> np.ndarray[Any, Any]:
    return np.frombuffer(text.encode(), dtype=np.uint8)


class _Chain:
    """Where each entry's header and record lie and, once verified, the header fields of
    every entry, checked: record ids and header hashes recomputed, the chain and record times
    followed. ``sound`` is False at the first doubt."""

    def __init__(self, data: bytes, ends: np.ndarray[Any, Any]) -> None:
        count = len(ends)
        self.starts = np.concatenate([np.zeros(1, np.int64), ends[:-1]])
        seqs = np.arange(1, count + 1, dtype=np.int64)
        self.digits = np.searchsorted(_POWERS, seqs, side="right")
        self.bodies = self.starts + 7 + self.digits + 342  # where each record starts
        raw = np.frombuffer(data, dtype=np.uint8)
        # a line ends with "}" and its newline, and has room for its header and a record
        self.sound = bool((raw[ends - 2] == 125).all() and (ends - 2 - self.bodies >= 1).all())
        self.digests = self.id_hex = self.time_bytes = b""
        self.head_hash = ""

    def verify(self, data: bytes, ends: np.ndarray[Any, Any]) -> None:
        """Recompute every header hash and record id and follow the chain, a bounded number
        of entries at a time; ``sound`` says whether all of it holds."""
        view = memoryview(data)
        sha = hashlib.sha256
        ids: list[bytes] = []
        times: list[bytes] = []
        digests: list[bytes] = []
        last_hash, last_time = _const(GENESIS), np.bytes_(b"")
        count = len(ends)
        for low in range(0, count, _ROWS):
            high = min(count, low + _ROWS)
            starts, bodies = self.starts[low:high].tolist(), self.bodies[low:high].tolist()
            stops = (ends[low:high] - 2).tolist()
            # entries whose sequence numbers have as many digits share one header layout
            cuts = [0, *(np.flatnonzero(np.diff(self.digits[low:high])) + 1).tolist()]
            for a, b in pairwise([*cuts, high - low]):
                found = _headers(data, starts[a:b], low + a, int(self.digits[low + a]))
                if found is None:
                    self.sound = False
                    return
                time, hexes, hashes, prevs = found
                stamps = time.view("S27").ravel()
                records = zip(bodies[a:b], stops[a:b], strict=True)
                digest = b"".join([sha(view[x:y]).digest() for x, y in records])
                if not (
                    (prevs[0] == last_hash).all()
                    and (prevs[1:] == hashes[:-1]).all()
                    and stamps[0] > last_time
                    and (stamps[1:] > stamps[:-1]).all()
                    and binascii.hexlify(digest) == hexes.tobytes()
                ):
                    self.sound = False
                    return
                last_hash, last_time = hashes[-1], stamps[-1]
                digests.append(digest)
                ids.append(hexes.tobytes())
                times.append(time.tobytes())
        self.digests = b"".join(digests)
        self.id_hex, self.time_bytes = b"".join(ids), b"".join(times)
        self.head_hash = last_hash.tobytes().decode()


def _headers(
    data: bytes, starts: list[int], first: int, width: int
) -> tuple[np.ndarray[Any, Any], ...] | None:
    """The record time, record id, hash and previous hash of the entries that start at
    ``starts`` (the first one is entry ``first + 1``; all have sequence numbers of ``width``
    digits, so one layout), each header hash recomputed; None when a header is not in the
    entry format or its hash does not match."""
    rows = len(starts)
    p = 7 + width  # the comma after the sequence number
    size = p + 342
    block = b"".join([data[a : a + size] for a in starts])
    headers = np.frombuffer(block, dtype=np.uint8).reshape(rows, size)
    seqs = np.arange(first + 1, first + rows + 1, dtype=np.int64)
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

    def fixed(text: str) -> np.ndarray[Any, Any]:
        return np.broadcast_to(_const(text), (rows, len(text)))

    # the hashed header, {"id":R,"prev":P,"seq":N,"time":T,"vocab":V}, by columns
    columns = [
        fixed('{"id":"'), ids, fixed('","prev":"'), prev, fixed('","seq":'), headers[:, 7:p],
        fixed(',"time":"'), time, fixed('","vocab":"'), vocab, fixed('"}'),
    ]  # fmt: skip
    canonical = np.concatenate(columns, axis=1).tobytes()
    step = len(canonical) // rows
    flat = memoryview(canonical)
    sha = hashlib.sha256
    digests = b"".join([sha(flat[at : at + step]).digest() for at in range(0, len(flat), step)])
    if binascii.hexlify(digests) != np.ascontiguousarray(hashes).tobytes():
        return None
    return np.ascontiguousarray(time), np.ascontiguousarray(ids), hashes, prev


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
    buffers = [pa.py_buffer(whole[k * _GIB : (k + 2) * _GIB]) for k in range(int(windows[-1]) + 1)]
    return pa.Array.from_buffers(
        pa.string_view(), count, [None, pa.py_buffer(views.tobytes()), *buffers]
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


def _build(held: list[bytes], ends: np.ndarray[Any, Any]) -> ViewState | None:
    """The state of the log whose bytes ``held`` holds (taken out of it, and let go of once
    checked and read: the state is built without them)."""
    data = held.pop()
    try:
        import duckdb
    except ImportError:  # the fold needs nothing but the standard library and orjson
        return None

    count = len(ends)
    chain = _Chain(data, ends)
    if not chain.sound:
        return None
    seqs = _int64(np.arange(1, count + 1))
    records = pa.Table.from_arrays([seqs, _records(data, chain, ends)], names=["n", "body"])
    kinds = list(KINDS)
    names, column = _fields()
    steps = _queries(kinds, names, column)
    con = duckdb.connect(":memory:")
    tables: dict[str, pa.Table] = {}
    failed: list[BaseException] = []

    def query() -> None:
        try:
            for name, sql in steps:
                if name:
                    tables[name] = _arrow(con, sql)
                else:
                    con.execute(sql).fetchall()
        except duckdb.Error as exc:  # bytes DuckDB cannot read (not UTF-8, not JSON)
            failed.append(exc)

    try:
        con.register("records", records)
        # DuckDB reads the records and groups the indexes on its threads while Python
        # hashes (hashlib holds the interpreter for inputs this small): the two overlap
        querying = threading.Thread(target=query, name="fonds-columnar")
        querying.start()
        try:
            chain.verify(data, ends)
        finally:
            querying.join()
        if not chain.sound or failed:
            return None  # the reference scan names the fault
        con.unregister("records")
        del records, data
        if _numbers(tables["count"].column(0)).tolist() != [count]:
            return None  # a record of no known kind: the reference fold reports it
        id_offsets = pa.py_buffer(np.arange(0, 64 * count + 1, 64, dtype=np.int64))
        ids = pa.Array.from_buffers(
            pa.large_string(), count, [None, id_offsets, pa.py_buffer(chain.id_hex)]
        )
        con.register("e", pa.Table.from_arrays([seqs, ids], names=["n", "id"]))
        state = _state(con, tables, ends, kinds, column)
    except duckdb.Error:
        return None
    finally:
        con.close()
    state._ids = bytearray(32) + chain.digests
    state._times = bytearray(27) + chain.time_bytes
    state.head_seq, state.position = count, int(ends[-1])
    state.head_hash = chain.head_hash
    return state


def _list(field: str) -> str:
    return f"coalesce(json_extract_string({field}, '$[*]'), [])"


def _queries(
    kinds: Sequence[Kind], names: list[str], column: dict[tuple[str, str], str]
) -> list[tuple[str, str]]:
    """What DuckDB computes from the records alone, in order: (name of the result, query),
    or ("", statement)."""

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

    def date(kind: Kind) -> str | None:
        when = kind.timeline_date
        return col(kind, when.field) if when is not None else None

    def calendar(kind: Kind) -> str | None:
        when = kind.timeline_date
        return col(kind, when.calendar) if when is not None and when.calendar else None

    paths = ", ".join(_quote(f'$."{name}"') for name in names)
    kind_names = ", ".join(_quote(k.name) for k in kinds)
    fixes = [k for k in kinds if k.correction]
    fix = {
        name: _by_kind(fixes, lambda kind, name=name: col(kind, name))
        for name in ("target", "replacement", "reason")
    }
    # each record's JSON read once, and what the indexes take from it worked out there
    steps = [
        ("", f"""
            CREATE TEMP TABLE x AS SELECT n, kind,
                {_by_kind(kinds, about)} AS about,
                {_by_kind(kinds, declared)} AS declared,
                {_by_kind(kinds, cited)} AS cited,
                {_by_kind(kinds, date)} AS date,
                {_by_kind(kinds, calendar)} AS calendar,
                list_contains({_list("f[2]")}, {_quote(RESTRICTED)}) AS restricted,
                kind = 'relation' AND {column[("relation", "predicate")]} = {_quote(SAME_AS)}
                    AS same_as,
                {fix["target"]} AS target, {fix["replacement"]} AS replacement,
                {fix["reason"]} AS reason
            FROM (
                SELECT n, f[1] AS kind, f FROM (
                    SELECT n, json_extract_string(body, [{paths}]) AS f FROM records
                ) WHERE f[1] IN ({kind_names})
            )
        """),
        ("count", "SELECT count(*)::BIGINT FROM x"),
        ("kinds", f"SELECT (list_position([{kind_names}], kind) - 1)::BIGINT FROM x ORDER BY n"),
        ("restricted", "SELECT n FROM x WHERE restricted"),
        ("same_as", "SELECT n FROM x WHERE same_as ORDER BY n"),
        ("declarations", _index_query("declared", distinct=False)),
        ("mentions", _index_query("about", distinct=True)),
        ("citing", _index_query("cited", distinct=False)),
        ("", "CREATE TEMP TABLE d AS SELECT n, date, calendar FROM x WHERE date IS NOT NULL"),
        # the distinct dates, plain Gregorian days taken apart for the columns to compute
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
    return steps


def _state(
    con: Any,
    tables: dict[str, pa.Table],
    ends: np.ndarray[Any, Any],
    kinds: Sequence[Kind],
    column: dict[tuple[str, str], str],
) -> ViewState:
    state = ViewState()
    state._ends = array("q", [0])
    state._ends.frombytes(ends.tobytes())
    state._seq_of = None
    names = [k.name for k in kinds]
    state.kinds = ["", *map(names.__getitem__, _numbers(tables["kinds"].column(0)).tolist())]
    state.restricted = set(_numbers(tables["restricted"].column(0)).tolist())
    state.same_as = _numbers(tables["same_as"].column(0)).tolist()
    state.declarations = _index(tables["declarations"])
    state.mentions = _index(tables["mentions"])
    state.citing = _index(tables["citing"])
    state.corrections = _corrections(con)
    state.dated = _dated(con, tables["dates"])
    state._dated_sorted = True
    return state


def _arrow(con: Any, sql: str) -> pa.Table:
    """A query's result as an Arrow table (the call's name differs between DuckDB versions)."""
    relation = con.sql(sql)
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
    table: pa.Table = fetch()
    return table


def _index_query(listed: str, *, distinct: bool) -> str:
    """Sequence numbers by key: keys in the order the fold first meets them, each key's
    numbers in log order (once per record when ``distinct``, as a record's ``about`` is)."""
    seqs = "list_sort(list_distinct(list(n)))" if distinct else "list(n ORDER BY n, ord)"
    return f"""
        SELECT key, {seqs} AS seqs FROM (
            SELECT n, unnest(v) AS key, unnest(generate_series(1, len(v))) AS ord
            FROM (SELECT n, {listed} AS v FROM x)
        ) WHERE key IS NOT NULL GROUP BY key ORDER BY min(n * 1048576 + ord)
    """


def _index(found: pa.Table) -> dict[str, Sequence[int]]:
    """An index query's result as the state keeps it: arrays sliced from one."""
    keys = found.column(0).to_pylist()
    lists = found.column(1).combine_chunks()
    width = np.int64 if pa.types.is_large_list(lists.type) else np.int32
    bounds = np.frombuffer(
        lists.buffers()[1], width, count=len(lists) + 1, offset=lists.offset * width().itemsize
    )
    flat = array("q")
    flat.frombytes(_numbers(lists.values[int(bounds[0]) : int(bounds[-1])]).tobytes())
    starts = (bounds - bounds[0]).tolist()
    return dict(zip(keys, [flat[a:b] for a, b in pairwise(starts)], strict=True))


def _corrections(con: Any) -> dict[int, list[Correction]]:
    """Corrections by the entry they name: a record id names its latest entry up to the
    correction itself (the fold looks it up as it goes)."""
    rows = con.execute(
        "SELECT n, kind, target, replacement, reason FROM x WHERE target IS NOT NULL ORDER BY n"
    ).fetchall()
    if not rows:
        return {}
    # the entries of the ids corrections name: few, found by one pass over every id
    named = con.execute("""
        SELECT id, list(n ORDER BY n) FROM e
        WHERE id IN (SELECT target FROM x UNION SELECT replacement FROM x)
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


def _dated(con: Any, pairs: pa.Table) -> list[tuple[int, int, int]]:
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
    lows, highs, seqs = (_numbers(found.column(i)).tolist() for i in range(3))
    return list(zip(lows, highs, seqs, strict=True))
