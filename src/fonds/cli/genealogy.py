"""fonds import gramps / fonds import gedcom: genealogy files as contributions.

Both write the draft as JSON Lines (stdout or ``--out``) after checking it against the target
log: ``--log DIR`` or ``$FONDS_LOG`` (which must hold a log), else ``./records`` when it
holds one. Entities the log already holds
(found by their Gramps or GEDCOM ids) are reused and records it already holds are left out, so
importing the same file twice drafts nothing new. Any problem is reported on stderr, one a
line with its place, and nothing is written (exit 1).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import click

from fonds.cli.common import (
    error_line,
    format_option,
    target_log,
    target_log_option,
    write_output,
)
from fonds.cli.core import print_problems
from fonds.cli.importing import import_group
from fonds.importers.gedcom import read_gedcom_file
from fonds.importers.genealogy import Existing, GenealogyImport
from fonds.importers.gramps import read_gramps
from fonds.model.vocabulary import Vocabulary, default_vocabulary
from fonds.validate import validate_lines

__all__ = ["gedcom", "gramps"]

Reader = Callable[..., GenealogyImport]


def _run(
    reader: Reader,
    file: Path,
    out: Path | None,
    log_dir: str | None,
    recorded_by: str | None,
    output_format: str,
    show_skipped: bool,
) -> None:
    log = target_log(log_dir)
    vocabulary: Vocabulary = log.vocabulary if log is not None else default_vocabulary()
    known = Existing.from_log(log) if log is not None else None
    result = reader(file, recorded_by=recorded_by, known=known, vocabulary=vocabulary)
    draft = result.draft
    problems = list(draft.problems)
    if not problems and draft.records:
        lines = list(draft.numbered(str(file)))
        report = log.validate(lines) if log is not None else validate_lines(lines, vocabulary)
        problems.extend(report.problems)
    if problems:
        print_problems(problems, output_format)
        error_line(f"nothing written: {len(problems)} problem(s) in {file}")
        sys.exit(1)
    write_output(draft.jsonl(), out)
    if show_skipped:
        for skipped in result.skipped:
            where = f"{file}:{skipped.line}" if skipped.line else str(file)
            error_line(f"{where}: left out {skipped.what}: {skipped.reason}")
    reasons = Counter(skipped.reason for skipped in result.skipped)
    summary = f"{len(draft.records)} draft records"
    if out is not None:
        summary += f" written to {out}"
    if log is not None:
        summary += (
            f"; {len(result.reused)} entities and {result.already_logged} records already in"
            f" {log.location}"
        )
    if reasons:
        summary += f"; {sum(reasons.values())} things left out (--show-skipped lists them)"
    error_line(summary)


def _options(function: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(
        [
            click.option(
                "--out",
                type=click.Path(path_type=Path, dir_okay=False),
                default=None,
                help="Write the contribution (JSON Lines) here instead of stdout.",
            ),
            target_log_option,
            click.option(
                "--recorded-by",
                default=None,
                metavar="AGENT",
                help="Agent id to record as the author (declared in the log or elsewhere);"
                " by default the importer declares itself.",
            ),
            click.option(
                "--show-skipped",
                is_flag=True,
                help="List on stderr what the file holds that became no record, and why.",
            ),
            format_option("text", "json", "github"),
        ]
    ):
        function = option(function)
    return function


@import_group.command(name="gramps")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@_options
def gramps(
    file: Path,
    out: Path | None,
    log_dir: str | None,
    recorded_by: str | None,
    show_skipped: bool,
    output_format: str,
) -> None:
    """Turn a Gramps XML database (.gramps, plain or gzip) into draft records."""
    _run(read_gramps, file, out, log_dir, recorded_by, output_format, show_skipped)


@import_group.command(name="gedcom")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@_options
def gedcom(
    file: Path,
    out: Path | None,
    log_dir: str | None,
    recorded_by: str | None,
    show_skipped: bool,
    output_format: str,
) -> None:
    """Turn a GEDCOM 7 or 5.5.1 file into draft records."""
    _run(read_gedcom_file, file, out, log_dir, recorded_by, output_format, show_skipped)
