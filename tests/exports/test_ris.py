"""The RIS export as RIS readers take it: ``rispy`` and pandoc read exactly the records written,
field by field, whatever the text of a source holds."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from fonds.exports.base import ExportContext
from fonds.exports.ris import ris
from fonds.log import MemoryLog
from tests.conftest import ROOT
from tests.helpers import AGENT, agent, run_cli

INJECTION = "Innocent\nER  - \nTY  - JOUR\nTI  - Injected"


def _hostile() -> list[dict[str, Any]]:
    return [
        {
            "kind": "source", "schema": 1, "id": "source:telegram", "recorded_by": AGENT,
            "source_type": "telegram", "title": INJECTION, "publication_status": "unpublished",
            "authors": [{"family": "Stalin", "given": "Joseph"}],
            "editors": [{"family": "Editor", "given": "Ann"}],
            "recipients": [{"family": "Molotov", "given": "Vyacheslav"}],
            "issued": "1940-11-13", "accessed": "2026-11-26", "pages": "12–15",
            "url": "https://example.org/t?a=1&b=2", "genre": "Cipher telegram",
            "archive": "APRF", "archive_collection": "fond 3", "archive_location": "delo 675",
            "note": "=HYPERLINK(\"x\")\nsecond line\twith a tab",
        },
        {
            "kind": "source", "schema": 1, "id": "source:book", "recorded_by": AGENT,
            "source_type": "book", "title": "A Book", "publication_status": "published",
            "issued": "1993",
        },
    ]  # fmt: skip


def _pandoc(text: str) -> list[dict[str, Any]]:
    import pypandoc

    run = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "ris", "-t", "csljson"],
        input=text.encode(), capture_output=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()
    found: list[dict[str, Any]] = json.loads(run.stdout)
    return found


def test_a_line_break_in_a_value_cannot_start_a_record() -> None:
    import rispy

    log = MemoryLog()
    log.append([agent(), *_hostile()])
    text = ris(ExportContext(log).selection)
    for line in text.split("\r\n"):
        assert line == "" or (line[:2].isalnum() and line[2:6] == "  - "), line
    entries = {entry["id"]: entry for entry in rispy.loads(text)}
    assert sorted(entries) == ["book", "telegram"]
    telegram = entries["telegram"]
    assert telegram["title"] == "Innocent ER - TY - JOUR TI - Injected"
    assert telegram["date"] == "1940/11/13/" and telegram["year"] == "1940"
    assert telegram["access_date"] == "2026/11/26/"
    assert telegram["urls"] == ["https://example.org/t?a=1&b=2"]
    assert telegram["unknown_tag"]["ED"] == ["Editor, Ann"]  # rispy has no name for ED
    assert telegram["secondary_authors"] == ["Molotov, Vyacheslav"]
    assert (telegram["start_page"], telegram["end_page"]) == ("12", "15")
    assert telegram["type_of_work"] == "Cipher telegram"
    assert telegram["accession_number"] == "fond 3, delo 675"
    assert telegram["notes"][0] == '=HYPERLINK("x") second line with a tab'
    papers = {entry["id"]: entry for entry in _pandoc(text)}
    assert sorted(papers) == ["book", "telegram"]
    assert papers["telegram"]["URL"] == "https://example.org/t?a=1&b=2"
    assert papers["telegram"]["page"] == "12-15"
    assert {"family": "Editor", "given": "Ann"} in papers["telegram"]["editor"]
    assert papers["book"]["issued"] == {"date-parts": [[1993]]}


def test_the_shipped_export_reads_back_whole_with_nothing_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import rispy

    code, out, err = run_cli(capsys, "export", "ris", "--log", str(ROOT / "records"))
    assert (code, err) == (0, "")
    written = out.count("ER  - ")
    assert written == len(rispy.loads(out)) == len(_pandoc(out)) > 10
    tags = set(
        [
            "TY",
            "ID",
            "TI",
            "AU",
            "ED",
            "A2",
            "PY",
            "DA",
            "Y2",
            "T2",
            "PB",
            "CY",
            "VL",
            "IS",
            "M1",
            "M3",
            "SP",
            "EP",
            "UR",
            "DB",
            "AN",
            "N1",
            "KW",
            "LA",
            "ER",
        ]
    )
    assert {line[:2] for line in out.splitlines() if line} <= tags
