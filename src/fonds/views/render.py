"""The views' answers written for a person: tables for a terminal (``text``), or Markdown (``md``).

Each renderer takes the typed answer of :mod:`fonds.views.answers` and returns text. Values
from the data are never markup: the text tables print them as they are, and Markdown escapes
every character it would otherwise read as syntax or HTML (:data:`MARKDOWN_ESCAPES`), as the
exported reports do.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fonds.problems import ArgumentError
from fonds.views.answers import (
    Conflict,
    EntityView,
    Fact,
    HistoryItem,
    SourceImpact,
)
from fonds.views.citations import sources_text

__all__ = [
    "FACT_TABLE_COLUMNS",
    "MARKDOWN_ESCAPES",
    "RENDER_FORMATS",
    "markdown_escape",
    "render_conflicts",
    "render_entity",
    "render_history",
    "render_source_impact",
    "render_timeline",
    "terminal_safe",
]

RENDER_FORMATS = ("text", "md")
"""The formats the renderers write: ``text`` (tables for a terminal) and ``md`` (Markdown)."""

MARKDOWN_ESCAPES = str.maketrans(
    {**{c: "\\" + c for c in "\\`*_{}[]#|!~^$"}, "<": "&lt;", ">": "&gt;", "&": "&amp;"}
)
"""Backslash escapes for Markdown syntax, entities for what a renderer could take as HTML."""

FACT_TABLE_COLUMNS = ("date", "fact", "flags", "confidence", "sources", "record")
"""The columns of a table of facts."""


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(value: object) -> str:
    """A value from the data with its control characters shown as escapes (``\\x1b``), so
    that none reaches a terminal (logs written before the schemas refused them may hold
    some)."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", str(value))


def markdown_escape(value: object) -> str:
    """A value from the data as Markdown text that reads as it is (on one line)."""
    text = terminal_safe(str(value).replace("\r", " ").replace("\n", " "))
    return text.translate(MARKDOWN_ESCAPES)


