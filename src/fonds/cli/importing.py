"""fonds import: draft records from other formats, written as a contribution file."""

from __future__ import annotations

import sys
from pathlib import Path

import attrs
import click

from fonds.cli.common import (
    error_line,
    format_option,
    target_log,
    target_log_option,
    write_output,
)
from fonds.cli.core import print_problems
from fonds.importers.archive import Archive
from fonds.importers.draft import Draft
from fonds.importers.page import import_page
from fonds.importers.sheet import column_for, read_sheet, recording_agent, template
from fonds.log import LogStore
from fonds.model.kinds import KINDS
from fonds.model.vocabulary import default_vocabulary
from fonds.problems import UsageError
from fonds.validate import validate_lines
from fonds.views import Views


@click.group(name="import")
def import_group() -> None:
    """Draft records from other formats, as a contribution to validate and append."""


@import_group.command(name="page")
@click.argument("page", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the contribution (JSON Lines) here instead of stdout.",
)
@click.option("--source-id", default=None, help="Id for the page as a source.")
@click.option("--event-id", default=None, help="Id for the page's event.")
@click.option("--date", "event_date", default=None, metavar="EDTF", help="Date of the event.")
@click.option(
    "--recorded-by",
    default=None,
    metavar="AGENT",
    help="Agent id to record as the author (declared in the log or elsewhere).",
)
@click.option("--url", default=None, help="Where the page was read.")
@click.option("--accessed", default=None, metavar="EDTF", help="When the page was read.")
@click.option("--language", default="en", show_default=True, help="Language of the page.")
@target_log_option
@click.option(
    "--standalone",
    is_flag=True,
    help="Draft a self-contained contribution, declaring every entity, whatever the log holds.",
)
@click.option(
    "--skip-unreadable",
    is_flag=True,
    help="Write what could be read even when some lines could not be.",
)
def page(
    page: Path,
    out: Path | None,
    source_id: str | None,
    event_id: str | None,
    event_date: str | None,
    recorded_by: str | None,
    url: str | None,
    accessed: str | None,
    language: str,
    log_dir: str | None,
    standalone: bool,
    skip_unreadable: bool,
) -> None:
    """Turn an event page of a historical-timeline site into draft records.

    The draft is fitted to the log in --log when there is one: what the log holds is left out,
    its entities are reused, and what a corrected page changed supersedes it (--standalone
    drafts the page on its own).
    """
    archive = None if standalone else archive_of(target_log(log_dir))
    try:
        draft = import_page(
            page,
            source_id=source_id,
            event_id=event_id,
            event_date=event_date,
            recorded_by=recorded_by,
            url=url,
            accessed=accessed,
            language=language,
            archive=archive,
        )
    except UnicodeDecodeError as exc:
        raise UsageError(f"{page}: not UTF-8 text (byte {exc.start})") from None
    for problem in draft.problems:
        error_line(str(problem))
    if draft.problems and not skip_unreadable:
        error_line(
            f"nothing written: {len(draft.problems)} line(s) could not be read"
            " (--skip-unreadable writes the rest)"
        )
        sys.exit(1)
    write_output(draft.jsonl(), out)
    if draft.already_there:
        error_line(f"{draft.already_there} record(s) read from {page} are already in the log")
    if out is not None:
        error_line(f"{len(draft.records)} draft records written to {out}")


def archive_of(log: LogStore | None) -> Archive | None:
    """The archive an import goes into: that of the log, when there is one."""
    return None if log is None else Archive.of_log(log)


@import_group.command(name="csv")
@click.argument("sheet", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--kind", required=True, type=click.Choice(KINDS.names), help="Kind of the rows.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the contribution (JSON Lines) here instead of stdout.",
)
@click.option(
    "--recorded-by",
    default=None,
    metavar="AGENT",
    help="Agent id for rows without a recorded_by cell.",
)
@target_log_option
@click.option(
    "--standalone",
    is_flag=True,
    help="Keep every row, declarations of entities the log holds too (checked on their own).",
)
@format_option("text", "json", "github")
def csv_sheet(
    sheet: Path,
    kind: str,
    out: Path | None,
    recorded_by: str | None,
    log_dir: str | None,
    standalone: bool,
    output_format: str,
) -> None:
    """Turn a spreadsheet (CSV, one record a row) into a contribution; all rows or nothing.

    Rows are fitted to the log in --log when there is one (rows it holds are left out, entities
    it declares reused) and checked against it like any contribution; --standalone keeps every
    row and checks them on their own.
    """
    log = None if standalone else target_log(log_dir)
    draft = read_sheet(sheet, kind, recorded_by, None if log is None else Archive.of_log(log))
    problems = list(draft.problems)
    valid: list[dict[str, object]] = []
    if draft.records:
        rows = list(draft.numbered(str(sheet)))
        if log is not None:
            report = log.validate(rows)
        else:
            report = validate_lines(rows, default_vocabulary(), None)
        problems.extend(
            attrs.evolve(p, column=column_for(kind, p.pointer)) for p in report.problems
        )
        valid = [dict(item.document) for item in report.records]
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or ""))
        print_problems(problems, output_format)
        error_line(f"nothing written: {len(problems)} problem(s) in {sheet}")
        sys.exit(1)
    write_output(Draft(tuple(valid)).jsonl(), out)
    if draft.already_there:
        error_line(f"{draft.already_there} row(s) of {sheet} are already in the log")
    if out is not None:
        error_line(f"{len(valid)} records written to {out}")


@click.group(name="template")
def template_group() -> None:
    """Blank forms for contributors."""


@template_group.command(name="csv")
@click.argument("kind", type=click.Choice(KINDS.names))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None)
@click.option(
    "--recorded-by",
    default=None,
    metavar="AGENT",
    help="Agent id for the example row (default: the archive's recording agent).",
)
@target_log_option
def csv_template(kind: str, out: Path | None, recorded_by: str | None, log_dir: str | None) -> None:
    """A CSV header for KIND records, with one example row to overwrite.

    The example names only what the archive in --log declares, so it imports there as it is;
    where it cannot, a comment row (starting with #) says what must be declared first.
    """
    known: list[str] | None = None
    log = target_log(log_dir)
    if log is not None:
        query = Views(log).at()
        declared = sorted(
            (seq, entity_id)
            for entity_id in query.known_ids()
            if (seq := query.declaration(entity_id)) is not None
        )
        known = [entity_id for _, entity_id in declared]
        if recorded_by is None:
            agents = [query.document(seq) for seq, i in declared if KINDS.kind_of_id(i) == "agent"]
            recorded_by = recording_agent(agents)
    elif recorded_by is None:
        recorded_by = "agent:fonds-editors"  # the agent of the data fonds ships
    write_output(template(kind, recorded_by, known).encode("utf-8"), out)
