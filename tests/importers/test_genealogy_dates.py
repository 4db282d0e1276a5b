"""Genealogy dates to EDTF, case by case: Gramps XML date elements and the GEDCOM date grammar."""

from __future__ import annotations

import pytest

from fonds.importers.genealogy_dates import (
    AS_WRITTEN,
    CALCULATED,
    ESTIMATED,
    GenealogyDate,
    gedcom_date,
    gramps_date,
)
from fonds.model.dates import format_date, parse_date


def expressed(date: GenealogyDate) -> tuple[str | None, str | None, tuple[str, ...]]:
    return date.edtf, date.calendar, date.flags


@pytest.mark.parametrize(
    ("element", "attributes", "edtf", "calendar", "flags"),
    [
        ("dateval", {"val": "1855-06-21"}, "1855-06-21", None, ()),
        ("dateval", {"val": "1850-03"}, "1850-03", None, ()),
        ("dateval", {"val": "1850"}, "1850", None, ()),
        ("dateval", {"val": "1850", "type": "about"}, "1850~", None, ()),
        ("dateval", {"val": "1850", "type": "before"}, "../1850", None, ()),
        ("dateval", {"val": "1850-05", "type": "after"}, "1850-05/..", None, ()),
        ("dateval", {"val": "1850", "quality": "estimated"}, "1850~", None, (ESTIMATED,)),
        ("dateval", {"val": "1850", "quality": "calculated"}, "1850~", None, (CALCULATED,)),
        (
            "dateval",
            {"val": "1850", "type": "about", "quality": "estimated"},
            "1850~",
            None,
            (ESTIMATED,),
        ),
        (
            "dateval",
            {"val": "1850", "type": "before", "quality": "calculated"},
            "../1850~",
            None,
            (CALCULATED,),
        ),
        ("daterange", {"start": "1746", "stop": "1755"}, "1746/1755", None, ()),
        (
            "datespan",
            {"start": "1800", "stop": "1805", "quality": "estimated"},
            "1800~/1805~",
            None,
            (ESTIMATED,),
        ),
        ("dateval", {"val": "1850-??-12"}, "1850-XX-12", None, ()),
        ("dateval", {"val": "????-05-12"}, "XXXX-05-12", None, ()),
        ("dateval", {"val": "-44"}, "-0043", None, ()),  # Gramps counts 44 BC as -44
        ("dateval", {"val": "1827-04-24", "cformat": "Julian"}, "1827-04-24", "julian", ()),
        ("dateval", {"val": "0241-03-12", "cformat": "Islamic"}, "0241-03-12", "islamic", ()),
        ("dateval", {"val": "0164-03", "cformat": "Islamic"}, "0164-03", "islamic", ()),
        ("dateval", {"val": "5610-04-26", "cformat": "Hebrew"}, "5610-04-26", "hebrew", ()),
        (
            "dateval",
            {"val": "0002-13-05", "cformat": "French Republican"},
            "0002-13-05",
            "french-republican",
            (),
        ),
        # on or after the new year Gramps counts the date in the year that began before it
        ("dateval", {"val": "1720-04-05", "newyear": "Mar25"}, "1719-04-05", None, ()),
        ("dateval", {"val": "1720-02-05", "newyear": "Mar25"}, "1720-02-05", None, ()),
    ],
)
def test_gramps_dates(
    element: str,
    attributes: dict[str, str],
    edtf: str,
    calendar: str | None,
    flags: tuple[str, ...],
) -> None:
    date = gramps_date(element, attributes)
    assert expressed(date) == (edtf, calendar, flags)
    parse_date(edtf, calendar or "gregorian")  # fonds reads what it writes


