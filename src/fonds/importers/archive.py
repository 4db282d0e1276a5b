"""The archive a draft goes into: what an importer reuses, and how a draft is fitted to it.

Every importer drafts from its input alone, then :meth:`Archive.fit` checks the draft against
the log it will be appended to:

1. A record the log already holds (the same hash) is left out: importing the same input twice
   drafts nothing new.
2. An entity the log declares, matched by its id or by an external identifier, is reused: it is
   not declared again, the draft's references point at it, and a label the log does not know
   for it becomes a ``name-variant`` attribute citing where the draft read it. Agents and
   sources are never declared again.
3. A record standing in the log that says something from the same place of the same source
   (the same kind, the same entities, the same citation locators) but rests on other words
   than the draft's is what a corrected input changed: the draft supersedes it. When the log's
   record rests on words the draft still reads (an editor amended it), the log's record stands;
   so does a quotation the log has with the same speaker and words from the same source.

Nothing else is matched: two differently spelt ids are two entities until someone says they
are the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from fonds.importers.draft import Draft
from fonds.log.base import LogStore
from fonds.model.canonical import record_hash
from fonds.model.kinds import KINDS

__all__ = ["Archive", "Fitted"]

_ENTITY_KINDS = frozenset(KINDS.entity_kinds)
_NEVER_REDECLARED = frozenset({"source", "agent"})
_LABELLED = frozenset({"person", "place", "event"})

Document = Mapping[str, Any]


def _citations(document: Document) -> list[Mapping[str, Any]]:
    """The citations of a draft record (an unchecked one may hold anything there)."""
    found = document.get("citations")
    return [c for c in found if isinstance(c, Mapping)] if isinstance(found, list) else []


def _externals(document: Document) -> list[tuple[str, str]]:
    """The ``(scheme, value)`` pairs of a declaration's ``external_ids`` map."""
    found = document.get("external_ids")
    if not isinstance(found, Mapping):
        return []
    return [(str(scheme), str(value)) for scheme, value in found.items() if value]


def _places(document: Document) -> tuple[Any, ...]:
    return tuple((str(c.get("source")), str(c.get("locator"))) for c in _citations(document))


def _slot(document: Document) -> tuple[Any, ...] | None:
    kind = str(document.get("kind"))
    if kind in _ENTITY_KINDS:
        return ("declare", document.get("id"))
    spec = KINDS.get(kind)
    fields = spec.identity if spec is not None else ()
    if not fields:
        return None
    return (kind, *(str(document.get(f)) for f in fields), _places(document))


def _words(document: Document) -> frozenset[tuple[Any, ...]]:
    """What a record rests on: the words it quotes (a passage: its text), place by place."""
    if document.get("kind") == "passage":
        return frozenset({(str(document.get("locator")), document.get("text"))})
    return frozenset(
        (str(c.get("source")), str(c.get("locator")), str(c.get("quote")))
        for c in _citations(document)
    )


def _said(document: Document) -> set[tuple[str, str, str]]:
    """A quotation's speaker and words with each source it cites."""
    if document.get("kind") != "quotation":
        return set()
    speaker, text = str(document.get("speaker")), str(document.get("text"))
    return {(speaker, text, str(c.get("source"))) for c in _citations(document)}


def _labels(document: Document) -> set[str]:
    labels = document.get("labels") or {}
    return {str(text) for text in labels.values()} if isinstance(labels, Mapping) else set()


