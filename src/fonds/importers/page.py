"""Read an event page exported from a historical-timeline site into draft records.

Pages of the site share one layout::

    <title>
    Add an event picture!              boilerplate
    4List of persons                   boilerplate (a count glued to it)
    Additional information             boilerplate
    <narrative paragraphs, with day headings such as "November 13" and section headings>
    Related events
    <n><title><title><dd.mm.yyyy><lang, lang>      n is sometimes missing
    No places assigned | Places, then <n><name><name>[<lang, lang>] rows
    Name Born / Since / At Died Languages
    <n><name><name><dd.mm.yyyy>[<dd.mm.yyyy>]<lang, lang>

The importer keeps what the page says and no more: the page as a source, its event, the
related events with their dates and languages, the places, the persons with their life dates,
and every narrative paragraph as a passage that later records cite by paragraph number. From the
prose (:mod:`fonds.importers.page_text`) it reads the page's date, the quotations the text
attributes and the persons it names. What it cannot read is reported with its line number;
nothing is guessed silently.

Given the archive the draft goes into, the draft is fitted to it
(:meth:`fonds.importers.archive.Archive.fit`): what the log holds is left out, its entities are
reused, and what a corrected page changed supersedes what the log holds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
from slugify import slugify

from fonds.importers import page_text
from fonds.importers.archive import Archive
from fonds.importers.draft import Draft
from fonds.problems import Problem

__all__ = [
    "DEFAULT_AGENT",
    "ParsedPage",
    "import_page",
    "page_draft",
    "page_records",
    "read_page",
]

DEFAULT_AGENT = "agent:fonds-page-importer"

_BOILERPLATE = re.compile(r"^(Add an event picture!|\d*\s*List of persons|Additional information)$")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAY_HEADING = re.compile(rf"^(?P<month>{_MONTHS}) (?P<day>\d{{1,2}})(?:,? (?P<year>\d{{4}}))?$")
_RELATED_HEADING = re.compile(r"^Related events$")
_NO_PLACES = re.compile(r"^No places assigned$")
_PLACES_HEADING = re.compile(r"^(List of places|Places)$")
_PERSONS_HEADING = re.compile(r"^Name\s+Born\s*/\s*Since\s*/\s*At\s+Died(\s+Languages)?$")
_DATE = r"\d{2}\.\d{2}\.\d{4}"
_LANGS = r"[a-z]{2,3}(?:,\s*[a-z]{2,3})*"
_DATES_TAIL = re.compile(rf"(?P<dates>(?:{_DATE}){{1,2}})(?P<langs>{_LANGS})?$")
_LANGS_ONLY = re.compile(_LANGS)
_LANGS_TAIL_LONGEST = 16 * 6  # sixteen codes with their separators
MAX_LINE = 1 << 16
"""The longest page line read, in characters (a paragraph of a long page is far shorter)."""
_LIST_NUMBER = re.compile(r"^\d{1,4}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_TERMINAL = tuple(".,;:!?\"'”’)…]")
_QUOTE_OPENERS = tuple("\"'“‘„«")
# Particles written in lower case inside a name ("Joachim von Ribbentrop"); the site capitalises
# them ("Joachim Von Ribbentrop").
_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "di", "da", "du", "des", "la", "le", "zu", "ten", "ter"}
)
_SECTION_PERSONS = "List of persons"
_SECTION_RELATED = "Related events"
_SECTION_PLACES = "Places"


@attrs.frozen
class Paragraph:
    """A narrative paragraph: its number (as records cite it), its line, its text, and the
    section heading and day heading it stands under."""

    number: int
    line: int
    text: str
    heading: str | None
    day: str | None


@attrs.frozen
class ListRow:
    """A row of one of the page's lists, its glued parts taken apart."""

    item: int
    line: int
    raw: str
    name: str
    number_printed: bool
    title_doubled: bool
    dates: tuple[str, ...]
    printed_dates: tuple[str, ...]
    languages: tuple[str, ...]


@attrs.frozen
class ParsedPage:
    """A page as read: its title, paragraphs, related events, places and persons, and the
    lines that could not be read."""

    title: str
    title_line: int
    paragraphs: tuple[Paragraph, ...]
    related: tuple[ListRow, ...]
    places: tuple[ListRow, ...]
    persons: tuple[ListRow, ...]
    problems: tuple[Problem, ...]


