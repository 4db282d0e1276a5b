"""fonds import page: the seed, pages written for the tests, and generated pages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fonds.importers.page import read_page
from tests.conftest import ROOT
from tests.helpers import load_script, run_cli

PAGES = Path(__file__).parent / "pages"
SEED = ROOT / "data" / "axis-talks" / "page.txt"


def import_and_validate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, page: Path, *extra: str
) -> list[dict[str, Any]]:
    out = tmp_path / f"{page.stem}.jsonl"
    code, _, err = run_cli(
        capsys, "import", "page", str(page), "--out", str(out), "--standalone", *extra
    )
    assert code == 0, err
    code, stdout, err = run_cli(capsys, "validate", str(out), "--log", str(tmp_path / "no-log"))
    assert code == 0, err
    assert "valid" in stdout
    return [orjson.loads(line) for line in out.read_bytes().splitlines()]


def of_kind(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in records if r["kind"] == kind]


def test_seed_page_imports_into_a_valid_contribution(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = import_and_validate(capsys, tmp_path, SEED)
    passages = of_kind(records, "passage")
    assert [p["locator"] for p in passages][:2] == [
        {"label": "paragraph", "value": "1"},
        {"label": "paragraph", "value": "2"},
    ]
    assert len(passages) == 46
    assert passages[26]["note"] == "Under the heading “November 13”."
    persons = {p["id"]: p["labels"] for p in of_kind(records, "person")}
    listed = {p["id"] for p in of_kind(records, "person") if p["confidence"] == "medium"}
    assert {i: persons[i] for i in listed} == {
        "person:ribbentrop": {"en": "Joachim von Ribbentrop"},
        "person:molotov": {"en": "Vyacheslav Molotov"},
        "person:hitler": {"en": "Adolf Hitler"},
        "person:stalin": {"en": "Joseph Stalin"},
    }
    # named only in the text: drafted with less confidence, cited to their paragraph
    named = {p["id"]: p for p in of_kind(records, "person") if p["id"] not in listed}
    assert named["person:mussolini"]["labels"] == {"en": "Benito Mussolini"}
    assert named["person:mussolini"]["confidence"] == "low"
    assert named["person:mussolini"]["citations"][0]["locator"] == {
        "label": "paragraph",
        "value": "31",
    }
    assert named["person:schulenberg"]["citations"][0]["quote"] == "von Schulenberg"
    life = {
        (a["subject"], a["property"]): a["date"]
        for a in of_kind(records, "attribute")
        if a["property"] in ("born", "died")
    }
    assert life[("person:molotov", "born")] == "1890-03-09"
    assert life[("person:molotov", "died")] == "1986-11-08"
    variant = next(a for a in of_kind(records, "attribute") if a["property"] == "name-variant")
    assert variant["value"] == "Joachim Von Ribbentrop"
    assert variant["flags"] == ["normalized-spelling"]
    events = [e for e in of_kind(records, "event") if e["id"] != "event:german-soviet-axis-talks"]
    assert len(events) == 14
    dates = [e["date"] for e in events]
    assert dates == sorted(dates, reverse=True)  # the page lists them newest first
    unnumbered = events[1]
    assert unnumbered["labels"] == {"lv": "Vilcienu sadursmē Maskavā ievainoti vismaz 50 cilvēki"}
    assert unnumbered["citations"][0]["locator"]["value"] == "Related events, item 2"
    assert "no list number" in str(unnumbered["note"])
    languages = {
        a["subject"]: a["value"]
        for a in of_kind(records, "attribute")
        if a["property"] == "languages"
    }
    assert languages["event:explosions-rock-central-istanbul-turkey-41-killed"] == "en, lv"


def test_page_with_a_places_list(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    records = import_and_validate(capsys, tmp_path, PAGES / "places.txt")
    places = {p["id"]: p["labels"] for p in of_kind(records, "place")}
    assert places == {
        "place:brest-litovsk": {"en": "Brest-Litovsk"},
        "place:berlin": {"en": "Berlin"},
    }
    located = [r["object"] for r in of_kind(records, "relation") if r["predicate"] == "located-in"]
    assert located == ["place:brest-litovsk", "place:berlin"]
    assert {p["id"] for p in of_kind(records, "person")} == {
        "person:trotsky",
        "person:sokolnikov",
        "person:kuhlmann",
    }


def test_page_with_a_one_date_persons_row(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = import_and_validate(capsys, tmp_path, PAGES / "one-date.txt")
    merkel = [a for a in of_kind(records, "attribute") if a.get("subject") == "person:merkel"]
    assert [(a["property"], a["date"]) for a in merkel] == [("born", "1954-07-17")]
    assert "one date" in str(merkel[0]["note"])
    passages = of_kind(records, "passage")
    assert len(passages) == 2 and passages[0]["note"] == "Under the heading “November 9”."


def test_page_with_faults_reports_each_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "faults.jsonl"
    page = PAGES / "faults.txt"
    code, _, err = run_cli(capsys, "import", "page", str(page), "--out", str(out))
    assert code == 1
    assert not out.exists()  # nothing written
    assert f"{page}:19: : '31.02.1815' is not a calendar date" in err
    assert f"{page}:20: : could not read this related event" in err
    records = import_and_validate(capsys, tmp_path, page, "--skip-unreadable")
    events = {e["id"]: e for e in of_kind(records, "event")}
    waterloo = events["event:battle-of-waterloo"]
    assert waterloo["date"] == "1815-06-18"
    assert "no list number" in str(waterloo["note"]) and "name once" in str(waterloo["note"])
    assert "event:the-hundred-days" not in events
    persons = {p["id"]: p["labels"] for p in of_kind(records, "person")}
    assert persons["person:nesselrode"] == {"en": "Karl Robert von der Nesselrode"}
    assert persons["person:talleyrand"] == {"en": "Charles Maurice de Talleyrand"}
    metternich_row = next(p for p in of_kind(records, "person") if p["id"] == "person:metternich")
    assert "no list number" in str(metternich_row["note"])
    headings = {p.get("note") for p in of_kind(records, "passage")}
    assert "Under the heading “Final act”." in headings


def faults_page_with(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the faults page with one more fault (or oddity) written in."""
    text = (PAGES / "faults.txt").read_text(encoding="utf-8")
    assert old in text
    page = tmp_path / name
    page.write_text(text.replace(old, new), encoding="utf-8")
    return page


