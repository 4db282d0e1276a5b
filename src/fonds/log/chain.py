"""The stored form of one log entry and the two hashes that chain it.

A line of the log is::

    {"seq":N,"time":"T","prev":"P","vocab":"V","id":"R","hash":"H","record":<record>}

where ``<record>`` is the record's RFC 8785 canonical JSON, ``R`` = SHA-256 of those bytes (the
record's identity), and ``H`` = SHA-256 of the canonical header
``{"id":R,"prev":P,"seq":N,"time":T,"vocab":V}``. ``P`` is the previous entry's ``H`` (64 zeros
for the first entry) and ``V`` the SHA-256 of the vocabulary file the record was checked
against. Both hashes are computed over stored bytes, so verifying needs no re-encoding.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import attrs

__all__ = [
    "GENESIS",
    "EntryHeader",
    "HeaderError",
    "encode_entry",
    "header_hash",
    "now_record_time",
    "split_line",
]

GENESIS = "0" * 64
_RECORD_KEY = b',"record":'
_HEADER = re.compile(
    rb'\{"seq":(0|[1-9][0-9]{0,17}),"time":"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:'
    rb'[0-9]{2}\.[0-9]{6}Z)","prev":"([0-9a-f]{64})","vocab":"([0-9a-f]{64})",'
    rb'"id":"([0-9a-f]{64})","hash":"([0-9a-f]{64})"\Z'
)


class HeaderError(ValueError):
    """A stored line whose header is not in the entry format."""


@attrs.frozen(slots=True)
class EntryHeader:
    seq: int
    time: str
    prev: str
    vocab: str
    id: str
    hash: str


def header_canonical(seq: int, time: str, prev: str, vocab: str, record_id: str) -> bytes:
    """RFC 8785 form of the hashed header: keys sorted, ASCII values, no whitespace."""
    return (
        f'{{"id":"{record_id}","prev":"{prev}","seq":{seq},"time":"{time}","vocab":"{vocab}"}}'
    ).encode()


def header_hash(seq: int, time: str, prev: str, vocab: str, record_id: str) -> str:
    return hashlib.sha256(header_canonical(seq, time, prev, vocab, record_id)).hexdigest()


def encode_entry(
    seq: int, time: str, prev: str, vocab: str, record_canonical: bytes
) -> tuple[bytes, str, str]:
    """The stored line (with its newline), the record id and the entry hash."""
    record_id = hashlib.sha256(record_canonical).hexdigest()
    entry_hash = header_hash(seq, time, prev, vocab, record_id)
    head = (
        f'{{"seq":{seq},"time":"{time}","prev":"{prev}","vocab":"{vocab}",'
        f'"id":"{record_id}","hash":"{entry_hash}"'
    ).encode()
    return head + _RECORD_KEY + record_canonical + b"}\n", record_id, entry_hash


def split_line(line: bytes) -> tuple[EntryHeader, bytes]:
    """Header and record bytes of one stored line (without its newline)."""
    cut = line.find(_RECORD_KEY)
    if cut < 0 or not line.endswith(b"}"):
        raise HeaderError("not a log entry: expected a header and a 'record'")
    match = _HEADER.match(line, 0, cut)
    if match is None:
        raise HeaderError("the entry header is malformed")
    seq, time, prev, vocab, rid, ehash = match.groups()
    header = EntryHeader(
        int(seq), time.decode(), prev.decode(), vocab.decode(), rid.decode(), ehash.decode()
    )
    return header, line[cut + len(_RECORD_KEY) : -1]


def now_record_time(after: str | None = None) -> str:
    """The current UTC time, strictly later than ``after`` (record time is monotonic)."""
    now = datetime.now(UTC)
    if after is not None:
        last = datetime.strptime(after, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        if now <= last:
            from datetime import timedelta

            now = last + timedelta(microseconds=1)
    return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
