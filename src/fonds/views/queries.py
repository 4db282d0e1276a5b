"""The questions researchers ask, as pure functions of a :class:`ViewState` and a point of the log.

Every answer is a typed value of :mod:`fonds.views.answers`, built of facts that carry their
sources. Only records standing at the chosen point count: a record superseded or retracted by
then is left out (``history`` shows it). What a record kind means (what a record is about, how
it reads in one line) comes from the kinds table, :data:`fonds.model.kinds.KINDS`.
"""

from __future__ import annotations

import collections
import datetime as dt
import difflib
import functools
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any, Concatenate, ParamSpec, TypeAlias, TypeVar

import attrs

from fonds.gcpause import gc_paused
from fonds.log.base import AsOf
from fonds.model.dates import DateError, date_bounds, parse_date
from fonds.model.kinds import KINDS
from fonds.model.vocabulary import Vocabulary
from fonds.problems import ArgumentError, UnknownIdError
from fonds.views.alike import maybe_alike
from fonds.views.answers import (
    Claim,
    Conflict,
    EntityView,
    Fact,
    HistoricalDate,
    HistoryItem,
    LanguageNames,
    Life,
    Quotations,
    SourceImpact,
    historical_date,
)
from fonds.views.merging import Merges, fold_agreeing, merge, statement
from fonds.views.state import ViewState, claim_key, claim_of
from fonds.views.timeline import Timeline

__all__ = ["DateLike", "Query", "TimelineFilter", "UnknownIdError", "disagree", "edtf_of"]

DateLike: TypeAlias = str | int | dt.date
"""A date a filter takes: EDTF text (``1940-11-13``, ``1940-11``), a year, or a
``datetime.date`` / ``datetime.datetime``."""

_DATE_EXPECTED = "expected an EDTF date such as 1940-11-13, a year, or a datetime.date"


def edtf_of(argument: str, value: DateLike) -> str:
    """The EDTF text of a date given as a filter; :class:`ArgumentError` naming ``argument``
    when it is none."""
    if isinstance(value, dt.datetime):
        text = value.replace(microsecond=0).isoformat()
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, int) and not isinstance(value, bool):
        text = f"{value:05d}" if value < 0 else f"{value:04d}"
    elif isinstance(value, str):
        text = value
    else:
        raise ArgumentError(argument, value, _DATE_EXPECTED)
    try:
        parse_date(text)
    except DateError:
        raise ArgumentError(argument, value, _DATE_EXPECTED) from None
    return text


@attrs.frozen(slots=True)
class TimelineFilter:
    """Which timeline entries to keep.

    ``date_from`` / ``date_to``: EDTF text, a year or a ``datetime.date``; a partly known date
    counts when its bounds overlap the range (it may fall in it), or with ``within`` only when
    they lie inside it (it certainly falls in it). ``person`` / ``place``: what concerns that
    entity (an event counts for a person who took part in it). ``flag``: records with that
    flag. ``min_confidence``: records at least that sure (a term of the confidence scale).
    """

    date_from: DateLike | None = None
    date_to: DateLike | None = None
    person: str | None = None
    place: str | None = None
    flag: str | None = None
    min_confidence: str | None = None
    within: bool = False


