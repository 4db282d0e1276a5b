"""What a record field means beyond its type, stated where the field is declared.

Each helper returns an ``attrs.field`` whose metadata :mod:`fonds.model.kinds` reads: a field
that names entities (and of which kinds, and whether the record is *about* them), one that takes
a vocabulary term, one that carries a date, the citations, or the records a correction names.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["META", "cites", "dated", "refers", "targets", "term"]

META = "fonds"
"""The metadata key under which a field's meaning is kept."""


def _field(default: Any, **meaning: Any) -> Any:
    return attrs.field(default=default, metadata={META: meaning})


def refers(
    *kinds: str, default: Any = attrs.NOTHING, about: bool = True, declares: bool = False
) -> Any:
    """The field holds entity ids (one, or a list) of ``kinds`` (any entity kind when none).

    ``about``: the record is about what it names (the entity's views show it); ``declares``:
    the field is the id a declaration gives its entity.
    """
    return _field(default, refers=frozenset(kinds), about=about, declares=declares)


def term(group: str, *, default: Any = attrs.NOTHING, within: str | None = None) -> Any:
    """The field holds terms of a vocabulary ``group`` (``within``: in that key of an object)."""
    return _field(default, term=group, within=within)


def dated(calendar: str | None = "calendar", *, timeline: bool = True, default: Any = None) -> Any:
    """The field holds an EDTF date, read in the calendar that field ``calendar`` names.

    ``timeline``: the date is when the fact happened, so the record has a place on a timeline.
    """
    return _field(default, date=True, calendar=calendar, timeline=timeline)


def cites(*, default: Any = attrs.NOTHING) -> Any:
    """The field holds the record's citations (each names a source and a locator label)."""
    return _field(default, cites=True)


def targets(*, default: Any = attrs.NOTHING) -> Any:
    """The field names another record by its hash (what a correction corrects)."""
    return _field(default, targets=True)
