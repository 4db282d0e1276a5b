"""Exports of the shipped data, each checked by the tool made to read it."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest

from fonds.log import open_log
from fonds.views import Views
from tests.conftest import SHARED
from tests.helpers import run_cli, system_program, write_jsonl

EXTERNAL = SHARED / "external"
EDITORS = "agent:fonds-editors"


def export(capsys: pytest.CaptureFixture[str], log: Path, *args: str) -> str:
    code, out, err = run_cli(capsys, "export", *args, "--log", str(log))
    assert code == 0, err
    return out


def source_count(log: Path) -> int:
    lines = (log / "log.jsonl").read_bytes().splitlines()
    return sum(b'"kind":"source"' in line for line in lines)


def test_csl_json_validates_against_the_official_schema(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    schema_path = EXTERNAL / "csl-data.json"
    assert schema_path.is_file(), (
        f"{schema_path} is missing: the CSL schema lives in shared/external"
    )
    items = json.loads(export(capsys, shipped_log, "csl-json"))
    jsonschema.Draft7Validator(json.loads(schema_path.read_text())).validate(items)
    assert len(items) == source_count(shipped_log)
    telegram = next(i for i in items if i["id"] == "telegram-stalin-to-molotov-1940-11-12")
    assert telegram["type"] == "personal_communication" and telegram["genre"] == "Telegram"
    assert telegram["issued"]["date-parts"] == [[1940, 11, 12]]
    assert telegram["custom"]["part_of"] == "source:stalin-molotov-telegrams-1940"


def test_bibtex_parses_with_no_failed_blocks(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    from bibtexparser.entrypoint import parse_string

    library = parse_string(export(capsys, shipped_log, "bibtex"))
    assert library.failed_blocks == []
    assert len(library.entries) == source_count(shipped_log)
    keys = {entry.key for entry in library.entries}
    assert "instruction-no-18" in keys and "axis-talks-page" in keys
    instruction = next(e for e in library.entries if e.key == "instruction-no-18")
    assert instruction.fields_dict["author"].value == "Hitler, Adolf"
    assert instruction.fields_dict["year"].value == "1940"


def test_ris_reads_back(capsys: pytest.CaptureFixture[str], shipped_log: Path) -> None:
    import rispy

    entries = rispy.loads(export(capsys, shipped_log, "ris"))
    assert len(entries) == source_count(shipped_log)
    by_id = {entry["id"]: entry for entry in entries}
    assert by_id["stalin-molotov-telegrams-1940"]["title"].startswith("Telegrams between Stalin")
    assert "unpublished" in by_id["stalin-molotov-telegrams-1940"]["keywords"]


def test_a_view_exports_only_the_sources_behind_it(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    items = json.loads(
        export(capsys, shipped_log, "csl-json", "--from", "1940-11-13", "--to", "1940-11-13")
    )
    ids = {item["id"] for item in items}
    assert "axis-talks-page" in ids and "instruction-no-18" in ids
    assert "stalin-molotov-telegrams-1940" in ids  # the parent of a telegram cited that day
    assert len(ids) < source_count(shipped_log)


def test_prov_round_trips_through_prov(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    from prov.model import ProvDocument

    text = export(capsys, shipped_log, "prov-json")
    schema = json.loads((EXTERNAL / "prov" / "prov-json.schema.json").read_text())
    jsonschema.Draft4Validator(schema).validate(json.loads(text))
    document = ProvDocument.deserialize(content=text, format="json")
    assert (
        ProvDocument.deserialize(content=document.serialize(format="json"), format="json")
        == document
    )
    xml = document.serialize(format="xml")
    assert ProvDocument.deserialize(content=xml, format="xml") == document
    provn = export(capsys, shipped_log, "prov-n")
    assert "wasDerivedFrom(rec:" in provn and "fid:source.axis-talks-page" in provn
    import rdflib

    turtle = export(capsys, shipped_log, "prov-ttl")
    assert "prov:wasDerivedFrom" in turtle
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    entity = rdflib.URIRef("http://www.w3.org/ns/prov#Entity")
    typed = {s for s in graph.subjects(rdflib.RDF.type, entity) if "/record/" in str(s)}
    assert len(typed) == len((shipped_log / "log.jsonl").read_bytes().splitlines())
    assert ProvDocument.deserialize(content=turtle, format="rdf", rdf_format="turtle") == document
    trig = export(capsys, shipped_log, "prov-trig")
    assert len(rdflib.Dataset().parse(data=trig, format="trig")) == len(graph)
    records = len((shipped_log / "log.jsonl").read_bytes().splitlines())
    entities = [r for r in document.get_records() if r.get_type().localpart == "Entity"]
    assert len([e for e in entities if str(e.identifier).startswith("rec:")]) == records


def test_corrections_are_revision_and_invalidation(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    from fonds.validate import record_hash

    born = {
        "kind": "attribute",
        "schema": 1,
        "subject": "person:molotov",
        "property": "born",
        "date": "1890-03-06",
        "citations": [{"source": "source:axis-talks-page"}],
        "confidence": "low",
        "recorded_by": EDITORS,
    }
    fixed = {**born, "date": "1890-03-09", "confidence": "high"}
    write_jsonl(shipped_log.parent / "a.jsonl", [born, fixed])
    supersede = {
        "kind": "supersede",
        "schema": 1,
        "target": record_hash(born),
        "replacement": record_hash(fixed),
        "reason": "misread",
        "recorded_by": EDITORS,
    }
    retract = {
        "kind": "retract",
        "schema": 1,
        "target": record_hash(fixed),
        "reason": "duplicate",
        "recorded_by": EDITORS,
    }
    write_jsonl(shipped_log.parent / "b.jsonl", [supersede, retract])
    for name in ("a.jsonl", "b.jsonl"):
        code, _, err = run_cli(
            capsys, "append", str(shipped_log.parent / name), "--log", str(shipped_log)
        )
        assert code == 0, err
    provn = export(capsys, shipped_log, "prov-n")
    revision = next(
        line
        for line in provn.splitlines()
        if f"(rec:{record_hash(fixed)}, rec:{record_hash(born)}" in line
    )
    assert revision.strip().startswith("wasDerivedFrom(") and "prov:Revision" in revision
    assert f"wasInvalidatedBy(rec:{record_hash(fixed)}," in provn


def hostile(shipped_log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    documents: list[dict[str, Any]] = [
        {
            "kind": "source",
            "schema": 1,
            "id": "source:hostile",
            "source_type": "book",
            "title": "<script>document.title='pwned'</script> {unbalanced",
            "publication_status": "published",
            "recorded_by": EDITORS,
        },
        {
            "kind": "event",
            "schema": 1,
            "id": "event:formula",
            "labels": {"en": '=HYPERLINK("http://example.invalid","click")'},
            "date": "1940-11-14",
            "confidence": "low",
            "recorded_by": EDITORS,
            "citations": [
                {"source": "source:hostile", "locator": {"label": "page", "value": "<b>1</b>"}}
            ],
        },
        {
            "kind": "event",
            "schema": 1,
            "id": "event:script",
            "labels": {"en": "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"},
            "date": "1940-11-14",
            "confidence": "low",
            "recorded_by": EDITORS,
            "citations": [{"source": "source:hostile"}],
        },
    ]
    path = write_jsonl(shipped_log.parent / "hostile.jsonl", documents)
    code, _, err = run_cli(capsys, "append", str(path), "--log", str(shipped_log))
    assert code == 0, err


def test_hostile_values_come_out_inert(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    hostile(shipped_log, capsys)
    page = export(capsys, shipped_log, "html", "--from", "1940-11-14", "--to", "1940-11-14")
    assert "<script" not in page and "<img" not in page and "<b>1" not in page
    assert "&lt;script&gt;" in page
    rows = list(csv.DictReader(io.StringIO(export(capsys, shipped_log, "csv"))))
    formula = next(r for r in rows if r["subjects"] == "event:formula")
    assert formula["summary"].startswith("'=HYPERLINK")
    assert all(not value.startswith(("=", "+", "@")) for row in rows for value in row.values())
    markdown = export(capsys, shipped_log, "md", "--from", "1940-11-14", "--to", "1940-11-14")
    assert "<script" not in markdown
    from bibtexparser.entrypoint import parse_string

    assert parse_string(export(capsys, shipped_log, "bibtex")).failed_blocks == []


def test_prov_xml_escapes_what_xml_cannot_hold_from_a_log_written_before_the_rules(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from prov.model import ProvDocument

    from fonds.log import JsonlLog
    from tests.helpers import agent, append_unchecked, basics, life, source

    directory = tmp_path / "log"
    JsonlLog.init(directory).append(basics())
    older = source("source:older")
    older["title"] = "Tele\u0000gram\u0001s \ufffe"
    teller = agent("agent:teller")
    teller["labels"] = {"en": "Tel\u0000ler"}
    fact = life("person:molotov", "died", "1986", "source:older")
    fact["citations"][0]["locator"]["value"] = "f\u00001"
    append_unchecked(directory, [teller, older, fact])
    xml = export(capsys, directory, "prov-xml")
    assert "Tele\\u0000gram\\u0001s \\ufffe" in xml and "Tel\\u0000ler" in xml
    assert "f\\u00001" in xml
    labels = {str(v) for r in ProvDocument.deserialize(content=xml, format="xml").get_records()
              for k, v in r.attributes if k.localpart == "label"}  # fmt: skip
    assert "Tele\\u0000gram\\u0001s \\ufffe" in labels
    # the formats that can hold the characters keep them as they are
    assert "Tele\\u0000gram\\u0001s" in export(capsys, directory, "prov-json")


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_html_report_renders_in_a_browser(
    capsys: pytest.CaptureFixture[str], shipped_log: Path, tmp_path: Path
) -> None:
    chromium = shutil.which("chromium-browser") or system_program("chromium", "chromium")
    hostile(shipped_log, capsys)
    report = tmp_path / "report.html"
    export(
        capsys,
        shipped_log,
        "html",
        "--from",
        "1940-11-12",
        "--to",
        "1940-11-14",
        "--out",
        str(report),
    )
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "<title>Timeline, 1940-11-12 to 1940-11-14</title>" in dom  # no script ran
    assert "<script" not in dom and "<img" not in dom
    notes = dom.count('<li id="note-')
    assert notes > 30 and dom.count('href="#ref-') == notes and dom.count('href="#note-') == notes
    screenshot = tmp_path / "report.png"
    subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            "--window-size=1100,1400",
            f"--screenshot={screenshot}",
            report.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert (
        screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and screenshot.stat().st_size > 20_000
    )


def test_timelinejs_carries_every_dated_fact_and_parquet_every_fact(
    capsys: pytest.CaptureFixture[str], shipped_log: Path, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    facts = orjson.loads(
        run_cli(capsys, "timeline", "--log", str(shipped_log), "--format", "json")[1]
    )
    slides = json.loads(export(capsys, shipped_log, "timelinejs"))["events"]
    assert len(slides) == len(facts)
    assert all("<small>" in slide["text"]["text"] for slide in slides)
    arrival = next(s for s in slides if s["text"]["text"].startswith("<p>Molotov&#x27;s train"))
    assert arrival["start_date"] == {
        "year": 1940,
        "month": 11,
        "day": 12,
        "hour": 11,
        "minute": 5,
        "display_date": "12 Nov 1940, 11:05",
    }
    out = tmp_path / "facts.parquet"
    export(capsys, shipped_log, "parquet", "--out", str(out))
    table = pq.read_table(out)
    undated = [fact.record for fact in Views(open_log(shipped_log)).undated()]
    assert undated, "the shipped data holds facts without a date (offices held, ...)"
    assert table.column("record").to_pylist() == [f["record"] for f in facts] + undated
    assert table.column("date").to_pylist()[len(facts) :] == [""] * len(undated)
