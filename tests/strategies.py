"""Hypothesis strategies for fonds values, shared by the tests."""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from fonds.model import records as r
from fonds.model.vocabulary import default_vocabulary
from fonds.validate import record_hash

VOCAB = default_vocabulary()

slugs = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}\Z")


def ids(kind: str) -> st.SearchStrategy[str]:
    return slugs.map(lambda s: f"{kind}:{s}")


any_entity_id = st.sampled_from(["person", "place", "event", "source", "agent"]).flatmap(ids)
record_hashes = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
# Free text: any Unicode but control characters (the canonical form must survive it; the schemas
# admit tab and line feed alone of those), with a visible character.
_characters = st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n")
texts = st.text(_characters, min_size=1, max_size=40).filter(
    lambda t: not t.isspace() and t.strip() != ""
)
short_texts = texts
langs = st.sampled_from(["en", "de", "ru", "fr", "lv", "pl", "zh-Hant", "la"])
dates = st.sampled_from(
    [
        "1940",
        "1940-11",
        "1940-11-12",
        "1940-11-12T11:05:00",
        "1878-12-06",
        "1940~",
        "1940-11?",
        "1940-10/1940-11",
        "../1945",
        "1939-21",
    ]
)
calendars = st.none() | st.sampled_from(["gregorian", "julian"])


def terms(group: str) -> st.SearchStrategy[str]:
    if group == "confidence":
        return st.sampled_from(VOCAB.confidence)
    return st.sampled_from(sorted(VOCAB.terms[group]))


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def tuples(strategy: st.SearchStrategy[Any], max_size: int = 3) -> st.SearchStrategy[Any]:
    return st.lists(strategy, min_size=1, max_size=max_size, unique=True).map(tuple)


labels = st.dictionaries(langs, short_texts, min_size=1, max_size=3).map(
    lambda d: tuple(r.Label(k, v) for k, v in d.items())
)
external_ids = st.dictionaries(
    st.sampled_from(["wikidata", "viaf", "gnd"]), short_texts, min_size=1, max_size=2
).map(lambda d: tuple(r.ExternalId(k, v) for k, v in d.items()))
locators = st.builds(r.Locator, label=terms("locator_labels"), value=st.integers(1, 500).map(str))
citations = tuples(
    st.builds(
        r.Citation, source=ids("source"), locator=opt(locators), quote=opt(texts), note=opt(texts)
    )
)
flags = opt(tuples(terms("flags")))
names = tuples(
    st.builds(
        r.Name, family=opt(short_texts), given=opt(short_texts), literal=opt(short_texts)
    ).filter(lambda n: n != r.Name())
)
common: dict[str, Any] = {"recorded_by": ids("agent"), "flags": flags, "note": opt(texts)}
sourced: dict[str, Any] = {"citations": citations, "confidence": terms("confidence")}
dated: dict[str, Any] = {"date": opt(dates), "calendar": calendars}

records: st.SearchStrategy[r.Record] = st.one_of(
    st.builds(
        r.Person,
        id=ids("person"),
        labels=labels,
        external_ids=opt(external_ids),
        citations=opt(citations),
        confidence=opt(terms("confidence")),
        **common,
    ),
    st.builds(
        r.Place,
        id=ids("place"),
        labels=labels,
        external_ids=opt(external_ids),
        citations=opt(citations),
        confidence=opt(terms("confidence")),
        **common,
    ),
    st.builds(
        r.Agent,
        id=ids("agent"),
        labels=labels,
        agent_type=opt(terms("agent_types")),
        external_ids=opt(external_ids),
        **common,
    ),
    st.builds(
        r.Event,
        id=ids("event"),
        labels=labels,
        places=opt(tuples(ids("place"))),
        external_ids=opt(external_ids),
        **dated,
        **sourced,
        **common,
    ),
    st.builds(
        r.Source,
        id=ids("source"),
        source_type=terms("source_types"),
        title=short_texts,
        publication_status=terms("publication_statuses"),
        authors=opt(names),
        editors=opt(names),
        recipients=opt(names),
        issued=opt(dates),
        container_title=opt(short_texts),
        publisher=opt(short_texts),
        publisher_place=opt(short_texts),
        volume=opt(short_texts),
        issue=opt(short_texts),
        pages=opt(short_texts),
        number=opt(short_texts),
        genre=opt(short_texts),
        archive=opt(short_texts),
        archive_place=opt(short_texts),
        archive_collection=opt(short_texts),
        archive_location=opt(short_texts),
        url=opt(st.sampled_from(["https://example.org/a", "http://example.com/x?y=1"])),
        accessed=opt(dates),
        language=opt(langs),
        part_of=opt(ids("source")),
        external_ids=opt(external_ids),
        **common,
    ),
    st.builds(
        r.Participation,
        person=ids("person"),
        event=ids("event"),
        role=terms("roles"),
        place=opt(ids("place")),
        **dated,
        **sourced,
        **common,
    ),
    st.builds(
        r.Quotation,
        speaker=ids("person"),
        text=texts,
        language=langs,
        addressees=opt(tuples(ids("person"))),
        event=opt(ids("event")),
        original_text=opt(texts),
        original_language=opt(langs),
        **dated,
        **sourced,
        **common,
    ),
    st.builds(
        r.Attribute,
        subject=any_entity_id,
        property=terms("properties"),
        value=opt(texts),
        language=opt(langs),
        place=opt(ids("place")),
        **dated,
        **sourced,
        **common,
    ),
    st.builds(
        r.Relation,
        subject=any_entity_id,
        predicate=terms("predicates"),
        object=any_entity_id,
        **dated,
        **sourced,
        **common,
    ),
    st.builds(
        r.Passage, source=ids("source"), locator=locators, text=texts, language=opt(langs), **common
    ),
    st.builds(
        r.Supersede,
        target=record_hashes,
        replacement=record_hashes,
        reason=texts,
        citations=opt(citations),
        **common,
    ),
    st.builds(r.Retract, target=record_hashes, reason=texts, citations=opt(citations), **common),
)