def _undouble(body: str) -> tuple[str, bool, bool]:
    """Split a glued ``<number><name><name>`` cell: (name, number printed, name doubled)."""
    body = body.strip()
    digits = _LIST_NUMBER.match(body)
    for cut in range((digits.end() if digits else 0) + 1):
        rest = body[cut:]
        half = len(rest) // 2
        if rest and len(rest) % 2 == 0 and rest[:half] == rest[half:]:
            return rest[:half].strip(), cut > 0, True
    if digits and digits.end() < len(body):
        return body[digits.end() :].strip(), True, False
    return body, False, False


def _edtf_day(printed: str) -> str | None:
    """``dd.mm.yyyy`` as an EDTF day, or None when it is not a calendar date."""
    day, month, year = (int(part) for part in printed.split("."))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _languages(text: str | None) -> tuple[str, ...]:
    return tuple(code.strip() for code in text.split(",")) if text else ()


def _is_section_heading(text: str, following: str | None) -> bool:
    """A short line without final punctuation that does not lead into a quotation."""
    if text.endswith(_TERMINAL) or len(text.split()) > 6 or not text[:1].isupper():
        return False
    return following is None or not following.startswith(_QUOTE_OPENERS)


class _Reader:
    def __init__(self, path: str, lines: Sequence[str]) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []

    def problem(self, line: int, code: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, "", code, message))

    def row(self, number: int, text: str, item: int, max_dates: int) -> ListRow | None:
        """Read a list row with up to ``max_dates`` dates; None when it does not fit."""
        body, printed, languages = _split_row(text)
        if len(printed) > max_dates:
            return None
        name, number_printed, doubled = _undouble(body)
        if not name:
            return None
        dates: list[str] = []
        for value in printed:
            day = _edtf_day(value)
            if day is None:
                self.problem(number, "page-bad-date", f"{value!r} is not a calendar date")
                return None
            dates.append(day)
        if number_printed:
            digits = _LIST_NUMBER.match(body.strip())
            item = int(digits.group()) if digits else item
        return ListRow(
            item=item,
            line=number,
            raw=text,
            name=name,
            number_printed=number_printed,
            title_doubled=doubled,
            dates=tuple(dates),
            printed_dates=printed,
            languages=languages,
        )