@pytest.mark.parametrize(
    ("element", "attributes", "kept"),
    [
        ("datestr", {"val": "in the spring after the war"}, "in the spring after the war"),
        ("dateval", {"val": "1850-02-30"}, '<dateval val="1850-02-30"/>'),
        ("daterange", {"start": "1900", "stop": "1800"}, '<daterange start="1900" stop="1800"/>'),
        (
            "dateval",
            {"val": "1360-01-01", "cformat": "Persian"},
            '<dateval val="1360-01-01" cformat="Persian"/>',
        ),
        ("dateval", {"val": "sometime"}, '<dateval val="sometime"/>'),
    ],
)
def test_gramps_dates_edtf_cannot_hold_are_kept_as_written(
    element: str, attributes: dict[str, str], kept: str
) -> None:
    date = gramps_date(element, attributes)
    assert date.edtf is None and date.fields() == {}
    assert date.flags == (AS_WRITTEN,)
    assert date.as_written == kept
    assert date.remark is not None and f"“{kept}”" in date.remark


def test_gramps_remarks_say_what_edtf_does_not() -> None:
    ranged = gramps_date("daterange", {"start": "1746", "stop": "1755"})
    assert ranged.remark is not None and "some time between" in ranged.remark
    dual = gramps_date("dateval", {"val": "1827-04-24", "cformat": "Julian", "dualdated": "1"})
    assert dual.remark is not None and "dual dated" in dual.remark
    assert gramps_date("dateval", {"val": "1855-06-21"}).remark is None


@pytest.mark.parametrize(
    ("text", "edtf", "calendar", "flags"),
    [
        ("1401", "1401", None, ()),
        ("OCT 1401", "1401-10", None, ()),
        ("12 AUG 1401", "1401-08-12", None, ()),
        ("12 aug 1401", "1401-08-12", None, ()),
        ("1401 BCE", "-1400", None, ()),
        ("12 AUG 1401 BCE", "-1400-08-12", None, ()),
        ("44 B.C.", "-0043", None, ()),
        ("1 BCE", "0000", None, ()),
        ("JULIAN 12 AUG 1401", "1401-08-12", "julian", ()),
        ("@#DJULIAN@ 12 AUG 1401", "1401-08-12", "julian", ()),
        ("GREGORIAN OCT 1601", "1601-10", None, ()),
        ("@#DGREGORIAN@ 1601", "1601", None, ()),
        ("HEBREW 26 TVT 5610", "5610-04-26", "hebrew", ()),
        ("@#DHEBREW@ ADS 5779", "5779-07", "hebrew", ()),
        ("FRENCH_R 27 THER 7", "0007-11-27", "french-republican", ()),
        ("@#DFRENCH R@ 1 VEND 2", "0002-01-01", "french-republican", ()),
        ("FRENCH_R COMP 3", "0003-13", "french-republican", ()),
        ("ABT 1850", "1850~", None, ()),
        ("CAL 1850", "1850~", None, (CALCULATED,)),
        ("EST JAN 1850", "1850-01~", None, (ESTIMATED,)),
        ("BEF 3 DEC 1519", "../1519-12-03", None, ()),
        ("AFT 1900", "1900/..", None, ()),
        ("BET 1890 AND 1895", "1890/1895", None, ()),
        ("FROM 1700 TO 1800", "1700/1800", None, ()),
        ("FROM 1700", "1700/..", None, ()),
        ("TO 1800", "../1800", None, ()),
        ("BET JULIAN 1 JAN 1700 AND JULIAN 1750", "1700-01-01/1750", "julian", ()),
        ("INT 1 JAN 1900 (New Year's Day)", "1900-01-01?", None, ()),
        # dual years: the later year before 25 March, the earlier after, both when unsure
        ("11 FEB 1731/32", "1732-02-11", None, ()),
        ("@#DJULIAN@ 11 FEB 1731/32", "1732-02-11", "julian", ()),
        ("15 APR 1699/00", "1699-04-15", None, ()),
        ("1699/00", "1699/1700", None, ()),
        ("MAR 1699/00", "1699-03/1700-03", None, ()),
    ],
)
def test_gedcom_dates(text: str, edtf: str, calendar: str | None, flags: tuple[str, ...]) -> None:
    date = gedcom_date(text)
    assert expressed(date) == (edtf, calendar, flags)
    parse_date(edtf, calendar or "gregorian")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("(about the time of the flood)", "a phrase only"),
        ("BET 1950 AND 302", "ends before it begins"),
        ("30 FEB 1900", "has no day 30"),
        ("_UNKNOWN 13 _MONTH 17", "not one fonds converts"),
        ("@#DROMAN@ 12", "not one fonds converts"),
        ("@#DUNKNOWN@ 1900", "not one fonds converts"),
        ("HEBREW 1401 BCE", "Gregorian and Julian only"),
        ("1 XYZ 1900", "not a month"),
        ("ABOUT 1900", "not a month"),
        ("INT 1900", "INT without a phrase"),
        ("BET 1900", "expected AND"),
        ("HEBREW ADS 5780", "not a leap year"),
        ("12000", "four digits"),
    ],
)
def test_gedcom_dates_edtf_cannot_hold_are_kept_as_written(text: str, why: str) -> None:
    date = gedcom_date(text)
    assert date.edtf is None and date.fields() == {}
    assert date.flags == (AS_WRITTEN,)
    assert date.as_written == text
    assert date.remark is not None
    assert f"“{text}”" in date.remark and why in date.remark