# -- whole logs for the timeline: few ids and dates, so entries share bounds and agree ----------

_AGENT = "agent:editors"
_PEOPLE = tuple(f"person:p{i}" for i in range(4))
_EVENTS = tuple(f"event:e{i}" for i in range(3))
_SOURCES = ("source:a", "source:b", "source:c")
_TIMELINE_DATES = ("1940", "1940-11", "1940-11-12", "1940-11-13", "../1945", "1940-10/1940-11")


def _sourced(kind: str, draw: st.DrawFn, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"kind": kind, "schema": 1, **fields, "recorded_by": _AGENT}
    record["citations"] = [
        {"source": draw(st.sampled_from(_SOURCES)), "locator": {"label": "page", "value": "1"}}
    ]
    record["confidence"] = draw(st.sampled_from(VOCAB.confidence))
    flag = draw(st.sampled_from((None, "disputed", "restricted")))
    if flag is not None:
        record["flags"] = [flag]
    return record


def timeline_head(
    names: Sequence[str] = ("Molotov", "Skryabin", "P2", "P3"),
) -> list[dict[str, Any]]:
    """The start of a :func:`timeline_logs` log: its agent, sources and persons (named
    ``names``)."""
    log: list[dict[str, Any]] = [
        {"kind": "agent", "schema": 1, "id": _AGENT, "labels": {"en": "Editors"},
         "recorded_by": _AGENT},
    ]  # fmt: skip
    for source_id in _SOURCES:
        log.append(
            {"kind": "source", "schema": 1, "id": source_id, "source_type": "book",
             "title": source_id, "publication_status": "published", "recorded_by": _AGENT}
        )  # fmt: skip
    for person_id, name in zip(_PEOPLE, names, strict=True):
        log.append(
            {"kind": "person", "schema": 1, "id": person_id, "labels": {"en": name},
             "recorded_by": _AGENT}
        )  # fmt: skip
    return log


@st.composite
def timeline_logs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Valid logs, one record an entry, with what folds a timeline: the same fact from several
    sources (agreeing records), same-as relations joining persons or events (some retracted
    later), corrections, restricted and flagged records, and dates that share their bounds."""
    dates = st.sampled_from(_TIMELINE_DATES)
    names = [draw(st.sampled_from(("Molotov", "Skryabin", f"P{i}"))) for i in range(len(_PEOPLE))]
    log = timeline_head(names)
    for event_id in _EVENTS:
        log.append(_sourced("event", draw, id=event_id, labels={"en": event_id}, date=draw(dates)))
    assertions: list[dict[str, Any]] = []
    steps = st.sampled_from(("born", "occupation", "took-part", "said", "same-as", "undo"))
    for step in draw(st.lists(steps, min_size=1, max_size=30)):
        record: dict[str, Any]
        if step in ("born", "occupation"):
            fields: dict[str, Any] = {"subject": draw(st.sampled_from(_PEOPLE)), "property": step}
            if step == "occupation":
                fields["value"] = draw(st.sampled_from(("clerk", "diplomat")))
            record = _sourced("attribute", draw, **fields, date=draw(dates))
        elif step == "took-part":
            fields = {
                "person": draw(st.sampled_from(_PEOPLE)),
                "event": draw(st.sampled_from(_EVENTS)),
            }
            record = _sourced("participation", draw, **fields, role="participant")
            if draw(st.booleans()):
                record["date"] = draw(dates)
        elif step == "said":
            heard = draw(st.lists(st.sampled_from(_PEOPLE), min_size=1, max_size=2, unique=True))
            record = _sourced(
                "quotation", draw, speaker=draw(st.sampled_from(_PEOPLE)), text="Da.",
                language="ru", addressees=heard, date=draw(dates),
            )  # fmt: skip
        elif step == "same-as":
            pool = draw(st.sampled_from((_PEOPLE, _EVENTS)))
            one, two = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2, unique=True))
            record = _sourced("relation", draw, subject=one, predicate="same-as", object=two)
        elif assertions:
            target = assertions.pop(draw(st.integers(0, len(assertions) - 1)))
            record = {"kind": "retract", "schema": 1, "target": record_hash(target),
                      "reason": "not so", "recorded_by": _AGENT}  # fmt: skip
        else:
            continue
        if step != "undo":
            record["note"] = f"entry {len(log)}"  # two records alike are two entries
            assertions.append(record)
        log.append(record)
    return log


__all__ = ["records", "string", "timeline_head", "timeline_logs"]
