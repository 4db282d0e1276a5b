"""What the views answer: frozen values with named fields, never dictionaries to guess at.

Every answer is built of :class:`Fact` values: one record standing in the log, with its
identity (hash, sequence number, record time), what it states (kind, one-line summary, the
entities it is about, its historical date, its own fields) and what it rests on (confidence,
flags, note and its citations as :class:`fonds.model.records.Citation` values).

Each answer has ``to_json()``, the plain data that ``fonds ... --format json`` prints, and the
flat forms research code wants: :func:`rows` of a list of facts, :meth:`EntityView.rows` of an
entity's view, one row per fact and one column per field, ready for
``pandas.DataFrame(view.rows())``.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import orjson

from fonds.model.dates import DateError, format_date, parse_date
from fonds.model.kinds import KINDS
from fonds.model.records import Citation
from fonds.views.citations import citation_json, citation_text, citations, sources_text

__all__ = [
    "FACT_COLUMNS",
    "Claim",
    "Conflict",
    "EntityView",
    "Fact",
    "HistoricalDate",
    "HistoryItem",
    "LanguageNames",
    "Life",
    "Quotations",
    "SourceImpact",
    "TimelineEntry",
    "historical_date",
    "rows",
]

# -- dates -------------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _iso(seconds: int | None) -> str | None:
    if seconds is None or abs(seconds) >= 1 << 61:
        return None
    try:
        return (_EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    except OverflowError:
        return None


@attrs.frozen(slots=True)
class HistoricalDate:
    """When a fact happened: the record's EDTF date, and how it reads and where it lies.

    ``display`` is the date as a reader expects it (``12 Nov 1940, 11:05``, ``Oct–Nov 1940``);
    ``precision`` is ``year``, ``month``, ``day``, ``time``, ``interval``, ...; ``earliest`` and
    ``latest`` are its bounds as ISO date-times (None for an open end). A date that does not
    parse keeps only ``date`` (and ``display`` is None).
    """

    date: str
    calendar: str = "gregorian"
    display: str | None = None
    precision: str | None = None
    uncertain: bool = False
    approximate: bool = False
    earliest: str | None = None
    latest: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The date's keys as the JSON views print them."""
        result: dict[str, Any] = {"date": self.date}
        if self.display is None:
            return result
        if self.calendar != "gregorian":
            result["calendar"] = self.calendar
        result["display"] = self.display
        result["precision"] = self.precision
        result["uncertain"] = self.uncertain
        result["approximate"] = self.approximate
        result["earliest"] = self.earliest
        result["latest"] = self.latest
        return result


@functools.lru_cache(maxsize=1 << 16)
def historical_date(text: str, calendar: str | None = None) -> HistoricalDate:
    """The :class:`HistoricalDate` of an EDTF text read in ``calendar`` (Gregorian by default);
    the same few thousand dates recur across a log, so they are kept."""
    calendar = calendar or "gregorian"
    try:
        info = parse_date(text, calendar)
    except DateError:
        return HistoricalDate(text, calendar)
    return HistoricalDate(
        text, calendar, format_date(info), info.precision, info.uncertain, info.approximate,
        _iso(info.lower), _iso(info.upper),
    )  # fmt: skip


# -- facts -------------------------------------------------------------------------------


def _read_only(document: Mapping[str, Any]) -> Mapping[str, Any]:
    """The record as a fact keeps it: read-only, as the views share it."""
    if isinstance(document, types.MappingProxyType):
        return document
    return types.MappingProxyType(document)


# a record's fields that a fact carries under its own names (or not at all)
_NOT_OWN_FIELDS = frozenset(
    {"kind", "schema", "citations", "confidence", "flags", "note", "recorded_by", "date",
     "calendar"}
)  # fmt: skip