def test_a_person_dying_before_being_born_is_reported_with_its_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = faults_page_with(
        tmp_path, "reversed.txt", "02.02.175417.05.1838", "02.02.175417.05.1388"
    )
    lines = page.read_text(encoding="utf-8").splitlines()
    row = next(n for n, line in enumerate(lines, 1) if "17.05.1388" in line)
    code, _, err = run_cli(capsys, "import", "page", str(page), "--out", str(tmp_path / "o.jsonl"))
    assert code == 1
    assert (
        f"{page}:{row}: : the death date 17.05.1388 comes before the birth date 02.02.1754" in err
    )
    records = import_and_validate(capsys, tmp_path, page, "--skip-unreadable")
    assert "person:talleyrand" not in {p["id"] for p in of_kind(records, "person")}
    assert "person:nesselrode" in {p["id"] for p in of_kind(records, "person")}


def test_a_very_long_name_still_makes_a_valid_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    long_name = "Karl Robert Von Der " + "Nesselrode" * 30
    page = faults_page_with(tmp_path, "long.txt", "Karl Robert Von Der Nesselrode", long_name)
    records = import_and_validate(capsys, tmp_path, page, "--skip-unreadable")
    ids = [p["id"] for p in of_kind(records, "person")]
    assert any(i.startswith("person:nesselrodenesselrode") for i in ids)
    assert all(len(i) <= 210 for i in ids)


def test_against_a_log_reuses_its_entities(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shipped_log: Path
) -> None:
    out = tmp_path / "again.jsonl"
    code, _, err = run_cli(
        capsys,
        "import",
        "page",
        str(SEED),
        "--out",
        str(out),
        "--log",
        str(shipped_log),
        "--source-id",
        "source:second-copy",
        "--event-id",
        "event:second-copy",
    )
    assert code == 0, err
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert not of_kind(records, "person")  # Molotov and the others are already declared
    assert any(r.get("subject") == "person:molotov" for r in of_kind(records, "attribute"))
    code, _, err = run_cli(capsys, "validate", str(out), "--log", str(shipped_log))
    assert code == 0, err


