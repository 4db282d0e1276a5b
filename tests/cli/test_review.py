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


def who_is_who() -> list[dict[str, Any]]:
    """Molotov in Cyrillic with his birth date, the Count by his title, and a decoy: a name one
    letter from Molotov's, born sixty years later."""
    volume = [{"source": "source:bse-1974", "locator": {"label": "volume", "value": "16"}}]
    encyclopedia = contribution()[0]
    return [
        encyclopedia,
        {"kind": "person", "schema": 1, "id": "person:molotov-vm", "recorded_by": EDITORS,
         "labels": {"ru": "Вячеслав Молотов"}, "citations": volume},
        {"kind": "attribute", "schema": 1, "subject": "person:molotov-vm", "property": "born",
         "date": "1890-03-09", "confidence": "high", "recorded_by": EDITORS, "citations": volume},
        {"kind": "person", "schema": 1, "id": "person:graf-schulenburg", "recorded_by": EDITORS,
         "labels": {"de": "Graf von der Schulenburg"}},
        {"kind": "person", "schema": 1, "id": "person:molotkov", "recorded_by": EDITORS,
         "labels": {"ru": "Вячеслав Молотков"}},
        {"kind": "attribute", "schema": 1, "subject": "person:molotkov", "property": "born",
         "date": "1951-07-02", "confidence": "medium", "recorded_by": EDITORS,
         "citations": [{"source": "source:bse-1974"}]},
    ]  # fmt: skip


