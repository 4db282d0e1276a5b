"""Historical dates: EDTF strings parsed to bounds that keep the time of day.

The common forms (year, year-month, day, day with time, each with an optional ``?``, ``~`` or
``%``, and intervals of them with open or unknown ends) take a fast path here; everything else
of EDTF levels 1-2 (unspecified digits, seasons, long years, sets, ...) goes to the ``edtf``
package, which is some 100x slower and drops the time of day. Results are cached.

Bounds are seconds since 1970-01-01T00:00:00 in the proleptic Gregorian calendar, computed with
days-from-civil arithmetic valid for any year. With ``calendar="julian"`` the fields are read
in the Julian calendar and converted; with ``"hebrew"`` (months counted from Tishri, 6 Adar or
Adar I, 7 Adar II), ``"islamic"`` (the arithmetic calendar) or ``"french-republican"`` (13 the
complementary days) they are read in that calendar, as the source writes them, and converted to
Gregorian bounds with ``convertdate``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import re
import time
import warnings
from typing import Any

import attrs

__all__ = ["DateError", "DateInfo", "format_date", "is_valid_date", "overlaps", "parse_date"]

CALENDARS = ("gregorian", "julian", "hebrew", "islamic", "french-republican")
_CONVERTED = frozenset({"hebrew", "islamic", "french-republican"})
_CALENDAR_NAMES = {
    "julian": "Julian",
    "hebrew": "Hebrew",
    "islamic": "Islamic",
    "french-republican": "French Republican",
}
_MONTH_NAMES = {
    "hebrew": ["Tishri", "Heshvan", "Kislev", "Tevet", "Shevat", "Adar", "Adar II", "Nisan",
               "Iyyar", "Sivan", "Tammuz", "Av", "Elul"],
    "islamic": ["Muharram", "Safar", "Rabi I", "Rabi II", "Jumada I", "Jumada II", "Rajab",
                "Shaban", "Ramadan", "Shawwal", "Dhu al-Qada", "Dhu al-Hijja"],
    "french-republican": ["Vendémiaire", "Brumaire", "Frimaire", "Nivôse", "Pluviôse", "Ventôse",
                          "Germinal", "Floréal", "Prairial", "Messidor", "Thermidor", "Fructidor",
                          "jour complémentaire"],
}  # fmt: skip
_DAY = 86_400
_SENTINEL = 1 << 62
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_SEASONS = {21: "spring", 22: "summer", 23: "autumn", 24: "winter"}

_SIMPLE = re.compile(
    r"(?P<year>-?\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?P<tz>Z|[+-]\d{2}(?::\d{2})?)?)?)?)?(?P<qualifier>[?~%])?"
)


_CHARACTERS = re.compile(r"[-0-9XYSEe?~%./\[\]{},:+TZ]+")


class DateError(ValueError):
    """A date that is not EDTF, or not a real day; the message says what was expected."""


@attrs.frozen(slots=True)
class DateInfo:
    """A parsed date: its bounds, precision and qualifiers."""

    edtf: str
    calendar: str
    lower: int | None
    upper: int | None
    precision: str
    uncertain: bool
    approximate: bool
    has_time: bool

    @property
    def sort_key(self) -> tuple[int, int]:
        """(lower, upper) bounds for sorting, an open bound beyond every date."""
        lower = self.lower if self.lower is not None else -_SENTINEL
        upper = self.upper if self.upper is not None else _SENTINEL
        return lower, upper


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _days_from_julian(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a Julian calendar date."""
    a = (14 - month) // 12
    y = year + 4800 - a
    m = month + 12 * a - 3
    jdn = day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083
    return jdn - 2440588


def _leap(year: int, calendar: str) -> bool:
    if calendar == "julian":
        return year % 4 == 0
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _months(calendar: str) -> int:
    """The number of the year's last month: 13 for Elul and the French complementary days.

    A Hebrew common year has no month 7 (Adar II); its months are 1-6 and 8-13.
    """
    return 13 if calendar in ("hebrew", "french-republican") else 12


def _month_length(year: int, month: int, calendar: str) -> int:
    if calendar in _CONVERTED:
        return _converted_month_length(year, month, calendar)
    if month == 2:
        return 29 if _leap(year, calendar) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _hebrew_month(year: int, month: int) -> int:
    """convertdate's number (1 Nisan ... 12 Adar, 13 Adar II) of a month counted from Tishri."""
    from convertdate import hebrew

    if month <= 5:
        return month + 6
    if month == 6:
        return 12
    if month == 7:
        if not hebrew.leap(year):
            raise DateError(f"the Hebrew year {year} is not a leap year: it has no Adar II")
        return 13
    return month - 7