def test_unreadable_input_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    binary = tmp_path / "page.txt"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    code, _, err = run_cli(capsys, "import", "page", str(binary))
    assert code == 2 and "not UTF-8" in err
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "import", "page", str(empty))
    assert code == 1 and f"{empty}:1: : the page is empty" in err


# Generated pages: the layout rendered from known parts reads back to the same parts.
_word = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x17F),
    min_size=2,
    max_size=9,
).map(str.capitalize)
_title = st.lists(_word, min_size=1, max_size=6).map(" ".join)
_day = st.dates(min_value=dt.date(1000, 1, 1))
_langs = st.lists(
    st.sampled_from(["de", "en", "fr", "lv", "pl", "ru"]), min_size=1, max_size=4, unique=True
)
_row = st.tuples(_title, st.lists(_day, min_size=1, max_size=2), _langs, st.booleans())
# born, then died: a reversed pair is a fault the importer reports
_person_row = st.tuples(
    _title, st.lists(_day, min_size=1, max_size=2).map(sorted), _langs, st.booleans()
)


def _glue(number: int, name: str, dates: list[dt.date], langs: list[str], numbered: bool) -> str:
    printed = "".join(d.strftime("%d.%m.%Y") for d in dates)
    return f"{number if numbered else ''}{name}{name}{printed}{', '.join(langs)}"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    title=_title,
    paragraphs=st.lists(_title.map(lambda t: t + "."), min_size=1, max_size=5),
    related=st.lists(_row, max_size=5),
    persons=st.lists(_person_row, max_size=5),
)
def test_generated_pages_read_back(
    title: str,
    paragraphs: list[str],
    related: list[tuple[str, list[dt.date], list[str], bool]],
    persons: list[tuple[str, list[dt.date], list[str], bool]],
) -> None:
    lines = [title, "", "Add an event picture!", f"{len(persons)}List of persons", ""]
    lines += [p for paragraph in paragraphs for p in (paragraph, "")]
    lines += ["Related events", ""]
    lines += [_glue(i, n, d[:1], la, num) for i, (n, d, la, num) in enumerate(related, 1)]
    lines += ["", "No places assigned", "", "    Name Born / Since / At Died Languages"]
    lines += ["    " + _glue(i, *row) for i, row in enumerate(persons, 1)]
    page = read_page("\n".join(lines))
    assert page.problems == ()
    assert page.title == title
    assert [p.text for p in page.paragraphs] == paragraphs
    assert [(r.name, r.item, r.languages) for r in page.related] == [
        (n, i, tuple(la)) for i, (n, _, la, _) in enumerate(related, 1)
    ]
    assert [r.dates for r in page.persons] == [
        tuple(d.isoformat() for d in dates) for _, dates, _, _ in persons
    ]
    assert [r.name for r in page.persons] == [name for name, *_ in persons]


def test_the_page_importer_returns_a_draft(tmp_path: Path) -> None:
    from fonds.importers.draft import Draft
    from fonds.importers.page import import_page, page_draft

    draft = import_page(SEED)
    assert isinstance(draft, Draft) and draft.ok
    assert draft.records == page_draft(read_page(SEED.read_text(encoding="utf-8"))).records
    lines = draft.jsonl().splitlines()
    assert [orjson.loads(line) for line in lines] == [dict(r) for r in draft.records]
    with_faults = import_page(PAGES / "faults.txt")
    assert not with_faults.ok and with_faults.problems[0].line is not None


def test_control_characters_in_a_page_are_reported_with_their_line_never_drafted() -> None:
    text = "Title\n\nA paragraph.\nA \x1b]0;pwned\x07 title change.\x0bAnd more\nLast one.\n"
    page = read_page(text, "hostile.txt")
    found = [(p.line, p.code) for p in page.problems]
    assert (4, "control-character") in found
    assert "U+001B at column 3" in next(p.message for p in page.problems if p.line == 4)
    texts = " ".join(paragraph.text for paragraph in page.paragraphs)
    assert "\x1b" not in texts and "\x07" not in texts and "Last one." in texts


