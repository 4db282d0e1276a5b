"""fonds cite: notes and bibliography entries as the style demands, and a record as data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from fonds.exports.citeproc import Cite, Formatter, html_to_text
from fonds.exports.csl import csl_item
from tests.helpers import run_cli, write_jsonl

EDITORS = "agent:fonds-editors"


def cite(capsys: pytest.CaptureFixture[str], log: Path, *args: str) -> dict[str, Any]:
    code, out, err = run_cli(capsys, "cite", *args, "--log", str(log), "--format", "json")
    assert code == 0, err
    result: dict[str, Any] = orjson.loads(out)
    return result


def test_instruction_no_18_in_chicago_and_in_apa(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    chicago = cite(capsys, shipped_log, "event:instruction-no-18-issued")
    assert chicago["note"] == "“German–Soviet Axis Talks,” para. 41."
    assert chicago["note_style"] is True
    assert chicago["bibliography"] == ["“German–Soviet Axis Talks.”"]
    apa = cite(capsys, shipped_log, "event:instruction-no-18-issued", "--style", "apa")
    assert apa["note"] == "(German–Soviet Axis Talks, n.d., para. 41)"
    assert apa["note_style"] is False
    assert apa["bibliography"] == ["German–Soviet Axis talks. (n.d.)."]
    assert chicago["as_data"].startswith(f"fonds record {chicago['record'][:12]} (event), entry ")
    assert "by agent:fonds-editors" in chicago["as_data"]
    code, out, _ = run_cli(
        capsys, "cite", "event:instruction-no-18-issued", "--log", str(shipped_log)
    )
    assert code == 0 and out.startswith("Note: “German–Soviet Axis Talks,” para. 41.\n")


def test_a_record_is_cited_by_its_hash(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    chicago = cite(capsys, shipped_log, "event:instruction-no-18-issued")
    again = cite(capsys, shipped_log, chicago["record"][:10])
    assert again["note"] == chicago["note"] and again["record"] == chicago["record"]
    code, _, err = run_cli(capsys, "cite", "person:molotof", "--log", str(shipped_log))
    assert code == 1 and "person:molotov" in err
    code, _, err = run_cli(
        capsys, "cite", "person:molotov", "--log", str(shipped_log), "--style", "no-such-style"
    )
    assert code == 2 and "not an official CSL style" in err


ARCHIVAL_TELEGRAM = {
    "kind": "source",
    "schema": 1,
    "id": "source:aprf-telegram-1940-11-13",
    "source_type": "telegram",
    "title": "Stalin to Molotov",
    "authors": [{"family": "Stalin", "given": "Joseph"}],
    "recipients": [{"family": "Molotov", "given": "Vyacheslav"}],
    "issued": "1940-11-13",
    "publication_status": "unpublished",
    "archive": "Archive of the President of the Russian Federation",
    "archive_place": "Moscow",
    "archive_collection": "fond 3, opis 64",
    "archive_location": "delo 675, list 147",
    "recorded_by": EDITORS,
}


def test_an_unpublished_archival_telegram_as_a_historian_writes_it(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    path = write_jsonl(shipped_log.parent / "telegram.jsonl", [ARCHIVAL_TELEGRAM])
    assert run_cli(capsys, "append", str(path), "--log", str(shipped_log))[0] == 0
    result = cite(capsys, shipped_log, "source:aprf-telegram-1940-11-13")
    assert result["note"] == (
        "Joseph Stalin, “Stalin to Molotov,” Telegram to Vyacheslav Molotov, November 13, 1940,"
        " delo 675, list 147, fond 3, opis 64, Archive of the President of the Russian"
        " Federation, Moscow."
    )


def test_pandoc_reads_as_the_reference_processors_where_citeproc_py_does_not() -> None:
    """Why fonds formats with pandoc's citeproc: citeproc-py abbreviates given names."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    from fonds.exports.citeproc import style_path

    item = csl_item(ARCHIVAL_TELEGRAM)
    style = CitationStylesStyle(str(style_path("chicago-notes-bibliography")), validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    citation = Citation([CitationItem(item["id"])])
    bibliography.register(citation)
    by_citeproc_py = str(bibliography.cite(citation, lambda _: None))
    by_pandoc = html_to_text(
        Formatter("chicago-notes-bibliography").render([item], [[Cite(item["id"])]]).notes[0]
    )
    assert "Joseph Stalin" in by_pandoc
    assert "Joseph Stalin" not in by_citeproc_py


def test_section_and_number_locators_and_the_older_style_name() -> None:
    from fonds.exports.citeproc import Cite, Formatter

    item = {"id": "a", "type": "book", "title": "The Book", "issued": {"date-parts": [[1990]]}}
    groups = [[Cite("a", ("section", "Background"))], [Cite("a", ("number", "176"))]]
    notes = Formatter("chicago-notes-bibliography").render([item], groups).notes
    assert Formatter("chicago-note-bibliography").render([item], groups).notes == notes
    assert html_to_text(notes[0]).endswith(", sec. Background.")
    assert html_to_text(notes[1]).endswith(", no. 176.") and "Issue" not in notes[1]