def _converted_month_length(year: int, month: int, calendar: str) -> int:
    from convertdate import french_republican as republican
    from convertdate import hebrew, islamic

    if not 1 <= month <= (13 if calendar != "islamic" else 12):
        raise DateError(f"the {_CALENDAR_NAMES[calendar]} calendar has no month {month}")
    try:
        if calendar == "hebrew":
            return int(hebrew.month_length(year, _hebrew_month(year, month)))
        if calendar == "islamic":
            return int(islamic.month_length(year, month))
        return 30 if month < 13 else 5 + int(republican.leap(year))
    except (ValueError, OverflowError) as exc:  # a year beyond what convertdate computes
        raise DateError(f"not a {_CALENDAR_NAMES[calendar]} date ({exc})") from None


def _converted_days(year: int, month: int, day: int, calendar: str) -> int:
    """Days since 1970-01-01 of a date in a calendar that ``convertdate`` converts."""
    from convertdate import french_republican as republican
    from convertdate import hebrew, islamic

    if year < 1:
        raise DateError(f"the {_CALENDAR_NAMES[calendar]} calendar has no year {year}")
    try:
        if calendar == "hebrew":
            with warnings.catch_warnings():  # convertdate calls its own deprecated month_days
                warnings.simplefilter("ignore", DeprecationWarning)
                julian_day = hebrew.to_jd(year, _hebrew_month(year, month), day)
        elif calendar == "islamic":
            julian_day = islamic.to_jd(year, month, day)
        else:
            julian_day = republican.to_jd(year, month, day)
    except (ValueError, OverflowError) as exc:
        raise DateError(f"not a {_CALENDAR_NAMES[calendar]} date ({exc})") from None
    days: int = round(float(julian_day) - 2440587.5)
    return days


def _days(year: int, month: int, day: int, calendar: str) -> int:
    if calendar in _CONVERTED:
        return _converted_days(year, month, day, calendar)
    if calendar == "julian":
        return _days_from_julian(year, month, day)
    return _days_from_civil(year, month, day)


@attrs.frozen(slots=True)
class _Point:
    lower: int
    upper: int
    precision: str
    uncertain: bool
    approximate: bool
    has_time: bool


def _simple(text: str, calendar: str) -> _Point | None:
    """The fast path for one date; None when the text is not of a simple form."""
    match = _SIMPLE.fullmatch(text)
    if match is None:
        return None
    year = int(match["year"])
    if match["year"] == "-0000":
        raise DateError(f"{text!r} is not an EDTF date: year -0000 does not exist")
    qualifier = match["qualifier"]
    uncertain = qualifier in ("?", "%")
    approximate = qualifier in ("~", "%")
    if match["month"] is None:
        last_month = _months(calendar)
        lower = _days(year, 1, 1, calendar) * _DAY
        last_day = _month_length(year, last_month, calendar)
        upper = _days(year, last_month, last_day, calendar) * _DAY + _DAY - 1
        return _Point(lower, upper, "year", uncertain, approximate, False)
    month = int(match["month"])
    if not 1 <= month <= _months(calendar):
        return None  # seasons (21-41) and other codes are for the full grammar
    if match["day"] is None:
        lower = _days(year, month, 1, calendar) * _DAY
        last = _month_length(year, month, calendar)
        upper = _days(year, month, last, calendar) * _DAY + _DAY - 1
        return _Point(lower, upper, "month", uncertain, approximate, False)
    day = int(match["day"])
    if not 1 <= day <= _month_length(year, month, calendar):
        raise DateError(
            f"{text!r} is not an EDTF date: {year:04d}-{month:02d} has no day {day}"
            + (f" in the {_CALENDAR_NAMES[calendar]} calendar" if calendar != "gregorian" else "")
        )
    start = _days(year, month, day, calendar) * _DAY
    if match["hour"] is None:
        return _Point(start, start + _DAY - 1, "day", uncertain, approximate, False)
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    if hour > 23 or minute > 59 or second > 59:
        raise DateError(f"{text!r} is not an EDTF date: the time of day is out of range")
    moment = start + hour * 3600 + minute * 60 + second
    tz = match["tz"]
    if tz and tz != "Z":
        sign = -1 if tz[0] == "-" else 1
        tz_hours = int(tz[1:3])
        tz_minutes = int(tz[4:6]) if len(tz) > 3 else 0
        if tz_hours > 14 or tz_minutes > 59:
            raise DateError(f"{text!r} is not an EDTF date: the time zone is out of range")
        moment -= sign * (tz_hours * 3600 + tz_minutes * 60)
    return _Point(moment, moment, "second", uncertain, approximate, True)