@attrs.frozen(slots=True, repr=False)
class Fact:
    """One record standing in the log, as a fact with its sources.

    ``record`` is the record's hash, ``seq`` its entry in the log and ``recorded`` when it was
    appended (record time); ``date`` is when the fact happened (historical time), None when the
    record states no date. ``summary`` says what it states in one line, :attr:`subjects` are
    the entities it is about. :attr:`sources` are its citations (source, locator, supporting
    quote, note), with its :attr:`confidence`, :attr:`flags` and :attr:`note`. ``document`` is
    the record as stored; :attr:`fields` its own fields.

    In an entity's view a participation or relation also names the other party: ``other``
    (its id), ``other_label`` and, for a relation, ``direction`` (``out`` when the entity is the
    subject, ``in`` when it is the object). A participation that states no date of its own
    carries its event's.

    Where a same-as relation makes two ids one entity, ``merged`` pairs each id of the record
    that was merged with the canonical id the fact is shown under (its :attr:`subjects` are
    canonical ids). ``agreeing`` holds the facts of other records that state the same thing
    (same kind, same entities after merging, same fields and date): the view shows them as
    this one fact, and :attr:`sources` are the citations of all of them.

    Two facts are equal when they are the same record at the same entry, read alike (the
    record's hash stands for its content).
    """

    record: str
    seq: int
    recorded: str
    kind: str
    summary: str
    date: HistoricalDate | None
    document: Mapping[str, Any] = attrs.field(eq=False, hash=False, converter=_read_only)
    other: str | None = None
    other_label: str | None = None
    direction: str | None = None
    merged: tuple[tuple[str, str], ...] = ()
    agreeing: tuple[Fact, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # the record is read-only (a mapping proxy), which pickle cannot copy; its dict can
        return (
            Fact,
            (self.record, self.seq, self.recorded, self.kind, self.summary, self.date,
             dict(self.document), self.other, self.other_label, self.direction, self.merged,
             self.agreeing),
        )  # fmt: skip

    # what the record itself says is read from it on first use: a timeline builds thousands
    # of facts, and a caller reads only some of each
    @functools.cached_property
    def sources(self) -> tuple[Citation, ...]:
        """The record's citations: source id, locator, supporting quote and note of each
        (then those of the agreeing records, each citation once)."""
        own = citations(self.document.get("citations", ()))
        if not self.agreeing:
            return own
        found = dict.fromkeys(own)
        for fact in self.agreeing:
            found.update(dict.fromkeys(fact.sources))
        return tuple(found)

    @property
    def records(self) -> tuple[str, ...]:
        """The hashes of the records the fact stands for: its own, then the agreeing ones."""
        return (self.record, *(fact.record for fact in self.agreeing))

    @functools.cached_property
    def subjects(self) -> tuple[str, ...]:
        """The ids of the entities the record is about (canonical ids where merged), sorted."""
        about = KINDS.about(self.document)
        if self.merged:
            into = dict(self.merged)
            about = list(dict.fromkeys(into.get(entity, entity) for entity in about))
        return tuple(sorted(about))

    @functools.cached_property
    def flags(self) -> tuple[str, ...]:
        """The record's flags (``secret``, ``disputed``, ``translated``, ...)."""
        return tuple(self.document.get("flags", ()))

    @property
    def confidence(self) -> str | None:
        """How sure the record is (a term of the vocabulary's confidence scale), if it says."""
        confidence: str | None = self.document.get("confidence")
        return confidence

    @property
    def note(self) -> str | None:
        """The record's note, if any."""
        note: str | None = self.document.get("note")
        return note

    @property
    def fields(self) -> dict[str, Any]:
        """The record's own fields (``role``, ``value``, ``text``, ...): everything but what
        the fact carries under its own names (kind, date, confidence, flags, note, citations)
        and the bookkeeping (schema, recorded_by)."""
        return {k: v for k, v in self.document.items() if k not in _NOT_OWN_FIELDS}

    def __repr__(self) -> str:
        when = self.date.date if self.date is not None else None
        return (
            f"Fact(record={self.record[:12]!r}, seq={self.seq}, kind={self.kind!r},"
            f" date={when!r}, summary={self.summary!r},"
            f" sources={tuple(citation_text(c) for c in self.sources)!r})"
        )

    def to_json(
        self,
        *,
        summary: bool = True,
        subjects: bool = True,
        fields: bool = False,
        date: bool = True,
    ) -> dict[str, Any]:
        """The fact as the JSON views print it; a timeline entry by default. Other answers
        leave out the ``summary``, the ``subjects`` or the ``date``, or add the record's own
        ``fields`` (and the other party's ``label`` and the ``direction``)."""
        result = self.date.to_json() if date and self.date is not None else {}
        if fields:
            result.update(self.fields)
        if summary:
            result["summary"] = self.summary
        if subjects:
            result["subjects"] = list(self.subjects)
        result["record"] = self.record
        result["seq"] = self.seq
        result["recorded"] = self.recorded
        result["kind"] = self.kind
        if self.confidence is not None:
            result["confidence"] = self.confidence
        if self.flags:
            result["flags"] = list(self.flags)
        if self.note is not None:
            result["note"] = self.note
        result["sources"] = [citation_json(c) for c in self.sources]
        if self.merged:
            result["merged"] = dict(self.merged)
        if self.agreeing:
            result["agreeing"] = [fact.record for fact in self.agreeing]
        if fields and self.other_label is not None:
            result["label"] = self.other_label
        if fields and self.direction is not None:
            result["direction"] = self.direction
        return result

    def row(self) -> dict[str, Any]:
        """The fact as one flat row (:data:`FACT_COLUMNS`): text and numbers only, lists
        joined with `` | ``, its sources as :func:`citation_text` writes them."""
        date = self.date
        return {
            "date": date.date if date is not None else "",
            "display": (date.display or "") if date is not None else "",
            "earliest": (date.earliest or "") if date is not None else "",
            "latest": (date.latest or "") if date is not None else "",
            "kind": self.kind,
            "summary": self.summary,
            "subjects": " | ".join(self.subjects),
            "flags": " | ".join(self.flags),
            "confidence": self.confidence or "",
            "sources": sources_text(self.sources, " | "),
            "quotes": " | ".join(c.quote for c in self.sources if c.quote),
            "note": self.note or "",
            "record": self.record,
            "seq": self.seq,
            "recorded": self.recorded,
            "merged": " | ".join(f"{merged} = {into}" for merged, into in self.merged),
            "agreeing": " | ".join(fact.record for fact in self.agreeing),
        }


TimelineEntry = Fact
"""A timeline entry is a fact (with a date)."""

FACT_COLUMNS = (
    "date", "display", "earliest", "latest", "kind", "summary", "subjects", "flags",
    "confidence", "sources", "quotes", "note", "record", "seq", "recorded", "merged",
    "agreeing",
)  # fmt: skip
"""The columns of :meth:`Fact.row`, in order."""


def rows(facts: Iterable[Fact]) -> list[dict[str, Any]]:
    """Facts (a timeline, say) as flat rows, one per fact: ``pandas.DataFrame(rows(facts))``."""
    return [fact.row() for fact in facts]


# -- an entity ---------------------------------------------------------------------------


@attrs.frozen(slots=True)
class LanguageNames:
    """A person's names in one language: the label its declaration gives (None when only
    variants are known in that language) and the name-variant facts."""

    label: str | None
    variants: tuple[Fact, ...]

    def to_json(self) -> dict[str, Any]:
        """The names as the person view's JSON prints them (each variant with its sources)."""
        return {
            "label": self.label,
            "variants": [
                {
                    "value": v.document.get("value"),
                    "flags": list(v.flags),
                    "record": v.record,
                    **({"agreeing": [f.record for f in v.agreeing]} if v.agreeing else {}),
                    "sources": [citation_json(c) for c in v.sources],
                }
                for v in self.variants
            ],
        }


@attrs.frozen(slots=True)
class Life:
    """A person's birth and death facts (more than one when sources disagree)."""

    born: tuple[Fact, ...] = ()
    died: tuple[Fact, ...] = ()


@attrs.frozen(slots=True)
class Quotations:
    """Quotations concerning an entity: ``said`` by it, ``received`` (it is an addressee), and
    ``other`` (said at it, for an event)."""

    said: tuple[Fact, ...] = ()
    received: tuple[Fact, ...] = ()
    other: tuple[Fact, ...] = ()

    def all(self) -> tuple[Fact, ...]:
        """Every quotation: said, received, then the others."""
        return self.said + self.received + self.other


@attrs.frozen(slots=True)
class Claim:
    """One side of a conflict: a fact, whether it still stands (``active``) or was
    ``superseded``, and the hash of the record that superseded it."""

    fact: Fact
    status: str
    superseded_by: str | None = None

    @property
    def value(self) -> Any:
        """The value the claim states, if any (a date-valued property states only a date)."""
        return self.fact.document.get("value")

    def to_json(self) -> dict[str, Any]:
        """The claim as ``fonds conflicts --format json`` prints it."""
        result = self.fact.to_json(summary=False, subjects=False)
        value = self.value
        if value is not None:
            result["value"] = value
        result["status"] = self.status
        if self.superseded_by is not None:
            result["superseded_by"] = self.superseded_by
        return result


@attrs.frozen(slots=True)
class Conflict:
    """Records that disagree on one property of one subject (two birth dates, say).

    ``open`` while claims that still stand disagree; ``preferred`` is the hash of the claim
    to prefer, when there is one, and ``because`` says why (``supersession`` or
    ``confidence``).
    """

    subject: str
    label: str
    property: str
    open: bool
    claims: tuple[Claim, ...]
    preferred: str | None
    because: str | None

    def to_json(self) -> dict[str, Any]:
        """The conflict as ``fonds conflicts --format json`` prints it."""
        return {
            "subject": self.subject,
            "label": self.label,
            "property": self.property,
            "open": self.open,
            "claims": [claim.to_json() for claim in self.claims],
            "preferred": self.preferred,
            "preferred_because": self.because,
        }


def _facts_json(facts: Iterable[Fact]) -> list[dict[str, Any]]:
    return [fact.to_json(summary=False, subjects=False, fields=True) for fact in facts]


_PARTICIPATIONS = {"person": "events", "event": "participants"}


@attrs.frozen(slots=True)
class EntityView:
    """Everything the log says about one entity (a person, place, event, source or agent).

    ``declaration`` is the fact that declares it; ``labels``, ``external_ids`` and ``date``
    (an event's) come from it. The other facts are in sections: ``life`` and ``names`` (a
    person's), ``participations`` (a person's events with their roles, sorted by date; an
    event's participants), ``quotations``, ``attributes`` by property, ``relations``, and
    ``records`` (other records that name it). ``source`` holds a source's own fields,
    ``sources`` the ids of every source the facts rest on, ``conflicts`` what sources disagree
    on about it. :meth:`facts` and :meth:`rows` give every fact once, with its section.

    When same-as relations make several ids one entity, ``id`` is the canonical one (declared
    first), ``merged`` holds the declarations of the others (:attr:`merged_ids`) and
    ``same_as`` the relations that join them; the sections hold the facts about all of them.
    """

    id: str
    kind: str
    labels: Mapping[str, str] | None
    external_ids: Mapping[str, str] | None
    date: HistoricalDate | None
    declaration: Fact
    names: Mapping[str, LanguageNames] | None
    life: Life | None
    participations: tuple[Fact, ...]
    quotations: Quotations
    attributes: Mapping[str, tuple[Fact, ...]]
    relations: tuple[Fact, ...]
    records: tuple[Fact, ...]
    source: Mapping[str, Any] | None
    sources: tuple[str, ...]
    conflicts: tuple[Conflict, ...]
    merged: tuple[Fact, ...] = ()
    same_as: tuple[Fact, ...] = ()

    @property
    def label(self) -> str:
        """The entity's first label, or its id when it has none."""
        return next(iter((self.labels or {}).values()), self.id)

    @property
    def merged_ids(self) -> tuple[str, ...]:
        """The other ids the same-as relations merge into this entity, in declaration order."""
        return tuple(str(fact.document["id"]) for fact in self.merged)

    def facts(self) -> Iterator[tuple[str, Fact]]:
        """``(section, fact)`` for every fact of the view, each once: ``declaration``, ``born``,
        ``died``, ``events`` / ``participants`` / ``participations``, ``said``, ``received``,
        ``quoted``, ``attributes``, ``relations``, ``records``, ``merged`` (the other ids'
        declarations) and ``same-as``."""
        yield "declaration", self.declaration
        if self.life is not None:
            yield from (("born", fact) for fact in self.life.born)
            yield from (("died", fact) for fact in self.life.died)
        section = _PARTICIPATIONS.get(self.kind, "participations")
        yield from ((section, fact) for fact in self.participations)
        yield from (("said", fact) for fact in self.quotations.said)
        yield from (("received", fact) for fact in self.quotations.received)
        yield from (("quoted", fact) for fact in self.quotations.other)
        for facts in self.attributes.values():
            yield from (("attributes", fact) for fact in facts)
        yield from (("relations", fact) for fact in self.relations)
        yield from (("records", fact) for fact in self.records)
        yield from (("merged", fact) for fact in self.merged)
        yield from (("same-as", fact) for fact in self.same_as)

    def rows(self) -> list[dict[str, Any]]:
        """Every fact as one flat row: ``section``, the columns of :meth:`Fact.row` (sources
        joined in one text column), ``other`` and ``direction``, then one column per own field
        of the records (``role``, ``property``, ``value``, ``text``, ...; empty where a record
        has no such field). ``pandas.DataFrame(view.rows())`` is a table of the entity's facts."""
        facts = list(self.facts())
        own: dict[str, None] = {}
        for _, fact in facts:
            own.update(dict.fromkeys(fact.fields))
        result = []
        for section, fact in facts:
            row = {"section": section, **fact.row()}
            row["other"] = fact.other_label or ""
            row["direction"] = fact.direction or ""
            fields = fact.fields
            for name in own:
                if name not in row:
                    row[name] = _cell(fields.get(name))
            result.append(row)
        return result

    def to_json(self) -> dict[str, Any]:
        """The view as ``fonds person|place|event ID --format json`` prints it."""
        result: dict[str, Any] = {"id": self.id, "kind": self.kind}
        if self.labels is not None:
            result["labels"] = dict(self.labels)
        if self.external_ids is not None:
            result["external_ids"] = dict(self.external_ids)
        if self.date is not None:
            result.update(self.date.to_json())
        result["declaration"] = self.declaration.to_json(summary=False, subjects=False, date=False)
        if self.merged:
            result["merged"] = {
                "ids": list(self.merged_ids),
                "declarations": [
                    fact.to_json(summary=False, subjects=False, date=False) for fact in self.merged
                ],
                "same_as": _facts_json(self.same_as),
            }
        if self.kind == "person":
            result["names"] = {lang: n.to_json() for lang, n in (self.names or {}).items()}
            life = self.life or Life()
            result["life"] = {"born": _facts_json(life.born), "died": _facts_json(life.died)}
            result["events"] = _facts_json(self.participations)
            result["quotations"] = {
                "said": _facts_json(self.quotations.said),
                "received": _facts_json(self.quotations.received),
            }
        else:
            key = _PARTICIPATIONS.get(self.kind, "participations")
            result[key] = _facts_json(self.participations)
            result["quotations"] = _facts_json(self.quotations.all())
        result["attributes"] = {p: _facts_json(f) for p, f in self.attributes.items()}
        result["relations"] = _facts_json(self.relations)
        if self.records:
            result["records"] = _facts_json(self.records)
        if self.source is not None:
            result["source"] = dict(self.source)
        result["sources"] = list(self.sources)
        result["conflicts"] = [conflict.to_json() for conflict in self.conflicts]
        return result


def _cell(value: Any) -> Any:
    """A record field as one table cell: text and numbers as they are, a list of texts
    joined with `` | ``, anything else as JSON text; empty when absent."""
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return value
    if isinstance(value, Sequence) and all(isinstance(item, str) for item in value):
        return " | ".join(value)
    return orjson.dumps(value).decode()


# -- a source, the history of an entity -------------------------------------------------


@attrs.frozen(slots=True)
class SourceImpact:
    """What rests on a source: every fact citing it (or one of its ``parts``), and the facts
    that cite nothing else, which would be left with no source if it were withdrawn.

    ``title``, ``source_type``, ``publication_status``, ``flags`` and ``note`` are the
    source's own standing.
    """

    id: str
    title: str
    source_type: str | None
    publication_status: str | None
    flags: tuple[str, ...]
    note: str | None
    parts: tuple[str, ...]
    records: tuple[Fact, ...]
    would_lose_all_sources: tuple[Fact, ...]

    @property
    def counts(self) -> dict[str, int]:
        """How many facts cite it, and how many would be left with no source."""
        return {
            "citing": len(self.records),
            "would_lose_all_sources": len(self.would_lose_all_sources),
        }

    def to_json(self) -> dict[str, Any]:
        """The answer as ``fonds source ID --format json`` prints it."""
        result: dict[str, Any] = {"id": self.id, "title": self.title}
        if self.source_type is not None:
            result["source_type"] = self.source_type
        if self.publication_status is not None:
            result["publication_status"] = self.publication_status
        if self.flags:
            result["flags"] = list(self.flags)
        if self.note is not None:
            result["note"] = self.note
        result["parts"] = list(self.parts)
        result["records"] = [f.to_json(subjects=False) for f in self.records]
        result["would_lose_all_sources"] = [
            f.to_json(subjects=False) for f in self.would_lose_all_sources
        ]
        result["counts"] = self.counts
        return result


@attrs.frozen(slots=True)
class HistoryItem:
    """One record about an entity, in log order, and what became of it.

    ``status`` is ``active``, ``superseded`` or ``retracted``; ``corrected_by`` is the hash of
    the correction and ``correction_reason`` its reason. A correction record itself names its
    ``target`` (and ``replacement``) and gives its ``reason``.
    """

    fact: Fact
    status: str
    corrected_by: str | None = None
    correction_reason: str | None = None
    target: str | None = None
    replacement: str | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The item as ``fonds history ID --format json`` prints it."""
        result = self.fact.to_json(subjects=False)
        if self.target is not None:
            result["target"] = self.target
            result["reason"] = self.reason
            if self.replacement is not None:
                result["replacement"] = self.replacement
        result["status"] = self.status
        if self.corrected_by is not None:
            result["corrected_by"] = self.corrected_by
            result["reason"] = self.correction_reason
        return result
