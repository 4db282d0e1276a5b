"""What appending a contribution would do, told to the maintainer who decides: nothing appended."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fonds.log.base import LogStore
from fonds.model.kinds import KINDS, Kind
from fonds.problems import Problem
from fonds.resolution import propose_same_as
from fonds.validate import ValidatedRecord
from fonds.views import Views
from fonds.views.citations import citations, sources_text
from fonds.views.queries import Query, disagree
from fonds.views.render import markdown_escape

__all__ = ["WEAK_FLAGS", "review"]

# a fact resting only on sources with one of these is worth a second look
WEAK_FLAGS = frozenset({"unpublished", "disputed", "user-generated", "uncorroborated"})
_NAME_SIMILARITY = 0.85


def _label(query: Query, new: Mapping[str, Mapping[str, Any]], entity_id: str) -> str:
    declared = new.get(entity_id)
    if declared is not None:
        labels: Mapping[str, str] = declared.get("labels", {})
        return str(
            declared.get("title") or labels.get("en") or next(iter(labels.values()), entity_id)
        )
    return query.label(entity_id)


def _summary(
    query: Query, new: Mapping[str, Mapping[str, Any]], document: Mapping[str, Any]
) -> str:
    return query.summary(document, lambda entity_id: _label(query, new, entity_id))


def _record_id(document: Mapping[str, Any]) -> str:
    from fonds.validate import record_hash

    return record_hash(document)


def _is_fact(kind: Kind) -> bool:
    """A sourced assertion about entities (not a declaration, a correction or a passage)."""
    return not kind.entity and not kind.correction and kind.citations is not None


def _fact(
    query: Query, new: Mapping[str, Mapping[str, Any]], document: Mapping[str, Any]
) -> dict[str, Any]:
    fact: dict[str, Any] = {"summary": _summary(query, new, document), "kind": document["kind"]}
    for key in ("date", "calendar", "value", "confidence", "flags"):
        if key in document:
            fact[key] = document[key]
    fact["sources"] = [dict(c) for c in document.get("citations", ())]
    return fact


def _source_standing(
    query: Query, new: Mapping[str, Mapping[str, Any]], source_id: str
) -> set[str]:
    declared = new.get(source_id)
    if declared is None:
        seq = query.declaration(source_id)
        declared = query.document(seq) if seq is not None else {}
    standing = set(declared.get("flags", ())) & WEAK_FLAGS
    if declared.get("publication_status") == "unpublished":
        standing.add("unpublished")
    return standing


def review(log: LogStore, lines: Iterable[tuple[str, int, bytes]]) -> dict[str, Any]:
    """The review of a contribution against ``log``: valid or not, and what it would change."""
    report = log.validate(lines)
    views = Views(log)
    query = views.at()
    records: list[ValidatedRecord] = list(report.records)
    documents = [item.document for item in records]
    new = {d["id"]: d for d in documents if "id" in d}
    known = views.known_ids()

    new_entities = [
        {"id": d["id"], "kind": d["kind"], "label": _label(query, new, d["id"])}
        for d in documents
        if "id" in d and d["id"] not in known
    ]
    facts: dict[str, list[dict[str, Any]]] = {}
    for document in documents:
        if not _is_fact(KINDS.of(document)):
            continue
        subject = KINDS.about(document)[0]
        facts.setdefault(subject, []).append(_fact(query, new, document))

    superseded_here = {d["target"] for d in documents if d["kind"] == "supersede"}
    dated = {p for p, v in log.vocabulary.property_values.items() if v == "date"}
    conflicts = []
    for document in documents:
        if document["kind"] != "attribute" or document["property"] not in dated:
            continue
        subject, prop = document["subject"], document["property"]
        standing = [
            query.document(seq)
            for seq in query.state.mentions.get(subject, ())
            if query.state.kinds[seq] == "attribute"
            and query.active(seq)
            and query.document(seq).get("subject") == subject
            and query.document(seq).get("property") == prop
        ]
        disagreeing = [d for d in standing if disagree([d, document])]
        if disagreeing:
            conflicts.append(
                {
                    "subject": subject,
                    "label": _label(query, new, subject),
                    "property": prop,
                    "in_the_log": [_fact(query, new, d) for d in disagreeing],
                    "contributed": _fact(query, new, document),
                    "resolved_by_contribution": all(
                        _record_id(d) in superseded_here for d in disagreeing
                    ),
                }
            )

    by_hash = {item.id: item.document for item in records}

    def describe(record_id: str) -> dict[str, Any]:
        if record_id in by_hash:
            return {
                "record": record_id,
                **_fact(query, new, by_hash[record_id]),
                "in": "contribution",
            }
        seq = seq_of.get(record_id)
        if seq is None:
            return {"record": record_id, "summary": "(not found)"}
        return {"record": record_id, **_fact(query, new, query.document(seq)), "in": f"entry {seq}"}

    seq_of = query.state.seq_of
    corrections = []
    for document in documents:
        if document["kind"] == "supersede":
            corrections.append(
                {
                    "kind": "supersede",
                    "reason": document["reason"],
                    "replaces": describe(document["target"]),
                    "with": describe(document["replacement"]),
                }
            )
        elif document["kind"] == "retract":
            corrections.append(
                {
                    "kind": "retract",
                    "reason": document["reason"],
                    "withdraws": describe(document["target"]),
                }
            )

    weak = []
    for document in documents:
        cited = document.get("citations", ())
        kind = KINDS.of(document)
        if not cited or (kind.entity and kind.timeline_date is None):
            continue  # a declaration counts only for what happened (an event)
        standings = [_source_standing(query, new, c["source"]) for c in cited]
        if all(standings):
            weak.append(
                {**_fact(query, new, document), "source_flags": sorted(set().union(*standings))}
            )

    same_as, ruled_out, left_out = propose_same_as(query, documents, known)
    return {
        "valid": report.ok,
        "problems": [p.to_json() for p in report.problems],
        "records": len(records),
        "new_entities": new_entities,
        "new_facts": facts,
        "conflicts": conflicts,
        "corrections": corrections,
        "weakly_supported": weak,
        "same_as": same_as,
        "same_as_ruled_out": ruled_out,
        "same_as_left_out": left_out,
    }


def _sources_text(fact: Mapping[str, Any]) -> str:
    return sources_text(citations(fact.get("sources", ()))) or "no source"


def _when(fact: Mapping[str, Any]) -> str:
    return str(fact.get("date") or fact.get("value") or "")


class _Writer:
    """Text for a terminal, or Markdown for a pull-request comment (data escaped)."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown
        self.lines: list[str] = []

    def heading(self, text: str) -> None:
        self.lines.append("")
        self.lines.extend([f"### {text}"] if self.markdown else [text, "-" * len(text)])

    def code(self, text: str) -> str:
        return f"`{text}`" if self.markdown else text

    def text(self, value: object) -> str:
        # data from contributors is text, never Markdown or HTML in a pull-request comment
        return markdown_escape(value) if self.markdown else str(value)

    def fact(self, fact: Mapping[str, Any]) -> str:
        confidence = fact.get("confidence", "")
        return f"{self.text(_when(fact))} — {self.text(_sources_text(fact))} ({confidence})"


