"""fonds import gedcom: the GEDCOM 7 test files, a 5.5.1 file in ANSEL, hostile files."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from fonds.importers.gedcom import import_gedcom, read_gedcom_file
from fonds.importers.gedcom_reader import decode_ansel
from fonds.importers.genealogy import Existing, GenealogyImport
from fonds.log import JsonlLog
from fonds.model.vocabulary import default_vocabulary
from fonds.validate import validate_lines
from tests.helpers import run_cli

EXTERNAL = Path(__file__).resolve().parents[2].parent / "shared" / "external"
SAMPLE = Path(__file__).parent / "genealogy" / "sample-551-ansel.ged"
Records = tuple[Mapping[str, Any], ...]


def reference(*parts: str) -> Path:
    """A file of the shared reference data; skipped when absent, a failure on CI."""
    path = EXTERNAL.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the reference data is missing on CI: {path}")
        pytest.skip(f"the reference data is not on this machine: {path}")
    return path


def gedcom_test_files() -> list[Path]:
    folder = EXTERNAL / "gedcom"
    return sorted(folder.glob("*.ged")) if folder.is_dir() else []


def valid(path: Path, result: GenealogyImport) -> None:
    report = validate_lines(result.draft.numbered(str(path)), default_vocabulary())
    assert report.problems == (), [str(p) for p in report.problems[:5]]


def of_kind(records: Records, kind: str) -> list[Mapping[str, Any]]:
    return [r for r in records if r["kind"] == kind]


def entity(records: Records, external: str) -> Mapping[str, Any]:
    return next(r for r in records if r.get("external_ids", {}).get("gedcom") == external)


def about(records: Records, subject: str, prop: str) -> list[Mapping[str, Any]]:
    return [
        r
        for r in of_kind(records, "attribute")
        if r["subject"] == subject and r["property"] == prop
    ]


# -- the GEDCOM 7 test files ---------------------------------------------------------------------


@pytest.mark.parametrize("path", gedcom_test_files(), ids=lambda p: p.name)
def test_every_test_file_imports_and_its_problems_have_a_place(path: Path) -> None:
    result = read_gedcom_file(path)
    for problem in result.draft.problems:
        assert problem.line is not None and problem.line > 0, str(problem)
        assert problem.path == str(path) and problem.code.startswith("gedcom-")
    valid(path, result)  # what could be read is a valid contribution
    assert result.draft.records  # at least the importer and the file as a source


def test_the_test_files_are_here() -> None:
    if not gedcom_test_files():
        reference("gedcom", "maximal70.ged")
    assert len(gedcom_test_files()) >= 10


def test_files_that_break_the_standard_are_problems_at_their_lines() -> None:
    [problem] = read_gedcom_file(reference("gedcom", "xref.ged")).draft.problems
    assert (problem.line, problem.pointer, problem.code) == (5, "INDI", "gedcom-document-shape")
    codes = {p.code for p in read_gedcom_file(reference("gedcom", "extensions.ged")).draft.problems}
    assert codes == {"gedcom-document-shape", "gedcom-schema-conflict", "gedcom-dangling-pointer"}


@pytest.fixture(scope="module")
def maximal() -> GenealogyImport:
    return read_gedcom_file(reference("gedcom", "maximal70.ged"))


def test_maximal70_imports_and_validates(maximal: GenealogyImport) -> None:
    assert maximal.draft.problems == ()
    valid(Path("maximal70.ged"), maximal)
    assert maximal.read["INDI"] == 4 and maximal.read["FAM"] == 2
    assert maximal.read["SOUR"] == 2 and maximal.read["OBJE"] == 3
    assert maximal.read["REPO"] == 2 and maximal.read["SNOTE"] == 2


def test_maximal70_structures_are_present(maximal: GenealogyImport) -> None:
    records = maximal.draft.records
    joseph = entity(records, "maximal70.ged:@I1@")
    wife = entity(records, "maximal70.ged:@I2@")
    # INDI: names, their translations as labels in their languages, name parts and variants
    assert joseph["labels"] == {
        "en-US": 'Lt. Cmndr. Joseph "John" de Allen jr.',
        "en-GB": "npfx John spfx Doe nsfx",
        "en-CA": "John Doe",
    }
    parts = {r["property"]: r["value"] for r in of_kind(records, "attribute")
             if r["subject"] == joseph["id"] and r["property"] in (
                 "given-name", "surname", "name-title", "name-suffix", "nickname")}  # fmt: skip
    assert parts == {
        "given-name": "Joseph",
        "surname": "de Allen",
        "name-title": "Lt. Cmndr.",
        "name-suffix": "jr.",
        "nickname": "John",
    }
    variants = {r["value"] for r in about(records, joseph["id"], "name-variant")}
    assert variants == {"John Doe", "Aka", "Immigrant Name"}
    # EXID, UID, REFN: external ids
    assert joseph["external_ids"] == {
        "gedcom": "maximal70.ged:@I1@",
        "refn": "1",
        "refn-2": "10",
        "uid": "3d75b5eb-36e9-40b3-b79f-f088b5c18595",
        "uid-2": "cb49c361-7124-447e-b587-4c6d36e51825",
        "exid-http-example-com": "123",
        "exid-http-example-com-2": "456",
    }
    # RESN: restricted, on the person and on every fact of it
    assert joseph["flags"] == ["restricted"]
    assert all("restricted" in r.get("flags", ()) for r in about(records, joseph["id"], "sex"))
    # PAGE → locator, QUAY 3 → high
    assert joseph["citations"][0] == {"source": "source:title-s1", "locator": {
        "label": "page", "value": "1"}}  # fmt: skip
    assert joseph["confidence"] == "high"
    # events: dated, placed, typed; the person their principal; birth and death as life dates
    death = next(r for r in of_kind(records, "event") if r["labels"]["en"].startswith("Death"))
    assert death["date"] == "2022-03-28"
    assert [r["date"] for r in about(records, joseph["id"], "died")] == ["2022-03-28"]
    assert [r["date"] for r in about(records, joseph["id"], "born")] == ["2000-01-01"]
    assert about(records, death["id"], "cause")[0]["value"] == "Cause of death"
    # attributes
    assert about(records, joseph["id"], "occupation")[0]["value"] == "occu"
    assert about(records, joseph["id"], "nobility-title")[0]["value"] == "titl"
    # ASSO: a relation, and in an event a participation in its role
    associated = [r for r in of_kind(records, "relation") if r["predicate"] == "associated-with"]
    assert any(r["subject"] == joseph["id"] for r in associated)
    roles = {r["role"] for r in of_kind(records, "participation") if r["event"] == death["id"]}
    assert roles == {"principal", "child"}
    # FAM: the couple (married), QUAY 1 and 2 → medium, and the family's own RESN
    [couple] = [r for r in of_kind(records, "relation") if r["predicate"] == "spouse-of"]
    assert (couple["subject"], couple["object"]) == (joseph["id"], wife["id"])
    assert couple["confidence"] == "medium" and couple["flags"] == ["restricted"]
    # SOUR and REPO: the source with its archive and call number
    source = entity(records, "maximal70.ged:@S1@")
    assert (source["title"], source["archive"], source["archive_location"]) == (
        "Title", "Repository 1", "Call number")  # fmt: skip
    assert "Repository 2" in source["note"]
    # OBJE: media sources; DATA/TEXT → the quote of the citation a depiction stands on
    media = entity(records, "maximal70.ged:@O1@")
    assert media["source_type"] == "media" and media["flags"] == ["restricted"]
    depictions = [r for r in of_kind(records, "relation") if r["predicate"] == "depicts"]
    assert any(r["subject"] == media["id"] and r["object"] == joseph["id"] for r in depictions)
    quotes = {c.get("quote") for r in depictions for c in r["citations"]}
    assert "Text 1\n\nText 2" in quotes
    # NOTE and SNOTE: the notes of what refers to them
    assert "Shared note 1" in couple["note"]
    assert "@me and @I are example social media handles." in joseph["note"]


def test_gedcom_dates_in_the_date_test_file_are_expressed_or_kept_as_written() -> None:
    result = read_gedcom_file(reference("gedcom", "date.ged"))
    events = of_kind(result.draft.records, "event")
    assert len(events) == result.read["event"]
    dated = [e for e in events if "date" in e]
    kept = [e for e in events if "date-as-written" in e.get("flags", ())]
    assert len(dated) + len(kept) == len(events)  # each date is one or the other
    assert all("Date as written" in e["note"] for e in kept)
    calendars = {e.get("calendar") for e in dated}
    assert calendars == {None, "julian", "hebrew", "french-republican"}


# -- GEDCOM 5.5.1 ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> GenealogyImport:
    return read_gedcom_file(SAMPLE)


def test_the_551_sample_in_ansel_imports(sample: GenealogyImport) -> None:
    assert sample.draft.problems == ()
    valid(SAMPLE, sample)
    records = sample.draft.records
    franz = entity(records, "sample-551-ansel.ged:@I1@")
    anna = entity(records, "sample-551-ansel.ged:@I2@")
    johann = entity(records, "sample-551-ansel.ged:@I3@")
    # ANSEL: a combining diaeresis before its letter, Ł, ß
    assert franz["labels"] == {"und": "Franz Müller"}
    assert anna["labels"] == {"und": "Anna Łukasiewicz"}
    places = {r["labels"]["und"] for r in of_kind(records, "place")}
    assert places == {"Köln", "Preußen"}
    # @#DJULIAN@ with a dual year, INT with its phrase, BET ... AND ...
    [born] = about(records, franz["id"], "born")
    assert (born["date"], born["calendar"]) == ("1732-02-11", "julian")
    assert "1731/32" in born["note"]
    assert about(records, johann["id"], "born")[0]["date"] == "1760-03-01?"
    assert about(records, anna["id"], "born")[0]["date"] == "1735/1740"
    # CONC joins, CONT breaks, @@ is one @
    assert (
        "A note that runs over two lines\nand a second paragraph with an @ sign." in (franz["note"])
    )
    # DATA/TEXT across a CONC → quote; PAGE → locator; QUAY 3 → high
    [birth] = [e for e in of_kind(records, "event") if e["id"].startswith("event:birth-franz")]
    assert birth["citations"] == [
        {
            "source": "source:taufbuch-st-kolumba-s1",
            "locator": {"label": "page", "value": "folio 12"},
            "note": "The entry is dated 1732-02-14.",
            "quote": "baptizatus est Franciscus filius Joannis",
        }
    ]
    assert birth["confidence"] == "high" and birth["calendar"] == "julian"
    # PEDI adopted, RESN confidential, _UID and REFN, the repository
    parents = [r for r in of_kind(records, "relation") if r["object"] == johann["id"]]
    assert {r["predicate"] for r in parents} == {"adoptive-parent-of"}
    assert anna["flags"] == ["restricted"]
    assert franz["external_ids"] == {
        "gedcom": "sample-551-ansel.ged:@I1@",
        "uid": "1A2B3C4D",
        "refn": "42",
    }
    source = entity(records, "sample-551-ansel.ged:@S1@")
    assert source["archive"] == "Historisches Archiv der Stadt Köln"
    assert source["source_type"] == "book" and source["archive_location"] == "KB 12"
    # a note nothing refers to: a passage of the file
    [passage] = of_kind(records, "passage")
    assert passage["text"] == "A shared note that no record refers to"


def test_hostile_values_in_a_551_file_come_through_as_data(sample: GenealogyImport) -> None:
    records = sample.draft.records
    hostile = entity(records, "sample-551-ansel.ged:@I4@")
    assert hostile["labels"]["und"] == "=cmd|' -C calc'!A0 <script>alert(1)<\\script>"
    assert "<b>not markup</b>, a formula =1+2 and an at sign @ kept as data" in hostile["note"]


def test_ansel_decoding() -> None:
    assert decode_ansel(b"M\xe8uller") == "Müller"
    assert decode_ansel(b"\xa1\xb1\xa2\xb2\xcf") == "ŁłØøß"
    assert decode_ansel(b"Fran\xf0cois") == "François"
    with pytest.raises(ValueError, match="0x81"):
        decode_ansel(b"a\x81b")


def gedcom_file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


HEAD_551 = b"0 HEAD\n1 GEDC\n2 VERS 5.5.1\n1 CHAR UTF-8\n"


@pytest.mark.parametrize(
    ("name", "data", "line", "code"),
    [
        ("bell.ged", HEAD_551 + b"0 @I1@ INDI\n1 NAME Ann\x07 /Doe/\n0 TRLR\n", 6,
         "gedcom-control-character"),
        ("pointer.ged", HEAD_551 + b"0 @I1@ INDI\n1 FAMS @F9@\n0 @F1@ FAM\n1 HUSB @I9@\n0 TRLR\n",
         8, "gedcom-broken-pointer"),
        ("jump.ged", HEAD_551 + b"0 @I1@ INDI\n3 NAME Ann /Doe/\n0 TRLR\n", 6, "gedcom-syntax"),
        ("garbage.ged", HEAD_551 + b"this is not a line\n0 TRLR\n", 5, "gedcom-syntax"),
        ("ansel.ged", b"0 HEAD\n1 CHAR ANSEL\n0 @I1@ INDI\n1 NAME A\x81n\n", 4, "gedcom-encoding"),
        ("latin.ged", HEAD_551 + b"0 @I1@ INDI\n1 NAME Zo\xeb\n", 6, "gedcom-encoding"),
        ("seven.ged", b"0 HEAD\n1 GEDC\n2 VERS 7.0\n0 @I1@ INDI\n1 NAME Ann\x07\n0 TRLR\n", 5,
         "gedcom-syntax"),
        ("seven-latin.ged", b"0 HEAD\n1 GEDC\n2 VERS 7.0\n0 @I1@ INDI\n1 NAME Zo\xeb\n0 TRLR\n", 5,
         "gedcom-encoding"),
    ],
)  # fmt: skip
def test_broken_files_are_problems_at_their_lines(
    tmp_path: Path, name: str, data: bytes, line: int, code: str
) -> None:
    problems = import_gedcom(gedcom_file(tmp_path, name, data)).problems
    assert (problems[0].line, problems[0].code) == (line, code), [str(p) for p in problems]


def test_no_input_makes_a_traceback(tmp_path: Path) -> None:
    deep = (
        HEAD_551
        + b"0 @I1@ INDI\n"
        + b"".join(f"{level} NOTE deep\n".encode() for level in range(1, 3000))
    )
    for name, data in [
        ("empty.ged", b""),
        ("binary.ged", bytes(range(256)) * 4),
        ("deep.ged", deep),
        ("utf16.ged", "\ufeff0 HEAD\n1 GEDC\n2 VERS 5.5.1\n0 @I1@ INDI\n1 NAME Zoë\n"
         "0 TRLR\n".encode("utf-16-le")),
        ("unknown-charset.ged", b"0 HEAD\n1 CHAR EBCDIC\n0 TRLR\n"),
    ]:  # fmt: skip
        result = read_gedcom_file(gedcom_file(tmp_path, name, data))
        assert result.draft.problems or result.draft.records
    utf16 = read_gedcom_file(tmp_path / "utf16.ged").draft
    assert any(r.get("labels") == {"und": "Zoë"} for r in utf16.records)


# -- into a log, twice ---------------------------------------------------------------------------


def test_importing_into_a_log_twice_drafts_nothing_new(
    tmp_path: Path, sample: GenealogyImport, maximal: GenealogyImport
) -> None:
    log = JsonlLog.init(tmp_path / "a")
    log.append(sample.draft.records)
    # a second file is drafted against the log: the importer and what else it holds are reused
    second = read_gedcom_file(reference("gedcom", "maximal70.ged"), known=Existing.from_log(log))
    assert len(second.draft.records) == len(maximal.draft.records) - 1  # the importer agent
    log.append(second.draft.records)
    assert log.verify(deep=True) == []
    for path in (SAMPLE, reference("gedcom", "maximal70.ged")):
        again = read_gedcom_file(path, known=Existing.from_log(log))
        assert again.draft.records == () and again.draft.problems == ()


def test_cli_imports_appends_and_reimports_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "a"
    assert run_cli(capsys, "init", str(log))[0] == 0
    draft = tmp_path / "draft.jsonl"
    code, out, err = run_cli(
        capsys, "import", "gedcom", str(SAMPLE), "--log", str(log), "--out", str(draft)
    )
    assert code == 0, err
    assert "draft records written to" in err
    records = [orjson.loads(line) for line in draft.read_bytes().splitlines()]
    assert len(records) == 49
    code, out, err = run_cli(capsys, "append", str(draft), "--log", str(log))
    assert code == 0, err
    code, out, err = run_cli(capsys, "import", "gedcom", str(SAMPLE), "--log", str(log))
    assert code == 0, err
    assert out == "" and "0 draft records" in err and "already in" in err


def test_cli_reports_problems_with_their_place_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./records here: the draft is checked on its own
    broken = gedcom_file(tmp_path, "broken.ged", HEAD_551 + b"0 @I1@ INDI\n3 NAME Ann /Doe/\n")
    out_file = tmp_path / "draft.jsonl"
    code, out, err = run_cli(capsys, "import", "gedcom", str(broken), "--out", str(out_file))
    assert code == 1 and not out_file.exists() and out == ""
    assert f"{broken}:6: NAME: level 3 follows level 0" in err
    assert "nothing written: 1 problem(s)" in err
    code, out, err = run_cli(capsys, "import", "gedcom", str(SAMPLE), "--show-skipped")
    assert code == 0 and len(out.splitlines()) == 49
