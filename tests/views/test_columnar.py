"""The columnar first build against the reference fold: the same state, array for array, and
the same answers as of any point, on generated logs with corrections, same-as relations,
restricted records and dates of every form and calendar; a faulty log is refused with the
message the scan gives."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fonds.log import JsonlLog
from fonds.log.chain import GENESIS, encode_entry
from fonds.log.jsonl import LOG_FILE
from fonds.model.convert import unstructure_record
from fonds.model.dates import CALENDARS
from fonds.model.kinds import KINDS
from fonds.model.records import SAME_AS
from fonds.problems import LogIntegrityError, UnknownIdError
from fonds.validate import canonical_bytes, record_hash
from fonds.views import Views, columnar, state
from fonds.views.columnar import build_state
from fonds.views.state import INDEXES, RESTRICTED, ViewState
from tests import strategies

_SLUGS = ("a", "b", "c")

years = st.integers(0, 2100).map(lambda y: f"{y:04d}")
months = st.integers(1, 13).map(lambda m: f"{m:02d}")
days = st.integers(1, 31).map(lambda d: f"{d:02d}")
plain_days = st.tuples(years, months, days).map("-".join)
single_dates = st.one_of(
    plain_days,
    years,
    st.tuples(years, months).map("-".join),
    st.tuples(plain_days, st.sampled_from(["T11:05:00", "T00:00:00Z", "T23:59:59+03:00"])).map(
        "".join
    ),
    st.tuples(
        st.one_of(years, plain_days, st.tuples(years, months).map("-".join)),
        st.sampled_from("?~%"),
    ).map("".join),
    st.tuples(years, st.sampled_from(["-21", "-22", "-23", "-24"])).map("".join),
    st.sampled_from(["-0044-03-15", "19XX", "194X-11", "Y170002", "1940-02-29", "1941-02-29"]),
)
# every form the model reads: single dates, intervals with known, open and unknown ends, and
# text that is no date at all (which places nothing)
edtf_dates = st.one_of(
    single_dates,
    st.tuples(single_dates, single_dates).map("/".join),
    single_dates.map(lambda d: f"../{d}"),
    single_dates.map(lambda d: f"{d}/.."),
    single_dates.map(lambda d: f"/{d}"),
    st.sampled_from(["", "not a date", "1940-11-12T25:00:00"]),
)


def _pool(value: str) -> str:
    """An id folded onto a few per kind, so records name the same entities."""
    prefix, _, slug = value.partition(":")
    return f"{prefix}:{_SLUGS[zlib.crc32(slug.encode()) % len(_SLUGS)]}"


def _document(record: Any, draw: Callable[..., Any], earlier: list[str]) -> dict[str, Any]:
    document: dict[str, Any] = unstructure_record(record)
    kind = KINDS[document["kind"]]
    for ref in kind.references:
        value = document.get(ref.field)
        if isinstance(value, str):
            document[ref.field] = _pool(value)
        elif isinstance(value, list):
            document[ref.field] = list(dict.fromkeys(map(_pool, value)))
    for citation in document.get("citations", ()):
        citation["source"] = _pool(citation["source"])
    when = kind.timeline_date
    if when is not None and draw(st.booleans()):
        document[when.field] = draw(edtf_dates)
        if when.calendar:
            calendar = draw(st.none() | st.sampled_from(CALENDARS))
            document.pop(when.calendar, None)
            if calendar is not None:
                document[when.calendar] = calendar
    if kind.correction and earlier:  # most corrections name an earlier record
        for field in kind.targets:
            if field in document and draw(st.integers(0, 3)):
                document[field] = draw(st.sampled_from(earlier))
    if document["kind"] == "relation" and draw(st.booleans()):
        document["predicate"] = SAME_AS
    if draw(st.integers(0, 4)) == 0:
        document["flags"] = sorted({*document.get("flags", ()), RESTRICTED})
    return document


@st.composite
def logs(draw: Callable[..., Any]) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    earlier: list[str] = []
    for _ in range(draw(st.integers(1, 40))):
        if documents and draw(st.integers(0, 9)) == 0:
            document = draw(st.sampled_from(documents))  # the same record again
        else:
            document = _document(draw(strategies.records), draw, earlier)
        documents.append(document)
        earlier.append(record_hash(document))
    return documents


def write(directory: Path, documents: list[dict[str, Any]]) -> JsonlLog:
    """A folder log of these records as stored lines (the fold reads records, it does not
    validate them)."""
    log = JsonlLog.init(directory)
    prev, lines = GENESIS, []
    for seq, document in enumerate(documents, start=1):
        time = f"2026-01-01T00:00:{seq // 1000:02d}.{seq % 1000:06d}Z"
        line, _, prev = encode_entry(
            seq, time, prev, log.vocabulary_hash, canonical_bytes(document)
        )
        lines.append(line)
    (directory / LOG_FILE).write_bytes(b"".join(lines))
    return JsonlLog(directory)


def persons(count: int, directory: Path) -> JsonlLog:
    """A folder log of ``count`` person declarations."""
    documents = [
        {"kind": "person", "schema": 1, "id": f"person:p{i}", "labels": {"en": f"P {i}"},
         "recorded_by": "agent:tester"}
        for i in range(count)
    ]  # fmt: skip
    return write(directory, documents)


def folded(log: Any) -> ViewState:
    """The reference: the Python fold over a log's scan."""
    reference = ViewState()
    position = 0
    for header, body, after in log.scan(0):
        reference.fold(header.seq, header.time, header.id, header.hash, orjson.loads(body),
                       (position, after))  # fmt: skip
        position = after
    reference.seal()
    reference.position = position
    reference.attach(log.record_bytes, log.location)
    return reference


