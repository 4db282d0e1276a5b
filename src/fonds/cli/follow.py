"""follow: print entries as they are committed."""

from __future__ import annotations

from contextlib import closing
from itertools import islice

import click
import orjson

from fonds.cli.common import emit, format_option, log_option, open_log
from fonds.log import Entry
from fonds.model.kinds import KINDS


@click.command()
@log_option
@click.option(
    "--from",
    "after",
    type=click.IntRange(0),
    default=None,
    metavar="SEQ",
    help="Start after this sequence number (0: from the first entry) [default: the head].",
)
@click.option(
    "--limit", type=click.IntRange(1), default=None, metavar="N", help="Stop after N entries."
)
@click.option(
    "--timeout",
    type=click.FloatRange(0),
    default=None,
    metavar="SECONDS",
    help="Stop once this long passes without a new entry [default: never].",
)
@click.option(
    "--poll",
    type=click.FloatRange(0, min_open=True),
    default=1.0,
    show_default=True,
    metavar="SECONDS",
    help="How often to look at the log unless woken (a server's appends wake it at once).",
)
@format_option("text", "json")
def follow(
    log_dir: str,
    after: int | None,
    limit: int | None,
    timeout: float | None,
    poll: float,
    output_format: str,
) -> None:
    """Print each new entry of the log as it is committed, until interrupted.

    One line per entry: sequence number, record time, short record id, kind and the entities
    the record is about (with --format json, one JSON object per line). A folder log is looked
    at every --poll seconds; a PostgreSQL log is woken by each append's commit. Ctrl-C stops
    it quietly.
    """
    log = open_log(log_dir)
    if after is None:
        head = log.head()
        after = 0 if head is None else head.seq
    try:
        with closing(log.follow(after, timeout=timeout, poll=poll)) as entries:
            for entry in islice(entries, limit):
                emit(_json_line(entry) if output_format == "json" else _text_line(entry))
    except KeyboardInterrupt:
        return  # the way to stop a follower, not a failure


def _about(entry: Entry) -> list[str]:
    return KINDS.about(entry.document) if entry.kind in KINDS else []


def _text_line(entry: Entry) -> str:
    about = " ".join(_about(entry)) or "-"
    return f"{entry.seq}\t{entry.time}\t{entry.short_id}\t{entry.kind}\t{about}"


def _json_line(entry: Entry) -> str:
    document = {
        "seq": entry.seq,
        "time": entry.time,
        "id": entry.id,
        "hash": entry.hash,
        "kind": entry.kind,
        "about": _about(entry),
    }
    return orjson.dumps(document).decode()
