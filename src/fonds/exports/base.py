"""The contract of an export format: given an :class:`ExportContext`, return the bytes to write.

A format is one module with an ``export(context) -> bytes`` (or an object with that method)
and one row of the table in :mod:`fonds.exports.registry`; the command line lists and calls
the formats through that table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from fonds.exports.citeproc import DEFAULT_STYLE, Formatter
from fonds.exports.selection import Selection, select
from fonds.log.base import AsOf, LogStore
from fonds.views import Views

__all__ = ["ExportContext", "ExportFormat", "Exporter"]


class Exporter(Protocol):
    """An export format: ``export`` writes it; ``needs_out`` says it must go to a file (it is
    binary), not to a terminal."""

    @property
    def needs_out(self) -> bool:
        """Whether the format is binary, so must be written to a file."""
        ...

    def export(self, context: ExportContext) -> bytes:
        """The format's bytes for what ``context`` selects."""
        ...


@attrs.frozen
class ExportFormat:
    """An export format written by one function."""

    function: Callable[[ExportContext], bytes]
    needs_out: bool = False

    def export(self, context: ExportContext) -> bytes:
        """The format's bytes for ``context``."""
        return self.function(context)


class ExportContext:
    """What an export covers and how: the log and its views as of ``as_of``, the timeline
    ``filters`` that select the facts (``date_from``, ``person``, ...; none: everything), the
    CSL ``style`` of citations, a ``title`` (made from the filters when None), the name of
    the log as a report's lede mentions it, ``bom`` for a CSV that Excel opens as UTF-8, and
    the ``dialect`` of the BibTeX export.
    The selection and the formatter are made on first use, so a format that needs neither
    does not pay for them."""

    def __init__(
        self,
        log: LogStore,
        views: Views | None = None,
        *,
        as_of: AsOf = None,
        filters: Mapping[str, Any] | None = None,
        style: str | None = None,
        title: str | None = None,
        log_name: str | None = None,
        bom: bool = False,
        dialect: str = "bibtex",
    ) -> None:
        self.log = log
        self.views = views if views is not None else Views(log)
        self.as_of = as_of
        self.filters: Mapping[str, Any] = dict(filters or {})
        self.style = style or DEFAULT_STYLE
        self.given_title = title
        #: Start a text table with a UTF-8 byte-order mark (for Excel).
        self.bom = bom
        #: The BibTeX export's dialect: ``bibtex`` or ``biblatex``.
        self.dialect = dialect
        self.log_name = log_name if log_name is not None else Path(log.location).resolve().name

    @functools.cached_property
    def selection(self) -> Selection:
        """The facts the filters select, and the sources they rest on."""
        return select(self.views, self.as_of, **self.filters)

    @functools.cached_property
    def formatter(self) -> Formatter:
        """The CSL formatter of the style."""
        return Formatter(self.style)

    @property
    def title(self) -> str:
        """The title given, or one made from the filters: the person's or place's label (or
        "Timeline") and the date range."""
        if self.given_title:
            return self.given_title
        subject = self.filters.get("person") or self.filters.get("place")
        title = self.views.at().label(subject) if subject else "Timeline"
        date_from, date_to = self.filters.get("date_from"), self.filters.get("date_to")
        if date_from or date_to:
            title += f", {date_from or '…'} to {date_to or '…'}"
        return title