_KEPT_DOCUMENTS = 20_000
_KEPT_STATEMENTS = 100_000
# from this many records to compare, those that can agree with none are found from the
# mentions index first (below, reading each record costs less than a pass over the index)
_BY_MENTIONS_FROM = 20_000
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _answer(
    method: Callable[Concatenate[Query, _P], _R],
) -> Callable[Concatenate[Query, _P], _R]:
    """A public question, answered with the cyclic collector paused (as folding is): an
    answer is acyclic values, and a collection pass over a large state costs more than
    building thousands of entries."""

    def answer(self: Query, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with gc_paused():  # nested answers leave it to the outermost
            return method(self, *args, **kwargs)

    functools.update_wrapper(answer, method)
    return answer


def _article(kind: str) -> str:
    return f"an {kind}" if kind[:1] in ("a", "e", "i", "o", "u") else f"a {kind}"


_DEFAULT_DATE: Any = object()


class Query:
    """The views of one state, as of one point of the log (read-only, so lookups are kept)."""

    def __init__(
        self,
        state: ViewState,
        vocabulary: Vocabulary,
        as_of: AsOf = None,
        *,
        include_restricted: bool = False,
    ) -> None:
        self.state = state
        self.vocabulary = vocabulary
        self.limit = state.limit(as_of)
        #: Entries flagged restricted that answers leave out (none with ``include_restricted``).
        self.hidden: AbstractSet[int] = frozenset() if include_restricted else state.restricted
        self._documents: dict[int, Mapping[str, Any]] = {}
        self._labels: dict[tuple[str, str], str] = {}
        self._merges: Merges | None = None
        self._statements: dict[int, bytes] = {}
        self._lines: dict[int, str] = {}

    # -- building blocks ----------------------------------------------------------------
    def active(self, seq: int) -> bool:
        """Whether entry ``seq`` stands as of the limit (and is not a hidden restricted one)."""
        return seq not in self.hidden and self.state.active(seq, self.limit)

    def declaration(self, entity_id: str) -> int | None:
        """The entity's current declaration as of the limit, unless it is restricted."""
        seq = self.state.declaration(entity_id, self.limit)
        return None if seq is None or seq in self.hidden else seq

    # -- same-as ---------------------------------------------------------------------
    @property
    def merges(self) -> Merges:
        """The ids that same-as relations standing at this point make one entity."""
        if self._merges is None:
            state = self.state
            edges = []
            for seq in state.same_as:
                if seq <= self.limit and self.active(seq):
                    document = self.document(seq)
                    edges.append((seq, document["subject"], document["object"]))
            self._merges = merge(edges, self._declared_at) if edges else Merges()
        return self._merges

    def _declared_at(self, entity_id: str) -> int:
        """Where an entity was first declared (after every id when it no longer stands)."""
        seqs = self.state.declarations.get(entity_id, ())
        if not seqs or self.declaration(entity_id) is None:
            return self.limit + 1
        return seqs[0]

    def canonical(self, entity_id: str) -> str:
        """The id the views show an entity under: the first declared of the ids same-as
        relations merge it with (the id itself when there are none)."""
        return self.merges.of(entity_id) if self.state.same_as else entity_id

    def _mentions(self, members: Sequence[str]) -> list[int]:
        """The entries naming any of the ids, in log order, each once."""
        mentions = self.state.mentions
        if len(members) == 1:
            return list(mentions.get(members[0], ()))
        return sorted({seq for member in members for seq in mentions.get(member, ())})

    def agreeing(self, facts: Iterable[Fact]) -> list[Fact]:
        """The facts with those that state the same thing as an earlier one folded into it
        (its :attr:`Fact.agreeing`, whose citations its sources then include), in order."""
        return fold_agreeing(facts, self.canonical)

    def _merged_away(self, document: Mapping[str, Any]) -> bool:
        """Whether a record declares an id merged into another (whose declaration stands for
        both in a list of facts)."""
        if not self.state.same_as:
            return False
        declared = document.get("id")
        return isinstance(declared, str) and self.canonical(declared) != declared

    def restricted_left_out(self) -> int:
        """How many restricted entries up to the limit the answers leave out."""
        return sum(1 for seq in self.hidden if seq <= self.limit)

    def document(self, seq: int) -> Mapping[str, Any]:
        """The record of entry ``seq`` as stored (kept for later questions)."""
        document = self._documents.get(seq)
        if document is None:
            if len(self._documents) >= _KEPT_DOCUMENTS:
                # bounded: decoded records are many small containers that every later pass of
                # the cyclic collector walks; enough to keep what recurs across questions
                self._documents.clear()
            document = self._documents[seq] = self.state.document(seq)
        return document

    def known_ids(self, kind: str | None = None) -> list[str]:
        """Every entity id declared as of this point (of one ``kind`` when given), sorted."""
        kinds = self.state.kinds
        return sorted(
            entity
            for entity, seqs in self.state.declarations.items()
            if seqs[0] <= self.limit
            and seqs[0] not in self.hidden
            and (kind is None or kinds[seqs[0]] == kind)
        )

    def require(self, entity_id: str, kind: str | None = None) -> int:
        """The declaration of ``entity_id`` as of the limit (of an entity of ``kind`` when
        given); :class:`UnknownIdError`, with the closest ids, when there is none."""
        seq = self.declaration(entity_id)
        found = self.state.kinds[seq] if seq is not None else None
        if seq is not None and (kind is None or found == kind):
            return seq
        wanted = kind or KINDS.kind_of_id(entity_id)
        message = None if found is None else f"{_article(found)}, not {_article(kind or '')}"
        raise UnknownIdError(entity_id, self._closest(entity_id, wanted), message)

    def _closest(self, entity_id: str, kind: str | None) -> list[str]:
        slug = entity_id.rpartition(":")[2]
        # compare the readable parts: the shared kind prefix would make every id look close
        by_slug: dict[str, list[str]] = {}
        for known in self.known_ids(kind):
            if known != entity_id:
                by_slug.setdefault(known.rpartition(":")[2], []).append(known)
        close_slugs = difflib.get_close_matches(slug, list(by_slug), n=3, cutoff=0.6)
        return [known for s in close_slugs for known in by_slug[s]][:3]

    def label(self, entity_id: str, lang: str = "en") -> str:
        """How an entity is named: its label in ``lang`` (or its first), a source's title, or
        the id itself when the log does not declare it."""
        label = self._labels.get((entity_id, lang))
        if label is None:
            named = self._label(self.canonical(entity_id), lang)
            label = self._labels[(entity_id, lang)] = named
        return label

    def _label(self, entity_id: str, lang: str) -> str:
        seq = self.declaration(entity_id)
        if seq is None:
            return entity_id
        document = self.document(seq)
        labels: Mapping[str, str] | None = document.get("labels")
        if labels:
            return labels.get(lang) or next(iter(labels.values()))
        return str(document.get("title") or entity_id)

    def summary(
        self, document: Mapping[str, Any], label: Callable[[str], str] | None = None
    ) -> str:
        """One line saying what the record states; ``label`` names entities (default: as
        the log declares them)."""
        return KINDS.of(document).summarise(document, label or self.label)

    def date(self, document: Mapping[str, Any]) -> HistoricalDate | None:
        """The historical date a record states, if any."""
        text = document.get("date")
        if text is None:
            return None
        return historical_date(text, document.get("calendar"))

    def fact(
        self,
        seq: int,
        document: Mapping[str, Any] | None = None,
        *,
        date: HistoricalDate | None = _DEFAULT_DATE,
        other: str | None = None,
        direction: str | None = None,
    ) -> Fact:
        """Entry ``seq`` as a :class:`Fact` (``date``: instead of the record's own; ``other``:
        the other party, in an entity's view)."""
        if document is None:
            document = self.document(seq)
        state = self.state
        merged: tuple[tuple[str, str], ...] = ()
        if state.same_as and self.merges.canonical:
            into = self.merges.canonical
            merged = tuple(
                (entity, into[entity])
                for entity in KINDS.about(document)
                if into.get(entity, entity) != entity
            )
        return Fact(
            state.record_id(seq),
            seq,
            state.time(seq),
            document["kind"],
            self.summary(document),
            self.date(document) if date is _DEFAULT_DATE else date,
            document,
            other,
            self.label(other) if other is not None else None,
            direction,
            merged,
        )

    def _visible(self, seqs: Iterable[int]) -> list[int]:
        return [seq for seq in seqs if self.active(seq)]

    # -- timeline ----------------------------------------------------------------------
    @_answer
    def timeline(self, where: TimelineFilter = TimelineFilter()) -> Timeline:
        """Events and dated assertions in historical order (bounds, then time, then log), as
        a :class:`Timeline`: which entries it holds is decided here, their facts are built
        as they are read."""
        low, high = self.date_range(where.date_from, where.date_to)
        keep = self._subject_filter(where)
        min_rank = self._rank(where.min_confidence) if where.min_confidence else None
        filtered = where.flag is not None or min_rank is not None
        merged_away = self._merged_away_declarations()
        groups: list[tuple[int, ...]] = []
        # agreeing facts have the same date, so the same bounds: only a run of entries with
        # the same bounds is compared
        run: list[int] = []
        run_bounds = (0, 0)
        for lower, upper, seq in self.state.dated_between(low, high, within=where.within):
            if not self.active(seq) or seq in merged_away:
                continue
            if keep is not None and seq not in keep:
                continue
            if filtered and not self._kept(self.document(seq), where.flag, min_rank):
                continue
            if (lower, upper) != run_bounds:
                groups += self._agreeing_run(run)
                run, run_bounds = [], (lower, upper)
            run.append(seq)
        groups += self._agreeing_run(run)
        return Timeline(groups, self._grouped_fact)

    def _merged_away_declarations(self) -> AbstractSet[int]:
        """The declarations of ids merged into another (whose declaration stands for both)."""
        if not self.state.same_as:
            return frozenset()
        declarations = self.state.declarations
        return {
            seq
            for members in self.merges.groups.values()
            for merged in members[1:]
            for seq in declarations.get(merged, ())
        }

    def _agreeing_run(self, run: list[int]) -> list[tuple[int, ...]]:
        """A run of entries with the same bounds, in groups of those that agree (the first,
        then the others), in order: what :meth:`agreeing` makes of their facts, found from
        what the records state without building a fact."""
        if len(run) < 2:
            return [(seq,) for seq in run]
        kinds, by_name = self.state.kinds, KINDS.by_name
        compared = {
            name
            for name, count in collections.Counter([kinds[seq] for seq in run]).items()
            if count > 1 and not (by_name[name].entity or by_name[name].correction)
        }
        if not compared:
            return [(seq,) for seq in run]
        candidates = [seq for seq in run if kinds[seq] in compared]
        if len(candidates) >= _BY_MENTIONS_FROM:  # most share their entities with none
            canonical = self.merges.canonical if self.state.same_as else {}
            candidates = maybe_alike(candidates, kinds, self.state.mentions, canonical)
        # records that agree read alike in one line (entities named by id, so no declaration
        # is read): only those that do are compared in full
        lines: dict[tuple[str, str], list[int]] = {}
        for seq in candidates:
            lines.setdefault((kinds[seq], self._line(seq)), []).append(seq)
        alike = {seq for seqs in lines.values() if len(seqs) > 1 for seq in seqs}
        if not alike:
            return [(seq,) for seq in run]
        found: dict[bytes | int, list[int]] = {}
        for seq in run:
            found.setdefault(self._statement(seq) if seq in alike else seq, []).append(seq)
        groups = [tuple(group) for group in found.values()]
        for group in groups:
            # records that state the same thing read alike, unless a list in them is written
            # in another order: then the facts are compared as the views always compare them
            if len(group) > 1 and len({self.summary(self.document(s)) for s in group}) > 1:
                facts = self.agreeing(self.fact(seq) for seq in run)
                return [(f.seq, *(other.seq for other in f.agreeing)) for f in facts]
        return groups

    def _line(self, seq: int) -> str:
        """Entry ``seq`` in one line with entities named by their canonical ids (kept for
        later questions: timelines of nearby days share most of their entries)."""
        line = self._lines.get(seq)
        if line is None:
            if len(self._lines) >= _KEPT_STATEMENTS:
                self._lines.clear()
            document = self.document(seq)
            kind = KINDS.of(document)
            if any(ref.many and f"{{{ref.field}}}" in kind.summary for ref in kind.references):
                line = ""  # a list reads in its own order, and agreeing lists may differ in it
            else:
                line = kind.summarise(document, self.canonical)
            self._lines[seq] = line
        return line

    def _statement(self, seq: int) -> bytes:
        """What entry ``seq`` states (:func:`fonds.views.merging.statement`), kept as a
        digest."""
        key = self._statements.get(seq)
        if key is None:
            if len(self._statements) >= _KEPT_STATEMENTS:
                self._statements.clear()
            stated = statement(self.document(seq), self.canonical)
            key = self._statements[seq] = hashlib.blake2b(stated, digest_size=16).digest()
        return key

    def _grouped_fact(self, group: tuple[int, ...]) -> Fact:
        """The fact of a timeline entry: its first record's, the others agreeing with it."""
        fact = self.fact(group[0])
        if len(group) == 1:
            return fact
        return attrs.evolve(fact, agreeing=tuple(self.fact(seq) for seq in group[1:]))

    @_answer
    def undated(self, where: TimelineFilter = TimelineFilter()) -> Timeline:
        """The facts a timeline cannot place: standing records of a kind that takes a date
        (events, participations, attributes, ...) holding none, in log order, under the same
        subject, flag and confidence filters (dates do not apply). A :class:`Timeline`: which
        entries it holds and which agree is decided here, their facts are built as read."""
        keep = self._subject_filter(where)
        min_rank = self._rank(where.min_confidence) if where.min_confidence else None
        filtered = where.flag is not None or min_rank is not None
        state = self.state
        placed = state.dated.placed()
        undated_kinds = {k.name for k in KINDS if k.timeline_date is not None}
        kinds = state.kinds
        found: list[int] = []
        for seq in range(1, self.limit + 1):
            if kinds[seq] not in undated_kinds or seq in placed:
                continue
            if not self.active(seq) or (keep is not None and seq not in keep):
                continue
            if filtered or state.same_as:
                document = self.document(seq)
                if not self._kept(document, where.flag, min_rank) or self._merged_away(document):
                    continue
            found.append(seq)
        # facts that agree state the same thing, each with no date: one run, as a timeline's
        # entries of the same bounds are
        return Timeline(self._agreeing_run(found), self._grouped_fact)

    def _kept(self, document: Mapping[str, Any], flag: str | None, min_rank: int | None) -> bool:
        """Whether a record passes the flag and confidence filters."""
        if flag is not None and flag not in document.get("flags", ()):
            return False
        return min_rank is None or (
            self.vocabulary.confidence_rank(document.get("confidence", "")) >= min_rank
        )

    def _rank(self, term: str) -> int:
        if not self.vocabulary.knows("confidence", term):
            scale = ", ".join(self.vocabulary.confidence)
            raise ArgumentError("min_confidence", term, f"expected one of {scale}")
        return self.vocabulary.confidence_rank(term)

    def date_range(self, date_from: DateLike | None, date_to: DateLike | None) -> tuple[int, int]:
        """The bounds (seconds, as the state keeps them) of a range of historical dates: from
        the earliest moment of ``date_from`` to the latest of ``date_to``; open when None."""
        low, high = -(1 << 62), 1 << 62
        if date_from is not None:
            lower = parse_date(edtf_of("date_from", date_from)).lower
            low = lower if lower is not None else low
        if date_to is not None:
            upper = parse_date(edtf_of("date_to", date_to)).upper
            high = upper if upper is not None else high
        return low, high

    def _subject_filter(self, where: TimelineFilter) -> set[int] | None:
        keep: set[int] | None = None
        for entity, kind in ((where.person, "person"), (where.place, "place")):
            if entity is None:
                continue
            self.require(entity, kind)
            seqs = set(self._mentions(self.merges.members(entity)))
            # an event counts for a person who took part in it (or a place where it happened):
            # the events the records about the entity name
            for seq in list(seqs):
                document = self.document(seq)
                for ref in KINDS.of(document).references:
                    if ref.kinds == _EVENTS and not ref.many and document.get(ref.field):
                        for named in self.merges.members(document[ref.field]):
                            seqs.update(self.state.declarations.get(named, ()))
            keep = seqs if keep is None else keep & seqs
        return keep

    # -- entities ----------------------------------------------------------------------
    @_answer
    def entity(self, entity_id: str, kind: str | None = None) -> EntityView:
        """Everything the log says about one entity (of ``kind`` when given: person, place,
        event, source or agent). Ids that same-as relations merge are one entity, shown under
        the canonical id; facts that agree are shown once, with all their sources."""
        declaration = self.require(entity_id, kind)
        members = self.merges.members(entity_id)
        canonical = members[0]
        declaration = self.declaration(canonical) or declaration
        document = self.document(declaration)
        kind = document["kind"]
        ids = frozenset(members)
        declarations = {seq for seq in map(self.declaration, members) if seq is not None}
        links = frozenset(self.merges.links.get(canonical, ()))
        attributes: dict[str, list[Fact]] = {}
        participations: list[Fact] = []
        said: list[Fact] = []
        received: list[Fact] = []
        at_event: list[Fact] = []
        relations: list[Fact] = []
        mentioned: list[Fact] = []
        for seq in self._visible(self._mentions(members)):
            if seq in declarations or seq in links:
                continue
            doc = self.document(seq)
            record_kind = doc["kind"]
            if record_kind == "attribute" and doc["subject"] in ids:
                attributes.setdefault(doc["property"], []).append(self.fact(seq, doc))
            elif record_kind == "participation":
                other = doc["event"] if doc["person"] in ids else doc["person"]
                date = self.date(doc)
                if date is None:  # it happened when its event did
                    event_seq = self.declaration(self.canonical(doc["event"]))
                    date = self.date(self.document(event_seq)) if event_seq is not None else None
                other = self.canonical(other)
                participations.append(self.fact(seq, doc, date=date, other=other))
            elif record_kind == "quotation" and doc["speaker"] in ids:
                said.append(self.fact(seq, doc))
            elif record_kind == "quotation" and ids.intersection(doc.get("addressees", ())):
                received.append(self.fact(seq, doc))
            elif record_kind == "quotation":
                at_event.append(self.fact(seq, doc))
            elif record_kind == "relation":
                outgoing = doc["subject"] in ids
                other = self.canonical(doc["object"] if outgoing else doc["subject"])
                direction = "out" if outgoing else "in"
                relations.append(self.fact(seq, doc, other=other, direction=direction))
            else:
                mentioned.append(self.fact(seq, doc))
        attributes = {p: self.agreeing(facts) for p, facts in attributes.items()}
        participations = self.agreeing(participations)
        said, received = self.agreeing(said), self.agreeing(received)
        at_event, relations = self.agreeing(at_event), self.agreeing(relations)
        mentioned = self.agreeing(mentioned)
        names: dict[str, LanguageNames] | None = None
        life: Life | None = None
        merged = tuple(self.fact(seq) for seq in sorted(declarations - {declaration}))
        labels = _copy(document.get("labels"))
        for other_declaration in merged:  # what the merged ids' declarations name, too
            for lang, text in other_declaration.document.get("labels", {}).items():
                if labels is not None:
                    labels.setdefault(lang, text)
        if kind == "person":
            names = self._names(document, attributes.get("name-variant", []))
            life = Life(tuple(attributes.pop("born", ())), tuple(attributes.pop("died", ())))
            participations.sort(key=lambda f: (f.date.earliest if f.date else None) or "")
        declared = self.fact(declaration, document)
        same_as = tuple(self.fact(seq) for seq in sorted(links))
        everything = [declared, *participations, *said, *received, *at_event, *relations]
        everything += mentioned
        everything += merged + same_as
        for facts in attributes.values():
            everything += facts
        if life is not None:
            everything += life.born + life.died
        cited = sorted({c.source for fact in everything for c in fact.sources})
        conflicts = self.conflicts(subject=entity_id)
        return EntityView(
            id=canonical,
            kind=kind,
            labels=labels,
            external_ids=_copy(document.get("external_ids")),
            date=declared.date,
            declaration=declared,
            names=names,
            life=life,
            participations=tuple(participations),
            quotations=Quotations(tuple(said), tuple(received), tuple(at_event)),
            attributes={p: tuple(facts) for p, facts in attributes.items()},
            relations=tuple(relations),
            records=tuple(mentioned),
            source=(
                {k: v for k, v in document.items() if k not in ("kind", "schema")}
                if kind == "source"
                else None
            ),
            sources=tuple(cited),
            conflicts=tuple(conflicts),
            merged=merged,
            same_as=same_as,
        )

    def _names(self, document: Mapping[str, Any], variants: list[Fact]) -> dict[str, LanguageNames]:
        by_language: dict[str, tuple[str | None, list[Fact]]] = {
            lang: (text, []) for lang, text in document["labels"].items()
        }
        for variant in variants:
            lang = variant.document.get("language", "und")
            by_language.setdefault(lang, (None, []))[1].append(variant)
        return {
            lang: LanguageNames(label, tuple(facts)) for lang, (label, facts) in by_language.items()
        }

    # -- sources -----------------------------------------------------------------------
    @_answer
    def source_impact(self, source_id: str) -> SourceImpact:
        """Every record citing the source (or a part of it), and which facts would be left
        with no source at all if it were withdrawn."""
        declared = self.require(source_id, "source")
        withdrawn = self._parts(source_id)
        citing: set[int] = set()
        for source in withdrawn:
            citing.update(self._visible(self.state.citing.get(source, ())))
        records: list[Fact] = []
        orphaned: list[Fact] = []
        for seq in sorted(citing):
            fact = self.fact(seq)
            records.append(fact)
            if all(c.source in withdrawn for c in fact.sources):
                orphaned.append(fact)
        declaration = self.document(declared)
        return SourceImpact(
            id=source_id,
            title=self.label(source_id),
            source_type=declaration.get("source_type"),
            publication_status=declaration.get("publication_status"),
            flags=tuple(declaration.get("flags", ())),
            note=declaration.get("note"),
            parts=tuple(sorted(withdrawn - {source_id})),
            records=tuple(records),
            would_lose_all_sources=tuple(orphaned),
        )

    def _parts(self, source_id: str) -> set[str]:
        """The source and every source declared part of it, at any depth (a part's
        declaration mentions the whole, so only the records mentioning each are read)."""
        found = {source_id}
        wholes = [source_id]
        kinds = self.state.kinds
        while wholes:
            whole = wholes.pop()
            for seq in self.state.mentions.get(whole, ()):
                if seq > self.limit or kinds[seq] != "source":
                    continue
                part = self.document(seq)["id"]
                if part in found or self.declaration(part) != seq:
                    continue  # a part already found, or a declaration that no longer stands
                if self.document(seq).get("part_of") == whole:
                    found.add(part)
                    wholes.append(part)
        return found

    # -- conflicts ---------------------------------------------------------------------
    @_answer
    def conflicts(self, subject: str | None = None) -> list[Conflict]:
        """Subjects and properties on which records disagree, side by side.

        Single-valued properties (those whose value is a date: born, died, ...) conflict when
        two claims cannot both be true: their dates share no moment (so "1890" and
        "1890-03-09" agree, as do the same day in two calendars), or their values or places
        differ. A supersession resolves a conflict; otherwise the claim with the
        higher confidence is preferred, when one is higher.
        """
        single = {p for p, v in self.vocabulary.property_values.items() if v == "date"}
        groups: dict[tuple[str, str], list[int]] = {}
        alone = not self.state.same_as  # then no other id's claims join an id's
        status = self.state.status
        for entity, prop, seqs in self._claims(subject, single):
            if alone and len(seqs) < 2:  # one claim disagrees with none
                continue
            kept = [
                seq
                for seq in seqs
                if (fix := status(seq, self.limit)) is None or fix.kind != "retract"
            ]
            groups.setdefault((self.canonical(entity), prop), []).extend(kept)
        found: list[Conflict] = []
        for (entity, prop), seqs in sorted(groups.items()):
            if len(seqs) < 2:  # one claim disagrees with none (most subjects: not decoded again)
                continue
            seqs.sort()
            if not disagree([self.document(seq) for seq in seqs]):
                continue
            active = [seq for seq in seqs if self.active(seq)]
            claims = []
            for seq in seqs:
                correction = self.state.status(seq, self.limit)
                replacement = correction.replacement if correction is not None else None
                claims.append(
                    Claim(
                        self.fact(seq),
                        "active" if correction is None else "superseded",
                        self.state.record_id(replacement) if replacement is not None else None,
                    )
                )
            preferred, reason = self._preferred(active, len(seqs))
            found.append(
                Conflict(
                    subject=entity,
                    label=self.label(entity),
                    property=prop,
                    open=disagree([self.document(seq) for seq in active]),
                    claims=tuple(claims),
                    preferred=self.state.record_id(preferred) if preferred else None,
                    because=reason,
                )
            )
        return found

    def _claims(
        self, subject: str | None, properties: AbstractSet[str]
    ) -> Iterator[tuple[str, str, list[int]]]:
        """(subject, property, visible attribute records) from the claims index, for the
        ``properties`` given: of ``subject`` and the ids merged with it, or of every subject
        when None. Nothing is decoded."""
        claims, hidden, limit = self.state.claims, self.hidden, self.limit
        keys: Iterable[str] = claims
        if subject is not None:
            members = self.merges.members(subject)
            keys = [
                k for m in members for p in sorted(properties) if (k := claim_key(m, p)) in claims
            ]
        endings = tuple(claim_key("", p) for p in properties)  # most keys end otherwise
        for key in keys:
            if key.endswith(endings):
                about, prop = claim_of(key)
                seqs = [seq for seq in claims[key] if seq <= limit and seq not in hidden]
                if seqs:
                    yield about, prop, seqs

    def _preferred(self, active: list[int], total: int) -> tuple[int | None, str | None]:
        if len(active) == 1 and total > 1:
            return active[0], "supersession"
        ranks = {
            seq: self.vocabulary.confidence_rank(self.document(seq).get("confidence", ""))
            for seq in active
        }
        best = max(ranks.values(), default=-1)
        top = [seq for seq, rank in ranks.items() if rank == best]
        if len(top) == 1 and len(active) > 1:
            return top[0], "confidence"
        return None, None

    # -- history -----------------------------------------------------------------------
    @_answer
    def history(self, entity_id: str) -> list[HistoryItem]:
        """Every record about an entity in log order, with what superseded or retracted it."""
        self.require(entity_id)
        hidden = self.hidden
        members = self.merges.members(entity_id)
        seqs = {s for s in self._mentions(members) if s <= self.limit and s not in hidden}
        for seq in list(seqs):
            seqs.update(c.seq for c in self.state.corrections.get(seq, ()) if c.seq <= self.limit)
        items: list[HistoryItem] = []
        for seq in sorted(seqs):
            document = self.document(seq)
            correcting = KINDS.of(document).correction
            correction = self.state.status(seq, self.limit)
            status = "active"
            if correction is not None:
                status = "superseded" if correction.kind == "supersede" else "retracted"
            items.append(
                HistoryItem(
                    fact=self.fact(seq, document),
                    status=status,
                    corrected_by=(
                        self.state.record_id(correction.seq) if correction is not None else None
                    ),
                    correction_reason=correction.reason if correction is not None else None,
                    target=document.get("target") if correcting else None,
                    replacement=document.get("replacement") if correcting else None,
                    reason=document.get("reason") if correcting else None,
                )
            )
        return items


_EVENTS = frozenset({"event"})


def _copy(mapping: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return dict(mapping) if mapping is not None else None


def disagree(documents: list[Mapping[str, Any]]) -> bool:
    """Whether any two of these claims (attribute records) cannot both be true: their values
    or places differ, or their dates share no moment."""
    for index, first in enumerate(documents):
        for second in documents[index + 1 :]:
            if first.get("value") != second.get("value"):
                return True
            if first.get("place") and second.get("place") and first["place"] != second["place"]:
                return True
            one = date_bounds(first["date"], first.get("calendar")) if "date" in first else None
            two = date_bounds(second["date"], second.get("calendar")) if "date" in second else None
            if one is not None and two is not None and (one[1] < two[0] or two[1] < one[0]):
                return True
    return False
