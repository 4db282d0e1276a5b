"""The views' promises, shown on the shipped data set through the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.helpers import run_cli, write_jsonl

EDITORS = "agent:fonds-editors"


def json_of(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run_cli(capsys, *args, "--format", "json")
    assert code == 0, err
    return orjson.loads(out)


def test_timeline_orders_by_date_and_time(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    entries = json_of(capsys, "timeline", "--log", str(shipped_log))
    keys = [(e["earliest"], e["latest"]) for e in entries]
    assert keys == sorted(keys)
    events = [e["subjects"][0] for e in entries if e["kind"] == "event"]
    arrival = events.index("event:molotov-arrives-in-berlin-1940")
    afternoon = events.index("event:hitler-molotov-meeting-1940-11-12")
    assert arrival < afternoon
    arrival_entry = next(
        e for e in entries if e["subjects"][0] == "event:molotov-arrives-in-berlin-1940"
    )
    assert arrival_entry["earliest"] == "1940-11-12T11:05:00"
    related = [
        e for e in entries if e["kind"] == "event" and e["confidence"] in ("low", "speculative")
    ]
    years = [e["earliest"][:4] for e in related]
    assert years[0] == "1924" and years[-1] == "2017" and years == sorted(years)
    assert len(related) == 14


def test_timeline_of_one_day(capsys: pytest.CaptureFixture[str], shipped_log: Path) -> None:
    day = json_of(
        capsys, "timeline", "--log", str(shipped_log), "--from", "1940-11-13", "--to", "1940-11-13"
    )
    assert day
    for entry in day:
        assert entry["earliest"] <= "1940-11-13T23:59:59"
        assert entry["latest"] >= "1940-11-13T00:00:00"
    single_days = [e for e in day if e["precision"] in ("day", "time")]
    assert single_days and all(e["earliest"].startswith("1940-11-13") for e in single_days)
    assert not any(e["earliest"].startswith("1940-11-12T") for e in single_days)
    within = json_of(
        capsys, "timeline", "--log", str(shipped_log), "--from", "1940-11-13", "--to", "1940-11-13",
        "--within",
    )  # fmt: skip
    assert within and len(within) < len(day)
    assert all(e["earliest"][:10] == e["latest"][:10] == "1940-11-13" for e in within)


def test_person_view_of_molotov(capsys: pytest.CaptureFixture[str], shipped_log: Path) -> None:
    molotov = json_of(capsys, "person", "person:molotov", "--log", str(shipped_log))
    assert molotov["life"]["born"][0]["date"] == "1890-03-09"
    assert molotov["life"]["died"][0]["date"] == "1986-11-08"
    roles = {(e["event"], e["role"]) for e in molotov["events"]}
    assert ("event:hitler-molotov-meeting-1940-11-12", "guest") in roles
    assert ("event:hitler-molotov-meeting-1940-11-13", "guest") in roles
    said = [q["text"] for q in molotov["quotations"]["said"]]
    assert "which sea?" in said and "very interesting" in said
    facts = [
        *molotov["life"]["born"],
        *molotov["events"],
        *molotov["quotations"]["said"],
        *molotov["quotations"]["received"],
    ]
    assert all(fact["sources"] for fact in facts)


def second_birth(date: str, calendar: str | None = None) -> list[dict[str, Any]]:
    attribute: dict[str, Any] = {
        "kind": "attribute",
        "schema": 1,
        "subject": "person:molotov",
        "property": "born",
        "date": date,
        "citations": [
            {"source": "source:other-encyclopedia", "locator": {"label": "page", "value": "12"}}
        ],
        "confidence": "high",
        "recorded_by": EDITORS,
    }
    if calendar:
        attribute["calendar"] = calendar
    source = {
        "kind": "source",
        "schema": 1,
        "id": "source:other-encyclopedia",
        "source_type": "book",
        "title": "Another encyclopedia",
        "publication_status": "published",
        "recorded_by": EDITORS,
    }
    return [source, attribute]


def append(capsys: pytest.CaptureFixture[str], log: Path, documents: list[dict[str, Any]]) -> int:
    """Append; return the head's sequence number before the batch."""
    before = json_of(capsys, "verify", "--log", str(log))
    assert before == []
    head = len((log / "log.jsonl").read_bytes().splitlines())
    path = write_jsonl(log.parent / "batch.jsonl", documents)
    code, _, err = run_cli(capsys, "append", str(path), "--log", str(log))
    assert code == 0, err
    return head


def test_a_second_birth_date_is_a_conflict_side_by_side(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    assert json_of(capsys, "conflicts", "--log", str(shipped_log)) == []
    before = append(capsys, shipped_log, second_birth("1890-03-06"))
    conflicts = json_of(capsys, "conflicts", "--log", str(shipped_log))
    assert [(c["subject"], c["property"], c["open"]) for c in conflicts] == [
        ("person:molotov", "born", True)
    ]
    claims = conflicts[0]["claims"]
    assert [c["date"] for c in claims] == ["1890-03-09", "1890-03-06"]
    assert [c["sources"][0]["source"] for c in claims] == [
        "source:axis-talks-page",
        "source:other-encyclopedia",
    ]
    then = json_of(capsys, "conflicts", "--log", str(shipped_log), "--as-of", str(before))
    assert then == []
    code, out, _ = run_cli(capsys, "conflicts", "--log", str(shipped_log))
    assert code == 0 and "9 Mar 1890" in out and "6 Mar 1890" in out


def test_the_same_day_in_the_julian_calendar_is_no_conflict(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    append(capsys, shipped_log, second_birth("1890-02-25", calendar="julian"))
    assert json_of(capsys, "conflicts", "--log", str(shipped_log)) == []


def test_source_view_of_the_telegrams(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    impact = json_of(
        capsys, "source", "source:stalin-molotov-telegrams-1940", "--log", str(shipped_log)
    )
    text = orjson.dumps(impact).decode()
    assert "exhausted" in text  # the quotation resting on a telegram, a part of the corpus
    assert "source:telegram-stalin-to-molotov-1940-11-12" in text
    assert sum(impact["counts"].values()) >= 10
    code, out, _ = run_cli(
        capsys, "source", "source:stalin-molotov-telegrams-1940", "--log", str(shipped_log)
    )
    assert code == 0 and "selected" in out
