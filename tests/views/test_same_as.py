"""Same-as: two ids of one person, place or event are one entity in every view while the
relation stands, as of any point of the log; agreeing facts appear once with all their sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fonds.log import JsonlLog, MemoryLog
from fonds.problems import InvalidRecordError
from fonds.validate import record_hash
from fonds.views import Views
from fonds.views.merging import merge
from tests.helpers import AGENT, agent, cite, event, life, person, source, took_part

MOLOTOV, SKRYABIN, VM = "person:molotov", "person:skryabin", "person:vm"


def same_as(subject: str, other: str, note: str | None = "the same man") -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "relation",
        "schema": 1,
        "subject": subject,
        "predicate": "same-as",
        "object": other,
        "citations": cite("source:letters"),
        "confidence": "high",
        "recorded_by": AGENT,
    }
    if note is not None:
        record["note"] = note
    return record


def variant(person_id: str, name: str, source_id: str) -> dict[str, Any]:
    return {
        "kind": "attribute",
        "schema": 1,
        "subject": person_id,
        "property": "name-variant",
        "value": name,
        "language": "ru",
        "citations": cite(source_id, para=7),
        "confidence": "high",
        "recorded_by": AGENT,
    }


def retract(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "retract",
        "schema": 1,
        "target": record_hash(record),
        "reason": "two men after all",
        "recorded_by": AGENT,
    }


def base() -> list[dict[str, Any]]:
    """Molotov under two ids, each with facts from its own source; the ids not yet joined."""
    return [
        agent(),
        source(),
        source("source:letters"),
        person(MOLOTOV, "Vyacheslav Molotov"),
        person(SKRYABIN, "Vyacheslav Skryabin"),
        event("event:talks", "1940-11-12"),
        event("event:pact", "1939-08-23"),
        life(MOLOTOV, "born", "1890-03-09"),
        life(SKRYABIN, "born", "1890-03-09", "source:letters"),
        variant(MOLOTOV, "Скрябин", "source:book"),
        variant(SKRYABIN, "Скрябин", "source:letters"),
        took_part(MOLOTOV, "event:talks"),
        took_part(SKRYABIN, "event:pact"),
    ]


@pytest.fixture
def log() -> MemoryLog:
    log = MemoryLog()
    log.append(base())
    return log


def test_apart_until_a_same_as_joins_them(log: MemoryLog) -> None:
    views = Views(log)
    assert views.person(SKRYABIN).id == SKRYABIN
    assert [f.other for f in views.person(MOLOTOV).participations] == ["event:talks"]
    log.append([same_as(SKRYABIN, MOLOTOV)])
    views = Views(log)
    for either in (MOLOTOV, SKRYABIN):
        view = views.person(either)
        assert view.id == MOLOTOV  # declared first
        assert view.merged_ids == (SKRYABIN,)
        assert [f.document["note"] for f in view.same_as] == ["the same man"]
        assert [f.other for f in view.participations] == ["event:pact", "event:talks"]
        assert view.labels == {"en": "Vyacheslav Molotov"}
        assert {s for s in view.sources} == {"source:book", "source:letters"}
    sections = [section for section, _ in views.person(SKRYABIN).facts()]
    assert sections.count("merged") == 1 and sections.count("same-as") == 1
    assert views.history(SKRYABIN) == views.history(MOLOTOV)


def test_agreeing_birth_dates_and_name_variants_appear_once_with_both_sources(
    log: MemoryLog,
) -> None:
    log.append([same_as(MOLOTOV, SKRYABIN)])
    view = Views(log).person(SKRYABIN)
    assert view.life is not None
    (born,) = view.life.born
    assert {c.source for c in born.sources} == {"source:book", "source:letters"}
    assert len(born.records) == 2 and born.agreeing[0].document["subject"] == SKRYABIN
    assert born.subjects == (MOLOTOV,)
    assert born.merged == () and born.agreeing[0].merged == ((SKRYABIN, MOLOTOV),)
    assert view.names is not None
    (name,) = view.names["ru"].variants
    assert {c.source for c in name.sources} == {"source:book", "source:letters"}
    assert view.to_json()["names"]["ru"]["variants"][0]["agreeing"] == [name.agreeing[0].record]
    assert view.conflicts == ()


def test_agreeing_facts_of_one_id_appear_once_without_any_merge() -> None:
    log = MemoryLog()
    log.append([*base(), life(MOLOTOV, "born", "1890-03-09", "source:letters")])
    views = Views(log)
    (born,) = views.person(MOLOTOV).life.born  # type: ignore[union-attr]
    assert [c.source for c in born.sources] == ["source:book", "source:letters"]
    births = [f for f in views.timeline() if f.document.get("property") == "born"]
    assert len(births) == 2  # one per id: the ids are apart
    assert [len(f.records) for f in births] == [2, 1]


def test_disagreeing_facts_of_merged_ids_are_one_conflict() -> None:
    log = MemoryLog()
    records = base()
    records[8] = life(SKRYABIN, "born", "1890-02-25", "source:letters")
    log.append([*records, same_as(MOLOTOV, SKRYABIN)])
    views = Views(log)
    (conflict,) = views.conflicts()
    assert (conflict.subject, conflict.property) == (MOLOTOV, "born")
    assert len(conflict.claims) == 2
    assert views.person(SKRYABIN).conflicts == (conflict,)


def test_a_chain_of_three_ids_is_one_person_under_the_first_declared(log: MemoryLog) -> None:
    log.append([person(VM, "V. M."), took_part(VM, "event:talks", source_id="source:letters")])
    log.append([same_as(VM, SKRYABIN), same_as(SKRYABIN, MOLOTOV, "the minister's birth name")])
    views = Views(log)
    for either in (MOLOTOV, SKRYABIN, VM):
        view = views.person(either)
        assert (view.id, view.merged_ids) == (MOLOTOV, (SKRYABIN, VM))
        assert len(view.same_as) == 2
        # Molotov's and V. M.'s participations in the talks agree: one fact, two sources
        talks = [f for f in view.participations if f.other == "event:talks"]
        assert len(talks) == 1 and len(talks[0].sources) == 2
    assert views.conflicts() == []


def test_retracting_the_same_as_splits_them_and_as_of_sees_each_point(log: MemoryLog) -> None:
    joined = same_as(SKRYABIN, MOLOTOV)
    log.append([same_as(SKRYABIN, MOLOTOV)])
    at_join = log.head().seq  # type: ignore[union-attr]
    log.append([retract(joined)])
    views = Views(log)
    assert views.person(SKRYABIN).id == SKRYABIN
    assert views.person(MOLOTOV).merged_ids == ()
    assert views.person(SKRYABIN, as_of=at_join).id == MOLOTOV
    assert views.person(SKRYABIN, as_of=at_join - 1).id == SKRYABIN
    apart = {s for f in views.timeline(person=SKRYABIN) for s in f.subjects}
    assert "event:pact" in apart and "event:talks" not in apart
    merged = {s for f in views.timeline(as_of=at_join, person=SKRYABIN) for s in f.subjects}
    assert {"event:pact", "event:talks"} <= merged


def test_merged_events_are_one_entry_of_the_timeline() -> None:
    log = MemoryLog()
    talks = same_as("event:berlin-talks", "event:talks", "one meeting, two names")
    berlin = event("event:berlin-talks", "1940-11-12")
    log.append([*base(), berlin, took_part(SKRYABIN, "event:berlin-talks"), talks])
    views = Views(log)
    days = views.timeline(date_from="1940-11-12", date_to="1940-11-12")
    assert [f.subjects for f in days if f.kind == "event"] == [("event:talks",)]
    assert views.event("event:berlin-talks").id == "event:talks"
    for who in (MOLOTOV, SKRYABIN):  # Skryabin took part under the other event id
        his = views.timeline(date_from="1940-11-12", date_to="1940-11-12", person=who)
        assert [f.subjects for f in his] == [("event:talks",)]
    (talks_view,) = [f for f in views.person(SKRYABIN).participations if f.other == "event:talks"]
    assert len(talks_view.sources) == 1  # the two participations agree, from one citation


def test_the_snapshot_keeps_the_same_as_entries(tmp_path: Path) -> None:
    log = JsonlLog.init(tmp_path / "log")
    log.append([*base(), same_as(SKRYABIN, MOLOTOV)])
    first = Views(log).person(SKRYABIN).to_json()
    again = Views(JsonlLog.open(tmp_path / "log"))
    assert again.state.same_as == [len(base()) + 1]
    assert again.person(SKRYABIN).to_json() == first


@pytest.mark.parametrize(
    ("record", "pointer", "code"),
    [
        (same_as(MOLOTOV, SKRYABIN, note=None), "/note", "missing-field"),
        (same_as(MOLOTOV, SKRYABIN, note="  "), "/note", "schema-pattern"),
        (same_as(MOLOTOV, MOLOTOV), "/object", "same-as-itself"),
        (same_as(MOLOTOV, "event:talks"), "/object", "same-as-kind"),
        (same_as("source:book", "source:letters"), "/subject", "same-as-kind"),
    ],
)
def test_validation_refuses_a_bad_same_as(
    log: MemoryLog, record: dict[str, Any], pointer: str, code: str
) -> None:
    with pytest.raises(InvalidRecordError) as caught:
        log.append([record])
    (problem,) = caught.value.problems
    assert (problem.line, problem.pointer, problem.code) == (1, pointer, code)
    assert problem.message


# -- the grouping, as a law ------------------------------------------------------------------

IDS = [f"person:p{i}" for i in range(8)]


def _components(edges: list[tuple[int, str, str]]) -> list[set[str]]:
    groups: list[set[str]] = []
    for _, one, two in edges:
        touching = [g for g in groups if one in g or two in g]
        joined = {one, two}.union(*touching)
        groups = [g for g in groups if g not in touching] + [joined]
    return groups


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(IDS), st.sampled_from(IDS)).filter(lambda e: e[0] != e[1]),
        max_size=10,
    )
)
def test_groups_are_the_connected_ids_under_the_first_declared(
    pairs: list[tuple[str, str]],
) -> None:
    edges = [(seq, one, two) for seq, (one, two) in enumerate(pairs, start=1)]
    merges = merge(edges, IDS.index)
    expected = _components(edges)
    assert sorted(map(sorted, merges.groups.values())) == sorted(map(sorted, expected))
    for group in expected:
        first = min(group, key=IDS.index)
        assert all(merges.of(i) == first for i in group)
        assert merges.members(next(iter(group)))[0] == first
        assert set(merges.links[first]) == {s for s, one, _ in edges if one in group}
    assert merges.of("person:nobody") == "person:nobody"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.booleans()), max_size=8))
def test_as_of_any_point_is_the_log_truncated_there(steps: list[tuple[int, int, bool]]) -> None:
    people = [f"person:p{i}" for i in range(4)]
    records: list[dict[str, Any]] = [agent(), source(), source("source:letters")]
    records += [person(p, p) for p in people] + [life(p, "born", "1890-03-09") for p in people]
    standing: list[dict[str, Any]] = []
    for index, (one, two, undo) in enumerate(steps):
        if undo and standing:
            records.append(retract(standing.pop(0)))
        elif one != two:
            standing.append(same_as(people[one], people[two], f"reason {index}"))
            records.append(standing[-1])
    whole = MemoryLog()
    for record in records:  # one entry each, so every point of the log is a record
        whole.append([record])
    views = Views(whole)

    def seen(answer: Views, as_of: int | None, who: str) -> tuple[Any, ...]:
        view = answer.person(who, as_of)
        assert view.life is not None
        (born,) = view.life.born  # every id's birth agrees: one fact, whatever is merged
        return view.id, view.merged_ids, sorted(born.records)

    for point in range(len(people) * 2 + 3, len(records) + 1):
        truncated = MemoryLog()
        for record in records[:point]:
            truncated.append([record])
        for who in people:
            assert seen(views, point, who) == seen(Views(truncated), None, who)