def test_a_huge_line_is_reported_with_the_limit_and_reading_stays_linear() -> None:
    import time

    from fonds.importers.page import MAX_LINE

    huge = "1" + "ab" * (25 << 20)  # a 50 MB persons row
    text = "Title\n\nA paragraph.\n\nList of persons\nName Born / Since / At Died\n" + huge + "\n"
    started = time.perf_counter()
    page = read_page(text, "huge.txt")
    assert time.perf_counter() - started < 30  # quadratic work would take hours
    [problem] = [p for p in page.problems if p.code == "line-too-long"]
    assert problem.line == 7 and f"{MAX_LINE:,}" in problem.message
    row = "1" + "Kollontai" * (MAX_LINE // 20) + "de, en"  # long, yet within the limit
    started = time.perf_counter()
    read_page("Title\n\nList of persons\nName Born / Since / At Died\n" + row + "\n")
    assert time.perf_counter() - started < 10


# Into an archive: a second page of the site, written for the tests, into the shipped log.
PACT = PAGES / "pact.txt"
PACT_SOURCE = "source:molotov-ribbentrop-pact-page"
PACT_EVENT = "event:molotov-ribbentrop-pact"


def import_into(
    capsys: pytest.CaptureFixture[str], log: Path, page: Path, out: Path
) -> tuple[list[dict[str, Any]], str]:
    code, _, err = run_cli(
        capsys, "import", "page", str(page), "--log", str(log), "--out", str(out)
    )
    assert code == 0, err
    return [orjson.loads(line) for line in out.read_bytes().splitlines()], err


def test_a_second_page_goes_into_the_shipped_log_on_the_first_try_and_only_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shipped_log: Path
) -> None:
    records, _ = import_into(capsys, shipped_log, PACT, tmp_path / "pact.jsonl")
    # neither the importer nor a person of the log is declared again; a person only named in
    # the text is, with less confidence and the paragraph that names him
    declared = {r["id"] for r in records if "id" in r}
    assert declared == {
        PACT_SOURCE,
        PACT_EVENT,
        "event:invasion-of-poland",
        "event:soviet-invasion-of-poland",
        "person:hilger",
    }
    [hilger] = of_kind(records, "person")
    assert hilger["labels"] == {"en": "Gustav Hilger"} and hilger["confidence"] == "low"
    assert hilger["citations"][0]["locator"] == {"label": "paragraph", "value": "2"}
    # the page's event is dated from its text
    [event] = [r for r in records if r.get("id") == PACT_EVENT]
    assert event["date"] == "1939-08-23" and event["flags"] == ["inferred-date"]
    sentence = event["citations"][1]
    assert sentence["locator"] == {"label": "paragraph", "value": "1"}
    assert sentence["quote"].startswith("On 23 August 1939, Germany and the Soviet Union signed")
    # the attributed quotation is a quotation, with its speaker, addressee and occasion
    [quotation] = of_kind(records, "quotation")
    assert quotation["speaker"] == "person:stalin"
    assert quotation["addressees"] == ["person:ribbentrop"]
    assert quotation["event"] == PACT_EVENT
    assert quotation["text"].startswith("The Soviet Union takes the new pact very seriously.")
    # what is new about a known person: a name variant, and this source's life dates
    schulenburg = [r for r in of_kind(records, "attribute") if r["subject"] == "person:schulenburg"]
    variants = {r["value"] for r in schulenburg if r["property"] == "name-variant"}
    assert "Friedrich-Werner Graf von der Schulenburg" in variants
    born = [r for r in schulenburg if r["property"] == "born"]
    assert [(r["date"], r["citations"][0]["source"]) for r in born] == [("1875-11-20", PACT_SOURCE)]
    code, _, err = run_cli(
        capsys, "append", str(tmp_path / "pact.jsonl"), "--log", str(shipped_log)
    )
    assert code == 0, err
    code, out, err = run_cli(
        capsys, "person", "person:schulenburg", "--log", str(shipped_log), "--format", "json"
    )
    assert code == 0, err
    assert "Friedrich-Werner Graf von der Schulenburg" in out
    again, err = import_into(capsys, shipped_log, PACT, tmp_path / "again.jsonl")
    assert again == []
    assert f"record(s) read from {PACT} are already in the log" in err