def _struct_to_seconds(value: object, calendar: str, end: bool) -> int | None:
    if isinstance(value, float):
        if math.isinf(value):
            return None
        raise DateError("unexpected bound")
    if not isinstance(value, time.struct_time):
        raise DateError("unexpected bound")
    days = _days(value.tm_year, value.tm_mon, value.tm_mday, calendar)
    return days * _DAY + (_DAY - 1 if end else 0)


def _parse_with_edtf(text: str, calendar: str = "gregorian") -> DateInfo:
    """The full EDTF grammar through the ``edtf`` package (slow; no time of day)."""
    import edtf

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            parsed = edtf.parse_edtf(text)
            lower = _struct_to_seconds(parsed.lower_strict(), calendar, end=False)
            upper = _struct_to_seconds(parsed.upper_strict(), calendar, end=True)
    except DateError:
        raise
    except Exception as exc:  # edtf raises many kinds of errors on bad input
        raise DateError(f"{text!r} is not an EDTF date ({type(exc).__name__})") from None
    if lower is not None and upper is not None and lower > upper:
        raise DateError(f"{text!r} is not an EDTF date: it ends before it begins")
    name = type(parsed).__name__
    precision = {
        "Season": "season",
        "Interval": "interval",
        "Level1Interval": "interval",
        "Level2Interval": "interval",
        "OneOfASet": "set",
        "MultipleDates": "set",
        "LongYear": "year",
        "ExponentialYear": "year",
        "Decade": "decade",
        "Century": "century",
    }.get(name, "unknown")
    if precision == "unknown":
        precision = _precision_from_bounds(lower, upper)
    uncertain = "?" in text or "%" in text
    approximate = "~" in text or "%" in text
    return DateInfo(text, calendar, lower, upper, precision, uncertain, approximate, False)


def _precision_from_bounds(lower: int | None, upper: int | None) -> str:
    if lower is None or upper is None:
        return "interval"
    span = (upper - lower + 1) // _DAY
    if span <= 1:
        return "day"
    if span <= 31:
        return "month"
    if span <= 366:
        return "year"
    if span <= 3653:
        return "decade"
    return "century"


_MASKED = re.compile(
    r"(?P<sign>-?)(?P<year>[0-9X]{4})(?:-(?P<month>[0-9X]{2})(?:-(?P<day>[0-9X]{2}))?)?"
    r"(?P<qualifier>[?~%])?"
)


def _fits(mask: str, value: int) -> bool:
    return all(m in ("X", d) for m, d in zip(mask, f"{value:0{len(mask)}d}", strict=True))


def _unspecified(text: str, calendar: str) -> DateInfo | None:
    """Dates with unspecified digits (``156X-12-25``, ``1984-1X``, ``2015-02-X8``): the bounds
    are the earliest and latest days the mask admits."""
    match = _MASKED.fullmatch(text)
    if match is None or "X" not in text:
        return None
    sign = -1 if match["sign"] else 1
    year_mask = match["year"]
    years = sorted(sign * int(year_mask.replace("X", d)) for d in "09")
    month_mask, day_mask = match["month"], match["day"]
    months = [
        m for m in range(1, _months(calendar) + 1) if month_mask is None or _fits(month_mask, m)
    ]
    if not months:
        raise DateError(f"{text!r} is not an EDTF date: no month fits {month_mask!r}")

    def days(year: int, month: int) -> list[int]:
        try:
            last = _month_length(year, month, calendar)
        except DateError:  # Adar II of a Hebrew common year
            return []
        return [d for d in range(1, last + 1) if day_mask is None or _fits(day_mask, d)]

    first_month = next((m for m in months if days(years[0], m)), None)
    last_month = next((m for m in reversed(months) if days(years[1], m)), None)
    if first_month is None or last_month is None:
        raise DateError(f"{text!r} is not an EDTF date: no day fits {day_mask!r}")
    lower = _days(years[0], first_month, days(years[0], first_month)[0], calendar) * _DAY
    upper = _days(years[1], last_month, days(years[1], last_month)[-1], calendar) * _DAY
    precision = "day" if day_mask else "month" if month_mask else "year"
    if "X" in year_mask and not month_mask:
        precision = "decade" if year_mask.count("X") == 1 else "century"
    qualifier = match["qualifier"]
    return DateInfo(
        text, calendar, lower, upper + _DAY - 1, precision, qualifier in ("?", "%"),
        qualifier in ("~", "%"), False,
    )  # fmt: skip