def render(result: Mapping[str, Any], markdown: bool) -> str:
    """The review as text for a terminal, or Markdown for a pull-request comment."""
    w = _Writer(markdown)
    verdict = "valid" if result["valid"] else f"INVALID: {len(result['problems'])} problem(s)"
    w.lines.append(("## " if markdown else "") + f"Review: {result['records']} records, {verdict}")
    if result["problems"]:
        w.heading("Problems")
        w.lines += [f"- {w.text(Problem(**p))}" for p in result["problems"]]
    if result["new_entities"]:
        w.heading(f"New entities ({len(result['new_entities'])})")
        w.lines += [f"- {w.code(e['id'])} — {w.text(e['label'])}" for e in result["new_entities"]]
    if result["new_facts"]:
        total = sum(len(v) for v in result["new_facts"].values())
        w.heading(f"New facts ({total}, about {len(result['new_facts'])} entities)")
        w.lines += [f"- {w.code(s)}: {len(f)}" for s, f in result["new_facts"].items()]
    w.heading(f"Conflicts it would open ({len(result['conflicts'])})")
    if not result["conflicts"]:
        w.lines.append("- none")
    for conflict in result["conflicts"]:
        subject = f"{w.text(conflict['label'])} ({w.code(conflict['subject'])})"
        w.lines.append(f"- {subject} — {conflict['property']}:")
        w.lines += [f"  - in the log: {w.fact(fact)}" for fact in conflict["in_the_log"]]
        w.lines.append(f"  - contributed: {w.fact(conflict['contributed'])}")
        if conflict["resolved_by_contribution"]:
            w.lines.append("  - resolved by a supersession in this contribution")
    if result["corrections"]:
        w.heading(f"Corrections ({len(result['corrections'])})")
    for correction in result["corrections"]:
        reason = w.text(correction["reason"])
        if correction["kind"] == "supersede":
            old, new = correction["replaces"], correction["with"]
            w.lines.append(
                f"- supersedes {w.code(old['record'][:12])} {w.text(old['summary'])}"
                f" {w.text(_when(old))} with {w.code(new['record'][:12])}"
                f" {w.text(new['summary'])} {w.text(_when(new))}: {reason}"
            )
        else:
            old = correction["withdraws"]
            record = w.code(old["record"][:12])
            w.lines.append(f"- retracts {record} {w.text(old['summary'])}: {reason}")
    if result["weakly_supported"]:
        w.heading(f"Resting only on weak sources ({len(result['weakly_supported'])})")
    for fact in result["weakly_supported"]:
        flags = ", ".join(fact["source_flags"])
        sources = w.text(_sources_text(fact))
        w.lines.append(f"- {w.text(fact['summary'])} — {sources} [{flags}]")
    w.heading(f"Who is who: the log's entities these may be ({len(result['same_as'])})")
    if not result["same_as"]:
        w.lines.append("- none")
    for proposal in result["same_as"]:
        incoming = f"{w.text(proposal['incoming_label'])} ({w.code(proposal['incoming'])})"
        existing = f"{w.text(proposal['existing_label'])} ({w.code(proposal['existing'])})"
        # one mention per place cited: two quotes from one row are one place to look
        places = {(c["source"], str(c.get("locator"))): c for c in proposal["record"]["citations"]}
        cited = list(places.values())
        w.lines.append(f"- {incoming} same as {existing}? {proposal['confidence']}")
        w.lines.append(f"  - {w.text(proposal['reason'])}")
        if cited:
            w.lines.append(f"  - evidence from: {w.text(_sources_text({'sources': cited}))}")
        else:
            w.lines.append("  - no source cites this evidence: add one to the draft to append it")
    for pair in result["same_as_ruled_out"]:
        incoming, existing = w.code(pair["incoming"]), w.code(pair["existing"])
        w.lines.append(f"- ruled out: {incoming} and {existing}: {w.text(pair['reason'])}")
    if result["same_as_left_out"]:
        w.lines.append(f"- {result['same_as_left_out']} weaker candidates left out")
    return "\n".join(w.lines) + "\n"
