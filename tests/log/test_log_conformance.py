"""The log contract, written once and run against every backend."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fonds.log import JsonlLog, LogStore, MemoryLog
from fonds.log.chain import entry_line, header_canonical
from fonds.problems import ArgumentError, InvalidRecordError, LogIntegrityError
from tests.helpers import basics, life, person

Factory = Callable[[Path], LogStore]


def _jsonl(tmp_path: Path) -> LogStore:
    return JsonlLog.init(tmp_path / "log")


def _memory(_: Path) -> LogStore:
    return MemoryLog()


def _postgres(_: Path) -> LogStore:
    raise AssertionError("made by the fixture, which has the server")


@pytest.fixture(params=[_jsonl, _memory, _postgres], ids=["jsonl", "memory", "postgres"])
def log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LogStore]:
    factory: Factory = request.param
    if factory is _postgres:
        from fonds.log.postgres import PostgresLog

        made = PostgresLog.init(request.getfixturevalue("postgres_url"))
        yield made
        made.close()
        return
    yield factory(tmp_path)


def test_appended_records_read_back_in_order_with_sequence_and_chain(log: LogStore) -> None:
    entries = log.append(basics())
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    read = list(log.entries())
    assert [e.id for e in read] == [e.id for e in entries]
    assert [dict(e.document) for e in read] == basics()
    assert read[1].prev == read[0].hash
    assert all(a.time < b.time for a, b in itertools.pairwise(read))
    head = log.head()
    assert head is not None and head.seq == 4 and head.hash == read[-1].hash


def test_a_batch_with_one_bad_record_appends_nothing(log: LogStore) -> None:
    log.append(basics())
    before = [e.hash for e in log.entries()]
    bad = [
        person("person:ribbentrop", "Joachim von Ribbentrop"),
        life("person:ribbentrop", "born", "1893-13-30"),
    ]
    with pytest.raises(InvalidRecordError) as caught:
        log.append(bad)
    assert [p.code for p in caught.value.problems] == ["date-unparseable"]
    assert [e.hash for e in log.entries()] == before


def test_references_resolve_against_earlier_batches(log: LogStore) -> None:
    log.append(basics())
    log.append([life("person:molotov", "died", "1986-11-08")])
    with pytest.raises(InvalidRecordError) as caught:
        log.append([life("person:molotof", "died", "1986-11-08")])
    problem = caught.value.problems[0]
    assert problem.code == "unknown-reference" and problem.suggestion == "person:molotov"


def test_a_death_before_the_logged_birth_is_rejected(log: LogStore) -> None:
    log.append(basics())
    with pytest.raises(InvalidRecordError) as caught:
        log.append([life("person:molotov", "died", "1880")])
    assert caught.value.problems[0].code == "date-incoherent"


def test_as_of_a_sequence_number_is_the_log_truncated_there(log: LogStore) -> None:
    log.append(basics())
    assert [e.seq for e in log.entries(as_of=2)] == [1, 2]
    assert list(log.entries(as_of=0)) == []
    third = list(log.entries())[2]
    assert [e.seq for e in log.entries(as_of=third.time)] == [1, 2, 3]


def test_the_same_record_twice_is_rejected(log: LogStore) -> None:
    log.append(basics())
    with pytest.raises(InvalidRecordError) as caught:
        log.append([basics()[-1]])
    assert caught.value.problems[0].code == "duplicate-record"


def test_a_clean_log_verifies(log: LogStore) -> None:
    log.append(basics())
    assert log.verify() == []
    assert log.verify(deep=True) == []


def test_the_hashed_header_is_rfc8785_canonical() -> None:
    import orjson
    import rfc8785

    data = header_canonical(12, "2026-11-24T12:00:00.000001Z", "a" * 64, "b" * 64, "c" * 64)
    assert data == rfc8785.dumps(orjson.loads(data))


def test_a_batch_is_stored_with_every_declaration_before_its_use(log: LogStore) -> None:
    declarations_last = list(reversed(basics()))
    entries = log.append(declarations_last)
    stored = [entry.kind for entry in entries]
    assert stored.index("agent") < stored.index("source") < stored.index("attribute")
    assert stored.index("person") < stored.index("attribute")
    assert sorted(entry.id for entry in entries) == sorted(e.id for e in log.entries())
    assert log.verify(deep=True) == []


def test_a_scan_after_a_cursor_reads_only_what_follows(log: LogStore) -> None:
    log.append(basics())
    scanned = list(log.scan())
    assert [s.header.seq for s in scanned] == [1, 2, 3, 4]
    after_two = list(log.scan(scanned[1].end))
    assert [s.header.seq for s in after_two] == [3, 4]
    assert [s.body for s in after_two] == [s.body for s in scanned[2:]]
    head = log.head()
    assert head is not None and head.position == scanned[-1].end
    assert list(log.scan(head.position)) == []


def test_a_record_is_read_back_by_position_and_found_by_its_hash(log: LogStore) -> None:
    import orjson

    entries = log.append(basics())
    scanned = list(log.scan())
    starts = [0, *(s.end for s in scanned[:-1])]
    for entry, start, item in zip(entries, starts, scanned, strict=True):
        body = log.record_bytes(start, item.end)
        assert orjson.loads(body) == dict(entry.document)
        assert [e.seq for e in log.find(entry.id)] == [entry.seq]
    assert [e.seq for e in log.find(entries[2].id[:12])] == [3]
    assert log.find("f" * 64) == []
    assert log.find(entries[3].id, as_of=3) == []


def test_the_byte_store_keeps_blobs_whole_and_forgets_them(log: LogStore) -> None:
    assert log.cache.get("example") is None
    log.cache.put("example", b"\x00one")
    log.cache.put("example", b"two")
    assert log.cache.get("example") == b"two"
    log.cache.remove("example")
    log.cache.remove("example")
    assert log.cache.get("example") is None


def test_open_log_picks_the_backend_from_the_location(tmp_path: Path) -> None:
    from fonds.log import init_log, open_log
    from fonds.problems import NoLogError, UsageError

    folder = init_log(tmp_path / "records")
    assert isinstance(folder, JsonlLog) and isinstance(open_log(tmp_path / "records"), JsonlLog)
    assert isinstance(open_log(":memory:"), MemoryLog)
    with pytest.raises(NoLogError):
        open_log(tmp_path / "nothing")
    with pytest.raises(UsageError, match="no log backend"):
        open_log("ftp://example.org/records")


def test_as_of_takes_a_sequence_a_time_text_or_a_datetime(log: LogStore) -> None:
    from datetime import datetime

    from fonds.problems import ArgumentError

    log.append(basics())
    third = list(log.entries())[2]
    moment = datetime.fromisoformat(third.time.replace("Z", "+00:00"))
    assert [e.seq for e in log.entries(as_of=moment)] == [1, 2, 3]
    assert [e.seq for e in log.entries(as_of="2")] == [1, 2]
    for bad in ("yesterday", -1, "²", "9" * 5000, 1.5):
        with pytest.raises(ArgumentError) as caught:
            list(log.entries(as_of=bad))  # type: ignore[arg-type]
        assert caught.value.argument == "as_of"


def _lines_of(log: LogStore) -> list[bytes]:
    return [entry_line(s.header, s.body) for s in log.scan()]


def _source() -> MemoryLog:
    source = MemoryLog()
    source.append(basics())
    source.append([life("person:molotov", "died", "1986-11-08")])
    return source


def test_stored_entries_of_another_log_are_kept_byte_for_byte(log: LogStore) -> None:
    source = _source()
    lines = _lines_of(source)
    head = log.store_entries(lines[:3])
    assert head is not None and head.seq == 3
    log.store_entries(line + b"\n" for line in lines[3:])
    assert _lines_of(log) == lines
    mine, theirs = log.head(), source.head()
    assert mine is not None and theirs is not None and mine.hash == theirs.hash
    assert log.verify(deep=True) == []
    appended = log.append([person("person:stalin", "Joseph Stalin")])
    assert appended[0].seq == len(lines) + 1 and log.verify() == []


def test_stored_entries_that_do_not_continue_the_chain_are_refused(log: LogStore) -> None:
    lines = _lines_of(_source())
    log.store_entries(lines[:2])
    before = log.head()
    altered = lines[2].replace(b"Molotov", b"Molotow")
    for bad, code in (
        ([lines[3]], "sequence-gap"),
        ([lines[2], lines[2]], "sequence-gap"),
        ([altered], "record-hash-mismatch"),
        ([lines[2], b'{"seq":4}'], "malformed-entry"),
    ):
        with pytest.raises(LogIntegrityError) as caught:
            log.store_entries(bad)
        assert caught.value.problem.code == code
        assert log.head() == before
    assert log.verify() == []


def test_a_follower_reads_on_from_its_sequence_and_sees_later_batches(log: LogStore) -> None:
    log.append(basics())
    follower = log.follow(2, timeout=5, poll=0.05)
    assert [next(follower).seq for _ in range(2)] == [3, 4]
    added = log.append([life("person:molotov", "died", "1986-11-08")])
    seen = next(follower)
    assert (seen.seq, seen.hash, seen.prev) == (5, added[0].hash, added[0].prev)
    assert dict(seen.document) == dict(added[0].document)
    follower.close()
    assert [e.seq for e in log.follow(0, timeout=0)] == [1, 2, 3, 4, 5]
    assert list(log.follow(5, timeout=0)) == []
    with pytest.raises(ArgumentError, match="expected at most 5"):
        next(log.follow(6, timeout=0))