def _interval(text: str, calendar: str) -> DateInfo:
    """``start/end``, either end a date, empty (unknown) or ``..`` (open)."""
    start_text, end_text = text.split("/")
    ends: list[DateInfo | None] = []
    for end in (start_text, end_text):
        if end in ("", ".."):
            ends.append(None)
            continue
        if "T" in end:
            raise DateError(f"{text!r} is not an EDTF date: an interval's ends are dates, no times")
        try:
            ends.append(parse_date(end, calendar))
        except DateError:
            raise DateError(f"{text!r} is not an EDTF date: {end!r} is not a date") from None
    start, finish = ends
    # with unspecified digits an end is a range: reversed only if it cannot be in order
    unspecified = "X" in text
    if (
        start is not None
        and finish is not None
        and start.sort_key[0] > finish.sort_key[1 if unspecified else 0]
    ):
        raise DateError(f"{text!r} is not an EDTF date: the interval ends before it begins")
    known = [e for e in ends if e is not None]
    return DateInfo(
        text, calendar, start.lower if start else None, finish.upper if finish else None,
        "interval", any(e.uncertain for e in known), any(e.approximate for e in known), False,
    )  # fmt: skip


def _parse(text: str, calendar: str) -> DateInfo:
    if calendar not in CALENDARS:
        raise DateError(f"unknown calendar {calendar!r}; expected one of {', '.join(CALENDARS)}")
    if not text or len(text) > 100 or not _CHARACTERS.fullmatch(text):
        raise DateError(f"{text!r} is not an EDTF date: expected e.g. 1940, 1940-11 or 1940-11-12")
    point = _simple(text, calendar)
    if point is not None:
        return DateInfo(
            text, calendar, point.lower, point.upper, point.precision, point.uncertain,
            point.approximate, point.has_time,
        )  # fmt: skip
    if text.count("/") == 1 and not text.startswith(("[", "{")):
        return _interval(text, calendar)
    unspecified = _unspecified(text, calendar)
    if unspecified is not None:
        return unspecified
    if "T" in text:
        raise DateError(
            f"{text!r} is not an EDTF date: a time of day is written YYYY-MM-DDTHH:MM:SS"
        )
    return _parse_with_edtf(text, calendar)


@functools.lru_cache(maxsize=65_536)
def parse_date(text: str, calendar: str = "gregorian") -> DateInfo:
    """Parse an EDTF date (levels 0-2); :class:`DateError` says why when it is not one."""
    return _parse(text, calendar)


def is_valid_date(text: str) -> bool:
    try:
        parse_date(text)
    except DateError:
        return False
    return True


def overlaps(info: DateInfo, lower: int | None, upper: int | None) -> bool:
    """Whether the date's bounds overlap ``[lower, upper]`` (None: unbounded)."""
    own_lower, own_upper = info.sort_key
    return (upper is None or own_lower <= upper) and (lower is None or own_upper >= lower)


def _civil(seconds: int) -> tuple[int, int, int, int, int]:
    """(year, month, day, hour, minute) of a bound, proleptic Gregorian."""
    days, rest = divmod(seconds, _DAY)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = yoe + era * 400 + (month <= 2)
    return year, month, day, rest // 3600, (rest % 3600) // 60


def _year(year: int) -> str:
    return f"{-year + 1} BCE" if year <= 0 else str(year)


def format_date(info: DateInfo) -> str:
    """The date as a reader expects it: '12 Nov 1940, 11:05', 'Oct–Nov 1940', 'c. 1940'."""
    text = _format(info)
    if info.calendar in _CALENDAR_NAMES:
        text += f" ({_CALENDAR_NAMES[info.calendar]})"
    return text


def _month_name(month: str, calendar: str) -> str:
    return _MONTH_NAMES.get(calendar, _MONTHS)[int(month) - 1]


