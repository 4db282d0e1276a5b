"""What the PostgreSQL concurrency tests run in other processes (started with ``spawn``, so
everything here is importable and takes only plain arguments)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from multiprocessing.synchronize import Barrier, Event
from typing import Any

import orjson
import psycopg

from fonds.log.postgres import PostgresLog
from tests.helpers import life, person


def batch_records(writer: int, batch: int, size: int) -> list[dict[str, Any]]:
    """``size`` records (persons and their births) whose ids name the writer and the batch."""
    records: list[dict[str, Any]] = []
    for i in range(size // 2):
        person_id = f"person:w{writer}-b{batch}-{i}"
        records.append(person(person_id, f"Writer {writer}, batch {batch}, {i}"))
        records.append(life(person_id, "born", f"{1800 + i % 150}-01-{1 + i % 28:02d}"))
    return records


def batch_of(document: dict[str, Any]) -> str | None:
    """The ``w<writer>-b<batch>`` a record of :func:`batch_records` belongs to."""
    entity = document.get("id") or document.get("subject") or ""
    name = entity.partition(":")[2]
    return name.rpartition("-")[0] if name.startswith("w") else None


def write_batches(
    url: str, writer: int, batches: int, size: int, start: Barrier | None = None
) -> None:
    """Append ``batches`` batches; with ``start``, first get ready (the schemas compiled by a
    validation that appends nothing) and wait for the other writers, so all append at once."""
    with PostgresLog(url) as log:
        if start is not None:
            log.validate(
                [("<warm-up>", 1, orjson.dumps(r)) for r in batch_records(writer, 0, size)]
            )
            start.wait(120)
        for batch in range(batches):
            log.append(batch_records(writer, batch, size))


class HeldLog(PostgresLog):
    """Holds its transaction open after ``COPY`` (and the head row's update) until released."""

    copied: Event
    release: Event

    def _commit(self, lines: Sequence[bytes]) -> int:
        end = super()._commit(lines)
        self.copied.set()
        if not self.release.wait(120):
            raise TimeoutError("never released")
        return end


def write_held(url: str, copied: Event, release: Event, records: list[dict[str, Any]]) -> None:
    with HeldLog(url) as log:
        log.copied, log.release = copied, release
        log.append(records)


class StalledLog(PostgresLog):
    """Streams half of a batch into ``COPY``, says so, and waits there to be killed."""

    streaming: Event

    def _copy_rows(self, copy: psycopg.Copy, rows: Sequence[tuple[int, bytes]]) -> None:
        super()._copy_rows(copy, rows[: len(rows) // 2])
        self.streaming.set()
        time.sleep(600)


def write_stalled(url: str, streaming: Event, records: list[dict[str, Any]]) -> None:
    with StalledLog(url) as log:
        log.streaming = streaming
        log.append(records)
