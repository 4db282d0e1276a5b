"""mirror: copy a log between backends, entry for entry."""

from __future__ import annotations

import click
import orjson

from fonds.cli.common import emit, format_option, open_log
from fonds.log.mirror import BATCH
from fonds.log.mirror import mirror as mirror_log


@click.command()
@click.argument("source")
@click.argument("target")
@click.option(
    "--batch",
    type=click.IntRange(1),
    default=BATCH,
    show_default=True,
    help="Entries stored per transaction.",
)
@format_option("text", "json")
def mirror(source: str, target: str, batch: int, output_format: str) -> None:
    """Copy the log at SOURCE to TARGET, entry for entry, and prove it by equal heads.

    Each is a folder or a postgresql:// URL. TARGET is created (with SOURCE's vocabulary) when
    it holds no log, resumed when it holds the start of SOURCE, refused otherwise. The stored
    entries are copied as they are, record times included; their chain is checked, the records
    are not validated again.
    """
    result = mirror_log(open_log(source), target, batch=batch)
    if output_format == "json":
        emit(orjson.dumps(result.to_json()).decode())
        return
    emit(
        f"copied {result.copied} entries ({result.kept} already there) "
        f"from {result.source} to {result.target}"
    )
    for name, head in (("source", result.source_head), ("target", result.target_head)):
        emit(f"{name} head: {'none (empty)' if head is None else f'{head.seq} {head.hash}'}")
