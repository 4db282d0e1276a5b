"""The semantic rules: what a schema cannot say about one record, a batch, or the log.

Vocabulary terms, dates, what a property needs, self-supersession (one record); then across the
batch and the log: unique records and ids, references that resolve to the right kind,
corrections that name existing records, and life dates in order. What each kind's fields mean
comes from :data:`fonds.model.kinds.KINDS`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

import attrs

from fonds.model.convert import structure_record
from fonds.model.dates import DateError, parse_date
from fonds.model.kinds import KINDS
from fonds.model.records import SAME_AS, SAME_AS_KINDS, Record
from fonds.model.vocabulary import Vocabulary
from fonds.problems import Problem

__all__ = [
    "Known",
    "NamedEntity",
    "NothingKnown",
    "ValidatedRecord",
    "ValidationReport",
    "batch_problems",
    "life_date_row",
    "local_problems",
    "named_entities",
]


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


def life_date_row(document: Mapping[str, Any]) -> tuple[str, str, str, str | None] | None:
    """(subject, property, date, calendar) of a dated birth or death attribute, as the index
    keeps it and the life-date rule compares it; None for any other record."""
    if (
        document["kind"] == "attribute"
        and document.get("property") in ("born", "died")
        and "date" in document
    ):
        return (
            document["subject"],
            document["property"],
            document["date"],
            document.get("calendar"),
        )
    return None


class NamedEntity(NamedTuple):
    """An entity a record names: where (JSON pointer), which, and the kinds it may be."""

    pointer: str
    target: str
    kinds: frozenset[str]


def named_entities(document: Mapping[str, Any]) -> tuple[NamedEntity, ...]:
    """Every entity a record names (its sources and recorder included), as the kinds table
    says; a field open to any entity kind admits each of them."""
    every = KINDS.entity_kinds
    new = tuple.__new__  # a NamedTuple's own constructor is a Python call: once per reference
    return tuple(
        new(NamedEntity, (pointer, target, ref.kinds or every))
        for pointer, target, ref in KINDS.of(document).references_in(document)
    )


@attrs.frozen(slots=True)
class ValidatedRecord:
    """A record that passed every check, with where it came from and its identity."""

    path: str
    line: int
    document: Mapping[str, Any]
    canonical: bytes
    id: str
    references: tuple[NamedEntity, ...] = ()  # the entities it names, found once

    @property
    def record(self) -> Record:
        """The record as a typed value (structured on each call).

        Validation reads the document: every schema-valid document structures (a property
        test holds the schemas and the record classes to that), so it is not structured here.
        """
        return structure_record(self.document)


@attrs.frozen(slots=True)
class ValidationReport:
    """The records that passed, every problem found, and how many lines held a record."""

    records: tuple[ValidatedRecord, ...]
    problems: tuple[Problem, ...]
    lines_read: int

    @property
    def ok(self) -> bool:
        """Whether every record passed."""
        return not self.problems


def local_problems(
    path: str, number: int, document: Mapping[str, Any], vocabulary: Vocabulary
) -> Iterator[Problem]:
    """What is wrong with one schema-valid record on its own: unknown terms, unreadable
    dates, a property without what it needs, a record superseding itself."""
    kind = KINDS.of(document)
    for pointer, group, term in kind.terms_in(document):
        if not vocabulary.knows(group, term):
            yield Problem(
                path,
                number,
                pointer,
                "unknown-term",
                f"{term!r} is not in the vocabulary's {group}",
                vocabulary.suggest(group, term),
            )
    for pointer, text, calendar in kind.dates_in(document):
        try:
            parse_date(text, calendar or "gregorian")
        except DateError as exc:
            yield Problem(path, number, pointer, "date-unparseable", str(exc))
    kind_name = kind.name
    if kind_name == "attribute" and vocabulary.knows("properties", prop := document["property"]):
        needs = vocabulary.property_values.get(prop, "text")
        if needs == "date" and document.get("date") is None:
            yield Problem(
                path,
                number,
                "/date",
                "missing-field",
                f"property {prop!r} needs a 'date' (EDTF)",
            )
        if needs == "text" and document.get("value") is None:
            yield Problem(
                path,
                number,
                "/value",
                "missing-field",
                f"property {prop!r} needs a 'value'",
            )
    if kind_name == "supersede" and document["target"] == document["replacement"]:
        yield Problem(
            path,
            number,
            "/replacement",
            "self-supersession",
            "a record cannot supersede itself",
        )
    if kind_name == "relation" and document["predicate"] == SAME_AS:
        if not (document.get("note") or "").strip():
            yield Problem(
                path, number, "/note", "missing-field",
                "a same-as relation needs a 'note' giving the reason the two ids are one",
            )  # fmt: skip
        if document["subject"] == document["object"]:
            yield Problem(
                path, number, "/object", "same-as-itself",
                f"a same-as relation needs two different ids; both are {document['subject']}",
            )  # fmt: skip


def _targets(item: ValidatedRecord) -> list[tuple[str, str]]:
    kind = KINDS.of(item.document)
    return list(kind.targets_in(item.document)) if kind.targets else []  # most name none


def batch_problems(batch: Sequence[ValidatedRecord], known: Known) -> Iterator[Problem]:
    """What is wrong with a batch as a whole and against the log."""
    declared: dict[str, ValidatedRecord] = {}
    record_ids: dict[str, ValidatedRecord] = {}
    superseded_targets = {
        item.document["target"] for item in batch if item.document["kind"] == "supersede"
    }
    named = [item.id for item in batch]
    for item in batch:
        named.extend(target for _, target in _targets(item))
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
        if not KINDS.of(item.document).entity:
            continue
        entity_id: str = item.document["id"]
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
            return str(local.document["kind"])
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
            candidates = [eid for eid in declared if declared[eid].document["kind"] in ref.kinds]
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
        for pointer, target in _targets(item):
            if target not in record_ids and target not in logged:
                yield Problem(
                    item.path,
                    item.line,
                    pointer,
                    "unknown-record",
                    f"no record {target[:12]}… in the log or in this contribution",
                )
        document = item.document
        if document["kind"] == "relation" and document["predicate"] == SAME_AS:
            kinds = (kind_of(document["subject"]), kind_of(document["object"]))
            yield from _same_as_problems(item, *kinds)
    yield from _life_date_problems(batch, known)


def _same_as_problems(
    item: ValidatedRecord, subject: str | None, other: str | None
) -> Iterator[Problem]:
    """A same-as between entities of two kinds, or of a kind the views do not merge (an
    unknown id is reported as such already)."""
    first, second = item.document["subject"], item.document["object"]
    if subject is not None and subject not in SAME_AS_KINDS:
        yield Problem(
            item.path, item.line, "/subject", "same-as-kind",
            f"{first} is {_article(subject)}; same-as joins two persons, two "
            "places or two events",
        )  # fmt: skip
    elif subject is not None and other is not None and subject != other:
        yield Problem(
            item.path, item.line, "/object", "same-as-kind",
            f"{second} is {_article(other)} and {first} {_article(subject)};"
            " same-as joins two ids of the same kind",
        )  # fmt: skip


def _article(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


@attrs.frozen
class _Life:
    prop: str
    lower: int | None
    upper: int | None
    item: ValidatedRecord | None


def _life(prop: str, date: str, calendar: str | None, item: ValidatedRecord | None) -> _Life:
    try:
        info = parse_date(date, calendar or "gregorian")
    except DateError:
        return _Life(prop, None, None, item)
    return _Life(prop, info.lower, info.upper, item)


def _life_date_problems(batch: Sequence[ValidatedRecord], known: Known) -> Iterator[Problem]:
    """A death before a birth, where at least one of the two records is new."""
    new: dict[str, list[_Life]] = {}
    for item in batch:
        if (row := life_date_row(item.document)) is not None:
            subject, prop, date, calendar = row
            new.setdefault(subject, []).append(_life(prop, date, calendar, item))
    for subject, lives in new.items():
        lives = lives + [_life(p, d, c, None) for p, d, c in known.life_dates(subject)]
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
