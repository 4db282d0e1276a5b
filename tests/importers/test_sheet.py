"""Spreadsheet contributions: template, import, and every problem by row and column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
import pytest

from fonds.log import JsonlLog
from fonds.model import RECORD_KINDS
from tests.helpers import run_cli


def shipped_hashes(log: Path) -> list[str]:
    return [e.id for e in JsonlLog.open(log).entries() if e.kind == "attribute"]


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_template_round_trip_for_every_kind(
    kind: str, capsys: pytest.CaptureFixture[str], shipped_log: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / f"{kind}.csv"
    where = ["--log", str(shipped_log)]
    assert run_cli(capsys, "template", "csv", kind, "--out", str(sheet), *where)[0] == 0
    rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    comments = [row[0] for row in rows[2:]]
    assert len(rows[0]) == len(rows[1]) and all(c.startswith("# ") for c in comments)
    if kind in ("supersede", "retract"):  # fill in records that exist
        assert comments and all("hash of a record in the log" in c for c in comments)
        header, row = rows[:2]
        first, second = shipped_hashes(shipped_log)[:2]
        row[header.index("target")] = first
        if "replacement" in header:
            row[header.index("replacement")] = second
        buffer = io.StringIO()
        csv.writer(buffer).writerows([header, row])
        sheet.write_text(buffer.getvalue(), encoding="utf-8")
    else:  # the shipped archive has every entity the examples name
        assert comments == []
    out = tmp_path / f"{kind}.jsonl"
    code, _, err = run_cli(
        capsys, "import", "csv", str(sheet), "--kind", kind, "--out", str(out),
        "--log", str(shipped_log),
    )  # fmt: skip
    assert code == 0, err
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(records) == 1 and records[0]["kind"] == kind
    code, _, err = run_cli(capsys, "validate", str(out), "--log", str(shipped_log))
    assert code == 0, err
    code, _, err = run_cli(capsys, "append", str(out), "--log", str(shipped_log))
    assert code == 0, err


def test_cells_hold_lists_names_citations_and_languages(
    capsys: pytest.CaptureFixture[str], shipped_log: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "sources.csv"
    sheet.write_bytes(
        "\ufeffid,source_type,title,publication_status,authors,issued,flags,"
        "labels.en,citation1.source\r\n"
        'source:memo,archival-document,"Memo, with ""quotes""\nand a line break",unpublished,'
        '"Molotov, Vyacheslav; {Narkomindel}",1940-11~,secret; unpublished,,\r\n'
        ",,,,,,,,\r\n"
        ",,,,,,,,\r\n".encode()
    )
    out = tmp_path / "sources.jsonl"
    code, _, err = run_cli(
        capsys, "import", "csv", str(sheet), "--kind", "source", "--out", str(out),
        "--log", str(shipped_log), "--recorded-by", "agent:fonds-editors",
    )  # fmt: skip
    assert code == 1 and "labels.en" in err and "citation1.source" in err  # not source columns
    sheet.write_bytes(sheet.read_bytes().replace(b",labels.en,citation1.source", b",,"))
    code, _, err = run_cli(
        capsys, "import", "csv", str(sheet), "--kind", "source", "--out", str(out),
        "--log", str(shipped_log), "--recorded-by", "agent:fonds-editors",
    )  # fmt: skip
    assert code == 0, err
    [memo] = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert memo["title"] == 'Memo, with "quotes"\nand a line break'
    assert memo["authors"] == [
        {"family": "Molotov", "given": "Vyacheslav"},
        {"literal": "Narkomindel"},
    ]
    assert memo["flags"] == ["secret", "unpublished"] and memo["issued"] == "1940-11~"


def test_every_problem_by_row_and_column_and_nothing_written(
    capsys: pytest.CaptureFixture[str], shipped_log: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "events.csv"
    sheet.write_text(
        "id,lables.en,labels.en,date,citation1.source,citation1.locator,"
        "confidence,flags,recorded_by\n"
        "event:fine,,Fine,1940-11-14,source:axis-talks-page,paragraph 3,high,,{agent}\n"
        "event:bad-date,,Bad date,1940-02-30,source:axis-talks-page,paragraph 3,high,,{agent}\n"
        "event:bad-cells,,Bad cells,1940,source:axis-talk-page,41,sure,secert,{agent}\n".format(
            agent="agent:fonds-editors"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "events.jsonl"
    code, _, err = run_cli(
        capsys, "import", "csv", str(sheet), "--kind", "event", "--out", str(out),
        "--log", str(shipped_log),
    )  # fmt: skip
    assert code == 1
    assert not out.exists()
    lines = err.splitlines()
    assert (
        f"{sheet}:1:lables.en: unknown column 'lables.en' for event records"
        " (did you mean 'labels.en'?)" in lines
    )
    expected = [
        f"{sheet}:3:date:",
        f"{sheet}:4:citation1.locator: expected a label and a value",
        f"{sheet}:4:citation1.source:",
        f"{sheet}:4:confidence:",
        f"{sheet}:4:flags:",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert any("source:axis-talks-page" in line for line in lines if ":4:citation1.source:" in line)
    assert not any(f"{sheet}:2:" in line for line in lines)
    assert lines[-1].startswith("nothing written: 6 problem(s)")


def test_a_sheet_that_is_not_utf8_or_empty(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,labels.en\nperson:x,Müller\n".encode("latin-1"))
    code, _, err = run_cli(capsys, "import", "csv", str(latin), "--kind", "person")
    assert code == 1 and f"{latin}:2:-: not UTF-8 text" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "import", "csv", str(empty), "--kind", "person")
    assert code == 1 and "no header row" in err


def test_the_sheet_reader_returns_a_draft_numbered_by_row(tmp_path: Path) -> None:
    from fonds.importers.draft import Draft
    from fonds.importers.sheet import read_sheet, template

    sheet = tmp_path / "people.csv"
    example = template("person").splitlines()
    sheet.write_text("\n".join([example[0], "", example[1], example[1]]) + "\n", encoding="utf-8")
    draft = read_sheet(sheet, "person")
    assert isinstance(draft, Draft) and draft.ok
    assert draft.lines == (3, 4)  # spreadsheet rows: the header is row 1, a blank row 2
    assert [line for _, line, _ in draft.numbered(str(sheet))] == [3, 4]
    assert draft.records[0]["id"] == "person:kollontai"


def test_a_cell_too_long_for_a_csv_reader_is_a_problem_of_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "big.csv"
    sheet.write_text("id,labels.en,recorded_by\nperson:x," + "a" * 200_000 + ",agent:x\n")
    code, out, err = run_cli(capsys, "import", "csv", str(sheet), "--kind", "person")
    assert (code, out) == (1, "")
    assert f"{sheet}:2:-: a cell is longer than 131,072 characters" in err


def test_rows_the_log_holds_are_left_out_and_its_persons_reused(
    capsys: pytest.CaptureFixture[str], shipped_log: Path, tmp_path: Path
) -> None:
    known = tmp_path / "hilger.jsonl"
    known.write_bytes(
        orjson.dumps(
            {
                "kind": "person",
                "schema": 1,
                "id": "person:hilger",
                "labels": {"en": "Gustav Hilger"},
                "external_ids": {"wikidata": "Q96011"},
                "recorded_by": "agent:fonds-editors",
            }
        )
        + b"\n"
    )
    assert run_cli(capsys, "append", str(known), "--log", str(shipped_log))[0] == 0
    sheet = tmp_path / "persons.csv"
    sheet.write_text(
        "id,labels.en,external_ids.wikidata,citation1.source,citation1.locator,citation1.quote\n"
        # a person of the log, by another name: reused, the name kept as a variant
        "person:molotov,Vyacheslav Mikhailovich Molotov,,source:axis-talks-page,paragraph 1,"
        "Vyacheslav Molotov\n"
        # a person of the log under another id, known by the external identifier
        "person:gustav-hilger,Gustav Hilger,Q96011,,,\n"
        "person:kleist,Peter Kleist,,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "persons.jsonl"
    code, _, err = run_cli(
        capsys, "import", "csv", str(sheet), "--kind", "person", "--out", str(out),
        "--log", str(shipped_log), "--recorded-by", "agent:fonds-editors",
    )  # fmt: skip
    assert code == 0, err
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [r.get("id") for r in records if r["kind"] == "person"] == ["person:kleist"]
    [variant] = [r for r in records if r["kind"] == "attribute"]
    assert (variant["subject"], variant["property"], variant["value"]) == (
        "person:molotov",
        "name-variant",
        "Vyacheslav Mikhailovich Molotov",
    )
    assert run_cli(capsys, "append", str(out), "--log", str(shipped_log))[0] == 0
    code, _, err = run_cli(
        capsys, "import", "csv", str(sheet), "--kind", "person", "--out", str(out),
        "--log", str(shipped_log), "--recorded-by", "agent:fonds-editors",
    )  # fmt: skip
    assert code == 0, err
    assert out.read_bytes() == b""  # everything is in the log now
    code, _, err = run_cli(
        capsys, "import", "csv", str(sheet), "--kind", "person", "--out", str(out),
        "--log", str(shipped_log), "--recorded-by", "agent:fonds-editors", "--standalone",
    )  # fmt: skip
    # on their own, the rows name an agent and a source that only the log declares
    assert code == 1 and "2:citation1.source: source:axis-talks-page is not declared" in err


def test_a_template_imports_into_a_new_archive_or_says_what_must_be_declared_first(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    archive = ["--log", str(tmp_path / "records")]
    assert run_cli(capsys, "init", *archive[1:], "--agent", "agent:jdoe", "--name", "Jane")[0] == 0
    imported = {}
    for kind in RECORD_KINDS:
        sheet, out = tmp_path / f"{kind}.csv", tmp_path / f"{kind}.jsonl"
        assert run_cli(capsys, "template", "csv", kind, "--out", str(sheet), *archive)[0] == 0
        rows = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
        assert rows[1][rows[0].index("recorded_by")] == "agent:jdoe"
        comments = [row[0] for row in rows[2:]]
        code, _, err = run_cli(
            capsys, "import", "csv", str(sheet), "--kind", kind, "--out", str(out), *archive
        )
        imported[kind] = code == 0
        if code == 0:
            assert comments == [], kind
            assert run_cli(capsys, "append", str(out), *archive)[0] == 0
        else:  # every entity the import misses is one a comment row names
            assert comments, kind
            for line in err.splitlines()[:-1]:
                if "is not declared" in line:
                    missing = line.split(": ", 1)[1].split()[0]
                    assert any(f"declares no {missing};" in c for c in comments), line
    assert imported["person"] and imported["place"] and imported["agent"]
    assert not imported["relation"] and not imported["participation"]
    # with a person and a source in the archive, the person's example is a new one citing it
    assert imported["source"]
    sheet = tmp_path / "again.csv"
    run_cli(capsys, "template", "csv", "person", "--out", str(sheet), *archive)
    header, row = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    assert row[header.index("id")] == "person:kollontai-2"
    assert row[header.index("citation1.source")] == "source:aprf-telegram-1940-11-13"
    out = tmp_path / "again.jsonl"
    assert run_cli(capsys, "import", "csv", str(sheet), "--kind", "person", "--out", str(out),
                   *archive)[0] == 0  # fmt: skip
    assert run_cli(capsys, "append", str(out), *archive)[0] == 0


def test_without_an_agent_the_template_says_to_declare_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run_cli(capsys, "init", str(tmp_path / "records"))
    assert code == 0 and "no recording agent declared" in err
    code, out, _ = run_cli(capsys, "template", "csv", "place", "--log", str(tmp_path / "records"))
    assert code == 0
    assert out.splitlines()[2].startswith("# recorded_by: no agent is declared")
