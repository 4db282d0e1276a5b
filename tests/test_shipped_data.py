"""The shipped data set: built from data/axis-talks, valid, complete, and true to the page."""

from __future__ import annotations

from collections import Counter
from types import ModuleType
from typing import Any

import orjson
import pytest

from fonds.log import JsonlLog
from fonds.validate import record_hash
from fonds.views import Views
from tests.conftest import RECORDS, ROOT
from tests.helpers import load_script, run_cli

PAGE = "source:axis-talks-page"


def build_module() -> ModuleType:
    module: ModuleType = load_script(ROOT / "data" / "axis-talks" / "build.py")
    return module


@pytest.fixture(scope="module")
def documents() -> list[dict[str, Any]]:
    log = JsonlLog.open(RECORDS)
    return [dict(entry.document) for entry in log.entries()]


def test_records_are_what_the_build_makes(documents: list[dict[str, Any]]) -> None:
    built = Counter(record_hash(document) for document in build_module().records())
    shipped = Counter(record_hash(document) for document in documents)
    assert shipped == built, "records/ is stale: run python data/axis-talks/build.py"


def test_validate_and_verify_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "validate", str(RECORDS))
    assert code == 0, err
    code, out, err = run_cli(capsys, "verify", "--log", str(RECORDS), "--deep")
    assert code == 0, err
    assert 200 <= int(out.split(": ")[1].split()[0]) <= 1000  # a few hundred entries


def test_every_paragraph_is_cited(documents: list[dict[str, Any]]) -> None:
    paragraphs = {
        d["locator"]["value"] for d in documents if d["kind"] == "passage" and d["source"] == PAGE
    }
    assert len(paragraphs) == 46
    cited = {
        c["locator"]["value"]
        for d in documents
        if d["kind"] != "passage"
        for c in d.get("citations", ())
        if c["source"] == PAGE and c.get("locator", {}).get("label") == "paragraph"
    }
    assert paragraphs - cited == set()


def test_every_quote_is_in_the_paragraph_it_cites(documents: list[dict[str, Any]]) -> None:
    text = {
        d["locator"]["value"]: d["text"]
        for d in documents
        if d["kind"] == "passage" and d["source"] == PAGE
    }
    checked = 0
    for document in documents:
        for citation in document.get("citations", ()):
            locator = citation.get("locator", {})
            if citation["source"] == PAGE and locator.get("label") == "paragraph":
                assert citation.get("quote"), document
                assert citation["quote"] in text[locator["value"]], document
                checked += 1
    assert checked > 150


def test_molotov_life_dates_with_their_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "person", "person:molotov", "--format", "json", "--log", str(RECORDS)
    )
    assert code == 0, err
    molotov = orjson.loads(out)
    born, died = molotov["life"]["born"][0], molotov["life"]["died"][0]
    assert (born["date"], died["date"]) == ("1890-03-09", "1986-11-08")
    assert born["sources"][0]["source"] == PAGE
    assert born["sources"][0]["locator"] == {"label": "section", "value": "List of persons, row 2"}


def test_the_page_caveats_are_modelled(documents: list[dict[str, Any]]) -> None:
    by_id = {d["id"]: d for d in documents if "id" in d}
    schulenburg = by_id["person:schulenburg"]
    assert schulenburg["labels"]["en"] == "Friedrich-Werner von der Schulenburg"
    variant = next(
        d
        for d in documents
        if d.get("subject") == "person:schulenburg" and d.get("property") == "name-variant"
    )
    assert variant["value"] == "von Schulenberg"
    assert {"transcription-fault", "normalized-spelling"} <= set(variant["flags"])
    lviv = by_id["event:spotkanie-stalina-i-hitlera-we-lwowie"]
    assert lviv["date"] == "1939-10-18" and "disputed" in lviv["flags"]
    telegrams = by_id["source:stalin-molotov-telegrams-1940"]
    assert telegrams["publication_status"] == "selected"
    assert {"partially-published", "unpublished"} <= set(telegrams["flags"])
    assert "secret" in by_id["source:instruction-no-18"]["flags"]
    unknown = [d for d in documents if d.get("predicate") == "unknown-to"]
    assert [(d["subject"], d["object"]) for d in unknown] == [
        ("event:instruction-no-18-issued", "person:molotov")
    ]
    parts = [d for d in documents if d.get("part_of") == "source:german-draft-agreement-1940"]
    assert len(parts) == 4
    assert all("draft" in d["flags"] for d in parts)
    assert sum("secret" in d["flags"] for d in parts) == 3
    quotations = [d for d in documents if d["kind"] == "quotation"]
    assert len(quotations) >= 20
    assert all("translated" in d["flags"] for d in quotations)
    assert all(d["speaker"].startswith("person:") for d in quotations)
    for person in ("ribbentrop", "molotov", "hitler", "stalin", "schulenburg", "mussolini"):
        assert f"person:{person}" in by_id


def test_meetings_have_times_places_and_roles() -> None:
    views = Views(JsonlLog.open(RECORDS), use_snapshot=False)
    molotov = views.person("person:molotov")
    roles = {(e.document["event"], e.document["role"]) for e in molotov.participations}
    assert ("event:hitler-molotov-meeting-1940-11-12", "guest") in roles
    assert ("event:hitler-molotov-meeting-1940-11-13", "guest") in roles
    assert ("event:air-raid-shelter-talks-1940-11-13", "guest") in roles
    day = views.timeline(date_from="1940-11-12", date_to="1940-11-12")
    ids = [e.subjects[0] for e in day if e.kind == "event"]
    assert ids.index("event:molotov-arrives-in-berlin-1940") < ids.index(
        "event:hitler-molotov-meeting-1940-11-12"
    )
