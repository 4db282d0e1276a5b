"""Same-as on the command line, on a copy of the shipped log with Molotov recorded a second time
under his birth name: merged in `fonds person`, `fonds timeline --person` and the exports,
apart again after a retraction, and apart as of any point before the same-as."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from fonds.log import JsonlLog
from fonds.validate import record_hash
from tests.helpers import run_cli, write_jsonl

MOLOTOV, SKRYABIN = "person:molotov", "person:skryabin"
EDITORS = "agent:fonds-editors"
LETTERS = "source:skryabin-letters"


def cited(para: str, quote: str) -> list[dict[str, Any]]:
    return [{"source": LETTERS, "locator": {"label": "page", "value": para}, "quote": quote}]


def attribute(subject: str, prop: str, source: list[dict[str, Any]], **fields: str) -> Any:
    return {
        "kind": "attribute", "schema": 1, "subject": subject, "property": prop,
        "citations": source, "confidence": "medium", "recorded_by": EDITORS, **fields,
    }  # fmt: skip


SECOND_ID: list[dict[str, Any]] = [
    {
        "kind": "source", "schema": 1, "id": LETTERS, "source_type": "book",
        "title": "Letters of V. M. Skryabin", "publication_status": "published",
        "recorded_by": EDITORS,
    },
    {"kind": "person", "schema": 1, "id": SKRYABIN, "labels": {"en": "Vyacheslav Skryabin"},
     "recorded_by": EDITORS},
    # the birth date the page gives for Molotov, from another source
    attribute(SKRYABIN, "born", cited("3", "born 9 March 1890"), date="1890-03-09"),
    attribute(SKRYABIN, "name-variant", cited("3", "Скрябин"), value="Скрябин", language="ru"),
    attribute(MOLOTOV, "name-variant", cited("9", "Скрябин"), value="Скрябин", language="ru"),
    attribute(SKRYABIN, "held-office", cited("12", "chairman"), date="1930-12-19/1941-05-06",
              value="Chairman of the Council of People's Commissars"),
]  # fmt: skip

SAME_AS = {
    "kind": "relation", "schema": 1, "subject": SKRYABIN, "predicate": "same-as",
    "object": MOLOTOV, "citations": cited("1", "Molotov, born Skryabin"), "confidence": "high",
    "note": "Skryabin took the name Molotov; the letters give the same birth date",
    "recorded_by": EDITORS,
}  # fmt: skip

RETRACT = {
    "kind": "retract", "schema": 1, "target": record_hash(SAME_AS),
    "reason": "a test of splitting them again", "recorded_by": EDITORS,
}  # fmt: skip


def append(capsys: pytest.CaptureFixture[str], log: Path, records: list[Any]) -> int:
    path = write_jsonl(log.parent / f"batch-{record_hash(records[0])[:8]}.jsonl", records)
    code, _, err = run_cli(capsys, "append", str(path), "--log", str(log))
    assert code == 0, err
    head = JsonlLog.open(log).head()
    assert head is not None
    return head.seq


def view(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run_cli(capsys, *args, "--format", "json")
    assert code == 0, err
    return orjson.loads(out)


@pytest.fixture
def merged(shipped_log: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, int, int]:
    """The copy, with the second id and then the same-as appended: (log, both heads)."""
    apart = append(capsys, shipped_log, SECOND_ID)
    joined = append(capsys, shipped_log, [SAME_AS])
    return shipped_log, apart, joined


def test_fonds_person_merges_the_two_ids(
    merged: tuple[Path, int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    log, _, _ = merged
    for either in (MOLOTOV, SKRYABIN):
        person = view(capsys, "person", either, "--log", str(log))
        assert person["id"] == MOLOTOV
        assert person["merged"]["ids"] == [SKRYABIN]
        assert [f["note"] for f in person["merged"]["same_as"]] == [SAME_AS["note"]]
        (born,) = person["life"]["born"]
        assert {s["source"] for s in born["sources"]} == {"source:axis-talks-page", LETTERS}
        assert [v["value"] for v in person["names"]["ru"]["variants"]] == ["Скрябин"]
        assert "held-office" in person["attributes"] and LETTERS in person["sources"]
        assert person["conflicts"] == []
    code, out, _ = run_cli(capsys, "person", SKRYABIN, "--log", str(log))
    assert code == 0 and f"same as: {SKRYABIN}" in out
    assert out.count("name variant (ru): Скрябин") == 1


def test_timeline_and_csv_show_the_second_ids_facts_under_the_first(
    merged: tuple[Path, int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    log, _, _ = merged
    timeline = view(capsys, "timeline", "--person", SKRYABIN, "--log", str(log))
    office = [e for e in timeline if e.get("date") == "1930-12-19/1941-05-06"]
    assert [(e["subjects"], e["merged"]) for e in office] == [([MOLOTOV], {SKRYABIN: MOLOTOV})]
    by_molotov = view(capsys, "timeline", "--person", MOLOTOV, "--log", str(log))
    assert by_molotov == timeline
    assert any(e["kind"] == "event" for e in timeline)  # Molotov's events, through either id
    code, out, err = run_cli(capsys, "export", "csv", "--person", SKRYABIN, "--log", str(log))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    births = [r for r in rows if r["summary"].endswith("— born")]
    assert len(births) == 1 and births[0]["agreeing"] and LETTERS in births[0]["sources"]
    held = [r for r in rows if "Chairman" in r["summary"]]
    assert [(r["subjects"], r["merged"]) for r in held] == [(MOLOTOV, f"{SKRYABIN} = {MOLOTOV}")]
    assert "Vyacheslav Molotov" in held[0]["summary"]


def test_as_of_before_the_same_as_and_after_its_retraction_they_are_apart(
    merged: tuple[Path, int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    log, apart, joined = merged
    before = view(capsys, "person", SKRYABIN, "--log", str(log), "--as-of", str(apart))
    assert before["id"] == SKRYABIN and "merged" not in before
    timeline = view(capsys, "timeline", "--person", MOLOTOV, "--log", str(log), "--as-of",
                    str(apart))  # fmt: skip
    assert not any("Chairman" in e["summary"] for e in timeline)
    append(capsys, log, [RETRACT])
    for who in (MOLOTOV, SKRYABIN):
        assert view(capsys, "person", who, "--log", str(log))["id"] == who
    molotov = view(capsys, "person", MOLOTOV, "--log", str(log))
    assert {s["source"] for s in molotov["life"]["born"][0]["sources"]} == {
        "source:axis-talks-page"
    }
    again = view(capsys, "person", SKRYABIN, "--log", str(log), "--as-of", str(joined))
    assert again["id"] == MOLOTOV
    code, _, err = run_cli(capsys, "verify", "--log", str(log), "--deep")
    assert code == 0, err
