"""timeline, person, place, event, source, conflicts, history: print the library's views."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from fonds.cli.common import F, as_of_option, emit, format_option, log_option, open_log, out_option
from fonds.views import UnknownIdError, Views

VIEW_FORMATS = ("text", "json", "md")


def _views(log_dir: Path) -> Views:
    return Views(open_log(log_dir))


def _json(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()


def _console_text(render: Any) -> str:
    buffer = io.StringIO()
    width = 120 if not sys.stdout.isatty() else None
    console = Console(file=buffer, width=width, force_terminal=False, highlight=False)
    render(console)
    return buffer.getvalue()


def _sources(fact: Mapping[str, Any]) -> str:
    parts = []
    for citation in fact.get("sources", ()):
        locator = citation.get("locator")
        where = f" {locator['label']} {locator['value']}" if locator else ""
        parts.append(f"{citation['source']}{where}")
    return "; ".join(parts)


def _flags(fact: Mapping[str, Any]) -> str:
    return " ".join(f"[{flag}]" for flag in fact.get("flags", ()))


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(title: str, columns: list[str], rows: Iterable[list[str]], output_format: str) -> str:
    rows = list(rows)
    if output_format == "md":
        lines = [f"### {title}", "", "| " + " | ".join(columns) + " |"]
        lines.append("|" + "---|" * len(columns))
        lines.extend("| " + " | ".join(_md_escape(c) for c in row) + " |" for row in rows)
        return "\n".join(lines) + "\n"

    def render(console: Console) -> None:
        table = Table(title=Text(title), title_justify="left", show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        console.print(table)

    return _console_text(render)


def _fact_rows(facts: Iterable[Mapping[str, Any]], what: str = "summary") -> list[list[str]]:
    return [
        [
            str(f.get("display") or f.get("date") or ""),
            str(f.get(what) or f.get("value") or f.get("text") or f.get("label") or ""),
            _flags(f),
            str(f.get("confidence", "")),
            _sources(f),
            str(f["record"])[:12],
        ]
        for f in facts
    ]


FACT_COLUMNS = ["date", "fact", "flags", "confidence", "sources", "record"]


def filter_options(function: F) -> F:
    """The timeline's filters, shared by every command that selects facts."""
    for option in reversed(
        (
            click.option(
                "--from", "date_from", metavar="EDTF", help="Only what overlaps from this date."
            ),
            click.option(
                "--to", "date_to", metavar="EDTF", help="Only what overlaps up to this date."
            ),
            click.option("--person", metavar="ID", help="Only what concerns this person."),
            click.option("--place", metavar="ID", help="Only what concerns this place."),
            click.option("--flag", metavar="FLAG", help="Only records with this flag."),
            click.option(
                "--min-confidence", metavar="TERM", help="Only records at least this sure."
            ),
            click.option(
                "--within",
                is_flag=True,
                help="Only dates that lie wholly inside --from/--to (not those that may overlap).",
            ),
        )
    ):
        function = option(function)
    return function


@click.command()
@log_option
@format_option(*VIEW_FORMATS)
@as_of_option
@out_option
@filter_options
def timeline(
    log_dir: Path, output_format: str, as_of: str | None, out: Path | None,
    date_from: str | None, date_to: str | None, person: str | None, place: str | None,
    flag: str | None, min_confidence: str | None, within: bool,
) -> None:  # fmt: skip
    """Events and dated facts in historical order."""
    entries = _views(log_dir).timeline(
        as_of, date_from=date_from, date_to=date_to, person=person, place=place,
        flag=flag, min_confidence=min_confidence, within=within,
    )  # fmt: skip
    if output_format == "json":
        emit(_json(entries), out)
        return
    rows = _fact_rows(entries)
    emit(_table(f"Timeline — {len(rows)} entries", FACT_COLUMNS, rows, output_format), out)


def _entity_command(name: str, prefix: str) -> click.Command:
    @click.command(name=name)
    @click.argument("entity_id", metavar="ID")
    @log_option
    @format_option(*VIEW_FORMATS)
    @as_of_option
    @out_option
    def command(
        entity_id: str, log_dir: Path, output_format: str, as_of: str | None, out: Path | None
    ) -> None:
        if ":" not in entity_id:
            entity_id = f"{prefix}:{entity_id}"
        view = _views(log_dir).entity(entity_id, as_of)
        emit(_json(view) if output_format == "json" else _entity_text(view, output_format), out)

    command.help = f"One {name}: names, dates, events and roles, quotations, sources, conflicts."
    return command


person = _entity_command("person", "person")
place = _entity_command("place", "place")
event = _entity_command("event", "event")


