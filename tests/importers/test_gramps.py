"""fonds import gramps: the Gramps example database reconciled object by object; hostile files."""

from __future__ import annotations

import gzip
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from fonds.importers.genealogy import Existing, GenealogyImport
from fonds.importers.gramps import import_gramps, read_gramps
from fonds.log import JsonlLog
from fonds.model.vocabulary import default_vocabulary
from fonds.validate import validate_lines
from fonds.views import EntityView, Views
from tests.helpers import run_cli

EXTERNAL = Path(__file__).resolve().parents[2].parent / "shared" / "external"
NS = "{http://gramps-project.org/xml/1.7.1/}"
CONFIDENCE = ("speculative", "low", "medium", "high", "certain")
# ten people whose dates and names cover the qualifiers the example holds
SAMPLE = ("I0044", "I0106", "I0554", "I1102", "I0953", "I2111", "I2116", "I0702", "I0961", "I1201")


def reference(*parts: str) -> Path:
    """A file of the shared reference data; skipped when absent, a failure on CI."""
    path = EXTERNAL.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the reference data is missing on CI: {path}")
        pytest.skip(f"the reference data is not on this machine: {path}")
    return path


@pytest.fixture(scope="module")
def example() -> Path:
    return reference("datasets", "gramps", "example.gramps")


@pytest.fixture(scope="module")
def imported(example: Path) -> GenealogyImport:
    return read_gramps(example)


@pytest.fixture(scope="module")
def archive(imported: GenealogyImport, tmp_path_factory: pytest.TempPathFactory) -> JsonlLog:
    log = JsonlLog.init(tmp_path_factory.mktemp("gramps") / "a")
    log.append(imported.draft.records)
    return log


@pytest.fixture(scope="module")
def xml(example: Path) -> ET.Element:
    return ET.parse(example).getroot()


def of_kind(records: tuple[Mapping[str, Any], ...], kind: str) -> list[Mapping[str, Any]]:
    return [r for r in records if r["kind"] == kind]


def by_handle(records: tuple[Mapping[str, Any], ...]) -> dict[str, Mapping[str, Any]]:
    return {
        r["external_ids"]["gramps-handle"]: r
        for r in records
        if "gramps-handle" in r.get("external_ids", {})
    }


def objects(xml: ET.Element, section: str, tag: str) -> list[ET.Element]:
    holder = xml.find(f"{NS}{section}")
    return [] if holder is None else holder.findall(f"{NS}{tag}")


# -- the example database, whole --------------------------------------------------------------


def test_example_imports_validates_appends_and_verifies(
    imported: GenealogyImport, archive: JsonlLog
) -> None:
    assert imported.draft.problems == ()
    report = validate_lines(imported.draft.numbered("example.gramps"), default_vocabulary())
    assert report.problems == ()
    assert sum(1 for _ in archive.entries()) == len(imported.draft.records)
    assert archive.verify(deep=True) == []


