"""Dates as genealogy programs write them, turned into EDTF without guessing.

Two grammars are read here, for the Gramps XML and the GEDCOM importers:

- Gramps XML: ``<dateval val="1850-03" type="about" quality="estimated" cformat="Julian"/>``,
  ``<daterange start=".." stop=".."/>`` (some time between), ``<datespan .../>`` (from ... to)
  and ``<datestr val="..."/>`` (text only).
- GEDCOM 7 and 5.5.1: ``12 AUG 1401``, ``ABT``/``CAL``/``EST``, ``BEF``, ``AFT``,
  ``BET .. AND ..``, ``FROM .. TO ..``, ``BCE`` or ``B.C.``, dual years (``1699/00``),
  ``INT 1 JAN 1900 (phrase)``, a phrase alone (``(phrase)``), and the calendars
  (``JULIAN``, ``HEBREW``, ``FRENCH_R`` or the 5.5.1 escapes ``@#DJULIAN@``...).

What EDTF can say is said there: precision by the parts given, ``~`` for about, estimated and
calculated (with a flag naming which), ``?`` for a date interpreted from a phrase, ``../1900``
before, ``1900/..`` after, ``1890/1895`` between or from-to. Hebrew, Islamic and French
Republican dates stay in their calendar (the record's ``calendar``). A date EDTF cannot hold
(a phrase, an unknown calendar, a range that ends before it begins, a day that does not exist)
is kept as written, with the ``date-as-written`` flag; it is never dropped or guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from fonds.model.dates import DateError, parse_date

__all__ = [
    "AS_WRITTEN",
    "CALCULATED",
    "ESTIMATED",
    "GenealogyDate",
    "gedcom_date",
    "gramps_date",
]

AS_WRITTEN = "date-as-written"
ESTIMATED = "estimated-date"
CALCULATED = "calculated-date"


@attrs.frozen
class GenealogyDate:
    """A source's date: EDTF and calendar when it can be written so, its flags, what it said."""

    as_written: str
    edtf: str | None = None
    calendar: str | None = None  # None: Gregorian
    flags: tuple[str, ...] = ()
    remark: str | None = None  # a sentence for the record's note, when EDTF does not say it all

    @property
    def expressed(self) -> bool:
        return self.edtf is not None

    def fields(self) -> dict[str, str]:
        """``date`` and ``calendar`` as a record holds them (nothing for a date kept as written)."""
        found: dict[str, str] = {}
        if self.edtf is not None:
            found["date"] = self.edtf
            if self.calendar not in (None, "gregorian"):
                found["calendar"] = str(self.calendar)
        return found


def _as_written(text: str, why: str | None = None) -> GenealogyDate:
    remark = f"Date as written: “{text}”" + (f" ({why})." if why else ".")
    return GenealogyDate(as_written=text, flags=(AS_WRITTEN,), remark=remark)


def _checked(
    text: str,
    edtf: str,
    calendar: str | None,
    flags: tuple[str, ...] = (),
    remark: str | None = None,
) -> GenealogyDate:
    """The date, once fonds' own parser accepts it; kept as written when it does not."""
    try:
        parse_date(edtf, calendar or "gregorian")
    except DateError as exc:
        reason = str(exc).replace(f"{edtf!r} is not an EDTF date: ", "")
        return _as_written(text, f"not a valid date: {reason}")
    return GenealogyDate(text, edtf, calendar, flags, remark)


def _year(year: int) -> str | None:
    """An astronomical year as EDTF writes it (4 digits, signed), or None past ±9999."""
    if not -9999 <= year <= 9999:
        return None
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


# -- Gramps XML -----------------------------------------------------------------------------

_GRAMPS_CALENDARS = {
    "": None,
    "gregorian": None,
    "julian": "julian",
    "hebrew": "hebrew",
    "islamic": "islamic",
    "french republican": "french-republican",
}
_GRAMPS_VALUE = re.compile(
    r"(?P<year>-?\d{1,5}|\?{1,4})(?:-(?P<month>\d{2}|\?\?)(?:-(?P<day>\d{2}))?)?"
)
_NEW_YEARS = {"jan1": None, "mar1": (3, 1), "mar25": (3, 25), "sep1": (9, 1)}


