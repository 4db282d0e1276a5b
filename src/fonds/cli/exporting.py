"""fonds cite and fonds export: citation-ready output."""

from __future__ import annotations

from pathlib import Path

import click
import orjson

from fonds.cli.common import as_of_option, emit, format_option, log_option, open_log, out_option
from fonds.cli.importing import write_atomically
from fonds.cli.views import filter_options
from fonds.exports import formats
from fonds.exports.cite import DEFAULT_STYLE, Formatter
from fonds.exports.citing import cite as cite_record
from fonds.exports.report import html_report, markdown_report
from fonds.exports.selection import select
from fonds.problems import UsageError
from fonds.views import Views

EXPORT_FORMATS = (
    "csl-json",
    "bibtex",
    "ris",
    "prov-json",
    "prov-n",
    "prov-xml",
    "prov-ttl",
    "csv",
    "parquet",
    "timelinejs",
    "md",
    "html",
)
_PROV = {"prov-json": "json", "prov-n": "provn", "prov-xml": "xml", "prov-ttl": "rdf"}


def style_option(function: click.decorators.FC) -> click.decorators.FC:
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
def cite(identifier: str, log_dir: Path, output_format: str, as_of: str | None, style: str) -> None:
    """Cite a source, an entity (by its declaration) or any record (by its hash).

    Prints the footnote (or in-text citation) in the style, the bibliography entries, and the
    record itself cited as data.
    """
    log = open_log(log_dir)
    result = cite_record(log, Views(log), identifier, style, as_of)
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
def export(
    export_format: str, log_dir: Path, as_of: str | None, out: Path | None, style: str,
    date_from: str | None, date_to: str | None, person: str | None, place: str | None,
    flag: str | None, min_confidence: str | None, within: bool, title: str | None,
) -> None:  # fmt: skip
    """Write the log, or the part a view selects, in FORMAT.

    csl-json, bibtex and ris write the sources (those behind the selected facts when a filter
    is given); prov-* the provenance of every record; csv, parquet, timelinejs, md and html the
    selected facts with their citations.
    """
    log = open_log(log_dir)
    views = Views(log)
    if export_format in _PROV:
        document = formats.prov_document(log, as_of)
        write_atomically(document.serialize(format=_PROV[export_format]).encode(), out)
        return
    selection = select(
        views, as_of, date_from=date_from, date_to=date_to, person=person, place=place,
        flag=flag, min_confidence=min_confidence, within=within,
    )  # fmt: skip
    heading = title or _default_title(views, person, place, date_from, date_to)
    data: bytes
    if export_format == "csl-json":
        data = formats.csl_json(selection)
    elif export_format == "bibtex":
        data = formats.bibtex(selection).encode()
    elif export_format == "ris":
        data = formats.ris(selection).encode()
    elif export_format == "csv":
        data = formats.csv_table(selection).encode()
    elif export_format == "parquet":
        if out is None:
            raise UsageError("export parquet: --out FILE is needed (Parquet is binary)")
        formats.parquet(selection, out)
        return
    elif export_format == "timelinejs":
        data = formats.timelinejs(selection, Formatter(style), heading)
    elif export_format == "md":
        data = markdown_report(selection, Formatter(style), heading).encode()
    else:
        source = Path(log.location).resolve().name
        lede = f"{len(selection.facts)} facts from the log “{source}”, cited in the {style} style."
        data = html_report(selection, Formatter(style), heading, lede).encode()
    write_atomically(data, out)


def _default_title(
    views: Views, person: str | None, place: str | None, date_from: str | None, date_to: str | None
) -> str:
    subject = person or place
    title = views.at().label(subject) if subject else "Timeline"
    if date_from or date_to:
        title += f", {date_from or '…'} to {date_to or '…'}"
    return title
