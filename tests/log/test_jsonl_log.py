"""The JSON Lines backend: tampering found and located, torn lines, interrupted appends, locks."""

from __future__ import annotations

import io
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from fonds.log import JsonlLog
from fonds.log.jsonl import JOURNAL_FILE, LOG_FILE, StoredBytes
from fonds.problems import LogIntegrityError
from tests.helpers import basics, life, person


def _filled(directory: Path) -> JsonlLog:
    log = JsonlLog.init(directory)
    log.append(basics())
    log.append(
        [person("person:hitler", "Adolf Hitler"), life("person:hitler", "born", "1889-04-20")]
    )
    return log


def test_a_single_changed_byte_anywhere_is_found_and_its_entry_named(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    _filled(directory)
    path = directory / LOG_FILE
    original = path.read_bytes()
    lines = original.split(b"\n")
    starts = [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines) - 1)]
    step = max(1, len(original) // 400)
    for offset in range(0, len(original), step):
        tampered = bytearray(original)
        tampered[offset] = ord("x") if tampered[offset] != ord("x") else ord("y")
        path.write_bytes(bytes(tampered))
        problems = JsonlLog(directory).verify()
        assert len(problems) == 1, offset
        line = max(i for i, s in enumerate(starts) if s <= offset) + 1
        assert problems[0].line == line, (offset, problems[0])
    path.write_bytes(original)
    assert JsonlLog(directory).verify() == []


def test_a_changed_vocabulary_is_found(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    _filled(directory)
    vocabulary = directory / "vocabulary.json"
    vocabulary.write_bytes(vocabulary.read_bytes().replace(b"Took part.", b"Took  part."))
    problems = JsonlLog(directory).verify()
    assert [p.code for p in problems] == ["vocabulary-changed"]


def test_a_torn_last_line_is_reported_and_blocks_appends(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    log = _filled(directory)
    path = directory / LOG_FILE
    path.write_bytes(path.read_bytes()[:-20])
    problems = JsonlLog(directory).verify()
    assert problems[0].code == "torn-line" and problems[0].line == 6
    with pytest.raises(LogIntegrityError):
        log.append([person("person:stalin", "Joseph Stalin")])


def test_an_interrupted_append_is_rolled_back_to_the_exact_bytes(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    log = _filled(directory)
    path = directory / LOG_FILE
    before = path.read_bytes()
    # what a crash between writing the journal and finishing the batch leaves behind
    (directory / JOURNAL_FILE).write_text(f"{len(before)}\n")
    with path.open("ab") as handle:
        handle.write(b'{"seq":6,"time":"2')
    assert len(list(JsonlLog(directory).entries())) == 6  # readers ignore the partial batch
    log = JsonlLog(directory)
    log.append([person("person:stalin", "Joseph Stalin")])
    assert path.read_bytes().startswith(before)
    assert not (directory / JOURNAL_FILE).exists()
    assert JsonlLog(directory).verify() == []


def test_a_failed_write_leaves_the_log_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "log"
    log = _filled(directory)
    path = directory / LOG_FILE
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        log.append([person("person:stalin", "Joseph Stalin")])
    monkeypatch.undo()
    assert path.read_bytes() == before


def test_appending_does_not_read_the_whole_log(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    log = _filled(directory)
    path = directory / LOG_FILE
    data = bytearray(path.read_bytes())
    # damage the first entry: a full read would fail the chain check, a tail read does not
    data[40] = ord("f") if data[40] != ord("f") else ord("e")
    path.write_bytes(bytes(data))
    log = JsonlLog(directory)
    log.append([person("person:stalin", "Joseph Stalin")])
    assert JsonlLog(directory).verify()[0].line == 1


def _append_many(directory: str, start: int) -> None:
    log = JsonlLog(Path(directory))
    for i in range(start, start + 15):
        log.append([person(f"person:p{i}", f"P {i}")])


def test_two_appenders_at_once_do_not_interleave(tmp_path: Path) -> None:
    directory = tmp_path / "log"
    _filled(directory)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(str(directory), n)) for n in (0, 100)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    log = JsonlLog(directory)
    assert log.verify() == []
    assert [e.seq for e in log.entries()] == list(range(1, 37))


def test_views_report_a_record_changed_behind_their_cache_as_verify_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.helpers import run_cli

    directory = tmp_path / "log"
    _filled(directory)
    where = ["--log", str(directory)]
    assert run_cli(capsys, "person", "person:hitler", "--format", "json", *where)[0] == 0
    path = directory / LOG_FILE
    path.write_bytes(path.read_bytes().replace(b"1889-04-20", b"1889-04-21"))
    verify_code, _, verify_err = run_cli(capsys, "verify", *where)
    code, out, err = run_cli(capsys, "person", "person:hitler", "--format", "json", *where)
    assert (verify_code, code, out) == (1, 1, "")
    assert "does not match its hash" in err and "does not match its hash" in verify_err
    assert "1889-04-21" not in out + err


def test_a_long_tail_of_nul_bytes_is_reported_as_a_torn_line_by_views_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.helpers import run_cli

    directory = tmp_path / "log"
    _filled(directory)
    with (directory / LOG_FILE).open("ab") as handle:
        handle.write(b"\0" * (64 << 20))
    for command in (["timeline"], ["verify"], ["append", str(tmp_path / "none.jsonl")]):
        (tmp_path / "none.jsonl").write_bytes(b"")
        code, _, err = run_cli(capsys, *command, "--log", str(directory))
        assert code == 1, command
        assert ":7: /: the last line is incomplete" in err, command


def test_a_sparse_tail_of_256_megabytes_of_nul_is_the_torn_line_message_within_seconds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from tests.helpers import run_cli, write_jsonl

    directory = tmp_path / "log"
    _filled(directory)
    assert run_cli(capsys, "timeline", "--log", str(directory))[0] == 0  # a cache to trust
    path = directory / LOG_FILE
    os.truncate(path, path.stat().st_size + (256 << 20))  # sparse: no disk, all NUL
    size = path.stat().st_size
    more = write_jsonl(tmp_path / "more.jsonl", [person("person:stalin", "Joseph Stalin")])
    for command in (["timeline"], ["person", "person:hitler"], ["verify"], ["append", str(more)]):
        started = time.monotonic()
        code, out, err = run_cli(capsys, *command, "--log", str(directory))
        assert time.monotonic() - started < 20, command
        assert (code, out) == (1, ""), command
        assert ":7: /: the last line is incomplete" in err, command
    assert path.stat().st_size == size  # nothing appended, nothing cut


def test_a_damaged_index_is_rebuilt_and_never_lets_a_duplicate_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from fonds.log.jsonl import CACHE_DIR
    from tests.helpers import run_cli, write_jsonl

    directory = tmp_path / "log"
    _filled(directory)
    index = directory / CACHE_DIR / "index.sqlite"
    again = write_jsonl(tmp_path / "again.jsonl", [person("person:hitler", "A. Hitler")])
    with sqlite3.connect(index) as db:
        db.execute("DELETE FROM entities WHERE id = 'person:hitler'")
    code, _, err = run_cli(capsys, "append", str(again), "--log", str(directory))
    assert code == 1 and "person:hitler is already declared in the log" in err
    assert "notice: " in err and "rebuilding" in err
    index.write_bytes(os.urandom(4096))
    code, _, err = run_cli(capsys, "append", str(again), "--log", str(directory))
    assert code == 1 and "person:hitler is already declared in the log" in err
    assert "internal error" not in err
    assert JsonlLog(directory).verify(deep=True) == []


def _append_slowly(directory: str, batches: int, size: int) -> None:
    import time
    from typing import BinaryIO

    import fonds.log.jsonl as jsonl

    def in_pieces(handle: BinaryIO, data: bytes) -> None:
        for start in range(0, len(data), len(data) // 4 + 1):
            handle.write(data[start : start + len(data) // 4 + 1])
            handle.flush()
            time.sleep(0.03)  # a reader may look now, with part of the batch in the file

    jsonl._write_all = in_pieces
    log = JsonlLog(Path(directory))
    for batch in range(batches):
        people = [person(f"person:p{batch}-{i}", f"P {batch} {i}") for i in range(size)]
        log.append(people)


def test_a_reader_never_sees_part_of_a_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    original = JsonlLog._journal_size

    def pausing(self: JsonlLog) -> int | None:
        found = original(self)
        time.sleep(0.01)  # between the journal's check and the size's
        return found

    monkeypatch.setattr(JsonlLog, "_journal_size", pausing)
    directory = tmp_path / "log"
    JsonlLog.init(directory).append(basics())
    context = multiprocessing.get_context("spawn")
    writer = context.Process(target=_append_slowly, args=(str(directory), 6, 400))
    writer.start()
    seen: set[int] = set()
    reader = JsonlLog(directory)
    while writer.is_alive() or not seen:
        head = reader.head()
        count = head.seq if head else 0
        assert (count - len(basics())) % 400 == 0, count
        assert sum(1 for _ in reader.scan()) >= count
        seen.add(count)
    writer.join()
    assert writer.exitcode == 0
    assert max(seen) <= len(basics()) + 6 * 400


def test_a_log_not_yet_verified_is_read_and_verified_in_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fonds.log.jsonl import STAMP

    directory = tmp_path / "log"
    _filled(directory)
    JsonlLog(directory).cache.remove(STAMP)  # as a log copied or written by other means
    scans: list[int] = []
    scan = JsonlLog.scan

    def counted(self: JsonlLog, position: int = 0) -> object:
        scans.append(position)
        return scan(self, position)

    monkeypatch.setattr(JsonlLog, "scan", counted)
    log = JsonlLog(directory)
    assert not log.unchanged_since_verified()
    assert [e.seq for e in log.entries()] == list(range(1, 7))
    assert scans == [0] and log.unchanged_since_verified()  # one pass, and the file stamped
    # an as-of point before a fault still finds the fault: a partial read verifies first
    path = directory / LOG_FILE
    path.write_bytes(path.read_bytes().replace(b"1889-04-20", b"1889-04-21"))
    with pytest.raises(LogIntegrityError, match="entry 6"):
        list(JsonlLog(directory).entries(as_of=2))


@pytest.mark.parametrize("piece", [1, 97, 4096])
def test_a_scan_read_in_pieces_gives_every_entry_as_a_whole_read_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    from fonds.log import jsonl

    log = JsonlLog.init(tmp_path / "log")
    log.append(basics())
    log.append([person(f"person:p{i}", f"P {i}") for i in range(30)])
    whole = [(e.header, e.body, e.end) for e in log.scan(0)]
    middle = whole[10][2]
    with (tmp_path / "log" / LOG_FILE).open("ab") as handle:
        handle.write(b'{"seq":99,"torn')  # a torn tail, left out by every scan
    monkeypatch.setattr(jsonl, "_READ", piece)  # lines longer than a piece, and shorter
    assert [(e.header, e.body, e.end) for e in JsonlLog(tmp_path / "log").scan(0)] == whole
    after = [(e.header, e.body, e.end) for e in JsonlLog(tmp_path / "log").scan(middle)]
    assert after == whole[11:]


class _Trickle(io.RawIOBase):
    """A file that gives at most three bytes a read, as a pipe or a network mount may."""

    def __init__(self, data: bytes) -> None:
        self._data, self._at = data, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(3, len(buffer), len(self._data) - self._at)
        buffer[:size] = self._data[self._at : self._at + size]
        self._at += size
        return size


def test_stored_bytes_fill_a_buffer_from_short_reads_and_stop_at_the_limit() -> None:
    stored = StoredBytes(_Trickle(b"0123456789abc"), 11)
    buffer = bytearray(4)
    got = [bytes(buffer[: stored.readinto(memoryview(buffer))]) for _ in range(5)]
    assert got == [b"0123", b"4567", b"89a", b"", b""]


def test_stored_bytes_leave_out_an_append_under_way(tmp_path: Path) -> None:
    log = JsonlLog.init(tmp_path / "log")
    log.append(basics())
    whole = (tmp_path / "log" / LOG_FILE).read_bytes()
    with (tmp_path / "log" / LOG_FILE).open("ab") as handle:
        handle.write(b'{"seq":99,"torn')  # bytes of an append that has not ended
    (tmp_path / "log" / JOURNAL_FILE).write_text(str(len(whole)))
    with JsonlLog(tmp_path / "log").stored_bytes() as (stored, _):
        buffer = bytearray(len(whole) + 100)
        assert bytes(buffer[: stored.readinto(memoryview(buffer))]) == whole