def test_every_object_is_accounted_for(imported: GenealogyImport, xml: ET.Element) -> None:
    records = imported.draft.records
    entities = by_handle(records)
    for section, tag, kind in (
        ("people", "person", "person"),
        ("events", "event", "event"),
        ("places", "placeobj", "place"),
        ("sources", "source", "source"),
        ("objects", "object", "source"),
    ):
        found = objects(xml, section, tag)
        assert imported.read[tag if tag != "placeobj" else "place"] == len(found)
        for element in found:
            record = entities[element.get("handle", "")]
            assert record["kind"] == kind
            assert record["external_ids"]["gramps"] == element.get("id")
    assert len(objects(xml, "people", "person")) == 2157
    assert len(objects(xml, "events", "event")) == 3432
    assert len(objects(xml, "places", "placeobj")) == 1294
    # families: the couple, and a relation from each parent to each child
    relations = Counter((r["subject"], r["object"]) for r in of_kind(records, "relation"))
    ids = {handle: record["id"] for handle, record in entities.items()}
    skipped = {s.what for s in imported.skipped}
    couples = children = 0
    for family in objects(xml, "families", "family"):
        parents = [
            ids[link.get("hlink", "")]
            for link in (family.find(f"{NS}father"), family.find(f"{NS}mother"))
            if link is not None
        ]
        if len(parents) == 2:
            couples += 1
            assert relations[(parents[0], parents[1])] >= 1
        if not parents:
            assert f"family {family.get('id')}" in skipped
        for child in family.findall(f"{NS}childref"):
            for parent in parents:
                children += 1
                assert relations[(parent, ids[child.get("hlink", "")])] == 1
    assert couples == imported.read["couple"] == 687
    predicates = Counter(r["predicate"] for r in of_kind(records, "relation"))
    assert predicates["spouse-of"] + predicates["partner-of"] == couples
    parent_predicates = ("birth-parent-of", "adoptive-parent-of", "parent-of")
    assert sum(predicates[p] for p in parent_predicates) == children
    # citations: each is on a record, by its id in the citation's note, or listed with a reason
    cited = {
        line.split(".")[0].removeprefix("Gramps citation ")
        for record in records
        for citation in record.get("citations", ())
        for line in [citation.get("note", "")]
        if line.startswith("Gramps citation ")
    }
    listed = {m[1] for s in imported.skipped if (m := re.match(r"citation (C\d+) ", s.what))}
    assert {c.get("id") for c in objects(xml, "citations", "citation")} == cited | listed
    assert len(cited) == 2854 - 2
    assert listed == {"C2848", "C2853"}  # a media object's own, a repository address's
    # notes: on the records that refer to them, or passages of the database
    texts = " ".join(
        str(r.get("note", "")) + str(r.get("text", ""))
        + " ".join(str(c.get("note", "")) + str(c.get("quote", "")) for c in r.get("citations", ()))
        for r in records
    )  # fmt: skip
    for note in objects(xml, "notes", "note"):
        assert (note.findtext(f"{NS}text") or "")[:60] in texts
    # repositories are the archives of the sources that refer to them (the first one holding
    # a source; the others are named in the source's note)
    archives = {r.get("archive") for r in of_kind(records, "source")}
    for repository in objects(xml, "repositories", "repository"):
        name = repository.findtext(f"{NS}rname") or ""
        assert name in archives or f"Also held by {name}" in texts
    # tags are not flags of the default vocabulary: they are noted where they are used
    assert "Gramps tags: ToDo." in texts and "Gramps tags: complete." in texts


def test_counts_by_kind(imported: GenealogyImport) -> None:
    kinds = Counter(r["kind"] for r in imported.draft.records)
    assert kinds["person"] == 2157
    assert kinds["place"] == 1294
    assert kinds["event"] == 3432 + 2  # and two LDS ordinances
    assert kinds["source"] == 4 + 7 + 1  # sources, media objects, the database itself
    assert kinds["agent"] == 1
    assert kinds["passage"] == 3  # the notes nothing refers to


# -- ten people against the XML ----------------------------------------------------------------


def expected_edtf(element: ET.Element) -> tuple[str, str | None]:
    """What a Gramps date element says, written in EDTF here independently of the importer."""
    tag = element.tag.removeprefix(NS)
    qualifier = "~" if element.get("quality") in ("estimated", "calculated") else ""
    calendar = (element.get("cformat") or "").lower() or None
    if tag in ("daterange", "datespan"):
        return f"{element.get('start')}{qualifier}/{element.get('stop')}{qualifier}", calendar
    value = element.get("val", "")
    kind = element.get("type")
    if kind == "about":
        return f"{value}~", calendar
    if kind == "before":
        return f"../{value}{qualifier}", calendar
    if kind == "after":
        return f"{value}{qualifier}/..", calendar
    return f"{value}{qualifier}", calendar


def life_dates(view: EntityView) -> dict[str, set[tuple[str, str | None]]]:
    """(date, calendar, None for Gregorian) of the born and died facts of a person view."""
    assert view.life is not None
    return {
        prop: {
            (fact.date.date, None if fact.date.calendar == "gregorian" else fact.date.calendar)
            for fact in getattr(view.life, prop)
            if fact.date is not None
        }
        for prop in ("born", "died")
    }


def view_label(view: EntityView) -> str:
    """The person's label in a person view."""
    assert view.labels
    return str(next(iter(view.labels.values())))


def sample(xml: ET.Element) -> Iterator[ET.Element]:
    people = {p.get("id"): p for p in objects(xml, "people", "person")}
    for gid in SAMPLE:
        yield people[gid]