def test_a_corrected_page_drafts_supersessions_of_what_changed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shipped_log: Path
) -> None:
    from fonds.model.canonical import record_hash

    first, _ = import_into(capsys, shipped_log, PACT, tmp_path / "pact.jsonl")
    code, _, err = run_cli(
        capsys, "append", str(tmp_path / "pact.jsonl"), "--log", str(shipped_log)
    )
    assert code == 0, err
    corrected = tmp_path / "pact.txt"
    text = PACT.read_text(encoding="utf-8")
    corrected.write_text(
        text.replace("20.11.1875", "21.11.1875").replace("On 23 August", "On 24 August"),
        encoding="utf-8",
    )
    records, _ = import_into(capsys, shipped_log, corrected, tmp_path / "fix.jsonl")
    before = {record_hash(r): r for r in first}
    now = {record_hash(r): r for r in records}
    changes = [(before[s["target"]], now[s["replacement"]]) for s in of_kind(records, "supersede")]
    assert sorted(old["kind"] for old, _ in changes) == ["attribute", "event", "passage"]
    for old, new in changes:
        if old["kind"] == "attribute":
            assert (old["date"], new["date"]) == ("1875-11-20", "1875-11-21")
        if old["kind"] == "event":
            assert (old["date"], new["date"]) == ("1939-08-23", "1939-08-24")
        if old["kind"] == "passage":
            assert new["text"].startswith("On 24 August 1939")
    assert len(records) == 2 * len(changes)  # nothing else changed
    code, _, err = run_cli(capsys, "append", str(tmp_path / "fix.jsonl"), "--log", str(shipped_log))
    assert code == 0, err