def _gramps_point(value: str, newyear: tuple[int, int] | None) -> str | None:
    """``1850-03-12``, ``1850-??-12``, ``????-03``, ``-44`` as EDTF (None when it is not one)."""
    match = _GRAMPS_VALUE.fullmatch(value.strip())
    if match is None:
        return None
    year_text, month_text, day_text = match["year"], match["month"], match["day"]
    if year_text.startswith("?"):
        year: str | None = "XXXX"
    else:
        number = int(year_text)
        if number == 0:
            year = "XXXX"  # Gramps writes an unknown year as 0
        else:
            if newyear is not None and month_text and not month_text.startswith("?"):
                month_day = (int(month_text), int(day_text or 1))
                if month_day >= newyear:
                    number -= 1  # Gramps counts such a date in the year that began before it
            year = _year(number + 1 if number < 0 else number)  # Gramps counts 1 BC as -1
    if year is None:
        return None
    if month_text is None:
        return year
    month = "XX" if month_text.startswith("?") else month_text
    if month == "00":
        return year
    if day_text is None or day_text == "00":
        return f"{year}-{month}"
    return f"{year}-{month}-{day_text}"


def gramps_date(element: str, attributes: Mapping[str, str]) -> GenealogyDate:
    """A Gramps XML date element (``dateval``, ``daterange``, ``datespan``, ``datestr``)."""
    shown = " ".join(f'{key}="{value}"' for key, value in attributes.items())
    written = f"<{element} {shown}/>"
    if element == "datestr":
        return _as_written(attributes.get("val", ""), "Gramps keeps it as text")
    calendar_name = attributes.get("cformat", "").strip().lower()
    if calendar_name not in _GRAMPS_CALENDARS:
        return _as_written(written, f"the {attributes['cformat']} calendar")
    calendar = _GRAMPS_CALENDARS[calendar_name]
    remarks: list[str] = []
    newyear: tuple[int, int] | None = None
    new_year_text = attributes.get("newyear", "").strip()
    if new_year_text:
        custom = re.fullmatch(r"(\d{1,2})-(\d{1,2})", new_year_text)
        if new_year_text.lower() in _NEW_YEARS:
            newyear = _NEW_YEARS[new_year_text.lower()]
        elif custom is not None:
            newyear = (int(custom[1]), int(custom[2]))
        else:
            return _as_written(written, f"a new year on {new_year_text!r}")
        if newyear is not None:
            remarks.append(f"its year begins on {new_year_text}, here on 1 January")
    if attributes.get("dualdated") == "1":
        remarks.append("dual dated")
    flags: list[str] = []
    quality = attributes.get("quality", "")
    qualifier = ""
    if quality == "estimated":
        flags.append(ESTIMATED)
        qualifier = "~"
    elif quality == "calculated":
        flags.append(CALCULATED)
        qualifier = "~"
    if element == "dateval":
        point = _gramps_point(attributes.get("val", ""), newyear)
        if point is None:
            return _as_written(written, "not a date Gramps writes")
        kind = attributes.get("type", "")
        if kind == "about":
            edtf = f"{point}~"
        elif kind == "before":
            edtf = f"../{point}{qualifier}"
        elif kind == "after":
            edtf = f"{point}{qualifier}/.."
        elif kind == "":
            edtf = f"{point}{qualifier}"
        else:
            return _as_written(written, f"the modifier {kind!r}")
    elif element in ("daterange", "datespan"):
        start = _gramps_point(attributes.get("start", ""), newyear)
        stop = _gramps_point(attributes.get("stop", ""), newyear)
        if start is None or stop is None:
            return _as_written(written, "not a date Gramps writes")
        edtf = f"{start}{qualifier}/{stop}{qualifier}"
        if element == "daterange":
            remarks.append("a range, some time between the two dates")
    else:
        return _as_written(written, f"an unknown date element <{element}>")
    remark = f"Gramps writes the date {written}: {'; '.join(remarks)}." if remarks else None
    return _checked(written, edtf, calendar, tuple(flags), remark)


# -- GEDCOM ---------------------------------------------------------------------------------