def test_gedcom_7_time_and_phrase() -> None:
    timed = gedcom_date("27 MAR 2022", time="16:02", phrase="Afternoon")
    assert timed.edtf == "2022-03-27T16:02:00"
    assert timed.remark is not None and "“Afternoon”" in timed.remark
    utc = gedcom_date("10 JUN 2022", time="15:43:20.48Z")
    assert utc.edtf == "2022-06-10T15:43:20Z"
    assert utc.remark is not None and "15:43:20.48Z" in utc.remark  # the fraction is noted
    loose = gedcom_date("ABT 2022", time="16:02")
    assert loose.edtf == "2022~" and loose.remark is not None and "16:02" in loose.remark
    phrase_only = gedcom_date("", phrase="Zero")
    assert phrase_only.edtf is None and phrase_only.flags == (AS_WRITTEN,)


def test_ranges_and_lossy_forms_keep_the_source_words_in_the_remark() -> None:
    between = gedcom_date("BET 1890 AND 1895")
    assert between.remark is not None
    assert "“BET 1890 AND 1895”" in between.remark and "some time between" in between.remark
    dual = gedcom_date("11 FEB 1731/32")
    assert dual.remark is not None and "1731/32" in dual.remark
    assert gedcom_date("12 AUG 1401").remark is None
    assert gedcom_date("FROM 1700 TO 1800").remark is None


def test_ends_in_different_calendars_become_gregorian_days() -> None:
    mixed = gedcom_date("BET JULIAN 1700 AND 1750")
    assert (mixed.edtf, mixed.calendar) == ("1700-01-11/1750-12-31", None)
    assert mixed.remark is not None and "different calendars" in mixed.remark


def test_other_calendars_sort_by_their_gregorian_bounds() -> None:
    islamic = parse_date("0241-03-12", "islamic")
    assert islamic.lower == parse_date("0855-08-04").lower
    hebrew = parse_date("5780-01-01", "hebrew")  # 1 Tishri 5780, Rosh Hashanah
    assert hebrew.lower == parse_date("2019-09-30").lower
    assert parse_date("5780", "hebrew").upper == parse_date("2020-09-18").upper
    republican = parse_date("0002-01-01", "french-republican")
    assert republican.lower == parse_date("1793-09-22").lower
    assert format_date(parse_date("5610-04-26", "hebrew")) == "26 Tevet 5610 (Hebrew)"
    assert format_date(islamic) == "12 Rabi I 241 (Islamic)"
    assert format_date(parse_date("0002-01", "french-republican")) == (
        "Vendémiaire 2 (French Republican)"
    )


def test_cases_every_gedcom_test_date_reads_without_error() -> None:
    """The grammar is total: any text gives a date or a date kept as written, never an error."""
    for text in ["", " ", "@#D", "BET AND", "FROM TO", "INT (", "(", "ABT", "1/2/3", "@@", "\x00"]:
        date = gedcom_date(text)
        assert date.edtf is not None or date.flags == (AS_WRITTEN,)
