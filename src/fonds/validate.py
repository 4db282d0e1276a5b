"""Validation of contributed records: JSON Schema plus the semantic rules, every problem reported.

Input is JSON Lines, one record a line. Each line goes through, in order: size limit, UTF-8,
JSON, nesting depth, object with a known ``kind``, schema version (older versions are
upcast), the kind's JSON Schema, then the semantic rules that need the whole batch and the log:
vocabulary terms, dates, references, unique ids, corrections naming existing records, and life
dates in order. A line that fails an early step is not checked by the later ones.
"""

from __future__ import annotations

import difflib
import hashlib
import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs
import orjson

from fonds.gcpause import gc_paused
from fonds.model.convert import StructureError, structure_record
from fonds.model.dates import DateError, parse_date
from fonds.model.records import (
    ENTITY_KINDS,
    RECORD_CLASSES,
    SCHEMA_VERSION,
    Agent,
    Attribute,
    Citation,
    Event,
    Participation,
    Passage,
    Quotation,
    Record,
    Relation,
    Retract,
    Source,
    Supersede,
)
from fonds.model.vocabulary import Vocabulary
from fonds.problems import Problem
from fonds.schema import conforms, schema_failures

__all__ = [
    "Known",
    "Limits",
    "NothingKnown",
    "ValidatedRecord",
    "ValidationReport",
    "canonical_bytes",
    "record_hash",
    "validate_files",
    "validate_lines",
]


@attrs.frozen(slots=True)
class Limits:
    """Bounds on what a contribution may hold; past them a clear problem, never a crash."""

    max_line_bytes: int = 1 << 20
    max_depth: int = 32
    max_records: int = 1_000_000


class Known(Protocol):
    """What the log already holds, as validation needs it."""

    def entity_kind(self, entity_id: str) -> str | None: ...
    def record_seqs(self, record_ids: Sequence[str]) -> Mapping[str, int]: ...
    def declaration_of(self, entity_id: str) -> str | None: ...
    def life_dates(self, person_id: str) -> Sequence[tuple[str, str, str | None]]: ...
    def entity_ids(self, kind: str) -> Iterable[str]: ...


class NothingKnown:
    """An empty log: validation of a contribution on its own."""

    def entity_kind(self, entity_id: str) -> str | None:
        return None

    def record_seqs(self, record_ids: Sequence[str]) -> Mapping[str, int]:
        return {}

    def declaration_of(self, entity_id: str) -> str | None:
        return None

    def life_dates(self, person_id: str) -> Sequence[tuple[str, str, str | None]]:
        return ()

    def entity_ids(self, kind: str) -> Iterable[str]:
        return ()


@attrs.frozen(slots=True)
class ValidatedRecord:
    """A record that passed every check, with where it came from and its identity."""

    path: str
    line: int
    document: Mapping[str, Any]
    record: Record
    canonical: bytes
    id: str
    references: tuple[_Reference, ...] = ()  # the entities it names, found once


@attrs.frozen(slots=True)
class ValidationReport:
    records: tuple[ValidatedRecord, ...]
    problems: tuple[Problem, ...]
    lines_read: int

    @property
    def ok(self) -> bool:
        return not self.problems