_GEDCOM_CALENDARS = {
    "GREGORIAN": None,
    "JULIAN": "julian",
    "HEBREW": "hebrew",
    "FRENCH_R": "french-republican",
    "@#DGREGORIAN@": None,
    "@#DJULIAN@": "julian",
    "@#DHEBREW@": "hebrew",
    "@#DFRENCH R@": "french-republican",
}
_MONTHS = {
    None: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    "julian": ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    "hebrew": ["TSH", "CSH", "KSL", "TVT", "SHV", "ADR", "ADS", "NSN", "IYR", "SVN", "TMZ", "AAV",
               "ELL"],
    "french-republican": ["VEND", "BRUM", "FRIM", "NIVO", "PLUV", "VENT", "GERM", "FLOR", "PRAI",
                          "MESS", "THER", "FRUC", "COMP"],
}  # fmt: skip
_EPOCHS = ("BCE", "B.C.", "BC")
_CALENDAR_ESCAPE = re.compile(r"@#D[A-Z ]+@|[A-Z_][A-Z0-9_]*")


@attrs.frozen
class _GedcomPoint:
    edtf: str
    calendar: str | None
    precision: str  # year, month, day
    dual: str | None = None  # the dual year as written, "1699/00"


class _Unreadable(ValueError):
    """A GEDCOM date that EDTF cannot hold; the message says why."""


def _gedcom_point(words: list[str]) -> _GedcomPoint:
    """``[calendar] [[day] month] year [epoch]`` as EDTF in that calendar."""
    if not words:
        raise _Unreadable("a date is missing")
    calendar: str | None = None
    first = words[0]
    if first in _GEDCOM_CALENDARS:
        calendar = _GEDCOM_CALENDARS[first]
        words = words[1:]
    elif first.startswith(("@#D", "_")) or first in ("ROMAN", "UNKNOWN"):
        raise _Unreadable(f"the calendar {first.strip('@#D')} is not one fonds converts")
    epoch = False
    if words and words[-1] in _EPOCHS:
        epoch = True
        words = words[:-1]
    elif words and words[-1].startswith("_"):
        raise _Unreadable(f"the epoch {words[-1]} is not one fonds knows")
    if not 1 <= len(words) <= 3:
        raise _Unreadable("expected [day] [month] year")
    year_text = words[-1]
    dual_match = re.fullmatch(r"(\d{1,4})/(\d{2})", year_text)
    if dual_match is None and not year_text.isdigit():
        raise _Unreadable(f"{year_text!r} is not a year")
    if dual_match is not None and (calendar not in (None, "julian") or epoch):
        raise _Unreadable("a dual year belongs to the Gregorian or the Julian calendar")
    month_number: int | None = None
    day: int | None = None
    if len(words) >= 2:
        month_names = _MONTHS[calendar]
        if words[-2] not in month_names:
            raise _Unreadable(f"{words[-2]!r} is not a month of the calendar")
        month_number = month_names.index(words[-2]) + 1
    if len(words) == 3:
        if not words[0].isdigit():
            raise _Unreadable(f"{words[0]!r} is not a day")
        day = int(words[0])
    if dual_match is not None:
        dual = _dual(dual_match[1], dual_match[2], month_number, day, year_text)
        return attrs.evolve(dual, calendar=calendar)
    year = int(year_text)
    if epoch:
        if calendar not in (None, "julian"):
            raise _Unreadable("years before the epoch are read in the Gregorian and Julian only")
        if year == 0:
            raise _Unreadable("there is no year 0 before the common era")
        year = 1 - year  # 1 BCE is the astronomical year 0
    elif year == 0 and calendar in (None, "julian"):
        raise _Unreadable("there is no year 0")
    written_year = _year(year)
    if written_year is None:
        raise _Unreadable("the year is out of EDTF's four digits")
    if month_number is None:
        return _GedcomPoint(written_year, calendar, "year")
    if day is None:
        return _GedcomPoint(f"{written_year}-{month_number:02d}", calendar, "month")
    return _GedcomPoint(f"{written_year}-{month_number:02d}-{day:02d}", calendar, "day")


