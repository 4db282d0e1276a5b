"""fonds review: what a contribution would do, reported without appending it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from fonds.validate import record_hash
from tests.helpers import run_cli, write_jsonl

EDITORS = "agent:fonds-editors"
SHIPPED_BIRTH = {
    "kind": "attribute", "schema": 1, "subject": "person:molotov", "property": "born",
    "date": "1890-03-09", "recorded_by": "agent:fonds-page-importer", "confidence": "medium",
    "citations": [{"source": "source:axis-talks-page", "quote": "09.03.1890",
                   "locator": {"label": "section", "value": "List of persons, row 2"}}],
}  # fmt: skip


def contribution() -> list[dict[str, Any]]:
    encyclopedia = {
        "kind": "source", "schema": 1, "id": "source:bse-1974", "source_type": "book",
        "title": "Great Soviet Encyclopedia", "publication_status": "published",
        "issued": "1974", "recorded_by": EDITORS,
    }  # fmt: skip
    birth = {
        "kind": "attribute", "schema": 1, "subject": "person:molotov", "property": "born",
        "date": "1890-03-06", "confidence": "high", "recorded_by": EDITORS,
        "citations": [{"source": "source:bse-1974", "locator": {"label": "volume", "value": "16"}}],
    }  # fmt: skip
    twin = {
        "kind": "person", "schema": 1, "id": "person:molotov-vm",
        "labels": {"en": "Viacheslav Molotov"}, "recorded_by": EDITORS,
    }  # fmt: skip
    death = {
        "kind": "attribute", "schema": 1, "subject": "person:molotov-vm", "property": "died",
        "date": "1986-11-08", "confidence": "medium", "recorded_by": EDITORS,
        "citations": [{"source": "source:axis-talks-page"}],
    }  # fmt: skip
    supersede = {
        "kind": "supersede", "schema": 1, "target": record_hash(SHIPPED_BIRTH),
        "replacement": record_hash(birth), "reason": "The encyclopedia is the better source.",
        "recorded_by": EDITORS,
    }  # fmt: skip
    return [encyclopedia, birth, twin, death, supersede]


def test_conflict_supersession_and_near_duplicate_are_all_reported(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    before = (shipped_log / "log.jsonl").read_bytes()
    assert record_hash(SHIPPED_BIRTH) in before.decode()
    path = write_jsonl(shipped_log.parent / "c.jsonl", contribution())
    code, out, err = run_cli(
        capsys, "review", str(path), "--log", str(shipped_log), "--format", "json"
    )
    assert code == 0, err
    result = orjson.loads(out)
    [conflict] = result["conflicts"]
    assert (conflict["subject"], conflict["property"]) == ("person:molotov", "born")
    assert [f["date"] for f in conflict["in_the_log"]] == ["1890-03-09"]
    assert conflict["contributed"]["date"] == "1890-03-06"
    assert conflict["contributed"]["sources"][0]["source"] == "source:bse-1974"
    assert conflict["resolved_by_contribution"] is True
    [correction] = result["corrections"]
    assert correction["replaces"]["date"] == "1890-03-09" and correction["replaces"][
        "in"
    ].startswith("entry ")
    assert correction["with"]["date"] == "1890-03-06" and correction["with"]["in"] == "contribution"
    [pair] = result["same_as"]
    assert (pair["incoming"], pair["existing"]) == ("person:molotov-vm", "person:molotov")
    assert "same death date 1986-11-08 in both" in pair["reason"]
    assert pair["evidence"]["names"]["how"] == "fuzzy" and pair["confidence"] == "medium"
    assert [e["id"] for e in result["new_entities"]] == ["source:bse-1974", "person:molotov-vm"]
    weak = result["weakly_supported"]
    assert [w["summary"] for w in weak] == ["Viacheslav Molotov — died"]
    assert weak[0]["source_flags"] == ["user-generated"]
    code, markdown, _ = run_cli(
        capsys, "review", str(path), "--log", str(shipped_log), "--format", "md"
    )
    assert code == 0
    assert (
        "### Conflicts it would open (1)" in markdown
        and "### Who is who: the log's entities these may be (1)" in markdown
    )
    assert "(`person:molotov-vm`) same as Vyacheslav Molotov (`person:molotov`)? medium" in markdown
    assert (shipped_log / "log.jsonl").read_bytes() == before  # nothing appended


def test_an_invalid_contribution_is_reviewed_with_its_problems(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    documents = contribution()
    documents[1]["confidence"] = "sure"
    documents[2]["labels"] = {"en": "<img src=x onerror=alert(1)> *Molotov*"}
    path = write_jsonl(shipped_log.parent / "c.jsonl", documents)
    code, out, _ = run_cli(capsys, "review", str(path), "--log", str(shipped_log), "--format", "md")
    assert code == 1
    assert "INVALID: " in out and "/confidence" in out
    assert "<img" not in out and "&lt;img" in out and "\\*Molotov\\*" in out