def assert_same(reference: ViewState, built: ViewState) -> None:
    assert built.to_bytes() == reference.to_bytes()
    assert built.seq_of == reference.seq_of
    assert built.kinds == reference.kinds
    assert built.corrections == reference.corrections
    assert built.restricted == reference.restricted
    assert built.same_as == reference.same_as
    assert built.dated_in_order() == reference.dated_in_order()
    for name in INDEXES:
        assert list(getattr(built, name)) == list(getattr(reference, name)), name
        assert {k: list(v) for k, v in getattr(built, name).items()} == {
            k: list(v) for k, v in getattr(reference, name).items()
        }, name


def answers(views: Views, as_of: int) -> list[Any]:
    found: list[Any] = [
        list(views.timeline(as_of)),
        views.undated(as_of),
        views.conflicts(as_of),
        views.restricted_left_out(as_of),
    ]
    for entity in sorted(views.state.declarations)[:6]:
        for ask in (views.entity, views.history):
            try:
                found.append(ask(entity, as_of))
            except UnknownIdError as exc:
                found.append(str(exc))
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    documents=logs(),
    points=st.lists(st.integers(0, 45), min_size=1, max_size=3),
    window=st.sampled_from([columnar._WINDOW, 300, 4096]),  # lines longer than a window too
    room=st.sampled_from([columnar._ROOM, 0]),  # 0: every carried line wants a new buffer
    trusted=st.booleans(),
)
def test_the_columnar_build_equals_the_fold(
    tmp_path_factory: pytest.TempPathFactory,
    documents: list[dict[str, Any]],
    points: list[int],
    window: int,
    room: int,
    trusted: bool,
) -> None:
    log = write(tmp_path_factory.mktemp("log"), documents)
    if trusted:
        log.ensure_verified()  # stamped: the build keeps the stored hashes
    assert log.unchanged_since_verified() == trusted
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(columnar, "_WINDOW", window)
        patch.setattr(columnar, "_ROOM", room)
        built = build_state(log)
    assert built is not None
    assert log.unchanged_since_verified()
    reference = folded(log)
    assert_same(reference, built)
    both = Views(log, use_snapshot=False), Views(log, use_snapshot=False)
    both[0].state = reference
    built.attach(log.record_bytes, log.location)
    both[1].state = built
    for as_of in {*points, len(documents)}:
        assert answers(both[1], as_of) == answers(both[0], as_of)


def test_a_large_first_build_goes_by_columns_and_stamps_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = persons(60, tmp_path / "log")
    assert not log.unchanged_since_verified()
    monkeypatch.setattr(state, "_COLUMNAR_FROM", 50)
    calls: list[int] = []
    original = state._built_by_columns

    def counted(log: Any) -> ViewState | None:
        found = original(log)
        calls.append(found.head_seq if found is not None else -1)
        return found

    monkeypatch.setattr(state, "_built_by_columns", counted)
    views = Views(log, use_snapshot=False)
    assert calls == [60]
    assert log.unchanged_since_verified()  # the columns checked the whole chain, as a scan does
    assert_same(folded(log), views.state)
    assert views.history("person:p7")[0].fact.seq == 8


def _tampered(directory: Path, change: Callable[[list[bytes]], list[bytes]]) -> JsonlLog:
    log = persons(30, directory)
    lines = (directory / LOG_FILE).read_bytes().splitlines(keepends=True)
    (directory / LOG_FILE).write_bytes(b"".join(change(lines)))
    return log


def _swap_times(lines: list[bytes]) -> list[bytes]:
    first, second = lines[4][20:47], lines[5][20:47]
    lines[4] = lines[4].replace(first, second)
    return lines


def _edit_hash(lines: list[bytes]) -> list[bytes]:
    at = lines[2].index(b'"hash":"') + 8
    digit = b"1" if lines[2][at : at + 1] == b"0" else b"0"
    lines[2] = lines[2][:at] + digit + lines[2][at + 1 :]
    return lines


