"""fonds cite and fonds export: citation-ready output."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from fonds.cli.common import (
    as_of_option,
    check_output_path,
    emit,
    error_line,
    format_option,
    log_option,
    open_log,
    out_option,
    views_of,
    write_output,
)
from fonds.cli.views import filter_options
from fonds.exports.base import ExportContext
from fonds.exports.bibtex import DIALECTS
from fonds.exports.cite_record import cite as cite_record
from fonds.exports.citeproc import DEFAULT_STYLE
from fonds.exports.registry import FORMATS
from fonds.exports.tables import PARTITIONS, write_partitioned
from fonds.problems import UsageError

EXPORT_FORMATS = tuple(FORMATS)


def style_option(function: click.decorators.FC) -> click.decorators.FC:
    """The ``--style`` option: the CSL style citations are formatted in."""
    return click.option(
        "--style",
        default=DEFAULT_STYLE,
        show_default=True,
        help="A CSL style: an official style name (apa, modern-language-association, ...)"
        " or a path to a .csl file.",
    )(function)


@click.command()
@click.argument("identifier", metavar="ID")
@log_option
@format_option("text", "json", "html")
@as_of_option
@style_option
def cite(identifier: str, log_dir: str, output_format: str, as_of: str | None, style: str) -> None:
    """Cite a source, an entity (by its declaration) or any record (by its hash).

    Prints the footnote (or in-text citation) in the style, the bibliography entries, and the
    record itself cited as data.
    """
    log = open_log(log_dir)
    result = cite_record(log, views_of(log), identifier, style, as_of)
    if output_format == "json":
        emit(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
        return
    suffix = "_html" if output_format == "html" else ""
    lines = []
    if "note" in result:
        label = "Note" if result["note_style"] else "Citation"
        lines.append(f"{label}: {result['note' + suffix]}")
        lines.extend(f"Bibliography: {entry}" for entry in result["bibliography" + suffix])
    else:
        lines.append("This record cites no source.")
    lines.append(f"As data: {result['as_data']}")
    emit("\n".join(lines))


@click.command(name="export")
@click.argument("export_format", metavar="FORMAT", type=click.Choice(EXPORT_FORMATS))
@log_option
@as_of_option
@out_option
@style_option
@filter_options
@click.option("--title", default=None, help="Title of a report or timeline.")
@click.option("--bom", is_flag=True, help="Start a CSV with a byte-order mark (for Excel).")
@click.option(
    "--dialect",
    type=click.Choice(DIALECTS),
    default=None,
    help="bibtex: BibTeX's fields (the default) or biblatex's data model, as biber reads it.",
)
@click.option(
    "--partition-by",
    type=click.Choice(PARTITIONS),
    default=None,
    help="parquet: write a hive-partitioned data set into the new folder --out.",
)
def export(
    export_format: str, log_dir: str, as_of: str | None, out: Path | None, style: str,
    date_from: str | None, date_to: str | None, person: str | None, place: str | None,
    flag: str | None, min_confidence: str | None, within: bool, title: str | None, bom: bool,
    dialect: str | None, partition_by: str | None,
) -> None:  # fmt: skip
    """Write the log, or the part a view selects, in FORMAT.

    csl-json, bibtex and ris write the sources (those behind the selected facts when a filter
    is given); prov-* the provenance of every record; csv, parquet, timelinejs, md and html the
    selected facts with their citations.
    """
    exporter = FORMATS[export_format]
    if exporter.needs_out and out is None:
        raise UsageError(f"export {export_format}: --out FILE is needed (the format is binary)")
    if dialect is not None and export_format != "bibtex":
        raise UsageError("--dialect: only with export bibtex")
    log = open_log(log_dir)
    filters = {
        "date_from": date_from, "date_to": date_to, "person": person, "place": place,
        "flag": flag, "min_confidence": min_confidence, "within": within,
    }  # fmt: skip
    context = ExportContext(
        log, views_of(log), as_of=as_of, filters=filters, style=style, title=title, bom=bom,
        dialect=dialect or "bibtex",
    )  # fmt: skip
    if partition_by is not None:
        if export_format != "parquet" or out is None:
            raise UsageError("--partition-by: only with export parquet and --out FOLDER")
        check_output_path(out)
        count = write_partitioned(context, out, partition_by)
        error_line(f"{count} facts written to {out}, partitioned by {partition_by}")
        return
    write_output(exporter.export(context), out)