def _split_row(text: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """``<body><dates><languages>`` apart; without dates, languages only where the name doubles."""
    found = _DATES_TAIL.search(text)
    if found is not None:
        printed = tuple(re.findall(_DATE, found["dates"]))
        return text[: found.start()], printed, _languages(found["langs"])
    # a row's languages are a few codes at its end: cuts are tried there only (the longest list
    # first), so a long row costs time linear in its length
    for cut in range(max(1, len(text) - _LANGS_TAIL_LONGEST), len(text)):
        if _LANGS_ONLY.fullmatch(text, cut) and _undouble(text[:cut])[2]:
            return text[:cut], (), _languages(text[cut:])
    return text, (), ()


def read_page(text: str, path: str = "<page>") -> ParsedPage:
    """Take a page apart; lines that fit no part of the layout become problems."""
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    reader = _Reader(path, lines)
    for index, line in enumerate(lines):
        if len(line) > MAX_LINE:
            reader.problem(
                index + 1,
                "line-too-long",
                f"the line is {len(line):,} characters; a page line holds at most {MAX_LINE:,}"
                " (the line is left out)",
            )
            lines[index] = ""
            continue
        control = _CONTROL.search(line)
        if control is not None:
            reader.problem(
                index + 1,
                "control-character",
                f"control character U+{ord(control.group()):04X} at column {control.start() + 1}:"
                " a page holds text only (the line is left out)",
            )
            lines[index] = ""
    numbered = [(index + 1, line.strip()) for index, line in enumerate(lines)]
    content = [(number, line) for number, line in numbered if line]
    if not content:
        reader.problem(1, "page-empty", "the page is empty: expected a title line")
        return ParsedPage("", 1, (), (), (), (), tuple(reader.problems))
    title_line, title = content[0]
    paragraphs: list[Paragraph] = []
    related: list[ListRow] = []
    places: list[ListRow] = []
    persons: list[ListRow] = []
    section = "narrative"
    heading: str | None = None
    day: str | None = None
    seen_related = False
    for position, (number, line) in enumerate(content[1:], start=1):
        following = content[position + 1][1] if position + 1 < len(content) else None
        if _RELATED_HEADING.match(line):
            section, seen_related = "related", True
            continue
        if _NO_PLACES.match(line):
            section = "after-places"
            continue
        if _PLACES_HEADING.match(line):
            section = "places"
            continue
        if _PERSONS_HEADING.match(line):
            section = "persons"
            continue
        if section == "narrative":
            if _BOILERPLATE.match(line):
                continue
            if _DAY_HEADING.match(line):
                day, heading = line, line
                continue
            if _is_section_heading(line, following):
                heading = line
                continue
            paragraphs.append(Paragraph(len(paragraphs) + 1, number, line, heading, day))
        elif section == "related":
            previous = related[-1].item if related else 0
            row = reader.row(number, line, previous + 1, 1)
            if row is None or not row.dates:
                if not any(p.line == number for p in reader.problems):
                    reader.problem(
                        number,
                        "page-unreadable-related-event",
                        "could not read this related event: expected a list number, the title"
                        " (printed twice), a dd.mm.yyyy date and language codes",
                    )
                continue
            related.append(row)
        elif section == "places":
            previous = places[-1].item if places else 0
            row = reader.row(number, line, previous + 1, 0)
            if row is None:
                reader.problem(number, "page-unreadable-place", "could not read this place")
                continue
            places.append(row)
        elif section == "persons":
            previous = persons[-1].item if persons else 0
            row = reader.row(number, line, previous + 1, 2)
            if row is None or (not row.title_doubled and not row.dates):
                if not any(p.line == number for p in reader.problems):
                    reader.problem(
                        number,
                        "page-unreadable-person",
                        "could not read this person: expected a list number, the name (printed"
                        " twice), a birth date and a death date (dd.mm.yyyy) and language codes",
                    )
                continue
            if len(row.dates) == 2 and row.dates[1] < row.dates[0]:
                born, died = row.printed_dates
                reader.problem(
                    number,
                    "page-life-dates-reversed",
                    f"the death date {died} comes before the birth date {born}: expected the"
                    " birth date first",
                )
                continue
            persons.append(row)
        else:
            reader.problem(
                number,
                "page-unexpected-line",
                "unexpected line between the places and the persons table: expected"
                " 'Name Born / Since / At Died Languages'",
            )
    if not seen_related and not persons and len(paragraphs) == 0:
        reader.problem(title_line, "page-no-content", "no narrative, related events or persons")
    return ParsedPage(
        title=title,
        title_line=title_line,
        paragraphs=tuple(paragraphs),
        related=tuple(related),
        places=tuple(places),
        persons=tuple(persons),
        problems=tuple(reader.problems),
    )


def _normalize_name(name: str) -> str:
    words = name.split()
    return " ".join(
        word.lower() if 0 < index < len(words) - 1 and word.lower() in _PARTICLES else word
        for index, word in enumerate(words)
    )


def _split_name(name: str) -> dict[str, str]:
    """Given and family name, the particle kept with the family name as the page prints it."""
    words = name.split()
    if len(words) < 2:
        return {"literal": name}
    first_particle = next(
        (i for i, word in enumerate(words[1:-1], start=1) if word.lower() in _PARTICLES),
        len(words) - 1,
    )
    return {"given": " ".join(words[:first_particle]), "family": " ".join(words[first_particle:])}


def _slug(text: str) -> str:
    """The readable part of an id, short enough for the schema's bound with a suffix added."""
    return slugify(text, max_length=60, word_boundary=True)


_REGNAL = re.compile(r"^[IVX]+$")


def _family_slug(name: str) -> str:
    words = [w for w in name.split() if w.lower() not in _PARTICLES]
    if len(words) > 1 and _REGNAL.match(words[-1]):
        # "George VI" is known by the name and its number together, not by the number
        return slugify(" ".join(words[-2:]), max_length=60)
    return slugify(words[-1] if words else name, max_length=60) or "unnamed"


def _unique(prefix: str, slug: str, taken: set[str], extra: str = "") -> str:
    """An id not yet made by this import; ids the log already holds are reused on purpose."""
    candidate = f"{prefix}:{slug}"
    if candidate in taken and extra:
        candidate = f"{prefix}:{slug}-{extra}"
    base, counter = candidate, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    taken.add(candidate)
    return candidate


@attrs.frozen
class _Context:
    source: str
    event: str
    agent: str
    language: str

    def cite(self, label: str, value: str, quote: str | None = None) -> list[dict[str, Any]]:
        citation: dict[str, Any] = {
            "source": self.source,
            "locator": {"label": label, "value": value},
        }
        if quote:
            citation["quote"] = quote
        return [citation]

    def record(self, kind: str, **fields: Any) -> dict[str, Any]:
        return {
            "kind": kind,
            "schema": 1,
            **{k: v for k, v in fields.items() if v not in (None, [], ())},
            "recorded_by": self.agent,
        }


def page_records(
    page: ParsedPage,
    *,
    source_id: str | None = None,
    event_id: str | None = None,
    event_date: str | None = None,
    recorded_by: str | None = None,
    url: str | None = None,
    accessed: str | None = None,
    language: str = "en",
    archive: Archive | None = None,
    read_text: bool = True,
) -> list[dict[str, Any]]:
    """The draft records a parsed page yields, on their own (not yet fitted to an archive).

    ``archive`` lends the names of the persons it knows, so that the text's mentions of them
    are read as theirs (fitting the records to it is :func:`page_draft`'s work). With
    ``read_text`` false, nothing is read from the prose but its paragraphs (the page's date,
    quotations, persons named only in the text).
    """
    slug = _slug(page.title) or "page"
    taken: set[str] = set()
    declared: set[str] = set()
    agent = recorded_by or DEFAULT_AGENT
    source = source_id or f"source:{slug}-page"
    event = event_id or f"event:{slug}"
    context = _Context(source, event, agent, language)
    records: list[dict[str, Any]] = []

    def declare(record: dict[str, Any]) -> None:
        if record["id"] not in declared:
            declared.add(record["id"])
            records.append(record)

    if recorded_by is None:
        declare(
            {
                "kind": "agent",
                "schema": 1,
                "id": DEFAULT_AGENT,
                "labels": {"en": "fonds page importer"},
                "agent_type": "software",
                "note": "Drafts records from event pages of a historical-timeline site.",
                "recorded_by": DEFAULT_AGENT,
            }
        )
    declare(
        context.record(
            "source",
            id=source,
            source_type="webpage",
            title=page.title,
            publication_status="published",
            url=url,
            accessed=accessed,
            language=language,
            flags=["user-generated", "tertiary"],
        )
    )
    event_citations: list[dict[str, Any]] = [{"source": source, "quote": page.title}]
    event_flags: list[str] = []
    if read_text and event_date is None:
        told = page_text.page_date([(p.number, p.text, p.day) for p in page.paragraphs])
        if told is not None:
            event_date, event_flags = told.date, ["inferred-date"]
            label, value = ("paragraph", str(told.paragraph))
            if not told.paragraph:
                label, value = "section", told.quote
            event_citations.extend(context.cite(label, value, told.quote))
    declare(
        context.record(
            "event",
            id=event,
            labels={language: page.title},
            date=event_date,
            citations=event_citations,
            confidence="medium",
            flags=event_flags,
        )
    )
    for paragraph in page.paragraphs:
        note = f"Under the heading “{paragraph.heading}”." if paragraph.heading else None
        records.append(
            context.record(
                "passage",
                source=source,
                locator={"label": "paragraph", "value": str(paragraph.number)},
                text=paragraph.text,
                language=language,
                note=note,
            )
        )
    for record in (
        *_related_records(page, context, taken),
        *_place_records(page, context, taken),
        *_person_records(page, context, taken),
    ):
        if "id" in record:
            declare(record)
        else:
            records.append(record)
    if read_text:
        for record in _text_records(page, context, taken, records, archive or Archive.empty()):
            if "id" in record:
                declare(record)
            else:
                records.append(record)
    return records


def _family(name: str) -> str | None:
    words = [w for w in name.split() if w.lower() not in _PARTICLES]
    return words[-1] if len(words) > 1 else None


def _person_names(records: Iterable[dict[str, Any]], archive: Archive) -> dict[str, str]:
    """Each name the text may call a known person by (a full name, or a family name no one
    else bears), with the person's id."""
    full: dict[str, str] = dict(archive.names("person"))
    for record in records:
        if record["kind"] == "person":
            for label in record["labels"].values():
                full.setdefault(label, record["id"])
        elif record["kind"] == "attribute" and record["property"] == "name-variant":
            full.setdefault(record["value"], record["subject"])
    families: dict[str, set[str]] = {}
    for name, person in full.items():
        family = _family(name)
        if family is not None:
            families.setdefault(family, set()).add(person)
    names = {family: next(iter(ids)) for family, ids in families.items() if len(ids) == 1}
    names.update(full)
    return names


def _text_records(
    page: ParsedPage,
    context: _Context,
    taken: set[str],
    drafted: list[dict[str, Any]],
    archive: Archive,
) -> Iterable[dict[str, Any]]:
    """The persons the prose names and the quotations it attributes (see :mod:`page_text`)."""
    paragraphs = [(p.number, p.text) for p in page.paragraphs]
    names = _person_names(drafted, archive)
    for mention in page_text.mentions(paragraphs):
        family = _family(mention.name)
        if mention.name in names or (family is not None and family in names):
            continue
        label = _normalize_name(mention.name)
        person = _unique("person", _family_slug(label), taken, _slug(label))
        names[mention.name] = person
        if family is not None:
            names.setdefault(family, person)
        yield context.record(
            "person",
            id=person,
            labels={context.language: label},
            citations=context.cite("paragraph", str(mention.paragraph), mention.quote),
            confidence="low",
            note="Named in the page's text, not in its persons table.",
        )
    said: set[tuple[str, str, int]] = set()
    for quoted in page_text.quotations(paragraphs, names):
        if (quoted.speaker, quoted.text, quoted.paragraph) in said:
            continue  # the same words quoted twice in a paragraph are one quotation
        said.add((quoted.speaker, quoted.text, quoted.paragraph))
        citations = context.cite("paragraph", str(quoted.paragraph), quoted.text)
        if quoted.lead is not None and quoted.lead_paragraph not in (None, quoted.paragraph):
            # the words that give the quotation its speaker stand in the paragraph before
            lead = context.cite("paragraph", str(quoted.lead_paragraph), quoted.lead)
            citations = lead + citations
        yield context.record(
            "quotation",
            speaker=quoted.speaker,
            text=quoted.text,
            language=context.language,
            addressees=[quoted.addressee] if quoted.addressee else None,
            event=context.event,
            citations=citations,
            confidence="medium" if quoted.lead is not None else "low",
            flags=["transcription-fault"] if quoted.unclosed else None,
            note=(
                f"Attributed by the words “{quoted.lead}”."
                if quoted.lead is not None
                else "The text goes on quoting the one who spoke before."
            )
            + (" The page opens the quotation and never closes it." if quoted.unclosed else ""),
        )


def _row_note(row: ListRow, what: str) -> str | None:
    faults = []
    if not row.number_printed:
        faults.append(f"the page prints no list number for this {what}")
    if not row.title_doubled:
        faults.append("the page prints the name once")
    return "; ".join(faults).capitalize() + "." if faults else None


def _related_records(
    page: ParsedPage, context: _Context, taken: set[str]
) -> Iterable[dict[str, Any]]:
    for row in page.related:
        locator = f"{_SECTION_RELATED}, item {row.item}"
        event = _unique(
            "event",
            _slug(row.name) or "event",
            taken,
            row.dates[0][:4],
        )
        label_language = row.languages[0] if row.languages else context.language
        yield context.record(
            "event",
            id=event,
            labels={label_language: row.name},
            date=row.dates[0],
            citations=context.cite("section", locator, row.printed_dates[0]),
            confidence="low",
            note=_row_note(row, "event"),
        )
        yield context.record(
            "relation",
            subject=context.event,
            predicate="related-event",
            object=event,
            citations=context.cite("section", locator, row.name),
            confidence="medium",
        )
        if row.languages:
            yield context.record(
                "attribute",
                subject=event,
                property="languages",
                value=", ".join(row.languages),
                citations=context.cite("section", locator, ", ".join(row.languages)),
                confidence="medium",
            )


def _place_records(
    page: ParsedPage, context: _Context, taken: set[str]
) -> Iterable[dict[str, Any]]:
    for row in page.places:
        locator = f"{_SECTION_PLACES}, item {row.item}"
        place = _unique("place", _slug(row.name) or "place", taken)
        yield context.record(
            "place",
            id=place,
            labels={context.language: row.name},
            citations=context.cite("section", locator, row.name),
            confidence="medium",
            note=_row_note(row, "place"),
        )
        yield context.record(
            "relation",
            subject=context.event,
            predicate="located-in",
            object=place,
            citations=context.cite("section", locator, row.name),
            confidence="medium",
        )


def _person_records(
    page: ParsedPage, context: _Context, taken: set[str]
) -> Iterable[dict[str, Any]]:
    for row in page.persons:
        locator = f"{_SECTION_PERSONS}, row {row.item}"
        label = _normalize_name(row.name)
        person = _unique("person", _family_slug(label), taken, _slug(label))
        yield context.record(
            "person",
            id=person,
            labels={context.language: label},
            citations=context.cite("section", locator, row.name),
            confidence="medium",
            note=_row_note(row, "person"),
        )
        if label != row.name:
            yield context.record(
                "attribute",
                subject=person,
                property="name-variant",
                value=row.name,
                language=context.language,
                citations=context.cite("section", locator, row.name),
                confidence="high",
                flags=["normalized-spelling"],
                note=f"The page capitalises the particle; the label reads “{label}”.",
            )
        yield context.record(
            "participation",
            person=person,
            event=context.event,
            role="listed",
            citations=context.cite("section", locator, row.name),
            confidence="medium",
        )
        properties = ("born", "died")
        for property_name, day, printed in zip(
            properties, row.dates, row.printed_dates, strict=False
        ):
            yield context.record(
                "attribute",
                subject=person,
                property=property_name,
                date=day,
                citations=context.cite("section", locator, printed),
                confidence="medium",
                note=(
                    "The page gives one date; read as the date of birth."
                    if len(row.dates) == 1
                    else None
                ),
            )


def page_draft(
    page: ParsedPage,
    *,
    source_id: str | None = None,
    event_id: str | None = None,
    event_date: str | None = None,
    recorded_by: str | None = None,
    url: str | None = None,
    accessed: str | None = None,
    language: str = "en",
    archive: Archive | None = None,
    read_text: bool = True,
) -> Draft:
    """The draft of a parsed page: its records (see :func:`page_records`), fitted to
    ``archive`` when one is given, and the lines that could not be read."""
    records = page_records(
        page,
        source_id=source_id,
        event_id=event_id,
        event_date=event_date,
        recorded_by=recorded_by,
        url=url,
        accessed=accessed,
        language=language,
        archive=archive,
        read_text=read_text,
    )
    draft = Draft(tuple(records), page.problems)
    return draft if archive is None else archive.fit_draft(draft, language)


def import_page(
    path: Path,
    *,
    source_id: str | None = None,
    event_id: str | None = None,
    event_date: str | None = None,
    recorded_by: str | None = None,
    url: str | None = None,
    accessed: str | None = None,
    language: str = "en",
    archive: Archive | None = None,
    read_text: bool = True,
) -> Draft:
    """Read the page at ``path`` and draft its records (:func:`read_page` gives the parsed
    page itself), fitted to ``archive`` when one is given (see :func:`page_draft`)."""
    text = path.read_text(encoding="utf-8-sig")
    return page_draft(
        read_page(text, str(path)),
        source_id=source_id,
        event_id=event_id,
        event_date=event_date,
        recorded_by=recorded_by,
        url=url,
        accessed=accessed,
        language=language,
        archive=archive,
        read_text=read_text,
    )
