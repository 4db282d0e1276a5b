"""The timeline as a sequence built as it is read: the same entries, in the same order, as a
timeline built whole, with agreeing records folded and merged ids shown once."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from fonds.log import JsonlLog, MemoryLog
from fonds.model.kinds import KINDS
from fonds.views import Fact, Timeline, TimelineFilter, Views, queries
from fonds.views.queries import Query
from fonds.views.state import PackedIndex
from tests.strategies import timeline_head, timeline_logs


def built_whole(query: Query, where: TimelineFilter) -> list[Fact]:
    """The timeline as the views built it before it was built as read: every entry's fact
    first, then each run of entries with the same bounds folded (the reference)."""
    low, high = query.date_range(where.date_from, where.date_to)
    keep = query._subject_filter(where)
    min_rank = query._rank(where.min_confidence) if where.min_confidence else None
    entries: list[Fact] = []
    run, run_bounds = 0, (0, 0)
    for lower, upper, seq in query.state.dated_between(low, high, within=where.within):
        if not query.active(seq) or (keep is not None and seq not in keep):
            continue
        document = query.document(seq)
        if not query._kept(document, where.flag, min_rank) or query._merged_away(document):
            continue
        if (lower, upper) != run_bounds:
            entries[run:] = query.agreeing(entries[run:])
            run, run_bounds = len(entries), (lower, upper)
        entries.append(query.fact(seq, document))
    entries[run:] = query.agreeing(entries[run:])
    return entries


FILTERS = [
    TimelineFilter(),
    TimelineFilter("1940-11-12", "1940-11-12"),
    TimelineFilter("1940-11", "1940-11", within=True),
    TimelineFilter(person="person:p0"),
    TimelineFilter(flag="disputed"),
    TimelineFilter(min_confidence="high", date_to="1940-11"),
]


def _logged(records: list[dict[str, Any]]) -> MemoryLog:
    log = MemoryLog()
    for record in records:  # one entry each, so every point of the log is a record
        log.append([record])
    return log


def undated_whole(query: Query, where: TimelineFilter) -> list[Fact]:
    """The undated facts as the views built them before they were found from the state: the
    fact of every standing record of a dated kind holding no date, then folded (the
    reference)."""
    keep = query._subject_filter(where)
    min_rank = query._rank(where.min_confidence) if where.min_confidence else None
    placed = {seq for _lower, _upper, seq in query.state.dated}
    dated_kinds = {kind.name for kind in KINDS if kind.timeline_date is not None}
    facts: list[Fact] = []
    for seq in range(1, query.limit + 1):
        if query.state.kinds[seq] not in dated_kinds or seq in placed:
            continue
        if not query.active(seq) or (keep is not None and seq not in keep):
            continue
        document = query.document(seq)
        if not query._kept(document, where.flag, min_rank) or query._merged_away(document):
            continue
        facts.append(query.fact(seq, document))
    return query.agreeing(facts)


# the records to compare from which those that can agree with none are found from the mentions
# index first: as in a large log (0), and as in a small one
BY_MENTIONS = pytest.mark.parametrize("by_mentions_from", [0, queries._BY_MENTIONS_FROM])


@BY_MENTIONS
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=timeline_logs())
def test_the_timeline_read_lazily_is_the_timeline_built_whole(
    records: list[dict[str, Any]], by_mentions_from: int
) -> None:
    log = _logged(records)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(queries, "_BY_MENTIONS_FROM", by_mentions_from)
        for include_restricted in (False, True):
            views = Views(log, include_restricted=include_restricted)
            for as_of in (None, len(records) // 2 + 1):
                for where in FILTERS:
                    query = views.at(as_of)
                    lazy = query.timeline(where)
                    expected = built_whole(views.at(as_of), where)
                    assert len(lazy) == len(expected)
                    assert [fact.records for fact in expected] == [
                        tuple(query.state.record_id(s) for s in group) for group in lazy.seq_groups
                    ]
                    assert list(lazy) == expected
                    assert [f.sources for f in lazy] == [f.sources for f in expected]


@BY_MENTIONS
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=timeline_logs())
def test_the_undated_facts_are_those_built_whole_and_folded(
    records: list[dict[str, Any]], by_mentions_from: int
) -> None:
    log = _logged(records)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(queries, "_BY_MENTIONS_FROM", by_mentions_from)
        views = Views(log)
        for as_of in (None, len(records) // 2 + 1):
            for where in (TimelineFilter(), TimelineFilter(person="person:p0")):
                lazy = views.at(as_of).undated(where)
                expected = undated_whole(views.at(as_of), where)
                assert list(lazy) == expected
                assert [f.sources for f in lazy] == [f.sources for f in expected]


def test_agreeing_records_are_one_entry_of_the_total_and_of_the_page() -> None:
    records = timeline_head()
    born = {
        "kind": "attribute", "schema": 1, "subject": "person:p0", "property": "born",
        "date": "1890-03-09", "confidence": "high", "recorded_by": "agent:editors",
    }  # fmt: skip
    records += [{**born, "citations": [{"source": source}]} for source in ("source:a", "source:b")]
    records.append({**born, "subject": "person:p1", "citations": [{"source": "source:c"}]})
    views = Views(_logged(records))
    day = views.timeline(date_from="1890-03-09", date_to="1890-03-09")
    assert len(day) == 2
    first, second = day.page(0, 1)[0], day[1]
    assert len(first.agreeing) == 1
    assert {c.source for c in first.sources} == {"source:a", "source:b"}
    assert second.subjects == ("person:p1",)


def test_a_page_builds_only_the_entries_it_reads() -> None:
    born = {
        "kind": "attribute", "schema": 1, "property": "born", "confidence": "high",
        "citations": [{"source": "source:a"}], "recorded_by": "agent:editors",
    }  # fmt: skip
    records = timeline_head()
    records += [{**born, "subject": f"person:p{i % 4}", "date": f"{1800 + i}"} for i in range(40)]
    timeline = Views(_logged(records)).timeline(date_from=1810, date_to=1829)
    assert len(timeline) == 20
    assert timeline._built.count(None) == 20  # nothing built to count them
    page = timeline.page(5, 3)
    assert [f.date.date for f in page if f.date] == ["1815", "1816", "1817"]
    assert timeline._built.count(None) == 17
    assert timeline.page(18, 10) == timeline[18:]
    assert len(timeline[18:]) == 2
    assert timeline.page(25, 5) == []
    assert timeline[-1] == timeline[19]
    with pytest.raises(IndexError):
        timeline[20]
    with pytest.raises(ValueError, match="negative"):
        timeline.page(-1, 5)


def test_a_timeline_is_a_sequence_equal_to_the_list_of_its_facts() -> None:
    records = timeline_head()
    records.append(
        {"kind": "attribute", "schema": 1, "subject": "person:p2", "property": "born",
         "date": "1901", "confidence": "low", "citations": [{"source": "source:b"}],
         "recorded_by": "agent:editors"}
    )  # fmt: skip
    views = Views(_logged(records))
    timeline = views.timeline()
    assert isinstance(timeline, Timeline)
    assert timeline == list(timeline)
    assert timeline == tuple(timeline)
    assert timeline == views.timeline()
    assert timeline != timeline[:-1]
    assert pickle.loads(pickle.dumps(timeline)) == timeline
    assert timeline.to_json() == [fact.to_json() for fact in timeline]
    assert timeline.seqs == [fact.seq for fact in timeline]
    assert f"{len(timeline)} entries" in repr(timeline)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(records=timeline_logs())
def test_records_alike_are_found_the_same_in_packed_indexes_and_entries_added_after(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, Any]]
) -> None:
    """A snapshot's indexes are packed, and entries folded after it are held apart: the
    mentions index read by columns gives the answers a fresh fold gives."""
    log = JsonlLog.init(tmp_path_factory.mktemp("log") / "log")
    half = len(records) // 2 + 1
    for record in records[:half]:
        log.append([record])
    Views(log)  # leaves a snapshot: its indexes are loaded packed
    for record in records[half:]:
        log.append([record])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(queries, "_BY_MENTIONS_FROM", 0)
        updated, fresh = Views(log), Views(log, use_snapshot=False)
        assert isinstance(updated.state.mentions, PackedIndex)
        assert list(updated.undated()) == list(fresh.undated())
        assert list(updated.timeline()) == list(fresh.timeline())
