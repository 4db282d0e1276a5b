"""Validation of contributed records: JSON Schema plus the semantic rules, every problem reported.

Input is JSON Lines, one record a line. Each line goes through, in order: size limit, UTF-8,
JSON, nesting depth, object with a known ``kind``, schema version (older versions are
upcast), the kind's JSON Schema, then the semantic rules that need the whole batch and the log:
vocabulary terms, dates, references, unique ids, corrections naming existing records, and life
dates in order. A line that fails an early step is not checked by the later ones.

The steps live in modules by job: :mod:`~fonds.validate.decode` (limits, JSON, kind),
:mod:`~fonds.validate.upcast`, :mod:`~fonds.validate.rules` (the semantic rules),
:mod:`~fonds.validate.order` (the order a batch is stored in), :mod:`~fonds.validate.files`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from fonds.gcpause import gc_paused
from fonds.model.canonical import canonical_bytes, record_hash
from fonds.model.vocabulary import Vocabulary
from fonds.problems import Problem
from fonds.schema import conforms, schema_failures
from fonds.validate.decode import Limits, check_header, decode_line
from fonds.validate.files import iter_file_lines
from fonds.validate.order import log_order
from fonds.validate.rules import (
    Known,
    NothingKnown,
    ValidatedRecord,
    ValidationReport,
    batch_problems,
    local_problems,
    named_entities,
)
from fonds.validate.upcast import UPCASTERS, upcast

__all__ = [
    "UPCASTERS",
    "Known",
    "Limits",
    "NothingKnown",
    "ValidatedRecord",
    "ValidationReport",
    "canonical_bytes",
    "iter_file_lines",
    "log_order",
    "record_hash",
    "upcast",
    "validate_files",
    "validate_lines",
]


def validate_lines(
    lines: Iterable[tuple[str, int, bytes]],
    vocabulary: Vocabulary,
    known: Known | None = None,
    limits: Limits = Limits(),
) -> ValidationReport:
    """Check ``(path, line number, raw bytes)`` lines as one batch against ``known`` (what the
    log holds; nothing when None)."""
    with gc_paused():
        return _validate_lines(lines, vocabulary, known, limits)


def _validate_lines(
    lines: Iterable[tuple[str, int, bytes]],
    vocabulary: Vocabulary,
    known: Known | None,
    limits: Limits,
) -> ValidationReport:
    known = known if known is not None else NothingKnown()
    problems: list[Problem] = []
    accepted: list[ValidatedRecord] = []
    lines_read = 0
    for path, number, raw in lines:
        if not raw.strip():
            continue
        lines_read += 1
        if lines_read > limits.max_records:
            problems.append(
                Problem(
                    path,
                    number,
                    "/",
                    "too-many-records",
                    f"the batch holds more than the limit of {limits.max_records:,} records",
                )
            )
            break
        document, found = decode_line(path, number, raw, limits)
        problems.extend(found)
        if document is None:
            continue
        kind, found = check_header(path, number, document)
        problems.extend(found)
        if kind is None:
            continue
        document = upcast(document)
        failures = [] if conforms(kind, document) else list(schema_failures(kind, document))
        if failures:
            problems.extend(
                Problem(path, number, f.pointer, f.code, f.message, f.suggestion) for f in failures
            )
            continue
        problems.extend(local_problems(path, number, document, vocabulary))
        canonical = canonical_bytes(document)
        accepted.append(
            ValidatedRecord(
                path,
                number,
                document,
                canonical,
                hashlib.sha256(canonical).hexdigest(),
                named_entities(document),
            )
        )
    problems.extend(batch_problems(accepted, known))
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return ValidationReport(tuple(accepted), tuple(problems), lines_read)


def validate_files(
    paths: Sequence[Path],
    vocabulary: Vocabulary,
    known: Known | None = None,
    limits: Limits = Limits(),
) -> ValidationReport:
    """Validate several files as one batch (records may refer to each other across files)."""

    def lines() -> Iterator[tuple[str, int, bytes]]:
        for path in paths:
            yield from iter_file_lines(path)

    return validate_lines(lines(), vocabulary, known, limits)
