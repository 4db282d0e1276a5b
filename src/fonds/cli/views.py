"""timeline, person, place, event, source, conflicts, history: print the library's views."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import orjson

from fonds.cli.common import (
    F,
    as_of_option,
    emit,
    format_option,
    log_option,
    open_log,
    out_option,
    views_of,
)
from fonds.views import EntityView, UnknownIdError, Views
from fonds.views.render import (
    render_conflicts,
    render_entity,
    render_history,
    render_source_impact,
    render_timeline,
)

VIEW_FORMATS = ("text", "json", "md")


def _views(log_dir: str) -> Views:
    return views_of(open_log(log_dir))


_C1 = re.compile("[\x7f-\x9f]")


def _json(value: Any) -> str:
    # JSON may hold C1 controls raw (orjson escapes C0 only); a terminal may act on them
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    return _C1.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _width() -> int | None:
    """A terminal's own width; 120 columns when the output goes to a file or a pipe."""
    return None if sys.stdout.isatty() else 120


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
@click.option(
    "--limit", type=click.IntRange(min=0), metavar="N",
    help="Print at most N entries (and how many there are in all).",
)  # fmt: skip
@click.option(
    "--offset", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
    help="Skip the first N entries.",
)  # fmt: skip
def timeline(
    log_dir: str, output_format: str, as_of: str | None, out: Path | None,
    date_from: str | None, date_to: str | None, person: str | None, place: str | None,
    flag: str | None, min_confidence: str | None, within: bool, limit: int | None, offset: int,
) -> None:  # fmt: skip
    """Events and dated facts in historical order; --limit and --offset print one page of
    them (only the entries printed are built)."""
    entries = _views(log_dir).timeline(
        as_of, date_from=date_from, date_to=date_to, person=person, place=place,
        flag=flag, min_confidence=min_confidence, within=within,
    )  # fmt: skip
    paged = limit is not None or offset > 0
    shown = entries.page(offset, limit) if paged else entries
    if output_format == "json":
        facts = [entry.to_json() for entry in shown]
        if paged:  # a page says where it is in the whole
            emit(_json({"total": len(entries), "offset": offset, "entries": facts}), out)
        else:
            emit(_json(facts), out)
        return
    emit(render_timeline(shown, output_format, width=_width(), total=len(entries),
                         offset=offset), out)  # fmt: skip


def _entity_command(
    name: str, ask: Callable[[Views, str, str | None], EntityView]
) -> click.Command:
    @click.command(name=name)
    @click.argument("entity_id", metavar="ID")
    @log_option
    @format_option(*VIEW_FORMATS)
    @as_of_option
    @out_option
    def command(
        entity_id: str, log_dir: str, output_format: str, as_of: str | None, out: Path | None
    ) -> None:
        if ":" not in entity_id:
            entity_id = f"{name}:{entity_id}"
        view = ask(_views(log_dir), entity_id, as_of)
        if output_format == "json":
            emit(_json(view.to_json()), out)
        else:
            emit(render_entity(view, output_format, width=_width()), out)

    command.help = f"One {name}: names, dates, events and roles, quotations, sources, conflicts."
    return command


person = _entity_command("person", Views.person)
place = _entity_command("place", Views.place)
event = _entity_command("event", Views.event)


@click.command()
@click.argument("source_id", metavar="ID")
@log_option
@format_option(*VIEW_FORMATS)
@as_of_option
@out_option
def source(
    source_id: str, log_dir: str, output_format: str, as_of: str | None, out: Path | None
) -> None:
    """What rests on a source: every record citing it, and what would fall without it."""
    if ":" not in source_id:
        source_id = f"source:{source_id}"
    impact = _views(log_dir).source(source_id, as_of)
    if output_format == "json":
        emit(_json(impact.to_json()), out)
        return
    emit(render_source_impact(impact, output_format, width=_width()), out)


@click.command()
@log_option
@format_option(*VIEW_FORMATS)
@as_of_option
@out_option
def conflicts(log_dir: str, output_format: str, as_of: str | None, out: Path | None) -> None:
    """Every fact that sources disagree on, side by side."""
    found = _views(log_dir).conflicts(as_of)
    if output_format == "json":
        emit(_json([conflict.to_json() for conflict in found]), out)
        return
    emit(render_conflicts(found, output_format, width=_width()), out)


@click.command()
@click.argument("entity_id", metavar="ID")
@log_option
@format_option(*VIEW_FORMATS)
@as_of_option
@out_option
def history(
    entity_id: str, log_dir: str, output_format: str, as_of: str | None, out: Path | None
) -> None:
    """Every record about an entity in log order, with supersessions and retractions."""
    items = _views(log_dir).history(entity_id, as_of)
    if output_format == "json":
        emit(_json([item.to_json() for item in items]), out)
        return
    emit(render_history(entity_id, items, output_format, width=_width()), out)


COMMANDS = (timeline, person, place, event, source, conflicts, history)
__all__ = ["COMMANDS", "UnknownIdError"]