class _Page:
    """Parts of one answer's text, in ``text`` or ``md``."""

    def __init__(self, output_format: str, width: int | None) -> None:
        if output_format not in RENDER_FORMATS:
            expected = f"expected one of {', '.join(RENDER_FORMATS)}"
            raise ArgumentError("output_format", output_format, expected)
        self.markdown = output_format == "md"
        self.width = width
        self.parts: list[str] = []

    def text(self, value: object) -> str:
        return markdown_escape(value) if self.markdown else terminal_safe(value)

    def line(self, text: str, heading: bool = False) -> None:
        """A line of text (already escaped where it holds data)."""
        self.parts.append(f"# {text}\n" if heading and self.markdown else f"{text}\n")

    def table(self, title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        """A table; ``title`` and the cells are data, escaped here."""
        rows = list(rows)
        if self.markdown:
            lines = [f"### {self.text(title)}", "", "| " + " | ".join(columns) + " |"]
            lines.append("|" + "---|" * len(columns))
            lines.extend("| " + " | ".join(self.text(c) for c in row) + " |" for row in rows)
            self.parts.append("\n".join(lines) + "\n")
            return
        table = Table(title=Text(self.text(title)), title_justify="left", show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(Text(self.text(cell)) for cell in row))
        buffer = io.StringIO()
        console = Console(file=buffer, width=self.width, force_terminal=False, highlight=False)
        console.print(table)
        self.parts.append(buffer.getvalue())

    def facts(self, title: str, facts: Iterable[Fact], what: Callable[[Fact], str]) -> None:
        """A table of facts, the fact column written by ``what``."""
        self.table(title, FACT_TABLE_COLUMNS, [_fact_row(fact, what(fact)) for fact in facts])

    def done(self) -> str:
        return "\n".join(self.parts)


def _flags(flags: Iterable[str]) -> str:
    return " ".join(f"[{flag}]" for flag in flags)


def _when(fact: Fact) -> str:
    if fact.date is None:
        return ""
    return fact.date.display or fact.date.date


def _fact_row(fact: Fact, what: str) -> list[str]:
    return [
        _when(fact),
        what,
        _flags(fact.flags),
        fact.confidence or "",
        sources_text(fact.sources),
        fact.record[:12] + (f" +{len(fact.agreeing)}" if fact.agreeing else ""),
    ]


def _field(name: str) -> Callable[[Fact], str]:
    return lambda fact: str(fact.document.get(name) or "")


def _summary(fact: Fact) -> str:
    return fact.summary


def render_timeline(entries: Sequence[Fact], output_format: str = "text", *,
                    width: int | None = 120, total: int | None = None,
                    offset: int = 0) -> str:  # fmt: skip
    """A timeline as one table: date, fact, flags, confidence, sources, record. ``entries``
    may be one page of a timeline of ``total`` entries, starting at ``offset`` (0 the first):
    the title says which."""
    page = _Page(output_format, width)
    title = f"Timeline — {len(entries)} entries"
    if total is not None and (offset, len(entries)) != (0, total):
        title = f"Timeline — entries {offset + 1}–{offset + len(entries)} of {total}"
        if not entries:
            title = f"Timeline — none of {total} entries after the first {offset}"
    page.facts(title, entries, _summary)
    return page.done()


def render_entity(view: EntityView, output_format: str = "text", *,
                  width: int | None = 120) -> str:  # fmt: skip
    """An entity's view: its names and date, then a table per section (life, events and
    roles, quotations, attributes, relations), its conflicts and the sources it rests on."""
    page = _Page(output_format, width)
    page.line(f"{page.text(view.label)} ({page.text(view.id)})", heading=True)
    if view.labels:
        page.line("names: " + "; ".join(f"{k}: {page.text(v)}" for k, v in view.labels.items()))
    if view.date is not None:
        page.line(f"date: {page.text(view.date.display or view.date.date)}")
    if view.merged:
        page.line("same as: " + ", ".join(page.text(i) for i in view.merged_ids))
    for lang, names in (view.names or {}).items():
        for variant in names.variants:
            value = variant.document.get("value")
            page.line(f"name variant ({lang}): {page.text(value)} {_flags(variant.flags)}")
    if view.life is not None and (view.life.born or view.life.died):
        rows = [_fact_row(f, "born") for f in view.life.born]
        rows += [_fact_row(f, "died") for f in view.life.died]
        page.table("Life", FACT_TABLE_COLUMNS, rows)
    if view.participations:
        page.facts(
            "Events and roles",
            view.participations,
            lambda f: f"{f.other_label} — {f.document.get('role')}",
        )
    if view.kind == "person":
        if view.quotations.said:
            page.facts("Quotations said", view.quotations.said, _field("text"))
        if view.quotations.received:
            page.facts("Quotations received", view.quotations.received, _field("text"))
    elif view.quotations.all():
        page.facts("Quotations", view.quotations.all(), _field("text"))
    attributes = [fact for facts in view.attributes.values() for fact in facts]
    if attributes:
        page.facts(
            "Attributes",
            attributes,
            lambda f: f"{f.document.get('property')}: {f.document.get('value', '')}",
        )
    if view.relations:
        page.facts(
            "Relations",
            view.relations,
            lambda f: f"{f.document.get('predicate')} {f.other_label}",
        )
    if view.same_as:
        page.facts(
            "Same as",
            view.same_as,
            lambda f: f"{f.document['subject']} = {f.document['object']}: {f.note or ''}",
        )
    for conflict in view.conflicts:
        _conflict(page, conflict)
    page.line("sources: " + ", ".join(page.text(s) for s in view.sources))
    return page.done()


def _conflict(page: _Page, conflict: Conflict) -> None:
    state = "open" if conflict.open else "resolved"
    preferred = conflict.preferred
    why = f"; preferred {preferred[:12]} ({conflict.because})" if preferred else ""
    title = f"Conflict ({state}): {conflict.label} — {conflict.property}{why}"
    rows = [
        [*_fact_row(claim.fact, str(claim.value or "")), claim.status] for claim in conflict.claims
    ]
    page.table(title, [*FACT_TABLE_COLUMNS, "status"], rows)


def render_conflicts(conflicts: Sequence[Conflict], output_format: str = "text", *,
                     width: int | None = 120) -> str:  # fmt: skip
    """Every conflict as a table of its claims side by side, with their status."""
    page = _Page(output_format, width)
    if not conflicts:
        return "no conflicts\n"
    for conflict in conflicts:
        _conflict(page, conflict)
    return page.done()


def render_source_impact(impact: SourceImpact, output_format: str = "text", *,
                         width: int | None = 120) -> str:  # fmt: skip
    """A source's standing, the facts citing it and those that would be left with none."""
    page = _Page(output_format, width)
    page.line(f"{page.text(impact.title)} ({page.text(impact.id)})")
    standing = [impact.source_type or "", impact.publication_status or "", _flags(impact.flags)]
    page.line(page.text(" · ".join(item for item in standing if item)))
    if impact.note:
        page.line(page.text(impact.note))
    if impact.parts:
        page.line("parts: " + ", ".join(page.text(part) for part in impact.parts))
    counts = impact.counts
    page.facts(f"Records citing it — {counts['citing']}", impact.records, _summary)
    page.facts(
        f"Would be left with no source — {counts['would_lose_all_sources']}",
        impact.would_lose_all_sources,
        _summary,
    )
    return page.done()


def render_history(entity_id: str, items: Sequence[HistoryItem], output_format: str = "text",
                   *, width: int | None = 120) -> str:  # fmt: skip
    """Every record about an entity in log order: entry, record time, kind, what it states,
    and whether it stands (or what superseded or retracted it)."""
    page = _Page(output_format, width)
    rows = [
        [str(item.fact.seq), item.fact.recorded[:19], item.fact.kind, item.fact.summary,
         item.status + (f" by {item.corrected_by[:12]}" if item.corrected_by else ""),
         item.fact.record[:12]]
        for item in items
    ]  # fmt: skip
    columns = ["seq", "recorded", "kind", "fact", "status", "record"]
    page.table(f"History of {entity_id}", columns, rows)
    return page.done()