def _dual(
    first: str, second: str, month: int | None, day: int | None, written: str
) -> _GedcomPoint:
    """A dual year (``1699/00``): the old style year began on 25 March, the new on 1 January."""
    old = int(first)
    new = old - old % 100 + int(second)
    if new <= old:
        new += 100
    if new != old + 1:
        raise _Unreadable(f"{written!r} is not a year and the one after it")
    after_lady_day = month is not None and (month > 3 or (month == 3 and (day or 0) >= 25))
    before_lady_day = month is not None and (month < 3 or (month == 3 and day is not None))
    body_month = f"-{month:02d}" if month is not None else ""
    body_day = f"-{day:02d}" if day is not None else ""
    precision = "day" if day is not None else "month" if month is not None else "year"
    if after_lady_day:
        return _GedcomPoint(f"{old:04d}{body_month}{body_day}", None, precision, written)
    if before_lady_day:
        return _GedcomPoint(f"{new:04d}{body_month}{body_day}", None, precision, written)
    return _GedcomPoint(f"{old:04d}{body_month}/{new:04d}{body_month}", None, "interval", written)


def _words(text: str) -> list[str]:
    """The date's words in upper case; a calendar escape (``@#DFRENCH R@``) is one word."""
    text = text.strip().upper()
    words: list[str] = []
    position = 0
    while position < len(text):
        if text[position] == " ":
            position += 1
            continue
        if text.startswith("@#D", position):
            end = text.find("@", position + 3)
            if end == -1:
                raise _Unreadable("an unterminated calendar escape")
            words.append(text[position : end + 1])
            position = end + 1
            continue
        end = text.find(" ", position)
        end = len(text) if end == -1 else end
        words.append(text[position:end])
        position = end
    return words


def _split(words: list[str], keyword: str) -> tuple[list[str], list[str]]:
    if keyword not in words:
        raise _Unreadable(f"expected {keyword}")
    index = words.index(keyword)
    return words[:index], words[index + 1 :]