def test_review_proposes_who_is_who_across_scripts_and_rules_out_a_decoy(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    path = write_jsonl(shipped_log.parent / "c.jsonl", who_is_who())
    drafts = shipped_log.parent / "same-as.jsonl"
    where = ["--log", str(shipped_log)]
    code, out, err = run_cli(
        capsys, "review", str(path), *where, "--format", "json", "--same-as-out", str(drafts)
    )
    assert code == 0, err
    result = orjson.loads(out)
    molotov, count = result["same_as"]
    assert (molotov["incoming"], molotov["existing"]) == ("person:molotov-vm", "person:molotov")
    assert molotov["evidence"]["names"] == {
        "incoming": "Вячеслав Молотов", "existing": "Vyacheslav Molotov",
        "how": "transliterated", "score": 100.0,
    }  # fmt: skip
    assert molotov["evidence"]["life_dates"] == [
        {"property": "born", "incoming": ["1890-03-09"], "existing": ["1890-03-09"], "agree": True}
    ]
    assert molotov["confidence"] == "high"
    assert molotov["reason"] == (
        "same name across scripts: Вячеслав Молотов / Vyacheslav Molotov;"
        " same birth date 1890-03-09 in both"
    )
    assert (count["incoming"], count["existing"]) == ("person:graf-schulenburg",
                                                      "person:schulenburg")  # fmt: skip
    assert count["evidence"]["names"]["how"] == "fuzzy"
    assert 85 <= count["evidence"]["names"]["score"] < 100
    assert count["confidence"] == "speculative" and count["evidence"]["life_dates"] == []
    [decoy] = result["same_as_ruled_out"]
    assert (decoy["incoming"], decoy["existing"]) == ("person:molotkov", "person:molotov")
    assert "birth dates differ: 1951-07-02 / 1890-03-09" in decoy["reason"]
    # the drafts: one same-as record per proposal, citing the evidence's sources
    written = [orjson.loads(line) for line in drafts.read_bytes().splitlines()]
    assert written == [molotov["record"], count["record"]]
    record = written[0]
    assert {k: record[k] for k in ("kind", "subject", "predicate", "object", "confidence")} == {
        "kind": "relation", "subject": "person:molotov-vm", "predicate": "same-as",
        "object": "person:molotov", "confidence": "high",
    }  # fmt: skip
    assert record["note"] == molotov["reason"] and record["recorded_by"] == EDITORS
    cited = [c["source"] for c in record["citations"]]
    assert cited[0] == "source:bse-1974" and "source:axis-talks-page" in cited
    # the text report says the same
    code, text, _ = run_cli(capsys, "review", str(path), *where)
    assert code == 0
    assert "- Вячеслав Молотов (person:molotov-vm) same as Vyacheslav Molotov" in text
    assert "ruled out: person:molotkov and person:molotov" in text
    # every vocabulary knows same-as, so the drafts append with the contribution as they are
    code, _, err = run_cli(capsys, "append", str(path), str(drafts), *where)
    assert code == 0, err
    assert run_cli(capsys, "verify", *where)[0] == 0


def test_an_equal_wikidata_id_is_decisive_and_a_different_one_rules_the_pair_out(
    capsys: pytest.CaptureFixture[str], empty_log: Path, tmp_path: Path
) -> None:
    from tests.helpers import basics, life, person

    log = ["--log", str(empty_log)]
    molotov = {**person(), "external_ids": {"wikidata": "Q80086"}}
    hitler = {**person("person:hitler", "Adolf Hitler"), "external_ids": {"wikidata": "Q352"}}
    first = write_jsonl(tmp_path / "first.jsonl", [*basics()[:2], molotov, hitler])
    assert run_cli(capsys, "append", str(first), *log)[0] == 0
    incoming = [
        # no name alike, no date: the identifier alone decides
        {**person("person:vm", "Скрябин"), "external_ids": {"wikidata": "Q80086"}},
        # the same name, the same birth date, but another person by its identifier
        {**person("person:adolf-hitler", "Adolf Hitler"), "external_ids": {"wikidata": "Q1"}},
        life("person:adolf-hitler", "born", "1889-04-20"),
    ]
    path = write_jsonl(tmp_path / "c.jsonl", incoming)
    code, out, err = run_cli(capsys, "review", str(path), *log, "--format", "json")
    assert code == 0, err
    result = orjson.loads(out)
    [decided] = result["same_as"]
    assert (decided["incoming"], decided["existing"]) == ("person:vm", "person:molotov")
    assert decided["confidence"] == "certain" and decided["evidence"]["names"] is None
    assert decided["reason"] == "same wikidata id Q80086"
    assert decided["record"]["citations"] == []  # neither record cites a source: say so
    [out_ruled] = result["same_as_ruled_out"]
    assert out_ruled["existing"] == "person:hitler"
    assert "different wikidata ids: Q1 / Q352" in out_ruled["reason"]
    text = run_cli(capsys, "review", str(path), *log)[1]
    assert "no source cites this evidence: add one to the draft to append it" in text


def test_names_alike_but_for_the_given_or_the_family_name_are_not_proposed(
    capsys: pytest.CaptureFixture[str], empty_log: Path, tmp_path: Path
) -> None:
    from tests.helpers import basics, person

    log = ["--log", str(empty_log)]
    namesakes = [person(f"person:ivan-petrov-{n}", "Ivan Petrov") for n in range(7)]
    existing = [person("person:marta", "Marta Petrova"), person("person:olga", "Olga Petrenko")]
    first = write_jsonl(tmp_path / "first.jsonl", [*basics()[:2], *existing, *namesakes])
    assert run_cli(capsys, "append", str(first), *log)[0] == 0
    incoming = [
        person("person:olga-petrova", "Olga Petrova"),  # Marta's family, Olga's given name
        person("person:petrova", "Petrova"),  # a surname alone: any Petrova
        person("person:ivan", "Иван Петров"),  # seven namesakes in the log
    ]
    path = write_jsonl(tmp_path / "c.jsonl", incoming)
    code, out, err = run_cli(capsys, "review", str(path), *log, "--format", "json")
    assert code == 0, err
    result = orjson.loads(out)
    pairs = [(p["incoming"], p["existing"]) for p in result["same_as"]]
    assert not [pair for pair in pairs if pair[0] == "person:olga-petrova"]
    assert ("person:petrova", "person:marta") in pairs
    surname = [p for p in result["same_as"] if p["incoming"] == "person:petrova"]
    # Petrova within Marta Petrova first; then Petrov, a family name one letter off
    assert [p["evidence"]["names"]["how"] for p in surname] == ["fuzzy"] + ["family-name"] * 4
    assert surname[0]["existing"] == "person:marta"
    ivans = [p for p in result["same_as"] if p["incoming"] == "person:ivan"]
    # five of seven namesakes for Ivan, five of eight candidates for Petrova
    assert len(ivans) == 5 and result["same_as_left_out"] == 2 + 3
    assert {p["evidence"]["names"]["how"] for p in ivans} == {"transliterated"}
    text = run_cli(capsys, "review", str(path), *log)[1]
    assert "- 5 weaker candidates left out" in text
