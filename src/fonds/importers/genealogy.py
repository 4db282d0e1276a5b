"""What the Gramps and GEDCOM importers share: ids, what a log already holds, citations, counts.

A genealogy file is a compiled database, not a witness: each fact in it becomes one fonds
record that cites the sources the file names for it. A fact the file gives without a citation
cites the file itself, a ``dataset`` source, at the ``record`` locator of the object it comes
from (``I0044``, ``@I1@``), and the citation says so.

Entities carry the file's identifiers as external ids (``gramps``/``gramps-handle``,
``gedcom``, ``uid``...). Importing into a log reuses the entities the log already holds under
one of those ids, and leaves out every record the log already holds (the same record is the
same bytes, hence the same hash): importing the same file twice drafts nothing new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from slugify import slugify

from fonds.importers.draft import Draft
from fonds.importers.genealogy_dates import GenealogyDate
from fonds.log.base import LogStore
from fonds.model.vocabulary import Vocabulary, default_vocabulary
from fonds.problems import Problem
from fonds.validate import record_hash

__all__ = [
    "UNCITED_CONFIDENCE",
    "DraftBuilder",
    "Existing",
    "GenealogyImport",
    "Skipped",
    "Support",
    "join_note",
    "slug",
]

#: The confidence of a fact the file gives without a citation: it stands on a compilation only.
UNCITED_CONFIDENCE = "low"
_SCALE = ("speculative", "low", "medium", "high", "certain")


def slug(text: str | None, limit: int = 60) -> str:
    """The readable part of an id (empty when the text has no letters or digits)."""
    return slugify(text or "", max_length=limit, word_boundary=True) if text else ""


def join_note(*parts: str | None) -> str | None:
    """Sentences and notes as one note: short remarks on one line, notes as paragraphs."""
    found = [part.strip() for part in parts if part and part.strip()]
    return "\n\n".join(found) if found else None


@attrs.frozen
class Existing:
    """What a log already holds, as an importer needs it."""

    entity_ids: frozenset[str] = frozenset()
    external: Mapping[tuple[str, str], str] = attrs.field(factory=dict)
    record_ids: frozenset[str] = frozenset()

    @classmethod
    def from_log(cls, log: LogStore) -> Existing:
        """Read the log once: its entities with their external ids, and its record ids."""
        entity_ids: set[str] = set()
        external: dict[tuple[str, str], str] = {}
        record_ids: set[str] = set()
        for entry in log.entries():
            record_ids.add(entry.id)
            document = entry.document
            identifier = document.get("id")
            if isinstance(identifier, str):
                entity_ids.add(identifier)
                for scheme, value in (document.get("external_ids") or {}).items():
                    external.setdefault((scheme, value), identifier)
        return cls(frozenset(entity_ids), external, frozenset(record_ids))


@attrs.frozen
class Support:
    """What a fact stands on: its citations, their confidence, and whether one is private."""

    citations: tuple[dict[str, Any], ...]
    confidence: str
    restricted: bool = False


@attrs.frozen
class Skipped:
    """Something the file holds that became no record, and why."""

    what: str
    reason: str
    line: int | None = None


@attrs.frozen
class GenealogyImport:
    """A draft with its accounts: what was read, what was left out and why, what was reused."""

    draft: Draft
    read: Mapping[str, int]
    skipped: tuple[Skipped, ...]
    reused: tuple[str, ...]
    already_logged: int
    merged: int = 0  # records the file gives twice (two links to one event), drafted once


class DraftBuilder:
    """Collects the records of one import, with their lines, problems and accounts."""

    def __init__(
        self,
        path: str,
        *,
        agent: str,
        existing: Existing | None,
        vocabulary: Vocabulary | None,
    ) -> None:
        self.path = path
        self.agent = agent
        self.existing = existing or Existing()
        self.vocabulary = vocabulary or default_vocabulary()
        self.read: Counter[str] = Counter()
        self.skipped: list[Skipped] = []
        self.problems: list[Problem] = []
        self._records: list[tuple[dict[str, Any], int]] = []
        self._taken: set[str] = set(self.existing.entity_ids)
        self._mine: dict[tuple[str, str, str], str] = {}  # (kind, scheme, value) -> id
        self._reused: list[str] = []

    # -- entities ----------------------------------------------------------------------
    def entity_id(self, kind: str, readable: str, keys: Sequence[tuple[str, str]]) -> str:
        """The id of an entity known by ``keys``: the log's, this import's, or a new one.

        The first key is the file's own identity of the entity (a handle, a cross-reference);
        it alone finds an entity this import has made, so that two records of one file that
        share an outside id (an EXID) stay two. In the log, any of the keys finds it, the
        first one first.
        """
        for key in keys:
            found = self.existing.external.get(key)
            if found is not None and found.startswith(f"{kind}:"):
                if found not in self._reused:
                    self._reused.append(found)
                if keys:
                    self._mine.setdefault((kind, *keys[0]), found)
                return found
        if keys and (kind, *keys[0]) in self._mine:
            return self._mine[(kind, *keys[0])]
        base = f"{kind}:{readable}" if readable else f"{kind}:unnamed"
        candidate, counter = base, 2
        while candidate in self._taken:
            candidate, counter = f"{base}-{counter}", counter + 1
        self._taken.add(candidate)
        if keys:
            self._mine[(kind, *keys[0])] = candidate
        return candidate

    def is_new(self, entity_id: str) -> bool:
        """Whether the entity is to be declared by this import (the log does not hold it)."""
        return entity_id not in self.existing.entity_ids

    # -- records -----------------------------------------------------------------------
    def record(self, kind: str, line: int, **fields: Any) -> dict[str, Any]:
        """Add a record of ``kind`` (fields that are None or empty are left out)."""
        document: dict[str, Any] = {"kind": kind, "schema": 1}
        for key, value in fields.items():
            if value is None or (isinstance(value, list | tuple | dict | str) and not value):
                continue
            document[key] = list(value) if isinstance(value, tuple) else value
        document["recorded_by"] = self.agent
        self._records.append((document, line))
        return document

    def declare(self, kind: str, line: int, **fields: Any) -> dict[str, Any] | None:
        """Add an entity declaration, unless the log already declares that id."""
        if not self.is_new(str(fields["id"])):
            return None
        return self.record(kind, line, **fields)

    def problem(self, line: int | None, pointer: str, code: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, pointer, code, message))

    def skip(self, what: str, reason: str, line: int | None = None) -> None:
        self.skipped.append(Skipped(what, reason, line))

    # -- facts -------------------------------------------------------------------------
    def confidence(self, confidences: Iterable[str]) -> str:
        """The highest confidence among a fact's citations (each stands on its own)."""
        scale = self.vocabulary.confidence or _SCALE
        ranked = [c for c in confidences if c in scale]
        if not ranked:
            return UNCITED_CONFIDENCE
        return max(ranked, key=scale.index)

    def flag(self, term: str) -> str | None:
        """``term`` when the vocabulary has it as a flag."""
        return term if self.vocabulary.knows("flags", term) else None

    @staticmethod
    def dated(date: GenealogyDate | None) -> dict[str, Any]:
        """``date``/``calendar`` fields of a record, nothing for no date or one kept as written."""
        return date.fields() if date is not None else {}

    # -- the result --------------------------------------------------------------------
    def finish(self) -> GenealogyImport:
        """The draft: each record once, none the log already holds."""
        records: list[dict[str, Any]] = []
        lines: list[int] = []
        seen: set[str] = set()
        already = merged = 0
        for document, line in self._records:
            identity = record_hash(document)
            if identity in self.existing.record_ids:
                already += 1
                continue
            if identity in seen:
                merged += 1  # the file says the same thing twice (two links to one event)
                continue
            seen.add(identity)
            records.append(document)
            lines.append(line)
        problems = sorted(set(self.problems), key=lambda p: (p.line or 0, p.pointer, p.message))
        return GenealogyImport(
            draft=Draft(tuple(records), tuple(problems), tuple(lines)),
            read=dict(self.read),
            skipped=tuple(dict.fromkeys(self.skipped)),
            reused=tuple(self._reused),
            already_logged=already,
            merged=merged,
        )
