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
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

__all__ = [
    "GENESIS",
    "EntryHeader",
    "HeaderError",
    "encode_entry",
    "entry_fault",
    "entry_line",
    "header_hash",
    "now_record_time",
    "record_times",
    "split_line",
]

GENESIS = "0" * 64
_RECORD_KEY = b',"record":'


class HeaderError(ValueError):
    """A stored line whose header is not in the entry format."""


class EntryHeader(NamedTuple):
    """The hashed fields of a stored entry (a tuple: built once per entry on every load)."""

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
    """Header and record bytes of one stored line (without its newline).

    The header has a fixed layout after the sequence number, so it is read by offsets; every
    field is covered by a hash, so a damaged field is caught by the chain check.
    """
    comma = line.find(b",", 7, 27)
    if not line.startswith(b'{"seq":') or comma < 0 or not line.endswith(b"}"):
        raise HeaderError("not a log entry: expected a header and a 'record'")
    p = comma
    if (
        line[p : p + 9] != b',"time":"'
        or line[p + 36 : p + 46] != b'","prev":"'
        or line[p + 110 : p + 121] != b'","vocab":"'
        or line[p + 185 : p + 193] != b'","id":"'
        or line[p + 257 : p + 267] != b'","hash":"'
        or line[p + 331 : p + 342] != b'","record":'
    ):
        raise HeaderError("the entry header is malformed")
    digits = line[7:comma]
    if not digits.isdigit() or (len(digits) > 1 and digits[0] == 48):
        raise HeaderError("the entry header is malformed: bad sequence number")
    header = EntryHeader(
        int(digits),
        line[p + 9 : p + 36].decode("ascii", "replace"),
        line[p + 46 : p + 110].decode("ascii", "replace"),
        line[p + 121 : p + 185].decode("ascii", "replace"),
        line[p + 193 : p + 257].decode("ascii", "replace"),
        line[p + 267 : p + 331].decode("ascii", "replace"),
    )
    return header, line[p + 342 : -1]


def entry_line(header: EntryHeader, body: bytes) -> bytes:
    """The stored line (without its newline) that :func:`split_line` took apart: a copy of
    an entry, byte for byte."""
    head = (
        f'{{"seq":{header.seq},"time":"{header.time}","prev":"{header.prev}",'
        f'"vocab":"{header.vocab}","id":"{header.id}","hash":"{header.hash}"'
    ).encode()
    return head + _RECORD_KEY + body + b"}"


def entry_fault(
    header: EntryHeader, body: bytes, prev: str, prev_time: str, expected: int
) -> tuple[str, str] | None:
    """What is wrong with an entry that should follow the entry ``expected - 1`` (whose hash is
    ``prev`` and record time ``prev_time``), as (code, message); None when it follows."""
    seq = header.seq
    if seq != expected:
        return "sequence-gap", f"entry has sequence {seq}; expected {expected}"
    if header.prev != prev:
        return "chain-broken", f"entry {seq} does not follow the entry before it"
    if header.time <= prev_time:
        return "time-not-monotonic", f"entry {seq}: record time goes backwards"
    if hashlib.sha256(body).hexdigest() != header.id:
        return "record-hash-mismatch", f"entry {seq}: the record does not match its hash"
    if header_hash(seq, header.time, prev, header.vocab, header.id) != header.hash:
        return "entry-hash-mismatch", f"entry {seq}: the header does not match its hash"
    return None


def record_body(line: bytes) -> bytes:
    """The record bytes of a stored line already checked by :func:`split_line` (a view reading
    one record back needs no header)."""
    p = line.find(b",", 7, 27)
    if p < 0 or line[p + 331 : p + 342] != b'","record":':
        raise HeaderError("not a log entry: expected a header and a 'record'")
    return line[p + 342 : -1]


_MICROSECOND = timedelta(microseconds=1)


def now_record_time(after: str | None = None) -> str:
    """The current UTC time, strictly later than ``after`` (record time is monotonic)."""
    return record_times(after, 1)[0]


def record_times(after: str | None, count: int) -> list[str]:
    """``count`` increasing record times, the first one now or just after ``after``."""
    now = datetime.now(UTC)
    if after is not None:
        last = datetime.strptime(after, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        now = max(now, last + timedelta(microseconds=1))
    times = []
    for _ in range(count):
        times.append(now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
        now += _MICROSECOND
    return times
