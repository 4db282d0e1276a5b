"""Views: folds over the log, now or as of any earlier point, answered with typed values.

    views = fonds.Views(fonds.open_log("records"))
    for entry in views.timeline(date_from=1940, date_to="1940-11-13"):
        print(entry.date.display, entry.summary, [c.source for c in entry.sources])
    molotov = views.person("person:molotov", as_of=120)
    pandas.DataFrame(molotov.rows())          # one row per fact, with its sources

Answers are the values of :mod:`fonds.views.answers` (``to_json()`` gives what the command
line prints with ``--format json``); :mod:`fonds.views.render` writes them as text or Markdown.
"""

from __future__ import annotations

from fonds.log.base import AsOf, LogStore
from fonds.problems import UnknownIdError
from fonds.views.answers import (
    FACT_COLUMNS,
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
    TimelineEntry,
    rows,
)
from fonds.views.citations import citation_text
from fonds.views.queries import DateLike, Query, TimelineFilter
from fonds.views.state import ViewState, load_state
from fonds.views.timeline import Timeline

__all__ = [
    "FACT_COLUMNS",
    "Claim",
    "Conflict",
    "DateLike",
    "EntityView",
    "Fact",
    "HistoricalDate",
    "HistoryItem",
    "LanguageNames",
    "Life",
    "Query",
    "Quotations",
    "SourceImpact",
    "Timeline",
    "TimelineEntry",
    "TimelineFilter",
    "UnknownIdError",
    "ViewState",
    "Views",
    "citation_text",
    "load_state",
    "rows",
]


class Views:
    """The views of one log. Built once (from the snapshot when there is one), then queried.

    Every question takes ``as_of``: a sequence number or a record time (ISO 8601, UTC), to
    answer as the log stood then; None (the default) answers as of now.
    """

    def __init__(
        self, log: LogStore, *, use_snapshot: bool = True, include_restricted: bool = False
    ) -> None:
        self.log = log
        self.state = load_state(log, use_snapshot=use_snapshot)
        #: Whether records flagged ``restricted`` (private) are shown; they are left out unless
        #: asked for, as a genealogy program's export filters leave private records out.
        self.include_restricted = include_restricted
        self._now: Query | None = None

    def at(self, as_of: AsOf = None) -> Query:
        """The views as of a point of the log; the present is kept, with what it has read."""
        if as_of is not None:
            return Query(
                self.state, self.log.vocabulary, as_of, include_restricted=self.include_restricted
            )
        if self._now is None:
            self._now = Query(
                self.state, self.log.vocabulary, None, include_restricted=self.include_restricted
            )
        return self._now

    def restricted_left_out(self, as_of: AsOf = None) -> int:
        """How many restricted records the answers as of ``as_of`` leave out."""
        return self.at(as_of).restricted_left_out()

    def timeline(
        self,
        as_of: AsOf = None,
        *,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        person: str | None = None,
        place: str | None = None,
        flag: str | None = None,
        min_confidence: str | None = None,
        within: bool = False,
    ) -> Timeline:
        """Events and dated facts in historical order, each a :class:`Fact` with its sources,
        as a :class:`Timeline`: ``len()`` is the number of entries, known without building
        them, and only the entries read are built (``timeline.page(0, 100)``, ``timeline[:100]``).

        ``date_from`` / ``date_to`` take EDTF text (``"1940-11-13"``, ``"1940-11"``), a year
        (``1940``) or a ``datetime.date``; a partly known date is kept when it may fall in the
        range, or with ``within=True`` only when it certainly does. ``person`` / ``place``
        keep what concerns that entity, ``flag`` records with that flag, ``min_confidence``
        records at least that sure. A value that cannot be used raises
        :class:`fonds.problems.ArgumentError` naming the parameter.
        """
        where = TimelineFilter(date_from, date_to, person, place, flag, min_confidence, within)
        return self.at(as_of).timeline(where)

    def undated(
        self,
        as_of: AsOf = None,
        *,
        person: str | None = None,
        place: str | None = None,
        flag: str | None = None,
        min_confidence: str | None = None,
    ) -> Timeline:
        """The facts a timeline cannot place (a birth without a date, an undated office held,
        ...), in log order, under the timeline's subject, flag and confidence filters: a
        :class:`Timeline`, its facts built as they are read."""
        where = TimelineFilter(person=person, place=place, flag=flag, min_confidence=min_confidence)
        return self.at(as_of).undated(where)

    def entity(self, entity_id: str, as_of: AsOf = None) -> EntityView:
        """Everything the log says about one entity of any kind, as an :class:`EntityView`;
        :class:`UnknownIdError` (with the closest ids) when the log does not declare it."""
        return self.at(as_of).entity(entity_id)

    def person(self, person_id: str, as_of: AsOf = None) -> EntityView:
        """One person: names, life dates, events and roles, quotations, attributes,
        relations, sources and conflicts. :class:`UnknownIdError` when the id is not a
        person's (it says what it is instead)."""
        return self.at(as_of).entity(person_id, "person")

    def place(self, place_id: str, as_of: AsOf = None) -> EntityView:
        """One place: what happened there, its attributes and relations, with their sources.
        :class:`UnknownIdError` when the id is not a place's."""
        return self.at(as_of).entity(place_id, "place")

    def event(self, event_id: str, as_of: AsOf = None) -> EntityView:
        """One event: its date, participants and roles, quotations and relations, with their
        sources. :class:`UnknownIdError` when the id is not an event's."""
        return self.at(as_of).entity(event_id, "event")

    def source(self, source_id: str, as_of: AsOf = None) -> SourceImpact:
        """What rests on a source: every fact citing it (or one of its parts), and what would
        be left with no source without it."""
        return self.at(as_of).source_impact(source_id)

    def conflicts(self, as_of: AsOf = None, subject: str | None = None) -> list[Conflict]:
        """Every fact that sources disagree on (of one ``subject`` when given), side by side."""
        return self.at(as_of).conflicts(subject)

    def known_ids(self) -> frozenset[str]:
        """Every entity id the log declares."""
        return frozenset(self.state.declarations)

    def history(self, entity_id: str, as_of: AsOf = None) -> list[HistoryItem]:
        """Every record about an entity in log order, with what superseded or retracted it."""
        return self.at(as_of).history(entity_id)