def _interval(
    start: _GedcomPoint | None, end: _GedcomPoint | None
) -> tuple[str, str | None, str | None]:
    """``start/end`` in one calendar: the calendars agree, or both ends go to Gregorian days."""
    ends = [p for p in (start, end) if p is not None]
    calendars = {p.calendar for p in ends}
    if any(p.precision == "interval" for p in ends):
        raise _Unreadable("a dual year that is not resolved cannot end an interval")
    if len(calendars) <= 1:
        calendar = next(iter(calendars)) if calendars else None
        return (
            f"{start.edtf if start else '..'}/{end.edtf if end else '..'}",
            calendar,
            None,
        )
    from convertdate import gregorian

    parts: list[str] = []
    for point, lower in ((start, True), (end, False)):
        assert point is not None
        try:
            info = parse_date(point.edtf, point.calendar or "gregorian")
        except DateError as exc:
            raise _Unreadable(str(exc)) from None
        bound = info.lower if lower else info.upper
        assert bound is not None
        year, month, day = gregorian.from_jd(bound // 86_400 + 2440587.5)
        written_year = _year(year)
        if written_year is None:
            raise _Unreadable("the year is out of EDTF's four digits")
        parts.append(f"{written_year}-{month:02d}-{day:02d}")
    remark = "the two ends are in different calendars; both are given as Gregorian days"
    return "/".join(parts), None, remark


def _gedcom_value(words: list[str]) -> tuple[str, str | None, tuple[str, ...], list[str]]:
    """(EDTF, calendar, flags, remarks) of a GEDCOM date value without a phrase."""
    head = words[0]
    remarks: list[str] = []
    if head in ("ABT", "CAL", "EST"):
        point = _gedcom_point(words[1:])
        if point.precision == "interval":
            raise _Unreadable("an approximate dual year")
        flags = {"ABT": (), "CAL": ("calculated-date",), "EST": ("estimated-date",)}[head]
        return f"{point.edtf}~", point.calendar, flags, _dual_remark(point)
    if head == "BEF":
        point = _gedcom_point(words[1:])
        edtf, calendar, remark = _interval(None, point)
        return edtf, calendar, (), [*_dual_remark(point), *([remark] if remark else [])]
    if head == "AFT":
        point = _gedcom_point(words[1:])
        edtf, calendar, remark = _interval(point, None)
        return edtf, calendar, (), [*_dual_remark(point), *([remark] if remark else [])]
    if head == "BET":
        first, second = _split(words[1:], "AND")
        start, end = _gedcom_point(first), _gedcom_point(second)
        edtf, calendar, remark = _interval(start, end)
        remarks.append("The source gives a range: some time between the two dates")
        return (
            edtf,
            calendar,
            (),
            [*remarks, *_dual_remark(start, end), *([remark] if remark else [])],
        )
    if head == "FROM":
        rest = words[1:]
        if "TO" in rest:
            first, second = _split(rest, "TO")
            start, end = _gedcom_point(first), _gedcom_point(second)
            edtf, calendar, remark = _interval(start, end)
            extra = [remark] if remark else []
            return edtf, calendar, (), [*_dual_remark(start, end), *extra]
        start = _gedcom_point(rest)
        edtf, calendar, remark = _interval(start, None)
        return edtf, calendar, (), ["The source gives the start of a period", *_dual_remark(start)]
    if head == "TO":
        end = _gedcom_point(words[1:])
        edtf, calendar, remark = _interval(None, end)
        return edtf, calendar, (), ["The source gives the end of a period", *_dual_remark(end)]
    point = _gedcom_point(words)
    return point.edtf, point.calendar, (), _dual_remark(point)


def _dual_remark(*points: _GedcomPoint) -> list[str]:
    return [f"the source writes the dual year {p.dual}" for p in points if p.dual]


def gedcom_date(text: str, *, time: str | None = None, phrase: str | None = None) -> GenealogyDate:
    """A GEDCOM date value (7 or 5.5.1), with the TIME and PHRASE of GEDCOM 7 when given."""
    written = text.strip()
    remarks: list[str] = []
    if phrase:
        remarks.append(f"date phrase: “{phrase.strip()}”")
    shown = written or (f"({phrase.strip()})" if phrase else "")
    if not written:
        if not shown:
            return _as_written("", "no date is given")
        return _as_written(shown, "a phrase only")
    if written.startswith("(") and written.endswith(")"):
        return _as_written(written, "a phrase only")
    interpreted = re.fullmatch(r"INT\s+(?P<date>[^(]*?)\s*\((?P<phrase>.*)\)\s*", written, re.I)
    flags: tuple[str, ...] = ()
    try:
        if interpreted is not None:
            words = _words(interpreted["date"])
            edtf, calendar, flags, found = _gedcom_value(words)
            if "/" in edtf or edtf.endswith(("~", "?")):
                raise _Unreadable("an interpreted date is one date")
            edtf += "?"
            remarks.insert(0, f"interpreted from the phrase “{interpreted['phrase'].strip()}”")
        else:
            words = _words(written)
            if words and words[0] == "INT":
                raise _Unreadable("INT without a phrase in parentheses")
            edtf, calendar, flags, found = _gedcom_value(words)
        remarks.extend(found)
    except _Unreadable as exc:
        return attrs.evolve(
            _as_written(written, str(exc)),
            remark=" ".join(
                [f"Date as written: “{written}” ({exc}).", *(f"{r}." for r in remarks)]
            ),
        )
    if time:
        edtf, time_remark = _with_time(edtf, time.strip())
        if time_remark:
            remarks.append(time_remark)
    remark = None
    if remarks:  # EDTF does not say all the source does: the note keeps the rest
        sentences = [f"The source writes the date “{written}”", *remarks]
        remark = " ".join(f"{s[0].upper()}{s[1:]}." for s in sentences)
    return _checked(written, edtf, calendar, flags, remark)


_TIME = re.compile(
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?(?P<z>Z)?"
)


def _with_time(edtf: str, time: str) -> tuple[str, str | None]:
    """A day with its time of day; a time that cannot join the date goes to the note."""
    match = _TIME.fullmatch(time)
    if match is None or not re.fullmatch(r"-?\d{4}-\d{2}-\d{2}", edtf):
        return edtf, f"time as written: {time}"
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return edtf, f"time as written: {time}"
    moment = f"{edtf}T{hour:02d}:{minute:02d}:{second:02d}{'Z' if match['z'] else ''}"
    if match["fraction"]:
        return moment, f"time as written: {time}"
    return moment, None
