"""Several processes write one PostgreSQL log at once: gapless, whole batches, never a skip."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from fonds.log.postgres import PostgresLog, split_location
from tests.helpers import basics, person, wait_for
from tests.log.pg_workers import (
    batch_of,
    batch_records,
    write_batches,
    write_held,
    write_stalled,
)

SPAWN = multiprocessing.get_context("spawn")
WRITERS, BATCHES, SIZE = 8, 50, 100


@pytest.fixture
def log(postgres_url: str) -> Iterator[PostgresLog]:
    made = PostgresLog.init(postgres_url)
    made.append(basics())
    yield made
    made.close()


def _server(log: PostgresLog) -> psycopg.Connection[Any]:
    return psycopg.connect(split_location(log.url)[0], autocommit=True)


def test_eight_writers_leave_a_gapless_log_of_whole_batches(log: PostgresLog) -> None:
    start = SPAWN.Barrier(WRITERS)
    workers = [
        SPAWN.Process(target=write_batches, args=(log.url, writer, BATCHES, SIZE, start))
        for writer in range(WRITERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(240)
        assert worker.exitcode == 0
    total = len(basics()) + WRITERS * BATCHES * SIZE
    seqs_by_batch: dict[str, list[int]] = {}
    seqs = []
    for entry in log.entries():
        seqs.append(entry.seq)
        batch = batch_of(dict(entry.document))
        if batch is not None:
            seqs_by_batch.setdefault(batch, []).append(entry.seq)
    assert seqs == list(range(1, total + 1))
    assert len(seqs_by_batch) == WRITERS * BATCHES
    for batch, found in seqs_by_batch.items():
        assert found == list(range(found[0], found[0] + SIZE)), batch
    assert log.verify(deep=True) == []


def _poll(url: str, until: int, seen: list[int], deadline: float) -> None:
    """Read on from where the last look ended, as a tailing reader does, until ``until``."""
    with PostgresLog(url) as reader:
        cursor = 0
        while time.monotonic() < deadline:
            for scanned in reader.scan(cursor):
                seen.append(scanned.header.seq)
                cursor = scanned.end
            if seen and seen[-1] >= until:
                return


def test_readers_never_skip_an_entry_while_a_commit_is_delayed(log: PostgresLog) -> None:
    start = len(basics())
    held = batch_records(90, 0, 40)
    behind = [batch_records(91 + n, 0, 20) for n in range(2)]
    total = start + len(held) + sum(len(b) for b in behind)
    copied, release = SPAWN.Event(), SPAWN.Event()
    holder = SPAWN.Process(target=write_held, args=(log.url, copied, release, held))
    holder.start()
    assert copied.wait(60), "the held writer never reached COPY"
    others = [SPAWN.Process(target=write_batches, args=(log.url, 91 + n, 1, 20)) for n in range(2)]
    for other in others:
        other.start()
    deadline = time.monotonic() + 120
    seen: list[list[int]] = [[] for _ in range(3)]
    readers = [
        threading.Thread(target=_poll, args=(log.url, total, found, deadline)) for found in seen
    ]
    for reader in readers:
        reader.start()
    with _server(log) as conn:
        # both later writers queue behind the held transaction, on the head row's lock
        wait_for(
            lambda: (
                conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                ).fetchone()
                == (2,)
            ),
            "the later writers to wait",
        )
        # the held batch is copied, its transaction open, yet no reader sees any of it
        assert conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' "
            "AND datname = current_database()"
        ).fetchone() == (1,)
        time.sleep(0.3)
        assert all(found == list(range(1, start + 1)) for found in seen), seen
        with PostgresLog(log.url) as fresh:
            head = fresh.head()
        assert head is not None and head.seq == start
    release.set()
    for process in (holder, *others):
        process.join(120)
        assert process.exitcode == 0
    for reader in readers:
        reader.join(120)
    for found in seen:
        assert found == list(range(1, total + 1))
    held_seqs = [e.seq for e in log.entries() if batch_of(dict(e.document)) == "w90-b0"]
    assert held_seqs == list(range(start + 1, start + len(held) + 1))  # committed first, first
    assert log.verify(deep=True) == []


def test_a_writer_killed_mid_copy_leaves_the_log_as_it_was(log: PostgresLog) -> None:
    before = log.head()
    assert before is not None
    streaming = SPAWN.Event()
    records = batch_records(70, 0, 4000)
    writer = SPAWN.Process(target=write_stalled, args=(log.url, streaming, records))
    writer.start()
    assert streaming.wait(120), "the writer never reached COPY"
    with _server(log) as conn:
        backend = wait_for(
            lambda: conn.execute(
                "SELECT pid FROM pg_stat_progress_copy WHERE relid = %s::regclass "
                "AND tuples_processed > 0",
                (f'"{log.schema}".entries',),
            ).fetchone(),
            "rows to reach the server",
        )[0]
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(30)
        assert writer.exitcode == -signal.SIGKILL
        wait_for(
            lambda: (
                conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (backend,)
                ).fetchone()
                == (0,)
            ),
            "the server to end the killed writer's session",
        )
    reopened = PostgresLog(log.url)
    assert reopened.head() == before
    assert reopened.verify() == []
    assert [e.seq for e in reopened.entries()] == list(range(1, before.seq + 1))
    appended = reopened.append([person("person:stalin", "Joseph Stalin")])
    assert appended[0].seq == before.seq + 1 and reopened.verify(deep=True) == []
    reopened.close()
