"""The views answer the same over a PostgreSQL log as over a log in memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fonds.log import LogStore, MemoryLog
from fonds.log.chain import entry_line
from fonds.log.postgres import PostgresLog
from fonds.validate import record_hash
from fonds.views import Views
from fonds.views.state import SNAPSHOT
from tests.helpers import AGENT, cite, life, took_part
from tests.views.test_views import PEOPLE, base

WRONG = life("person:molotov", "born", "1890-02-25", "source:telegrams")
RIGHT = {
    **life("person:molotov", "born", "1890-03-09", "source:telegrams"),
    "confidence": "certain",
}


def batches() -> list[list[dict[str, Any]]]:
    """The logs of tests/views/test_views.py, one after the other: a second birth date, its
    supersession, a fact resting on two sources and one on a single source, a retraction."""
    twice = {
        **life("person:hitler", "born", "1889-04-20"),
        "citations": cite() + cite("source:telegrams"),
    }
    joined = took_part("person:hitler", "event:afternoon", "host")
    return [
        base(),
        [WRONG],
        [
            RIGHT,
            {"kind": "supersede", "schema": 1, "target": record_hash(WRONG),
             "replacement": record_hash(RIGHT), "reason": "Julian date misread",
             "recorded_by": AGENT},
        ],
        [twice, life("person:hitler", "died", "1945-04-30", "source:telegrams"), joined],
        [{"kind": "retract", "schema": 1, "target": record_hash(joined), "reason": "withdrawn",
          "recorded_by": AGENT}],
    ]  # fmt: skip


def _plain(answer: Any, *, times: bool) -> Any:
    """An answer as plain data (through ``to_json`` where it has one); without the record
    times (``recorded``) unless ``times``: two logs appended apart differ in those alone."""
    to_json = getattr(answer, "to_json", None)
    if callable(to_json):
        answer = to_json()
    if isinstance(answer, dict):
        return {k: _plain(v, times=times) for k, v in answer.items() if times or k != "recorded"}
    if isinstance(answer, list | tuple):
        return [_plain(v, times=times) for v in answer]
    return answer


def _answers(log: LogStore, as_of: int | None, *, times: bool = False) -> dict[str, Any]:
    views = Views(log)
    answers = {
        "timeline": views.timeline(as_of),
        "one day": views.timeline(as_of, date_from="1940-11-12", date_to="1940-11-12"),
        "within": views.timeline(as_of, date_from="1940-11", date_to="1940-11", within=True),
        "molotov's": views.timeline(as_of, person="person:molotov"),
        "conflicts": views.conflicts(as_of),
        "people": [views.person(p, as_of) for p in PEOPLE],
        "event": views.event("event:arrival", as_of),
        "history": [views.history(p, as_of) for p in PEOPLE],
        "sources": [views.source(s, as_of) for s in ("source:book", "source:telegrams")],
    }
    plain: dict[str, Any] = _plain(answers, times=times)
    return plain


@pytest.fixture
def logs(postgres_url: str) -> Iterator[tuple[PostgresLog, MemoryLog]]:
    postgres, memory = PostgresLog.init(postgres_url), MemoryLog()
    for batch in batches():
        postgres.append(batch)
        memory.append(batch)
    yield postgres, memory
    postgres.close()


def test_every_view_as_of_every_entry_is_the_same_on_postgresql(
    logs: tuple[PostgresLog, MemoryLog],
) -> None:
    postgres, memory = logs
    head = postgres.head()
    assert head is not None and head.seq == len(base()) + 7
    for as_of in (None, *range(len(base()), head.seq + 1)):
        assert _answers(postgres, as_of) == _answers(memory, as_of), as_of
    assert _answers(postgres, None)["conflicts"][0]["preferred"] == record_hash(RIGHT)


def test_views_of_a_copied_log_are_equal_to_the_record_times(
    logs: tuple[PostgresLog, MemoryLog],
) -> None:
    postgres, _ = logs
    copy = MemoryLog()
    copy.store_entries(entry_line(s.header, s.body) for s in postgres.scan())
    assert _answers(postgres, None, times=True) == _answers(copy, None, times=True)


def test_the_snapshot_is_kept_in_the_database_and_used(
    logs: tuple[PostgresLog, MemoryLog],
) -> None:
    postgres, memory = logs
    first = _answers(postgres, None)
    assert postgres.cache.get(SNAPSHOT)
    again = PostgresLog(postgres.url)
    assert Views(again).state.head_seq == postgres.head().seq  # type: ignore[union-attr]
    assert _answers(again, None) == first == _answers(memory, None)
    again.append([life("person:ribbentrop", "born", "1893-04-30")])
    memory.append([life("person:ribbentrop", "born", "1893-04-30")])
    assert _answers(again, None) == _answers(memory, None)
    again.close()
