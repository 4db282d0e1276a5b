"""The questions researchers ask, as pure functions of a :class:`ViewState` and a point of the log.

Every answer is plain data (dicts and lists of JSON values) using entity ids and EDTF strings;
every fact in it carries its ``sources``. Only records standing at the chosen point count:
a record superseded or retracted by then is left out (``history`` shows it).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

import attrs

from fonds.gcpause import gc_paused
from fonds.log.base import AsOf
from fonds.model.dates import DateError, date_bounds, parse_date
from fonds.model.dates import format_date as _format_date
from fonds.model.vocabulary import Vocabulary
from fonds.problems import FondsError, UsageError
from fonds.views.state import ViewState, _mentions

__all__ = ["Query", "TimelineFilter", "UnknownIdError"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ENTITY_PREFIXES = ("person", "place", "event", "source", "agent")


class UnknownIdError(FondsError):
    """An id the log does not hold; ``suggestions`` are the closest known ids."""

    def __init__(self, entity_id: str, suggestions: list[str]) -> None:
        self.entity_id = entity_id
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"{entity_id}: not in the log{hint}")


@attrs.frozen(slots=True)
class TimelineFilter:
    """Which timeline entries to keep. Dates are EDTF; a partly known date counts when its
    bounds overlap the range (it may fall in it), or with ``within`` only when they lie inside
    it (it certainly falls in it)."""

    date_from: str | None = None
    date_to: str | None = None
    person: str | None = None
    place: str | None = None
    flag: str | None = None
    min_confidence: str | None = None
    within: bool = False


def _iso(seconds: int | None) -> str | None:
    if seconds is None or abs(seconds) >= 1 << 61:
        return None
    try:
        return (_EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    except OverflowError:
        return None


_KEPT_DOCUMENTS = 20_000
_P = ParamSpec("_P")
_R = TypeVar("_R")


def _answer(
    method: Callable[Concatenate[Query, _P], _R],
) -> Callable[Concatenate[Query, _P], _R]:
    """A public question, answered with the cyclic collector paused (as folding is): an
    answer is plain acyclic data, and a collection pass over a large state costs more than
    building thousands of entries."""

    def answer(self: Query, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with gc_paused():  # nested answers leave it to the outermost
            return method(self, *args, **kwargs)

    functools.update_wrapper(answer, method)
    return answer


@functools.lru_cache(maxsize=1 << 16)
def _dated(text: str, calendar: str) -> Mapping[str, Any]:
    """How a date reads and where it lies; the same few thousand dates recur across a log."""
    try:
        info = parse_date(text, calendar)
    except DateError:
        return {"date": text}
    result: dict[str, Any] = {"date": text}
    if calendar != "gregorian":
        result["calendar"] = calendar
    result.update(
        display=_format_date(info),
        precision=info.precision,
        uncertain=info.uncertain,
        approximate=info.approximate,
        earliest=_iso(info.lower),
        latest=_iso(info.upper),
    )
    return result


class Query:
    """The views of one state, as of one point of the log (read-only, so lookups are kept)."""

    def __init__(self, state: ViewState, vocabulary: Vocabulary, as_of: AsOf = None) -> None:
        self.state = state
        self.vocabulary = vocabulary
        self.limit = state.limit(as_of)
        self._documents: dict[int, Mapping[str, Any]] = {}
        self._labels: dict[tuple[str, str], str] = {}

    # -- building blocks ----------------------------------------------------------------
    def document(self, seq: int) -> Mapping[str, Any]:
        document = self._documents.get(seq)
        if document is None:
            if len(self._documents) >= _KEPT_DOCUMENTS:
                # bounded: decoded records are many small containers that every later pass of
                # the cyclic collector walks; enough to keep what recurs across questions
                self._documents.clear()
            document = self._documents[seq] = self.state.document(seq)
        return document

    def known_ids(self, prefix: str | None = None) -> list[str]:
        return sorted(
            entity
            for entity, seqs in self.state.declarations.items()
            if seqs[0] <= self.limit and (prefix is None or entity.startswith(prefix + ":"))
        )

    def require(self, entity_id: str) -> int:
        """The declaration of ``entity_id`` as of the limit; :class:`UnknownIdError` if none."""
        seq = self.state.declaration(entity_id, self.limit)
        if seq is not None:
            return seq
        prefix, _, slug = entity_id.rpartition(":")
        pool = self.known_ids(prefix if prefix in _ENTITY_PREFIXES else None)
        # compare the readable parts: the shared kind prefix would make every id look close
        by_slug: dict[str, list[str]] = {}
        for known in pool:
            by_slug.setdefault(known.rpartition(":")[2], []).append(known)
        close_slugs = difflib.get_close_matches(slug, list(by_slug), n=3, cutoff=0.6)
        close = [known for s in close_slugs for known in by_slug[s]][:3]
        raise UnknownIdError(entity_id, close)

    def label(self, entity_id: str, lang: str = "en") -> str:
        label = self._labels.get((entity_id, lang))
        if label is None:
            label = self._labels[(entity_id, lang)] = self._label(entity_id, lang)
        return label

    def _label(self, entity_id: str, lang: str) -> str:
        seq = self.state.declaration(entity_id, self.limit)
        if seq is None:
            return entity_id
        document = self.document(seq)
        if document["kind"] == "source":
            return str(document["title"])
        labels: Mapping[str, str] = document.get("labels", {})
        return labels.get(lang) or next(iter(labels.values()), entity_id)

    def fact(self, seq: int) -> dict[str, Any]:
        """A record as a fact: identity, kind, confidence, flags, note and its sources."""
        return self._fact(seq, self.document(seq))

    def _fact(self, seq: int, document: Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {
            "record": self.state.record_id(seq),
            "seq": seq,
            "recorded": self.state.time(seq),
            "kind": document["kind"],
        }
        for key in ("confidence", "flags", "note"):
            if key in document:
                result[key] = document[key]
        result["sources"] = [dict(c) for c in document.get("citations", ())]
        return result

    def _dated(self, document: Mapping[str, Any]) -> dict[str, Any]:
        if "date" not in document:
            return {}
        return dict(_dated(document["date"], document.get("calendar") or "gregorian"))

    def _visible(self, seqs: Iterable[int]) -> list[int]:
        return [seq for seq in seqs if self.state.active(seq, self.limit)]

    def summary(
        self, document: Mapping[str, Any], label: Callable[[str], str] | None = None
    ) -> str:
        """One line saying what the record states; ``label`` names entities (default: as
        the log declares them)."""
        label = label or self.label
        kind = document["kind"]
        if kind == "event":
            return label(document["id"])
        if kind == "participation":
            return f"{label(document['person'])} — {document['role']} — {label(document['event'])}"
        if kind == "quotation":
            return f"{label(document['speaker'])}: “{document['text']}”"
        if kind == "attribute":
            value = document.get("value")
            tail = f": {value}" if value else ""
            return f"{label(document['subject'])} — {document['property']}{tail}"
        if kind == "relation":
            return (
                f"{label(document['subject'])} — {document['predicate']} — "
                f"{label(document['object'])}"
            )
        return str(kind)

    # -- timeline ----------------------------------------------------------------------
    @_answer
    def timeline(self, where: TimelineFilter = TimelineFilter()) -> list[dict[str, Any]]:
        """Events and dated assertions in historical order (bounds, then time, then log)."""
        low, high = self._range(where.date_from, where.date_to)
        keep = self._subject_filter(where)
        min_rank = self._rank(where.min_confidence) if where.min_confidence else None
        entries: list[dict[str, Any]] = []
        for _lower, _upper, seq in self.state.dated_between(low, high, within=where.within):
            if not self.state.active(seq, self.limit):
                continue
            if keep is not None and seq not in keep:
                continue
            document = self.document(seq)
            if where.flag is not None and where.flag not in document.get("flags", ()):
                continue
            if min_rank is not None and (
                self.vocabulary.confidence_rank(document.get("confidence", "")) < min_rank
            ):
                continue
            entry = self._dated(document)
            entry["summary"] = self.summary(document)
            entry["subjects"] = sorted(_mentions(document))
            entry.update(self._fact(seq, document))
            entries.append(entry)
        return entries

    def _rank(self, term: str) -> int:
        if not self.vocabulary.knows("confidence", term):
            scale = ", ".join(self.vocabulary.confidence)
            raise UsageError(f"--min-confidence {term!r}: expected one of {scale}")
        return self.vocabulary.confidence_rank(term)

    def _range(self, date_from: str | None, date_to: str | None) -> tuple[int, int]:
        low, high = -(1 << 62), 1 << 62
        for text, name in ((date_from, "--from"), (date_to, "--to")):
            if text is None:
                continue
            try:
                info = parse_date(text)
            except DateError as exc:
                raise UsageError(f"{name} {text!r}: {exc}") from None
            if name == "--from" and info.lower is not None:
                low = info.lower
            if name == "--to" and info.upper is not None:
                high = info.upper
        return low, high

    def _subject_filter(self, where: TimelineFilter) -> set[int] | None:
        keep: set[int] | None = None
        for entity in (where.person, where.place):
            if entity is None:
                continue
            self.require(entity)
            seqs = set(self.state.mentions.get(entity, ()))
            # an event counts for a person who took part in it, or a place where it happened
            for seq in list(seqs):
                document = self.document(seq)
                event = document.get("event")
                if document["kind"] in ("participation", "quotation") and event:
                    seqs.update(self.state.declarations.get(event, ()))
            keep = seqs if keep is None else keep & seqs
        return keep

    # -- entities ----------------------------------------------------------------------
    @_answer
    def entity(self, entity_id: str) -> dict[str, Any]:
        """Everything the log says about one entity (person, place, event, source, agent)."""
        declaration = self.require(entity_id)
        document = self.document(declaration)
        result: dict[str, Any] = {"id": entity_id, "kind": document["kind"]}
        if "labels" in document:
            result["labels"] = dict(document["labels"])
        if "external_ids" in document:
            result["external_ids"] = dict(document["external_ids"])
        result.update(self._dated(document))
        result["declaration"] = self.fact(declaration)
        attributes: dict[str, list[dict[str, Any]]] = {}
        participations: list[dict[str, Any]] = []
        said: list[dict[str, Any]] = []
        received: list[dict[str, Any]] = []
        at_event: list[dict[str, Any]] = []
        relations: list[dict[str, Any]] = []
        mentioned: list[dict[str, Any]] = []
        for seq in self._visible(self.state.mentions.get(entity_id, ())):
            if seq == declaration:
                continue
            doc = self.document(seq)
            kind = doc["kind"]
            item = {**self._dated(doc), **self._fields(doc), **self.fact(seq)}
            if kind == "attribute" and doc["subject"] == entity_id:
                attributes.setdefault(doc["property"], []).append(item)
            elif kind == "participation":
                if "date" not in doc:
                    event_seq = self.state.declaration(doc["event"], self.limit)
                    if event_seq is not None:
                        item.update(self._dated(self.document(event_seq)))
                item["label"] = self.label(
                    doc["event"] if doc["person"] == entity_id else doc["person"]
                )
                participations.append(item)
            elif kind == "quotation" and doc["speaker"] == entity_id:
                said.append(item)
            elif kind == "quotation" and entity_id in doc.get("addressees", ()):
                received.append(item)
            elif kind == "quotation":
                at_event.append(item)
            elif kind == "relation":
                other = doc["object"] if doc["subject"] == entity_id else doc["subject"]
                item["direction"] = "out" if doc["subject"] == entity_id else "in"
                item["label"] = self.label(other)
                relations.append(item)
            else:
                mentioned.append(item)
        if document["kind"] == "person":
            result["names"] = self._names(document, attributes.get("name-variant", []))
            result["life"] = {
                "born": attributes.pop("born", []),
                "died": attributes.pop("died", []),
            }
            result["events"] = sorted(participations, key=lambda p: p.get("earliest") or "")
            result["quotations"] = {"said": said, "received": received}
        else:
            result["participants" if document["kind"] == "event" else "participations"] = (
                participations
            )
            result["quotations"] = said + received + at_event
        result["attributes"] = attributes
        result["relations"] = relations
        if mentioned:
            result["records"] = mentioned
        if document["kind"] == "source":
            result["source"] = {k: v for k, v in document.items() if k not in ("kind", "schema")}
        result["sources"] = sorted(
            {c["source"] for section in _facts_in(result) for c in section["sources"]}
        )
        result["conflicts"] = self.conflicts(subject=entity_id)
        return result

    def _fields(self, document: Mapping[str, Any]) -> dict[str, Any]:
        skip = {"kind", "schema", "citations", "confidence", "flags", "note", "recorded_by"}
        skip |= {"date", "calendar"}
        return {k: v for k, v in document.items() if k not in skip}

    def _names(self, document: Mapping[str, Any], variants: list[dict[str, Any]]) -> dict[str, Any]:
        by_language: dict[str, dict[str, Any]] = {
            lang: {"label": text, "variants": []} for lang, text in document["labels"].items()
        }
        for variant in variants:
            lang = variant.get("language", "und")
            by_language.setdefault(lang, {"label": None, "variants": []})["variants"].append(
                {
                    "value": variant.get("value"),
                    "flags": variant.get("flags", []),
                    "record": variant["record"],
                    "sources": variant["sources"],
                }
            )
        return by_language

    # -- sources -----------------------------------------------------------------------
    @_answer
    def source_impact(self, source_id: str) -> dict[str, Any]:
        """Every record citing the source (or a part of it), and which facts would be left
        with no source at all if it were withdrawn."""
        self.require(source_id)
        withdrawn = self._parts(source_id)
        citing: set[int] = set()
        for source in withdrawn:
            citing.update(self._visible(self.state.citing.get(source, ())))
        records: list[dict[str, Any]] = []
        orphaned: list[dict[str, Any]] = []
        for seq in sorted(citing):
            document = self.document(seq)
            item = {"summary": self.summary(document), **self._dated(document), **self.fact(seq)}
            records.append(item)
            if all(c["source"] in withdrawn for c in document.get("citations", ())):
                orphaned.append(item)
        declared = self.state.declaration(source_id, self.limit)
        declaration = self.document(declared) if declared is not None else {}
        standing = ("source_type", "publication_status", "flags", "note")
        return {
            "id": source_id,
            "title": self.label(source_id),
            **{key: declaration[key] for key in standing if key in declaration},
            "parts": sorted(withdrawn - {source_id}),
            "records": records,
            "would_lose_all_sources": orphaned,
            "counts": {"citing": len(records), "would_lose_all_sources": len(orphaned)},
        }

    def _parts(self, source_id: str) -> set[str]:
        found = {source_id}
        changed = True
        while changed:
            changed = False
            for entity in self.state.declarations:
                if entity in found or not entity.startswith("source:"):
                    continue
                seq = self.state.declaration(entity, self.limit)
                if seq is not None and self.document(seq).get("part_of") in found:
                    found.add(entity)
                    changed = True
        return found

    # -- conflicts ---------------------------------------------------------------------
    @_answer
    def conflicts(self, subject: str | None = None) -> list[dict[str, Any]]:
        """Subjects and properties on which records disagree, side by side.

        Single-valued properties (those whose value is a date: born, died, ...) conflict when
        two claims cannot both be true: their dates share no moment (so "1890" and
        "1890-03-09" agree, as do the same day in two calendars), or their values or places
        differ. A supersession resolves a conflict; otherwise the claim with the
        higher confidence is preferred, when one is higher.
        """
        single = {p for p, v in self.vocabulary.property_values.items() if v == "date"}
        groups: dict[tuple[str, str], list[int]] = {}
        subjects = [subject] if subject else list(self.state.mentions)
        for entity in subjects:
            for seq in self.state.mentions.get(entity, ()):
                if seq > self.limit or self.state.kinds[seq] != "attribute":
                    continue
                document = self.document(seq)
                if document["subject"] != entity or document["property"] not in single:
                    continue
                status = self.state.status(seq, self.limit)
                if status is not None and status.kind == "retract":
                    continue
                groups.setdefault((entity, document["property"]), []).append(seq)
        found: list[dict[str, Any]] = []
        for (entity, prop), seqs in sorted(groups.items()):
            if not _disagree([self.document(seq) for seq in seqs]):
                continue
            active = [seq for seq in seqs if self.state.active(seq, self.limit)]
            sides = []
            for seq in seqs:
                item = {**self._dated(self.document(seq)), **self.fact(seq)}
                value = self.document(seq).get("value")
                if value is not None:
                    item["value"] = value
                correction = self.state.status(seq, self.limit)
                item["status"] = "active" if correction is None else "superseded"
                if correction is not None and correction.replacement is not None:
                    item["superseded_by"] = self.state.record_id(correction.replacement)
                sides.append(item)
            preferred, reason = self._preferred(active, len(seqs))
            found.append(
                {
                    "subject": entity,
                    "label": self.label(entity),
                    "property": prop,
                    "open": _disagree([self.document(seq) for seq in active]),
                    "claims": sides,
                    "preferred": self.state.record_id(preferred) if preferred else None,
                    "preferred_because": reason,
                }
            )
        return found

    def _preferred(self, active: list[int], total: int) -> tuple[int | None, str | None]:
        if len(active) == 1 and total > 1:
            return active[0], "supersession"
        ranks = {
            seq: self.vocabulary.confidence_rank(self.document(seq).get("confidence", ""))
            for seq in active
        }
        best = max(ranks.values(), default=-1)
        top = [seq for seq, rank in ranks.items() if rank == best]
        if len(top) == 1 and len(active) > 1:
            return top[0], "confidence"
        return None, None

    # -- history -----------------------------------------------------------------------
    @_answer
    def history(self, entity_id: str) -> list[dict[str, Any]]:
        """Every record about an entity in log order, with what superseded or retracted it."""
        self.require(entity_id)
        seqs = {s for s in self.state.mentions.get(entity_id, ()) if s <= self.limit}
        for seq in list(seqs):
            seqs.update(c.seq for c in self.state.corrections.get(seq, ()) if c.seq <= self.limit)
        rows: list[dict[str, Any]] = []
        for seq in sorted(seqs):
            document = self.document(seq)
            row = {"summary": self.summary(document), **self._dated(document), **self.fact(seq)}
            if document["kind"] in ("supersede", "retract"):
                row["target"] = document["target"]
                row["reason"] = document["reason"]
                if "replacement" in document:
                    row["replacement"] = document["replacement"]
            correction = self.state.status(seq, self.limit)
            row["status"] = "active"
            if correction is not None:
                row["status"] = "superseded" if correction.kind == "supersede" else "retracted"
                row["corrected_by"] = self.state.record_id(correction.seq)
                row["reason"] = correction.reason
            rows.append(row)
        return rows


def _disagree(documents: list[Mapping[str, Any]]) -> bool:
    """Whether any two of these claims cannot both be true."""
    for index, first in enumerate(documents):
        for second in documents[index + 1 :]:
            if first.get("value") != second.get("value"):
                return True
            if first.get("place") and second.get("place") and first["place"] != second["place"]:
                return True
            one = date_bounds(first["date"], first.get("calendar")) if "date" in first else None
            two = date_bounds(second["date"], second.get("calendar")) if "date" in second else None
            if one is not None and two is not None and (one[1] < two[0] or two[1] < one[0]):
                return True
    return False


def _facts_in(view: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    """Every fact (a dict with ``sources``) anywhere in a view."""
    stack: list[Any] = [view]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            if "sources" in item and isinstance(item["sources"], list) and "record" in item:
                yield item
            stack.extend(v for k, v in item.items() if k != "conflicts")
        elif isinstance(item, list):
            stack.extend(item)