def test_ten_people_against_the_xml(
    imported: GenealogyImport, archive: JsonlLog, xml: ET.Element
) -> None:
    records = imported.draft.records
    entities = by_handle(records)
    events = {e.get("handle"): e for e in objects(xml, "events", "event")}
    citations = {c.get("handle"): c for c in objects(xml, "citations", "citation")}
    families = {f.get("handle"): f for f in objects(xml, "families", "family")}
    views = Views(archive)
    for person in sample(xml):
        record = entities[person.get("handle", "")]
        view = views.person(record["id"])
        # names: the primary name's given names and surnames are in the label
        name = next(n for n in person.findall(f"{NS}name") if n.get("alt") != "1")
        label = view_label(view)
        parts = [name.findtext(f"{NS}first"), *(s.text for s in name.findall(f"{NS}surname"))]
        assert all(part in label for part in parts if part)
        alternates = [n for n in person.findall(f"{NS}name") if n.get("alt") == "1"]
        variants = [
            r
            for r in of_kind(records, "attribute")
            if r["subject"] == record["id"] and r["property"] == "name-variant"
        ]
        assert len(variants) == len(alternates)
        # birth and death, with their qualifiers and calendar
        expected: dict[str, set[tuple[str, str | None]]] = {"born": set(), "died": set()}
        for reference in person.findall(f"{NS}eventref"):
            event = events[reference.get("hlink")]
            kind = event.findtext(f"{NS}type")
            date = next((d for d in event if d.tag.removeprefix(NS).startswith("date")), None)
            if (
                reference.get("role") == "Primary"
                and kind in ("Birth", "Death")
                and date is not None
            ):
                prop = "born" if kind == "Birth" else "died"
                if not expected[prop]:
                    expected[prop].add(expected_edtf(date))
        assert life_dates(view) == expected, person.get("id")
        # parents, from the families that list the person as a child
        parents = set()
        for family in families.values():
            if any(c.get("hlink") == person.get("handle") for c in family.findall(f"{NS}childref")):
                for role in ("father", "mother"):
                    link = family.find(f"{NS}{role}")
                    if link is not None:
                        parents.add(entities[link.get("hlink", "")]["id"])
        found = {
            r["subject"]
            for r in of_kind(records, "relation")
            if r["object"] == record["id"] and r["predicate"].endswith("parent-of")
        }
        assert found == parents, person.get("id")
        # the person's own citations: their pages and the highest confidence
        own = [citations[c.get("hlink")] for c in person.findall(f"{NS}citationref")]
        if not own:  # the database itself, at the person's record
            assert record["citations"] == [
                {
                    "source": "source:example-gramps",
                    "locator": {"label": "record", "value": person.get("id")},
                    "note": "Gramps gives no citation for this; the database itself is cited.",
                }
            ]
            assert record["confidence"] == "low"
            continue
        pages = {c.findtext(f"{NS}page") for c in own} - {None}
        assert {c["locator"]["value"] for c in record["citations"] if "locator" in c} == pages
        assert len(record["citations"]) == len(own)
        levels = [int(c.findtext(f"{NS}confidence") or 2) for c in own]
        assert record["confidence"] == CONFIDENCE[max(levels)]


def test_what_gramps_marks_and_dates_in_other_calendars(imported: GenealogyImport) -> None:
    records = imported.draft.records
    secret = [r for r in of_kind(records, "attribute") if r["property"] == "identity-number"]
    assert [r["flags"] for r in secret] == [["restricted"]]
    islamic = [r for r in of_kind(records, "event") if r.get("calendar") == "islamic"]
    assert len(islamic) == 8
    assert {r["date"] for r in islamic} >= {"0164-03", "0241-03-12", "0204"}
    julian = [r for r in of_kind(records, "event") if r.get("calendar") == "julian"]
    assert [r["date"] for r in julian] == ["1827-04-24"]
    assert "dual dated" in julian[0]["note"]
    estimated = [r for r in records if "estimated-date" in r.get("flags", ())]
    assert estimated  # the datespan and the about-and-estimated death
    uncited = [
        r for r in records if r.get("citations", [{}])[0].get("source") == "source:example-gramps"
    ]
    assert uncited and all(r["confidence"] == "low" for r in uncited)
    assert all(
        r["citations"][0]["locator"]["label"] == "record" for r in uncited if r["kind"] != "source"
    )


def test_importing_the_same_file_again_drafts_nothing_new(
    example: Path, imported: GenealogyImport, archive: JsonlLog
) -> None:
    again = read_gramps(example, known=Existing.from_log(archive))
    assert again.draft.records == ()
    assert again.draft.problems == ()
    assert len(again.reused) == sum(1 for r in imported.draft.records if "id" in r) - 1


# -- hostile and broken files ------------------------------------------------------------------

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<database xmlns="http://gramps-project.org/xml/1.7.1/">
  <header><created date="2024-01-02" version="5.2.0"/></header>
