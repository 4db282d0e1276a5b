"""Views: folds over the log, now or as of any earlier point.

views = fonds.Views(fonds.open_log("records"))
views.timeline(date_from="1940-11-13", date_to="1940-11-13")
views.person("person:molotov", as_of=120)
"""

from __future__ import annotations

from typing import Any

from fonds.log.base import AsOf, LogStore
from fonds.views.queries import Query, TimelineFilter, UnknownIdError
from fonds.views.state import ViewState, load_state

__all__ = ["Query", "TimelineFilter", "UnknownIdError", "ViewState", "Views", "load_state"]


class Views:
    """The views of one log. Built once (from the snapshot when there is one), then queried."""

    def __init__(self, log: LogStore, *, use_snapshot: bool = True) -> None:
        self.log = log
        self.state = load_state(log, use_snapshot=use_snapshot)
        self._now: Query | None = None

    def at(self, as_of: AsOf = None) -> Query:
        """The views as of a point of the log; the present is kept, with what it has read."""
        if as_of is not None:
            return Query(self.state, self.log.vocabulary, as_of)
        if self._now is None:
            self._now = Query(self.state, self.log.vocabulary, None)
        return self._now

    def timeline(self, as_of: AsOf = None, **filters: Any) -> list[dict[str, Any]]:
        return self.at(as_of).timeline(TimelineFilter(**filters))

    def entity(self, entity_id: str, as_of: AsOf = None) -> dict[str, Any]:
        return self.at(as_of).entity(entity_id)

    person = place = event = entity

    def source(self, source_id: str, as_of: AsOf = None) -> dict[str, Any]:
        return self.at(as_of).source_impact(source_id)

    def conflicts(self, as_of: AsOf = None, subject: str | None = None) -> list[dict[str, Any]]:
        return self.at(as_of).conflicts(subject)

    def known_ids(self) -> frozenset[str]:
        """Every entity id the log declares."""
        return frozenset(self.state.declarations)

    def history(self, entity_id: str, as_of: AsOf = None) -> list[dict[str, Any]]:
        return self.at(as_of).history(entity_id)
