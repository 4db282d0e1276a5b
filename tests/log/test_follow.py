"""Following a log: entries as they are committed, in order, none lost, on a folder and on a
PostgreSQL server (woken by NOTIFY), from the library and from ``fonds follow``."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest

from fonds.log import Entry, JsonlLog, LogStore
from fonds.log.postgres import PostgresLog, split_location
from fonds.problems import ArgumentError, FondsError
from tests.helpers import basics, person, run_cli, wait_for
from tests.log.pg_workers import batch_records, write_batches

SPAWN = multiprocessing.get_context("spawn")
ROOT = Path(__file__).resolve().parents[2]
Capture = pytest.CaptureFixture[str]


@pytest.fixture
def folder(empty_log: Path) -> JsonlLog:
    made = JsonlLog(empty_log)
    made.append(basics())
    return made


@pytest.fixture
def server_log(postgres_url: str) -> Iterator[PostgresLog]:
    made = PostgresLog.init(postgres_url)
    made.append(basics())
    yield made
    made.close()


def _collect(log: LogStore, after: int, count: int, found: list[Entry], **options: Any) -> None:
    for entry in log.follow(after, **options):
        found.append(entry)
        if len(found) == count:
            return


def _fonds(*args: str, **options: Any) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    return subprocess.Popen([sys.executable, "-m", "fonds", *args], env=env, text=True, **options)


def _listeners(log: PostgresLog) -> list[int]:
    with psycopg.connect(split_location(log.url)[0], autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE query LIKE %s AND datname = current_database()",
            (f'LISTEN "{log.channel}"',),
        ).fetchall()
    return [pid for (pid,) in rows]


# -- a folder ----------------------------------------------------------------------------
def test_a_folder_follower_sees_another_writers_batches_in_order(folder: JsonlLog) -> None:
    start = len(basics())
    batches = [batch_records(1, n, 10) for n in range(5)]
    found: list[Entry] = []
    follower = threading.Thread(
        target=_collect, args=(JsonlLog(folder.directory), start, 50, found),
        kwargs={"timeout": 30, "poll": 0.05},
    )  # fmt: skip
    follower.start()
    writer = JsonlLog(folder.directory)
    for batch in batches:
        writer.append(batch)
        time.sleep(0.02)
    follower.join(60)
    assert [e.seq for e in found] == list(range(start + 1, start + 51))
    stored = list(folder.entries(start=0))[start:]
    assert [(e.hash, e.document) for e in found] == [(e.hash, e.document) for e in stored]


def test_a_follower_started_at_a_sequence_gets_exactly_the_entries_after_it(
    folder: JsonlLog,
) -> None:
    all_seqs = [e.seq for e in folder.entries()]
    for after in range(len(all_seqs) + 1):
        got = [e.seq for e in folder.follow(after, timeout=0)]
        assert got == all_seqs[after:]
    with pytest.raises(ArgumentError, match="expected at most 4"):
        next(folder.follow(5, timeout=0))
    with pytest.raises(ArgumentError, match="sequence number"):
        next(folder.follow(-1))


def test_a_follower_waits_no_longer_than_its_timeout(folder: JsonlLog) -> None:
    began = time.monotonic()
    assert list(folder.follow(4, timeout=0.3, poll=0.05)) == []
    assert 0.3 <= time.monotonic() - began < 10


def test_fonds_follow_prints_the_entries_after_from(folder: JsonlLog, capsys: Capture) -> None:
    where = ["--log", str(folder.directory)]
    code, out, err = run_cli(capsys, "follow", *where, "--from", "1", "--timeout", "0")
    assert code == 0, err
    rows = [line.split("\t") for line in out.splitlines()]
    entries = list(folder.entries())
    assert [r[0] for r in rows] == ["2", "3", "4"]
    assert [(r[2], r[3]) for r in rows] == [(e.short_id, e.kind) for e in entries[1:]]
    assert rows[2][4] == "person:molotov"  # a life event is about its subject
    code, out, err = run_cli(
        capsys, "follow", *where, "--from", "0", "--limit", "2", "--format", "json"
    )
    assert code == 0, err
    shown = [orjson.loads(line) for line in out.splitlines()]
    assert [(s["seq"], s["id"], s["hash"]) for s in shown] == [
        (e.seq, e.id, e.hash) for e in entries[:2]
    ]
    code, out, err = run_cli(capsys, "follow", *where, "--from", "9", "--timeout", "0")
    assert (code, out) == (2, "")
    assert err == "fonds: --from 9: expected at most 4, the log's last sequence number\n"


# -- a server ----------------------------------------------------------------------------
def test_a_follower_sees_concurrent_writers_in_commit_order_without_a_gap(
    server_log: PostgresLog,
) -> None:
    writers, batches, size = 4, 10, 20
    start = len(basics())
    total = writers * batches * size
    found: list[Entry] = []
    with PostgresLog(server_log.url) as reader:
        follower = threading.Thread(
            target=_collect, args=(reader, start, total, found), kwargs={"timeout": 120}
        )
        follower.start()
        workers = [
            SPAWN.Process(target=write_batches, args=(server_log.url, w, batches, size))
            for w in range(writers)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(240)
            assert worker.exitcode == 0
        follower.join(120)
    assert [e.seq for e in found] == list(range(start + 1, start + total + 1))
    stored = list(server_log.entries())[start:]
    assert [e.hash for e in found] == [e.hash for e in stored]
    assert found[0].prev == stored[0].prev


def test_a_notification_wakes_a_follower_long_before_its_next_look(
    server_log: PostgresLog,
) -> None:
    found: list[Entry] = []
    follower = threading.Thread(
        target=_collect, args=(PostgresLog(server_log.url), 4, 1, found),
        kwargs={"timeout": 40, "poll": 40},
    )  # fmt: skip
    follower.start()
    wait_for(lambda: _listeners(server_log), "the follower to listen")
    time.sleep(0.2)
    appended = time.monotonic()
    server_log.append([person("person:stalin", "Joseph Stalin")])
    follower.join(60)
    assert [e.seq for e in found] == [5]
    assert time.monotonic() - appended < 20  # not the 40 seconds of its next look


def test_an_append_whose_notification_is_lost_is_read_at_the_next_look(
    server_log: PostgresLog,
) -> None:
    found: list[Entry] = []
    follower = threading.Thread(
        target=_collect, args=(PostgresLog(server_log.url), 4, 2, found),
        kwargs={"timeout": 60, "poll": 0.2},
    )  # fmt: skip
    follower.start()
    wait_for(lambda: _listeners(server_log), "the follower to listen")
    with PostgresLog(server_log.url) as silent:
        silent.channel = "nobody-listens"
        silent.append([person("person:stalin", "Joseph Stalin")])
        silent.append([person("person:ribbentrop", "Joachim von Ribbentrop")])
    follower.join(60)
    assert [e.seq for e in found] == [5, 6]


def test_fonds_follow_prints_appends_of_another_process_and_stops_quietly_on_ctrl_c(
    server_log: PostgresLog,
) -> None:
    follower = _fonds(
        "follow", "--log", server_log.url, "--from", "2", "--format", "json",
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert follower.stdout is not None and follower.stderr is not None
    try:
        first = [orjson.loads(follower.stdout.readline()) for _ in range(2)]
        assert [f["seq"] for f in first] == [3, 4]
        wait_for(lambda: _listeners(server_log), "the follower to listen")
        writer = SPAWN.Process(target=write_batches, args=(server_log.url, 7, 2, 10))
        writer.start()
        writer.join(120)
        assert writer.exitcode == 0
        later = [orjson.loads(follower.stdout.readline()) for _ in range(20)]
        stored = list(server_log.entries())[4:]
        assert [(f["seq"], f["hash"]) for f in later] == [(e.seq, e.hash) for e in stored]
        assert later[0]["about"] == ["person:w7-b0-0"]
        follower.send_signal(signal.SIGINT)
        assert follower.wait(30) == 0
        assert follower.stderr.read() == "" and follower.stdout.read() == ""
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()


def test_a_lost_connection_is_one_line_and_exit_code_1(server_log: PostgresLog) -> None:
    follower = _fonds(
        "follow", "--log", server_log.url, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        pids = wait_for(lambda: _listeners(server_log), "the follower to listen")
        with psycopg.connect(split_location(server_log.url)[0], autocommit=True) as conn:
            for pid in pids:
                conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        out, err = follower.communicate(timeout=60)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"fonds: {split_location(server_log.url)[2]}: lost the connection")


def test_a_follower_of_a_server_refuses_a_sequence_past_the_head(
    server_log: PostgresLog,
) -> None:
    with pytest.raises(ArgumentError, match="expected at most 4"):
        next(server_log.follow(5, timeout=0))
    assert [e.seq for e in server_log.follow(2, timeout=0)] == [3, 4]
    with pytest.raises(FondsError):
        server_log.close()
        next(server_log.follow(0, timeout=0))