TAMPERING: dict[str, Callable[[list[bytes]], list[bytes]]] = {
    "a record edited": lambda ls: [*ls[:7], ls[7].replace(b'"P 7"', b'"Q 7"'), *ls[8:]],
    "an entry dropped": lambda ls: [*ls[:9], *ls[10:]],
    "two entries swapped": lambda ls: [*ls[:3], ls[4], ls[3], *ls[5:]],
    "a header hash edited": _edit_hash,
    "a record time edited": _swap_times,
    "a line that is no entry": lambda ls: [*ls[:5], b"{}\n", *ls[5:]],
    "an empty line": lambda ls: [*ls[:5], b"\n", *ls[5:]],
    "bytes that are not UTF-8": lambda ls: [*ls[:5], ls[5].replace(b"P 5", b"P \xff"), *ls[6:]],
}  # fmt: skip


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_a_faulty_log_is_refused_with_the_message_of_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    log = _tampered(tmp_path / "log", TAMPERING[how])
    with pytest.raises(LogIntegrityError) as scanned:
        folded(log)
    assert build_state(log) is None
    assert not log.unchanged_since_verified()
    monkeypatch.setattr(state, "_COLUMNAR_FROM", 1)
    with pytest.raises(LogIntegrityError) as loaded:
        Views(log, use_snapshot=False)
    assert str(loaded.value) == str(scanned.value)
    assert str(tmp_path / "log") in str(loaded.value)


def test_a_torn_last_line_is_left_out_as_the_scan_leaves_it(tmp_path: Path) -> None:
    log = _tampered(tmp_path / "log", lambda ls: [*ls, ls[0][:100]])
    built = build_state(log)
    assert built is not None and built.head_seq == 30
    assert_same(folded(log), built)
    assert not log.unchanged_since_verified()  # a torn tail is never stamped


def test_a_log_verified_before_is_built_without_hashing_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = persons(40, tmp_path / "log")
    reference = folded(log)  # a whole scan: the file is stamped as verified
    assert log.unchanged_since_verified()

    def no_hashing(data: bytes) -> Any:
        raise AssertionError("a verified log was hashed again")

    monkeypatch.setattr(columnar, "_sha256", no_hashing)
    monkeypatch.setattr(columnar, "_WINDOW", 1000)
    built = build_state(log)
    assert built is not None
    assert_same(reference, built)
    (tmp_path / "log" / LOG_FILE).write_bytes((tmp_path / "log" / LOG_FILE).read_bytes())
    assert not log.unchanged_since_verified()  # rewritten: the stamp no longer vouches for it
    with pytest.raises(AssertionError, match="hashed again"):
        build_state(log)


def test_a_postgresql_log_is_built_by_columns_from_its_rows(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of a PostgreSQL log give the state the fold gives, positions being sequence
    numbers; a row edited behind fonds' back is refused with the scan's message."""
    import sys

    import psycopg

    from fonds.log.mirror import mirror
    from fonds.log.postgres import PostgresLog, split_location
    from fonds.views.columnar import build_state_of_rows
    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import Generator, write_log

    write_log(tmp_path / "log", Generator(3000).records(3000))
    mirror(JsonlLog(tmp_path / "log"), postgres_url)
    log = PostgresLog(postgres_url)
    try:
        reference = folded(log)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(log, "stored_pieces", lambda: log.__class__.stored_pieces(log, 700))
            built = build_state_of_rows(log)  # in pages of 700 rows
        assert built is not None and built.head_seq == 3000 and built.position == 3000
        assert_same(reference, built)
        monkeypatch.setattr(state, "_COLUMNAR_FROM", 100)
        built_by_columns: list[ViewState | None] = []
        original = state._built_by_columns

        def counted(log: Any) -> ViewState | None:
            built_by_columns.append(original(log))
            return built_by_columns[-1]

        monkeypatch.setattr(state, "_built_by_columns", counted)
        views = Views(log, use_snapshot=False)
        assert [b is not None for b in built_by_columns] == [True]
        assert views.state.to_bytes() == reference.to_bytes()
        with psycopg.connect(split_location(postgres_url)[0], autocommit=True) as conn:
            table = f'"{log.schema}".entries'
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER append_only")
            conn.execute(
                f"UPDATE {table} SET line = convert_to(replace(convert_from(line, 'UTF8'),"
                " '\"kind\":', '\"kind\" :'), 'UTF8') WHERE seq = 1234"
            )
        assert build_state_of_rows(log) is None
        with pytest.raises(LogIntegrityError, match="entry 1234"):
            Views(log, use_snapshot=False)
    finally:
        log.close()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 300_000), max_size=400), st.integers(0, 2**31 - 1))
def test_the_radix_order_of_index_codes_is_the_stable_argsort(
    codes: list[int], offset: int
) -> None:
    import numpy as np

    # codes above 65,535 take the second pass; a shift makes every high half appear
    values = (np.array(codes, dtype=np.int64) + offset % 2**20).astype(np.int32)
    expected = np.argsort(values, kind="stable")
    assert columnar._stable_order(values).tolist() == expected.tolist()
