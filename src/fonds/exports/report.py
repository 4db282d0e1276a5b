"""Reports a person reads: a timeline as entries with numbered footnotes and a bibliography.

The HTML is one self-contained file (no scripts, no fonts or images fetched); every value from
the data is escaped, and the citations come from the CSL processor already escaped.
"""

from __future__ import annotations

import html
from importlib import resources

from fonds.exports.base import ExportContext
from fonds.exports.citeproc import Cite, Formatter, Rendered, cites, html_to_text
from fonds.exports.csl import csl_item
from fonds.exports.selection import Selection
from fonds.views.answers import Fact
from fonds.views.render import MARKDOWN_ESCAPES

__all__ = ["export_html", "export_markdown", "html_report", "markdown_report"]


def _render(selection: Selection, formatter: Formatter) -> tuple[list[int | None], Rendered]:
    """Each fact's footnote number (None without sources), and the rendered notes."""
    items = [csl_item(source) for source in selection.sources.values()]
    numbers: list[int | None] = []
    groups: list[list[Cite]] = []
    for fact in selection.facts:
        group = cites(fact.sources)
        if group:
            groups.append(group)
            numbers.append(len(groups))
        else:
            numbers.append(None)
    rendered = formatter.render(items, groups) if groups else Rendered((), (), True)
    return numbers, rendered


def _when(fact: Fact) -> str:
    return (fact.date.display if fact.date is not None else None) or "undated"


def markdown_report(selection: Selection, formatter: Formatter, title: str) -> str:
    """The selected facts as a Markdown timeline with numbered footnotes and a bibliography."""
    numbers, rendered = _render(selection, formatter)
    lines = [f"# {title.translate(MARKDOWN_ESCAPES)}", ""]
    for fact, number in zip(selection.facts, numbers, strict=True):
        when = _when(fact)
        flags = " ".join(f"`{flag}`" for flag in fact.flags)
        text = fact.summary.translate(MARKDOWN_ESCAPES)
        mark = f"[^{number}]" if number else ""
        lines.append(f"- **{when}** — {text}{mark}" + (f" {flags}" if flags else ""))
    if rendered.notes:
        lines.append("")
        for number, note in enumerate(rendered.notes, start=1):
            lines.append(f"[^{number}]: {html_to_text(note).translate(MARKDOWN_ESCAPES)}")
    if rendered.bibliography:
        lines += ["", "## Bibliography", ""]
        lines += [
            f"- {html_to_text(e).translate(MARKDOWN_ESCAPES)}" for _, e in rendered.bibliography
        ]
    return "\n".join(lines) + "\n"


def _style() -> str:
    return resources.files("fonds").joinpath("data/report.css").read_text(encoding="utf-8")


def _badges(fact: Fact) -> str:
    badges = [
        f'<span class="badge {html.escape(flag)}">{html.escape(flag)}</span>' for flag in fact.flags
    ]
    if fact.confidence:
        confidence = html.escape(fact.confidence)
        badges.append(f'<span class="badge confidence">{confidence}</span>')
    return f'<span class="badges">{"".join(badges)}</span>' if badges else ""


def html_report(selection: Selection, formatter: Formatter, title: str, lede: str = "") -> str:
    """The selected facts as one self-contained HTML page: a timeline with flags as badges,
    numbered footnotes linked both ways, and a bibliography."""
    numbers, rendered = _render(selection, formatter)
    entries: list[str] = []
    for fact, number in zip(selection.facts, numbers, strict=True):
        when = html.escape(_when(fact))
        what = html.escape(fact.summary)
        mark = (
            f'<sup><a href="#note-{number}" id="ref-{number}" aria-label="note {number}">'
            f"{number}</a></sup>"
            if number
            else ""
        )
        kind = html.escape(fact.kind)
        entries.append(
            f'<li class="{kind}"><span class="when">{when}</span>'
            f'<span class="what">{what}{mark}{_badges(fact)}</span></li>'
        )
    notes = "".join(
        f'<li id="note-{number}">{note} <a class="back" href="#ref-{number}"'
        f' aria-label="back to the text">↩</a></li>'
        for number, note in enumerate(rendered.notes, start=1)
    )
    bibliography = "".join(f"<li>{entry}</li>" for _, entry in rendered.bibliography)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_style()}</style></head>",
        f"<body><main><h1>{html.escape(title)}</h1>",
        f'<p class="lede">{html.escape(lede)}</p>' if lede else "",
        f'<ol class="timeline">{"".join(entries)}</ol>',
        f'<section><h2>Notes</h2><ol class="notes">{notes}</ol></section>' if notes else "",
        f'<section><h2>Bibliography</h2><ul class="bibliography">{bibliography}</ul></section>'
        if bibliography
        else "",
        "</main></body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def export_markdown(context: ExportContext) -> bytes:
    """The export format ``md``."""
    return markdown_report(context.selection, context.formatter, context.title).encode()


def export_html(context: ExportContext) -> bytes:
    """The export format ``html``."""
    facts = len(context.selection.facts)
    lede = f"{facts} facts from the log “{context.log_name}”, cited in the {context.style} style."
    return html_report(context.selection, context.formatter, context.title, lede).encode()
