"""TimelineJS 3: one slide per dated fact, its text ending with its formatted citation."""

from __future__ import annotations

import html
from typing import Any

import orjson

from fonds.exports.base import ExportContext
from fonds.exports.citeproc import Formatter, cites
from fonds.exports.csl import csl_item
from fonds.exports.selection import Selection
from fonds.model.dates import date_parts
from fonds.views.answers import Fact

__all__ = ["export", "timelinejs"]


def _slide_date(fact: Fact, end: bool = False) -> dict[str, Any] | None:
    if fact.date is None:
        return None
    text = fact.date.date
    parts = date_parts(text)
    if parts is None:
        return None
    chosen = parts["date-parts"][-1 if end else 0]
    if end and len(parts["date-parts"]) == 1:
        return None
    date: dict[str, Any] = {"year": chosen[0]}
    if len(chosen) > 1:
        date["month"] = chosen[1]
    if len(chosen) > 2:
        date["day"] = chosen[2]
    if not end and "T" in text and len(text) >= 16:
        date["hour"], date["minute"] = int(text[11:13]), int(text[14:16])
    date["display_date"] = fact.date.display if fact.date.display is not None else text
    return date


def timelinejs(selection: Selection, formatter: Formatter, title: str) -> bytes:
    """TimelineJS 3 JSON: one slide per dated fact, its text ending with its citation."""
    items = [csl_item(source) for source in selection.sources.values()]
    facts = [f for f in selection.facts if _slide_date(f) is not None]
    groups = [cites(fact.sources) for fact in facts]
    rendered = formatter.render(items, [g for g in groups if g]) if any(groups) else None
    notes = iter(rendered.notes if rendered else ())
    events = []
    for fact, group in zip(facts, groups, strict=True):
        citation = next(notes) if group else ""
        text = html.escape(fact.summary)
        flags = " ".join(f"[{html.escape(flag)}]" for flag in fact.flags)
        body = f"<p>{text}</p>" + (f"<p>{flags}</p>" if flags else "")
        if citation:
            body += f"<p><small>{citation}</small></p>"
        display = fact.date.display if fact.date is not None else None
        event: dict[str, Any] = {
            "start_date": _slide_date(fact),
            "text": {"headline": html.escape(display or ""), "text": body},
            "unique_id": fact.record[:16],
        }
        end = _slide_date(fact, end=True)
        if end is not None:
            event["end_date"] = end
        events.append(event)
    document = {"title": {"text": {"headline": html.escape(title)}}, "events": events}
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def export(context: ExportContext) -> bytes:
    """The export format ``timelinejs``."""
    return timelinejs(context.selection, context.formatter, context.title)