def _renamed(value: Any, ids: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return ids.get(value, value)
    if isinstance(value, list | tuple):
        return [_renamed(item, ids) for item in value]
    if isinstance(value, Mapping):
        return {key: _renamed(item, ids) for key, item in value.items()}
    return value


@attrs.frozen
class Fitted:
    """A draft fitted to an archive: the records to append, and what was left out and why."""

    records: tuple[Document, ...]
    lines: tuple[int, ...]
    already_there: int = 0
    reused: tuple[str, ...] = ()
    superseded: int = 0


@attrs.frozen
class Archive:
    """The standing records of a log, as importers need them: by hash, by entity id, by what
    they state. ``Archive.empty()`` stands for no log (a self-contained contribution)."""

    documents: Mapping[str, Document]
    """Every record of the log by hash, superseded or not."""
    standing: frozenset[str]
    """The hashes of the records neither superseded nor retracted."""
    declarations: Mapping[str, tuple[str, Document]]
    """Each declared entity id: the hash and document of its standing declaration."""

    @classmethod
    def empty(cls) -> Archive:
        """No log: every entity is declared by the draft itself."""
        return cls({}, frozenset(), {})

    @classmethod
    def of_documents(cls, documents: Iterable[Document]) -> Archive:
        """An archive of record documents in log order."""
        by_hash = {record_hash(document): document for document in documents}
        return cls._of(by_hash)

    @classmethod
    def of_log(cls, log: LogStore) -> Archive:
        """The archive a log holds now."""
        return cls._of({entry.id: entry.document for entry in log.entries()})

    @classmethod
    def _of(cls, by_hash: dict[str, Document]) -> Archive:
        gone = {
            str(d["target"]) for d in by_hash.values() if d.get("kind") in ("supersede", "retract")
        }
        standing = frozenset(by_hash) - gone
        declarations = {
            str(document["id"]): (key, document)
            for key, document in by_hash.items()
            if document.get("kind") in _ENTITY_KINDS and key in standing
        }
        return cls(by_hash, standing, declarations)

    def knows(self, entity_id: str) -> bool:
        """Whether the log declares ``entity_id``."""
        return entity_id in self.declarations

    def names(self, kind: str) -> dict[str, str]:
        """Every label of the log's entities of ``kind``, with the id it names (a label two
        entities share is left out: it names neither for sure)."""
        found: dict[str, str] = {}
        shared: set[str] = set()
        for entity_id, (_, document) in self.declarations.items():
            if document.get("kind") != kind:
                continue
            for label in _labels(document):
                if found.setdefault(label, entity_id) != entity_id:
                    shared.add(label)
        for key, document in self.documents.items():
            if (
                key in self.standing
                and document.get("kind") == "attribute"
                and document.get("property") == "name-variant"
                and str(document.get("subject", "")).startswith(f"{kind}:")
                and document.get("value")
            ):
                label = str(document["value"])
                if found.setdefault(label, str(document["subject"])) != document["subject"]:
                    shared.add(label)
        return {label: entity for label, entity in found.items() if label not in shared}

    def _external(self) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        for entity_id, (_, document) in self.declarations.items():
            for external in _externals(document):
                found.setdefault(external, entity_id)
        return found

    def fit(
        self,
        records: Sequence[Document],
        lines: Sequence[int] = (),
        *,
        language: str = "en",
        corrections: bool = True,
    ) -> Fitted:
        """``records`` (a draft in append order) as they go into this archive (see the module's
        notes); ``lines`` number them by input line and are carried along. A supersession or a
        name variant is recorded by the agent of the record it comes of; a variant's language
        is the label's, or ``language``. Without ``corrections`` (input a person wrote, each row
        meant as it stands) only rules 1 and 2 apply."""
        if not self.documents:
            return Fitted(tuple(records), tuple(lines))
        numbered = [(r, lines[i] if i < len(lines) else i + 1) for i, r in enumerate(records)]
        declarations = self.declarations
        external = self._external()
        ids: dict[str, str] = {}
        for record, _ in numbered:
            entity = record.get("id")
            if str(record.get("kind")) not in _ENTITY_KINDS or not isinstance(entity, str):
                continue
            for item in _externals(record) if entity not in declarations else ():
                match = external.get(item)
                if match is not None:
                    ids[entity] = match
        if ids:
            numbered = [(_renamed(record, ids), line) for record, line in numbered]
        in_slot: dict[tuple[Any, ...], list[tuple[str, Document]]] = defaultdict(list)
        for key in self.standing:
            document = self.documents[key]
            slot = _slot(document)
            if slot is not None:
                in_slot[slot].append((key, document))
        said = {quoted for key in self.standing for quoted in _said(self.documents[key])}
        kept: list[Document] = []
        kept_lines: list[int] = []
        seen: set[str] = set()
        already = superseded = 0
        reused: list[str] = []

        def keep(record: Document, line: int) -> None:
            key = record_hash(record)
            if key not in seen and key not in self.documents:
                seen.add(key)
                kept.append(record)
                kept_lines.append(line)

        for record, line in numbered:
            key = record_hash(record)
            if key in self.documents or key in seen:
                already += 1
                continue
            kind = str(record.get("kind"))
            if kind in _ENTITY_KINDS and str(record.get("id")) in declarations:
                old_key, old = declarations[str(record["id"])]
                if not corrections or kind in _NEVER_REDECLARED or not _words(old) & _words(record):
                    # declared by someone else from other evidence: the draft's facts attach to
                    # it, and a name the log does not know for it is kept as a variant
                    reused.append(str(record["id"]))
                    if kind in _LABELLED:
                        for label in sorted(_labels(record) - _labels(old)):
                            variant = self._variant(record, label, language)
                            if variant is not None:
                                keep(variant, line)
                    continue
                if _words(old) <= _words(record):
                    already += 1  # amended in the log, not changed in the input
                    continue
                keep(record, line)
                keep(self._supersede(old_key, record), line)
                superseded += 1
                continue
            if corrections and said.intersection(_said(record)):
                already += 1  # the log has these words from this source in this mouth
                continue
            slot = _slot(record) if corrections else None
            candidates = in_slot.get(slot, []) if slot is not None else []
            if any(_words(old) <= _words(record) for _, old in candidates):
                already += 1
                continue
            keep(record, line)
            if candidates:
                old_key, _ = candidates.pop(0)
                keep(self._supersede(old_key, record), line)
                superseded += 1
        return Fitted(
            tuple(kept), tuple(kept_lines), already, tuple(dict.fromkeys(reused)), superseded
        )

    def fit_draft(self, draft: Draft, language: str = "en", *, corrections: bool = True) -> Draft:
        """``draft`` fitted to this archive (see :meth:`fit`), its problems kept."""
        fitted = self.fit(draft.records, draft.lines, language=language, corrections=corrections)
        return Draft(fitted.records, draft.problems, fitted.lines, fitted.already_there)

    @staticmethod
    def _variant(record: Document, label: str, language: str) -> dict[str, Any] | None:
        """A label as a name variant, cited where the draft read it (None when it cites
        nothing: a variant without a source is not a fact)."""
        citations = [{k: v for k, v in c.items() if k != "note"} for c in _citations(record)]
        if not citations:
            return None
        return {
            "kind": "attribute",
            "schema": 1,
            "subject": record["id"],
            "property": "name-variant",
            "value": label,
            "language": next(
                (lang for lang, text in (record.get("labels") or {}).items() if text == label),
                language,
            ),
            "citations": citations,
            "confidence": record.get("confidence") or "medium",
            "recorded_by": record.get("recorded_by"),
        }

    @staticmethod
    def _supersede(old: str, record: Document) -> dict[str, Any]:
        places = [c.get("locator") for c in _citations(record)]
        if record.get("kind") == "passage":
            places = [record.get("locator")]
        where = ", ".join(
            f"{place.get('label')} {place.get('value')}"
            for place in places
            if isinstance(place, Mapping)
        )
        return {
            "kind": "supersede",
            "schema": 1,
            "target": old,
            "replacement": record_hash(record),
            "reason": f"The source now reads otherwise{f' ({where})' if where else ''}.",
            "recorded_by": record.get("recorded_by"),
        }