def canonical_bytes(document: Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON of a record document.

    Sorted-key ``orjson`` output equals RFC 8785 for every document the schemas admit (no
    floats, ASCII keys); a property test checks this against ``rfc8785``.
    """
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)


def record_hash(document: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


# Upcasters: schema version N → N + 1, applied on read; stored records never change.
UPCASTERS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def upcast(document: dict[str, Any]) -> dict[str, Any]:
    version = document.get("schema")
    while isinstance(version, int) and version < SCHEMA_VERSION and version in UPCASTERS:
        document = UPCASTERS[version](document)
        version = document.get("schema")
    return document


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _decode_line(
    path: str, number: int, raw: bytes, limits: Limits
) -> tuple[dict[str, Any] | None, list[Problem]]:
    def problem(code: str, message: str, pointer: str = "/") -> list[Problem]:
        return [Problem(path, number, pointer, code, message)]

    if len(raw) > limits.max_line_bytes:
        return None, problem(
            "line-too-long",
            f"line is {len(raw):,} bytes; the limit is {limits.max_line_bytes:,} bytes "
            "(one record a line)",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, problem(
            "encoding", f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}"
        )
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        reason = str(exc.msg) if hasattr(exc, "msg") else str(exc)
        if "depth limit" in reason or "recursion" in reason:
            return None, problem(
                "too-deep", f"nesting deeper than the limit of {limits.max_depth} levels"
            )
        return None, problem("json-invalid", f"not valid JSON: {reason} at column {exc.pos + 1}")
    if not isinstance(value, dict):
        return None, problem(
            "not-an-object", f"expected a JSON object (one record), found {type(value).__name__}"
        )
    # a line with fewer brackets than the limit cannot nest deeper: skip the walk
    brackets = raw.count(b"{") + raw.count(b"[")
    if brackets > limits.max_depth and _depth_exceeds(value, limits.max_depth):
        return None, problem(
            "too-deep", f"nesting deeper than the limit of {limits.max_depth} levels"
        )
    return value, []


def _check_header(
    path: str, number: int, document: dict[str, Any]
) -> tuple[str | None, list[Problem]]:
    kind = document.get("kind")
    if kind is None:
        return None, [Problem(path, number, "/", "missing-field", "'kind' is a required property")]
    if not isinstance(kind, str) or kind not in RECORD_CLASSES:
        close = difflib.get_close_matches(str(kind), list(RECORD_CLASSES), n=1)
        return None, [
            Problem(
                path,
                number,
                "/kind",
                "unknown-kind",
                f"unknown record kind {kind!r}; expected one of {', '.join(RECORD_CLASSES)}",
                close[0] if close else None,
            )
        ]
    version = document.get("schema")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        return None, [
            Problem(
                path,
                number,
                "/schema",
                "unsupported-schema-version",
                f"schema version {version} is newer than this fonds reads "
                f"({SCHEMA_VERSION}); upgrade fonds",
            )
        ]
    return kind, []


@attrs.define
class _Reference:
    pointer: str
    target: str
    kinds: frozenset[str]


def _entity_references(record: Record) -> Iterator[_Reference]:
    any_entity = frozenset(ENTITY_KINDS)
    yield _Reference("/recorded_by", record.recorded_by, frozenset({"agent"}))
    citations: tuple[Citation, ...] | None = getattr(record, "citations", None)
    for i, citation in enumerate(citations or ()):
        yield _Reference(f"/citations/{i}/source", citation.source, frozenset({"source"}))
    if isinstance(record, Event):
        for i, place in enumerate(record.places or ()):
            yield _Reference(f"/places/{i}", place, frozenset({"place"}))
    elif isinstance(record, Source) and record.part_of:
        yield _Reference("/part_of", record.part_of, frozenset({"source"}))
    elif isinstance(record, Participation):
        yield _Reference("/person", record.person, frozenset({"person"}))
        yield _Reference("/event", record.event, frozenset({"event"}))
        if record.place:
            yield _Reference("/place", record.place, frozenset({"place"}))
    elif isinstance(record, Quotation):
        yield _Reference("/speaker", record.speaker, frozenset({"person"}))
        for i, addressee in enumerate(record.addressees or ()):
            yield _Reference(f"/addressees/{i}", addressee, frozenset({"person"}))
        if record.event:
            yield _Reference("/event", record.event, frozenset({"event"}))
    elif isinstance(record, Attribute):
        yield _Reference("/subject", record.subject, any_entity)
        if record.place:
            yield _Reference("/place", record.place, frozenset({"place"}))
    elif isinstance(record, Relation):
        yield _Reference("/subject", record.subject, any_entity)
        yield _Reference("/object", record.object, any_entity)
    elif isinstance(record, Passage):
        yield _Reference("/source", record.source, frozenset({"source"}))


def _term_uses(record: Record) -> Iterator[tuple[str, str, str]]:
    """(pointer, vocabulary group, term) for every vocabulary term the record uses."""
    for i, flag in enumerate(record.flags or ()):
        yield f"/flags/{i}", "flags", flag
    confidence: str | None = getattr(record, "confidence", None)
    if confidence is not None:
        yield "/confidence", "confidence", confidence
    citations: tuple[Citation, ...] | None = getattr(record, "citations", None)
    for i, citation in enumerate(citations or ()):
        if citation.locator is not None:
            yield f"/citations/{i}/locator/label", "locator_labels", citation.locator.label
    if isinstance(record, Participation):
        yield "/role", "roles", record.role
    elif isinstance(record, Attribute):
        yield "/property", "properties", record.property
    elif isinstance(record, Relation):
        yield "/predicate", "predicates", record.predicate
    elif isinstance(record, Source):
        yield "/source_type", "source_types", record.source_type
        yield "/publication_status", "publication_statuses", record.publication_status
    elif isinstance(record, Agent) and record.agent_type is not None:
        yield "/agent_type", "agent_types", record.agent_type
    elif isinstance(record, Passage):
        yield "/locator/label", "locator_labels", record.locator.label


def _dates(record: Record) -> Iterator[tuple[str, str, str | None]]:
    """(pointer, EDTF text, calendar) for every date the record holds."""
    date: str | None = getattr(record, "date", None)
    if date is not None:
        yield "/date", date, getattr(record, "calendar", None)
    if isinstance(record, Source):
        if record.issued is not None:
            yield "/issued", record.issued, None
        if record.accessed is not None:
            yield "/accessed", record.accessed, None


def _local_problems(
    path: str, number: int, record: Record, vocabulary: Vocabulary
) -> Iterator[Problem]:
    for pointer, group, term in _term_uses(record):
        if not vocabulary.knows(group, term):
            yield Problem(
                path,
                number,
                pointer,
                "unknown-term",
                f"{term!r} is not in the vocabulary's {group}",
                vocabulary.suggest(group, term),
            )
    for pointer, text, calendar in _dates(record):
        try:
            parse_date(text, calendar or "gregorian")
        except DateError as exc:
            yield Problem(path, number, pointer, "date-unparseable", str(exc))
    if isinstance(record, Attribute) and vocabulary.knows("properties", record.property):
        needs = vocabulary.property_values.get(record.property, "text")
        if needs == "date" and record.date is None:
            yield Problem(
                path,
                number,
                "/date",
                "missing-field",
                f"property {record.property!r} needs a 'date' (EDTF)",
            )
        if needs == "text" and record.value is None:
            yield Problem(
                path,
                number,
                "/value",
                "missing-field",
                f"property {record.property!r} needs a 'value'",
            )
    if isinstance(record, Supersede) and record.target == record.replacement:
        yield Problem(
            path,
            number,
            "/replacement",
            "self-supersession",
            "a record cannot supersede itself",
        )


def validate_lines(
    lines: Iterable[tuple[str, int, bytes]],
    vocabulary: Vocabulary,
    known: Known | None = None,
    limits: Limits = Limits(),
) -> ValidationReport:
    """Check ``(path, line number, raw bytes)`` lines as one batch against ``known``."""
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
        document, found = _decode_line(path, number, raw, limits)
        problems.extend(found)
        if document is None:
            continue
        kind, found = _check_header(path, number, document)
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
        try:
            record = structure_record(document)
        except StructureError as exc:
            problems.append(Problem(path, number, exc.pointer, "structure", exc.message))
            continue
        local = list(_local_problems(path, number, record, vocabulary))
        problems.extend(local)
        canonical = canonical_bytes(document)
        accepted.append(
            ValidatedRecord(
                path,
                number,
                document,
                record,
                canonical,
                hashlib.sha256(canonical).hexdigest(),
                tuple(_entity_references(record)),
            )
        )
    problems.extend(_batch_problems(accepted, known))
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return ValidationReport(tuple(accepted), tuple(problems), lines_read)


def _batch_problems(batch: Sequence[ValidatedRecord], known: Known) -> Iterator[Problem]:
    declared: dict[str, ValidatedRecord] = {}
    record_ids: dict[str, ValidatedRecord] = {}
    superseded_targets = {
        item.record.target for item in batch if isinstance(item.record, Supersede)
    }
    named = [item.id for item in batch]
    for item in batch:
        if isinstance(item.record, Supersede | Retract):
            named.append(item.record.target)
        if isinstance(item.record, Supersede):
            named.append(item.record.replacement)
    logged = known.record_seqs(named)  # one lookup for the whole batch
    for item in batch:
        previous = record_ids.get(item.id)
        if previous is not None:
            yield Problem(
                item.path,
                item.line,
                "/",
                "duplicate-record",
                f"the same record is already on {previous.path}:{previous.line}",
            )
        elif (seq := logged.get(item.id)) is not None:
            yield Problem(
                item.path,
                item.line,
                "/",
                "duplicate-record",
                f"the same record is already in the log at entry {seq}",
            )
        record_ids.setdefault(item.id, item)
        entity_id: str | None = getattr(item.record, "id", None)
        if entity_id is None:
            continue
        first = declared.get(entity_id)
        if first is not None:
            yield Problem(
                item.path,
                item.line,
                "/id",
                "duplicate-id",
                f"{entity_id} is already declared on {first.path}:{first.line}",
            )
            continue
        declared[entity_id] = item
        in_log = known.declaration_of(entity_id)
        if in_log is not None and in_log not in superseded_targets:
            yield Problem(
                item.path,
                item.line,
                "/id",
                "duplicate-id",
                f"{entity_id} is already declared in the log; to change it, supersede "
                f"record {in_log[:12]}",
            )

    kinds_in_log: dict[str, str | None] = {}

    def kind_of(entity_id: str) -> str | None:
        local = declared.get(entity_id)
        if local is not None:
            return local.record.kind
        if entity_id not in kinds_in_log:  # a batch names the same few agents and sources
            kinds_in_log[entity_id] = known.entity_kind(entity_id)
        return kinds_in_log[entity_id]

    for item in batch:
        for ref in item.references:
            kind = kind_of(ref.target)
            if kind is not None and kind in ref.kinds:
                continue
            if kind is not None:
                yield Problem(
                    item.path,
                    item.line,
                    ref.pointer,
                    "wrong-kind",
                    f"{ref.target} is a {kind}; expected a {' or '.join(sorted(ref.kinds))}",
                )
                continue
            candidates = [eid for eid in declared if declared[eid].record.kind in ref.kinds]
            for k in sorted(ref.kinds):
                candidates.extend(known.entity_ids(k))
            close = difflib.get_close_matches(ref.target, candidates, n=1, cutoff=0.6)
            yield Problem(
                item.path,
                item.line,
                ref.pointer,
                "unknown-reference",
                f"{ref.target} is not declared in the log or in this contribution",
                close[0] if close else None,
            )
        record = item.record
        if isinstance(record, Supersede | Retract):
            targets = [("/target", record.target)]
            if isinstance(record, Supersede):
                targets.append(("/replacement", record.replacement))
            for pointer, target in targets:
                if target not in record_ids and target not in logged:
                    yield Problem(
                        item.path,
                        item.line,
                        pointer,
                        "unknown-record",
                        f"no record {target[:12]}… in the log or in this contribution",
                    )
    yield from _life_date_problems(batch, known)


def _life_date_problems(batch: Sequence[ValidatedRecord], known: Known) -> Iterator[Problem]:
    """A death before a birth, where at least one of the two records is new."""

    @attrs.frozen
    class Life:
        prop: str
        lower: int | None
        upper: int | None
        item: ValidatedRecord | None

    def life(prop: str, date: str, calendar: str | None, item: ValidatedRecord | None) -> Life:
        try:
            info = parse_date(date, calendar or "gregorian")
        except DateError:
            return Life(prop, None, None, item)
        return Life(prop, info.lower, info.upper, item)

    new: dict[str, list[Life]] = {}
    for item in batch:
        rec = item.record
        if isinstance(rec, Attribute) and rec.property in ("born", "died") and rec.date:
            new.setdefault(rec.subject, []).append(life(rec.property, rec.date, rec.calendar, item))
    for subject, lives in new.items():
        lives = lives + [life(p, d, c, None) for p, d, c in known.life_dates(subject)]
        births = [x for x in lives if x.prop == "born" and x.lower is not None]
        deaths = [x for x in lives if x.prop == "died" and x.upper is not None]
        for death in deaths:
            for birth in births:
                assert death.upper is not None and birth.lower is not None
                if death.upper >= birth.lower or (death.item is None and birth.item is None):
                    continue
                blamed, other = (death, birth) if death.item is not None else (birth, death)
                assert blamed.item is not None
                where = "the log" if other.item is None else f"line {other.item.line}"
                yield Problem(
                    blamed.item.path,
                    blamed.item.line,
                    "/date",
                    "date-incoherent",
                    f"{subject} would die before being born (the other date is on {where})",
                )


def iter_file_lines(path: Path, label: str | None = None) -> Iterator[tuple[str, int, bytes]]:
    """``(label, line number, bytes)`` for each line of a file, BOM and CR removed."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    name = label or str(path)
    for number, raw in enumerate(data.split(b"\n"), start=1):
        yield name, number, raw[:-1] if raw.endswith(b"\r") else raw


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


def log_order(records: Sequence[ValidatedRecord]) -> list[ValidatedRecord]:
    """A batch in an order where every record follows what it refers to within the batch.

    A contribution may name a source before declaring it; the log may not, so that the log read
    up to any entry is valid on its own (``verify --deep`` checks each record as of its entry).
    The order is otherwise kept; a reference cycle keeps the file's order for what remains.
    """
    declared_at: dict[str, int] = {}
    hashed_at: dict[str, int] = {}
    for index, item in enumerate(records):
        identifier = item.document.get("id")
        if isinstance(identifier, str):
            declared_at.setdefault(identifier, index)
        hashed_at[item.id] = index
    waiting_on: list[set[int]] = []
    for index, item in enumerate(records):
        needs = {declared_at.get(ref.target, -1) for ref in item.references}
        if isinstance(item.record, Supersede | Retract):
            needs.add(hashed_at.get(item.record.target, -1))
        if isinstance(item.record, Supersede):
            needs.add(hashed_at.get(item.record.replacement, -1))
        needs.discard(-1)
        needs.discard(index)
        waiting_on.append(needs)
    if not any(need > index for index, needs in enumerate(waiting_on) for need in needs):
        return list(records)
    dependants: dict[int, list[int]] = {}
    for index, needs in enumerate(waiting_on):
        for need in needs:
            dependants.setdefault(need, []).append(index)
    remaining = [len(needs) for needs in waiting_on]
    ready = [index for index, count in enumerate(remaining) if count == 0]
    heapq.heapify(ready)
    ordered: list[int] = []
    while ready:
        index = heapq.heappop(ready)
        ordered.append(index)
        for dependant in dependants.get(index, ()):
            remaining[dependant] -= 1
            if remaining[dependant] == 0:
                heapq.heappush(ready, dependant)
    placed = set(ordered)
    ordered.extend(index for index in range(len(records)) if index not in placed)
    return [records[index] for index in ordered]