def test_the_default_log_is_the_one_fonds_opens_and_standalone_ignores_it(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    shipped_log: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FONDS_LOG", str(shipped_log))
    out = tmp_path / "draft.jsonl"
    code, _, err = run_cli(capsys, "import", "page", str(PACT), "--out", str(out))
    assert code == 0, err
    fitted = {orjson.loads(line).get("id") for line in out.read_bytes().splitlines()}
    assert "person:molotov" not in fitted and "agent:fonds-page-importer" not in fitted
    code, _, err = run_cli(capsys, "import", "page", str(PACT), "--out", str(out), "--standalone")
    assert code == 0, err
    alone = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    ids = {r.get("id") for r in alone}
    assert {"person:molotov", "person:schulenburg", "agent:fonds-page-importer"} <= ids
    code, _, err = run_cli(capsys, "validate", str(out), "--log", str(tmp_path / "no-log"))
    assert code == 0, err


def test_the_prose_of_the_seed_page_yields_its_date_and_attributed_quotations(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records = import_and_validate(capsys, tmp_path, SEED)
    [event] = [r for r in records if r.get("id") == "event:german-soviet-axis-talks"]
    assert event["date"] == "1940-10/1940-11" and event["flags"] == ["inferred-date"]
    said = {(q["speaker"], q["text"]): q for q in of_kind(records, "quotation")}
    assert ("person:molotov", "which sea?") in said  # "when Molotov inquired"
    assert ("person:hitler", "problem of America") in said  # "he stated", after the words
    # "He further stated ..." leads into the next paragraph; "he" is Ribbentrop, named last
    business = said[("person:ribbentrop", "done some good business.")]
    assert [c["locator"]["value"] for c in business["citations"]] == ["9", "10"]
    unclosed = next(q for (who, text), q in said.items() if text.startswith("After the conquest"))
    assert unclosed["speaker"] == "person:hitler" and unclosed["addressees"] == ["person:molotov"]
    assert unclosed["flags"] == ["transcription-fault"]
    # words in quotation marks that no one is said to say stay in the passage only
    assert not any(text == "Instruction No. 18" for _, text in said)


def test_reading_dates_and_names_from_prose() -> None:
    from fonds.importers.page_text import mentions, page_date

    dated = page_date([(1, "Nothing is dated here.", "August 23, 1939")])
    assert dated is not None and (dated.date, dated.paragraph) == ("1939-08-23", 0)
    dated = page_date([(1, "Not on 31 February 1939. But in March 1939 it was.", None)])
    assert dated is not None and (dated.date, dated.quote) == (
        "1939-03",
        "But in March 1939 it was.",
    )
    assert page_date([(1, "No date at all, only 1939.", None)]) is None
    named = mentions(
        [(3, "He met the German ambassador Friedrich-Werner von der Schulenburg and Stalin.")]
    )
    assert [(m.name, m.quote) for m in named] == [
        (
            "Friedrich-Werner von der Schulenburg",
            "ambassador Friedrich-Werner von der Schulenburg",
        )
    ]


def test_the_measure_of_the_importer_in_the_docs_is_what_it_drafts() -> None:
    from fonds.importers.page import import_page
    from fonds.log.jsonl import JsonlLog

    measure = load_script(ROOT / "data" / "axis-talks" / "measure.py")
    draft = import_page(SEED, source_id=measure.PAGE_SOURCE, event_id=measure.PAGE_EVENT)
    shipped = [e.document for e in JsonlLog.open(ROOT / "records").entries()]
    counts = measure.measure(shipped, draft.records)
    total, verbatim, same = (sum(counts[c].values()) for c in ("shipped", "verbatim", "fact"))
    docs = (ROOT / "docs" / "data-set.md").read_text(encoding="utf-8")
    assert f"| **all** | **{total}** |" in docs
    # the last row: verbatim before and now, the same fact before and now
    assert re.search(rf"\| \*\*{verbatim}\*\* \| \*\*\d+\*\* \| \*\*{same}\*\* \|\n", docs)
    assert f"now it drafts\n{same} ({same * 100 // total}%)" in docs
    assert counts["fact"]["quotation"] == counts["shipped"]["quotation"] - 2


def test_the_seed_page_into_the_shipped_log_drafts_nothing_new(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, shipped_log: Path
) -> None:
    # the log holds the page's drafts as the editors amended them, and the editors' own records
    # of what the prose says: the misspelt "von Schulenberg" is a name variant of a person there,
    # and every quotation the prose attributes is there with its speaker and words
    out = tmp_path / "seed.jsonl"
    code, _, err = run_cli(
        capsys, "import", "page", str(SEED), "--log", str(shipped_log), "--out", str(out),
        "--source-id", "source:axis-talks-page", "--event-id", "event:axis-talks-1940",
    )  # fmt: skip
    assert code == 0, err
    assert out.read_bytes() == b""
    assert "are already in the log" in err


def test_a_ruler_named_in_the_prose_is_known_by_name_and_number(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page = tmp_path / "crown.txt"
    text = PACT.read_text(encoding="utf-8").replace(
        "The treaty came with",
        "In London, King George VI was told of it the next morning. The treaty came with",
    )
    page.write_text(text, encoding="utf-8")
    records = import_and_validate(capsys, tmp_path, page)
    ids = {r["id"] for r in of_kind(records, "person")}
    assert "person:george-vi" in ids and "person:vi" not in ids


SELF_DECLARING_SHEET = "recorded_by,id,labels.en,agent_type\nagent:x,agent:x,X,person\n"


@pytest.mark.parametrize(
    "command",
    [
        ["import", "page", str(PACT)],
        ["import", "csv", "agents.csv", "--kind", "agent"],
        [
            "import",
            "gedcom",
            str(ROOT / "tests" / "importers" / "genealogy" / "sample-551-ansel.ged"),
        ],
        ["template", "csv", "person"],
    ],
    ids=["page", "csv", "gedcom", "template"],
)
@pytest.mark.parametrize("named_by", ["--log", "FONDS_LOG"])
def test_a_log_that_is_named_must_be_there(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    named_by: str,
) -> None:
    """A mistyped --log or $FONDS_LOG is an error naming it, never a draft made as if the
    archive were empty; with neither, ./records is used only when it holds a log."""
    missing = tmp_path / "no-such-log"
    out = tmp_path / "draft.jsonl"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "agents.csv").write_text(SELF_DECLARING_SHEET)
    if named_by == "--log":
        code, _, err = run_cli(capsys, *command, "--out", str(out), "--log", str(missing))
    else:
        monkeypatch.setenv("FONDS_LOG", str(missing))
        code, _, err = run_cli(capsys, *command, "--out", str(out))
    assert code != 0
    assert str(missing) in err and "no fonds log here" in err
    assert not out.exists()
    monkeypatch.delenv("FONDS_LOG", raising=False)
    code, _, err = run_cli(capsys, *command, "--out", str(out))  # no ./records here
    assert code == 0, err
    assert out.stat().st_size > 0
