"""Copy a log between backends, entry for entry: a folder to a PostgreSQL server and back.

The copy holds the source's stored entries as they are (record times included) and its
vocabulary file's bytes, so both hashes of every entry are the source's and the heads are
equal: that is the proof of the copy. The records are not validated again, since they were when
first appended; the chain of what is copied is checked twice, as the source is read and again
as the target stores it.

A target that already holds the start of the source (an earlier copy, interrupted or
outdated) is resumed after its head; a target that holds anything else is refused.
"""

from __future__ import annotations

from os import PathLike, fspath

import attrs

from fonds.log import LogStore, init_log, open_log
from fonds.log.base import Head
from fonds.log.chain import entry_line
from fonds.problems import LogIntegrityError, NoLogError, Problem, UsageError

__all__ = ["MirrorResult", "mirror"]

BATCH = 10_000
"""Entries stored per transaction (per append, for a folder)."""


@attrs.frozen
class MirrorResult:
    """What a mirror did: both logs' locations and heads after it (equal: the last entry read
    from the source, and the target's head read back), how many entries the target already
    held, and how many were copied."""

    source: str
    target: str
    source_head: Head | None
    target_head: Head | None
    kept: int
    copied: int

    def to_json(self) -> dict[str, object]:
        def head(found: Head | None) -> dict[str, object] | None:
            return None if found is None else {"seq": found.seq, "hash": found.hash}

        return {
            "source": self.source,
            "target": self.target,
            "kept": self.kept,
            "copied": self.copied,
            "source_head": head(self.source_head),
            "target_head": head(self.target_head),
        }


def mirror(
    source: LogStore, target: LogStore | str | PathLike[str], *, batch: int = BATCH
) -> MirrorResult:
    """Copy ``source`` into ``target`` (a log, or the location of one, created with the
    source's vocabulary when there is none there) until their heads are equal.

    Raises :class:`~fonds.problems.UsageError` when the target holds a different vocabulary or
    entries that are not the start of the source, and
    :class:`~fonds.problems.LogIntegrityError` when the source's chain is broken or the copy's
    head differs from the source's (nothing then claims the copy is good).
    """
    if batch < 1:
        raise UsageError(f"batch={batch}: at least one entry per transaction")
    vocabulary = source.vocabulary_bytes()
    if isinstance(target, LogStore):
        copy = target
    else:
        try:
            copy = open_log(fspath(target))
        except NoLogError:
            copy = init_log(fspath(target), vocabulary)
    if copy.vocabulary_bytes() != vocabulary:
        raise UsageError(
            f"{copy.location}: its vocabulary is not the one of {source.location}; a copy "
            "carries its source's vocabulary"
        )
    integrity = source._integrity_problems()
    if integrity:
        raise LogIntegrityError(integrity[0])
    start = copy.head()
    kept = start.seq if start is not None else 0
    source_head = source.head()
    if start is not None and (source_head is None or source_head.seq < start.seq):
        raise UsageError(f"{copy.location}: holds {start.seq} entries, more than {source.location}")
    pending: list[bytes] = []
    copied = 0
    last: Head | None = None
    for header, body, after in source.scan():
        last = Head(header.seq, header.hash, header.time, after)
        if header.seq <= kept:
            if start is not None and header.seq == kept and header.hash != start.hash:
                raise UsageError(
                    f"{copy.location}: its entry {kept} is not {source.location}'s; the target "
                    "must be empty or hold the start of the source"
                )
            continue
        pending.append(entry_line(header, body))
        if len(pending) >= batch:
            copy.store_entries(pending)
            copied += len(pending)
            pending = []
    if pending:
        copy.store_entries(pending)
        copied += len(pending)
    head = copy.head()
    if (head and (head.seq, head.hash)) != (last and (last.seq, last.hash)):
        raise LogIntegrityError(
            Problem(copy.location, None, "/", "copy-differs",
                    "the copy's head is not the source's: it was written to meanwhile")
        )  # fmt: skip
    return MirrorResult(source.location, copy.location, last, head, kept, copied)