"""


def gramps_file(tmp_path: Path, body: str, name: str = "small.gramps") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body + "</database>\n", encoding="utf-8")
    return path


def person(handle: str, gid: str, first: str, surname: str, extra: str = "") -> str:
    return (
        f'<person handle="{handle}" change="1" id="{gid}"><gender>F</gender>'
        f'<name type="Birth Name"><first>{first}</first><surname>{surname}</surname></name>'
        f"{extra}</person>"
    )


def test_hostile_names_come_through_as_data(tmp_path: Path) -> None:
    hostile = [
        ("&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;", "<b>Bold</b>"),
        ("=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"),
        ("+SUM(A1)", "+SUM(A1)"),
        ("Line&#10;break", "Line\nbreak"),
        ("Tab&#9;bed", "Tab\tbed"),
        ("Zoë 王 Сергеев", "Zoë 王 Сергеев"),
    ]
    people = "".join(
        person(f"_H{i}", f"I{i}", first, "Doe") for i, (first, _) in enumerate(hostile)
    )
    path = gramps_file(tmp_path, f"<people>{people}</people>\n")
    draft = import_gramps(path)
    assert draft.problems == ()
    report = validate_lines(draft.numbered(str(path)), default_vocabulary())
    assert report.problems == ()
    given = [r["value"] for r in draft.records if r.get("property") == "given-name"]
    for (_, shown), value in zip(hostile, given, strict=True):
        assert value.startswith(shown.split()[0])
    labels = [next(iter(r["labels"].values())) for r in draft.records if r["kind"] == "person"]
    assert "=cmd|' /C calc'!A0 Doe" in labels and "Line\nbreak Doe" in labels


def test_what_a_private_object_says_is_restricted(tmp_path: Path) -> None:
    events = (
        '<events><event handle="_E" change="1" id="E1" priv="1"><type>Birth</type>'
        '<dateval val="1900-01-02"/></event></events>'
    )
    people = (
        '<people><person handle="_P" change="1" id="I1" priv="1"><gender>F</gender>'
        '<name type="Birth Name"><first>Ann</first><surname>Doe</surname></name></person>'
        + person("_Q", "I2", "Bo", "Roe", '<eventref hlink="_E" role="Primary"/>')
        + "</people>"
    )
    draft = import_gramps(gramps_file(tmp_path, events + people))
    assert draft.problems == ()
    private = [r for r in draft.records if "restricted" in r.get("flags", ())]
    about_ann = [r for r in private if str(r.get("id", r.get("subject"))).endswith("-i1")]
    assert {r.get("property", r["kind"]) for r in about_ann} == {
        "person", "given-name", "surname", "sex"
    }  # fmt: skip
    assert {r["kind"] for r in private if r.get("person", "").endswith("i2")} == {"participation"}
    born = [r for r in draft.records if r.get("property") == "born"]
    assert [r["flags"] for r in born] == [["restricted"]]
    public = [r for r in draft.records if r.get("id", "").endswith("i2")]
    assert public and "flags" not in public[0]


def test_control_characters_and_bad_xml_are_problems_with_their_line(tmp_path: Path) -> None:
    path = gramps_file(tmp_path, "<people>\n" + person("_A", "I1", "Bell&#7;", "Doe") + "</people>")
    draft = import_gramps(path)
    assert draft.records == ()
    [problem] = draft.problems
    assert problem.code == "gramps-xml" and problem.line == 5
    broken = tmp_path / "broken.gramps"
    broken.write_text(HEADER + "<people>\n<person>\n</people>", encoding="utf-8")
    [problem] = import_gramps(broken).problems
    assert problem.line == 6 and "mismatched tag" in problem.message


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "laughs.gramps"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE database [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        '<database xmlns="http://gramps-project.org/xml/1.7.1/">&lol2;</database>\n',
        encoding="utf-8",
    )
    [problem] = import_gramps(path).problems
    assert problem.code == "gramps-xml" and "declares entities" in problem.message


def test_broken_links_are_problems_at_their_element(tmp_path: Path) -> None:
    body = (
        "<people>\n"
        + person("_A", "I1", "Ann", "Doe", '\n<eventref hlink="_MISSING" role="Primary"/>')
        + "\n</people>\n"
    )
    draft = import_gramps(gramps_file(tmp_path, body))
    [problem] = draft.problems
    assert problem.code == "gramps-broken-link"
    assert problem.pointer == "/database/people/person[@handle='_A']/eventref[1]"
    assert problem.line == 6


def test_not_a_gramps_file(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<html><body>hello</body></html>", encoding="utf-8")
    [problem] = import_gramps(path).problems
    assert problem.code == "gramps-not-gramps" and problem.line == 1


def test_gzip_files_read_as_plain(tmp_path: Path) -> None:
    plain = gramps_file(tmp_path, "<people>" + person("_A", "I1", "Ann", "Doe") + "</people>")
    packed = tmp_path / "gzip" / plain.name  # the same name: the same database source
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    plain_records = import_gramps(plain).records
    assert import_gramps(packed).records == plain_records and len(plain_records) > 3


def test_records_are_the_same_bytes_every_time(example: Path, imported: GenealogyImport) -> None:
    again = import_gramps(example)
    assert [orjson.dumps(dict(r)) for r in again.records[:500]] == [
        orjson.dumps(dict(r)) for r in imported.draft.records[:500]
    ]


# -- the command line ----------------------------------------------------------------------------


def test_cli_drafts_appends_and_reimports_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./records here
    body = "<people>" + person("_A", "I1", "Ann", "Doe") + person("_B", "I2", "Bo", "Doe")
    path = gramps_file(tmp_path, body + "</people>")
    code, out, err = run_cli(capsys, "import", "gramps", str(path))
    assert code == 0, err
    records = [orjson.loads(line) for line in out.splitlines()]
    assert [r["kind"] for r in records].count("person") == 2
    (tmp_path / "draft.jsonl").write_text(out, encoding="utf-8")
    assert run_cli(capsys, "init", "records")[0] == 0
    code, _, err = run_cli(capsys, "append", "draft.jsonl")
    assert code == 0, err
    code, out, err = run_cli(capsys, "import", "gramps", str(path))  # ./records is the log now
    assert code == 0, err
    assert out == "" and "0 draft records" in err


def test_cli_reimport_of_the_example_drafts_nothing(
    capsys: pytest.CaptureFixture[str], example: Path, archive: JsonlLog
) -> None:
    code, out, err = run_cli(
        capsys, "import", "gramps", str(example), "--log", str(archive.directory)
    )
    assert code == 0, err
    assert out == "" and "0 draft records" in err


def test_cli_reports_problems_with_their_place_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    body = (
        "<people>\n"
        + person("_A", "I1", "Ann", "Doe", '\n<eventref hlink="_MISSING" role="Primary"/>')
        + "\n</people>\n"
    )
    path = gramps_file(tmp_path, body)
    out_file = tmp_path / "draft.jsonl"
    code, _, err = run_cli(capsys, "import", "gramps", str(path), "--out", str(out_file))
    assert code == 1 and not out_file.exists()
    assert (
        f"{path}:6: /database/people/person[@handle='_A']/eventref[1]:"
        " the link '_MISSING' names nothing"
    ) in err
    assert "nothing written: 1 problem(s)" in err


def test_the_private_record_is_left_out_of_views_and_exports_unless_asked_for(
    imported: GenealogyImport, archive: JsonlLog, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.helpers import run_cli

    [private] = [r for r in imported.draft.records if "restricted" in r.get("flags", ())]
    assert private["value"] == "123-456-7890"  # the example's private attribute
    where = ["--log", archive.location]
    code, hidden, err = run_cli(capsys, "export", "csv", *where)
    assert code == 0 and "1 restricted record left out (--include-restricted shows them)" in err
    code, shown, err = run_cli(capsys, "export", "csv", *where, "--include-restricted")
    assert code == 0 and "left out" not in err
    assert "123-456-7890" not in hidden and "123-456-7890" in shown
    person = ["person", private["subject"], *where, "--format", "json"]
    code, hidden, err = run_cli(capsys, *person)
    assert code == 0 and "123-456-7890" not in hidden and "1 restricted record" in err
    code, shown, _ = run_cli(capsys, *person, "--include-restricted")
    assert code == 0 and "123-456-7890" in shown


def test_other_calendars_sort_by_their_gregorian_day_and_print_as_written(
    archive: JsonlLog,
) -> None:
    views = Views(archive)
    # 12 Rabi' I 241 AH is 4 August 855; 24 April 1827 (Julian) is 6 May 1827
    for day, calendar, written in (
        ("0855-08-04", "islamic", "0241-03-12"),
        ("1827-05-06", "julian", "1827-04-24"),
    ):
        facts = views.timeline(date_from=day, date_to=day, within=True)
        found = [f for f in facts if f.date is not None and f.date.calendar == calendar]
        assert found and {f.date.date for f in found if f.date is not None} == {written}, day
        display = found[0].date.display if found[0].date is not None else ""
        assert display is not None and calendar.capitalize() in display
    islamic = [f for f in views.timeline() if f.date is not None and f.date.calendar == "islamic"]
    assert len({f.record for f in islamic if f.kind == "event"}) == 8
    earliest = [f.date.earliest or "" for f in islamic if f.date is not None]
    assert earliest == sorted(earliest)
