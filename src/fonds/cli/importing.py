"""fonds import: draft records from other formats, written as a contribution file."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click
import orjson

from fonds.cli.common import emit_bytes, error_line
from fonds.importers.page import import_page
from fonds.log.jsonl import LOG_FILE
from fonds.problems import UsageError


def write_atomically(data: bytes, out: Path | None) -> None:
    """Write to ``out`` whole or not at all (stdout when None)."""
    if out is None:
        emit_bytes(data)
        return
    directory = out.resolve().parent
    if not directory.is_dir():
        raise UsageError(f"{out}: no such directory {directory.name!r}")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
@click.option(
    "--against",
    "against",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="A log whose entities are reused rather than declared again.",
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
    against: Path | None,
    skip_unreadable: bool,
) -> None:
    """Turn an event page of a historical-timeline site into draft records."""
    known: frozenset[str] = frozenset()
    if against is not None:
        if not (against / LOG_FILE).is_file():
            raise UsageError(f"{against}: no log here")
        from fonds.log.jsonl import JsonlLog
        from fonds.views import Views

        known = Views(JsonlLog.open(against)).known_ids()
    try:
        result = import_page(
            page,
            source_id=source_id,
            event_id=event_id,
            event_date=event_date,
            recorded_by=recorded_by,
            url=url,
            accessed=accessed,
            language=language,
            known_ids=known,
        )
    except UnicodeDecodeError as exc:
        raise UsageError(f"{page}: not UTF-8 text (byte {exc.start})") from None
    for problem in result.problems:
        error_line(str(problem))
    if result.problems and not skip_unreadable:
        error_line(
            f"nothing written: {len(result.problems)} line(s) could not be read"
            " (--skip-unreadable writes the rest)"
        )
        sys.exit(1)
    data = b"".join(orjson.dumps(record) + b"\n" for record in result.records)
    write_atomically(data, out)
    if out is not None:
        error_line(f"{len(result.records)} draft records written to {out}")
