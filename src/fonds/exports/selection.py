"""What an export covers: the facts of a view (filtered like the timeline) and their sources."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from fonds.log.base import AsOf
from fonds.views import Fact, Timeline, Views

__all__ = ["Selection", "select", "selected_facts", "with_parents"]


@attrs.frozen
class Selection:
    """Facts in historical order, and the source declarations they rest on (keyed by id)."""

    facts: tuple[Fact, ...]
    sources: Mapping[str, Mapping[str, Any]]
    everything: bool  # no filter: the sources are every source the log declares


def _declaration(views: Views, entity_id: str, as_of: AsOf) -> Mapping[str, Any] | None:
    query = views.at(as_of)
    seq = query.declaration(entity_id)
    return query.document(seq) if seq is not None else None


def _active(filters: Mapping[str, Any]) -> dict[str, Any]:
    # a filter not given is None, a switch not given False: neither selects anything
    return {key: v for key, v in filters.items() if v is not None and v is not False}


def selected_facts(views: Views, as_of: AsOf = None, **filters: Any) -> list[Timeline]:
    """The facts an export under ``filters`` holds, unbuilt: the timeline's and, without a
    date range, the undated facts after them (so an export of everything holds every fact)."""
    active = _active(filters)
    found = [views.timeline(as_of, **active)]
    if not any(key in active for key in ("date_from", "date_to", "within")):
        found.append(views.undated(as_of, **active))
    return found


def select(views: Views, as_of: AsOf = None, **filters: Any) -> Selection:
    """The timeline's facts under ``filters`` and the sources they cite (with their parents).

    Without a date range the facts that have no date follow the timeline's, so an export of
    everything holds every fact. With no filter every declared source is included, cited or
    not.
    """
    active = _active(filters)
    facts = tuple(fact for found in selected_facts(views, as_of, **active) for fact in found)
    wanted: list[str] = []
    if active:
        wanted = [c.source for fact in facts for c in fact.sources]
    else:
        wanted = sorted(i for i in views.known_ids() if i.startswith("source:"))
    sources: dict[str, Mapping[str, Any]] = {}
    for source_id in with_parents(views, wanted, as_of):
        declaration = _declaration(views, source_id, as_of)
        if declaration is not None:
            sources[source_id] = declaration
    return Selection(facts, sources, not active)


def with_parents(views: Views, source_ids: Iterable[str], as_of: AsOf = None) -> list[str]:
    """The sources, each followed by the collections it is part of (and theirs), each once."""
    seen: dict[str, None] = {}
    for source_id in source_ids:
        current: str | None = source_id
        while current is not None and current not in seen:
            seen[current] = None
            declaration = _declaration(views, current, as_of)
            current = declaration.get("part_of") if declaration else None
    return list(seen)