def _format(info: DateInfo) -> str:
    match = _SIMPLE.fullmatch(info.edtf)
    months = len(_MONTH_NAMES.get(info.calendar, _MONTHS))
    if match is not None and match["month"] in (None, *[f"{m:02d}" for m in range(1, months + 1)]):
        year = int(match["year"])
        if match["day"]:
            body = f"{int(match['day'])} {_month_name(match['month'], info.calendar)} {_year(year)}"
            if match["hour"]:
                body += f", {match['hour']}:{match['minute']}"
                if match["second"] != "00":
                    body += f":{match['second']}"
        elif match["month"]:
            body = f"{_month_name(match['month'], info.calendar)} {_year(year)}"
        else:
            body = _year(year)
        return _qualify(body, match["qualifier"])
    if info.precision == "season" and re.fullmatch(r"-?\d{4}-2[1-4]", info.edtf):
        year_text, code = info.edtf.rsplit("-", 1)
        return f"{_SEASONS[int(code)]} {_year(int(year_text))}"
    if info.precision == "interval" and info.edtf.count("/") == 1:
        start, end = info.edtf.split("/")
        if start in ("", ".."):
            if end in ("", ".."):
                return info.edtf
            return f"before {_format_end(end, info.calendar)}"
        if end in ("", ".."):
            return f"after {_format_end(start, info.calendar)}"
        return _range(info, start, end)
    return info.edtf


def _format_end(text: str, calendar: str = "gregorian") -> str:
    try:
        return _format(parse_date(text, calendar))
    except DateError:
        return text


def _range(info: DateInfo, start: str, end: str) -> str:
    first = _SIMPLE.fullmatch(start)
    last = _SIMPLE.fullmatch(end)
    if first and last and not first["day"] and not last["day"]:
        y1, y2 = first["year"], last["year"]
        if first["month"] and last["month"] and y1 == y2:
            m1 = _month_name(first["month"], info.calendar)
            m2 = _month_name(last["month"], info.calendar)
            return _qualify(f"{m1}–{m2} {_year(int(y1))}", first["qualifier"] or last["qualifier"])
        if not first["month"] and not last["month"]:
            return f"{_year(int(y1))}–{_year(int(y2))}"
    return f"{_format_end(start, info.calendar)} – {_format_end(end, info.calendar)}"


def _qualify(body: str, qualifier: str | None) -> str:
    if qualifier == "~":
        return f"c. {body}"
    if qualifier == "?":
        return f"{body}?"
    if qualifier == "%":
        return f"c. {body}?"
    return body


@functools.lru_cache(maxsize=262_144)
def date_bounds(text: str, calendar: str | None = None) -> tuple[int, int] | None:
    """The sort key of a date (open ends as sentinels), or None when it does not parse.

    The hot path of folding a log: a plain day is read by slicing, without a regex.
    """
    calendar = calendar or "gregorian"
    if (
        len(text) == 10
        and text[4] == "-"
        and text[7] == "-"
        and calendar == "gregorian"
        and text[:4].isdigit()
        and text[5:7].isdigit()
        and text[8:].isdigit()
    ):
        year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
        if 1 <= month <= 12 and 1 <= day <= _month_length(year, month, calendar):
            start = _days_from_civil(year, month, day) * _DAY
            return start, start + _DAY - 1
    try:
        return parse_date(text, calendar).sort_key
    except DateError:
        return None


def date_parts(text: str, calendar: str | None = None) -> dict[str, Any] | None:
    """A date as CSL-JSON ``date-parts`` at its own precision (an interval: both ends).

    ``circa`` marks an approximate date; ``raw`` keeps the EDTF string. None when the date has
    no known bound to give.
    """
    info = parse_date(text, calendar or "gregorian")
    ends = info.edtf.split("/") if info.precision == "interval" else [info.edtf]
    parts: list[list[int]] = []
    for end in ends:
        if end in ("", ".."):
            continue
        point = parse_date(end, calendar or "gregorian")
        if point.lower is None:
            continue
        year, month, day, _, _ = _civil(point.lower)
        depth = {"year": 1, "month": 2}.get(point.precision, 3)
        if point.precision in ("decade", "century", "season"):
            depth = 1
        parts.append([year, month, day][:depth])
    if not parts:
        return None
    result: dict[str, Any] = {"date-parts": parts, "raw": text}
    if info.approximate or info.uncertain:
        result["circa"] = True
    return result