def _entity_text(view: Mapping[str, Any], output_format: str) -> str:
    heading = next(iter(view.get("labels", {}).values()), view["id"])
    parts = [
        f"# {heading} ({view['id']})\n" if output_format == "md" else f"{heading} ({view['id']})\n"
    ]
    labels = view.get("labels", {})
    if labels:
        parts.append("names: " + "; ".join(f"{k}: {v}" for k, v in labels.items()) + "\n")
    if view.get("date"):
        parts.append(f"date: {view.get('display') or view['date']}\n")
    for lang, names in view.get("names", {}).items():
        for variant in names["variants"]:
            parts.append(f"name variant ({lang}): {variant['value']} {_flags(variant)}\n")
    life = view.get("life", {})
    life_facts = [{**f, "summary": prop} for prop in ("born", "died") for f in life.get(prop, [])]
    if life_facts:
        parts.append(_table("Life", FACT_COLUMNS, _fact_rows(life_facts), output_format))
    events = view.get("events") or view.get("participants") or view.get("participations") or []
    if events:
        rows = [
            [*r[:1], f"{f.get('label')} — {f.get('role')}", *r[2:]]
            for f, r in zip(events, _fact_rows(events), strict=True)
        ]
        parts.append(_table("Events and roles", FACT_COLUMNS, rows, output_format))
    quotations = view.get("quotations", {})
    if isinstance(quotations, dict):
        for side in ("said", "received"):
            if quotations.get(side):
                parts.append(
                    _table(
                        f"Quotations {side}",
                        FACT_COLUMNS,
                        _fact_rows(quotations[side], "text"),
                        output_format,
                    )
                )
    elif quotations:
        parts.append(
            _table("Quotations", FACT_COLUMNS, _fact_rows(quotations, "text"), output_format)
        )
    attributes = [
        {**f, "summary": f"{prop}: {f.get('value', '')}"}
        for prop, facts in view.get("attributes", {}).items()
        for f in facts
    ]
    if attributes:
        parts.append(_table("Attributes", FACT_COLUMNS, _fact_rows(attributes), output_format))
    relations = [
        {**f, "summary": f"{f['predicate']} {f['label']}"} for f in view.get("relations", [])
    ]
    if relations:
        parts.append(_table("Relations", FACT_COLUMNS, _fact_rows(relations), output_format))
    for conflict in view.get("conflicts", []):
        parts.append(_conflict_text(conflict, output_format))
    parts.append("sources: " + ", ".join(view.get("sources", [])) + "\n")
    return "\n".join(parts)


def _conflict_text(conflict: Mapping[str, Any], output_format: str) -> str:
    state = "open" if conflict["open"] else "resolved"
    preferred = conflict.get("preferred")
    why = f"; preferred {preferred[:12]} ({conflict['preferred_because']})" if preferred else ""
    title = f"Conflict ({state}): {conflict['label']} — {conflict['property']}{why}"
    rows = [
        [*r, f["status"]]
        for f, r in zip(conflict["claims"], _fact_rows(conflict["claims"], "value"), strict=True)
    ]
    return _table(title, [*FACT_COLUMNS, "status"], rows, output_format)


@click.command()
@click.argument("source_id", metavar="ID")
@log_option
@format_option(*VIEW_FORMATS)
@as_of_option
@out_option
def source(
    source_id: str, log_dir: Path, output_format: str, as_of: str | None, out: Path | None
) -> None:
    """What rests on a source: every record citing it, and what would fall without it."""
    if ":" not in source_id:
        source_id = f"source:{source_id}"
    view = _views(log_dir).source(source_id, as_of)
    if output_format == "json":
        emit(_json(view), out)
        return
    parts = [f"{view['title']} ({view['id']})\n"]
    standing = [view.get("source_type", ""), view.get("publication_status", "")]
    standing.append(_flags(view))
    parts.append(" · ".join(item for item in standing if item) + "\n")
    if view.get("note"):
        parts.append(f"{view['note']}\n")
    if view["parts"]:
        parts.append("parts: " + ", ".join(view["parts"]) + "\n")
    parts.append(
        _table(
            f"Records citing it — {view['counts']['citing']}",
            FACT_COLUMNS,
            _fact_rows(view["records"]),
            output_format,
        )
    )
    parts.append(
        _table(
            f"Would be left with no source — {view['counts']['would_lose_all_sources']}",
            FACT_COLUMNS,
            _fact_rows(view["would_lose_all_sources"]),
            output_format,
        )
    )
    emit("\n".join(parts), out)


@click.command()
@log_option
@format_option(*VIEW_FORMATS)
@as_of_option
@out_option
def conflicts(log_dir: Path, output_format: str, as_of: str | None, out: Path | None) -> None:
    """Every fact that sources disagree on, side by side."""
    found = _views(log_dir).conflicts(as_of)
    if output_format == "json":
        emit(_json(found), out)
        return
    if not found:
        emit("no conflicts", out)
        return
    emit("\n".join(_conflict_text(c, output_format) for c in found), out)


@click.command()
@click.argument("entity_id", metavar="ID")
@log_option
@format_option(*VIEW_FORMATS)
@as_of_option
@out_option
def history(
    entity_id: str, log_dir: Path, output_format: str, as_of: str | None, out: Path | None
) -> None:
    """Every record about an entity in log order, with supersessions and retractions."""
    rows = _views(log_dir).history(entity_id, as_of)
    if output_format == "json":
        emit(_json(rows), out)
        return
    table = [
        [str(r["seq"]), r["recorded"][:19], r["kind"], str(r.get("summary", "")),
         r["status"] + (f" by {r['corrected_by'][:12]}" if "corrected_by" in r else ""),
         r["record"][:12]]
        for r in rows
    ]  # fmt: skip
    columns = ["seq", "recorded", "kind", "fact", "status", "record"]
    emit(_table(f"History of {entity_id}", columns, table, output_format), out)


COMMANDS = (timeline, person, place, event, source, conflicts, history)
__all__ = ["COMMANDS", "UnknownIdError"]
