"""Views are folds: deterministic, equal as of N to the log truncated at N, cached safely."""

from __future__ import annotations

import gc
import shutil
from array import array
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fonds.log import JsonlLog, LogStore, MemoryLog
from fonds.log.jsonl import CACHE_DIR, LOG_FILE
from fonds.problems import InvalidRecordError
from fonds.validate import record_hash
from fonds.views import Fact, UnknownIdError, Views
from fonds.views.state import INDEXES, SNAPSHOT
from tests.helpers import AGENT, agent, cite, event, life, person, source, took_part

PEOPLE = ["person:molotov", "person:ribbentrop", "person:hitler"]


def base() -> list[dict[str, Any]]:
    return [
        agent(),
        source(),
        source("source:telegrams"),
        *(person(p, p.split(":")[1].title()) for p in PEOPLE),
        event("event:arrival", "1940-11-12T11:05:00", "Molotov arrives"),
        event("event:afternoon", "1940-11-12T15:00:00", "Meeting with Hitler"),
        event("event:day-one", "1940-11-12", "First day"),
        event("event:talks", "1940-10/1940-11", "Axis talks"),
        event("event:second-day", "1940-11-13", "Second day"),
        took_part("person:molotov", "event:arrival", "guest"),
        took_part("person:ribbentrop", "event:arrival", "host"),
        life("person:molotov", "born", "1890-03-09"),
        life("person:molotov", "died", "1986-11-08"),
    ]


def _date(fact: Fact) -> str | None:
    return fact.date.date if fact.date is not None else None


@pytest.fixture
def folder_log(tmp_path: Path) -> JsonlLog:
    log = JsonlLog.init(tmp_path / "log")
    log.append(base())
    return log


def _folder(path: Path) -> LogStore:
    return JsonlLog.init(path / "log")


def _memory(_: Path) -> LogStore:
    return MemoryLog()


BACKENDS: dict[str, Callable[[Path], LogStore]] = {"jsonl": _folder, "memory": _memory}


@pytest.fixture(params=sorted(BACKENDS))
def log(request: pytest.FixtureRequest, tmp_path: Path) -> LogStore:
    """The same small log on every backend: the view suite runs over each."""
    log: LogStore = BACKENDS[request.param](tmp_path)
    log.append(base())
    return log


def test_timeline_orders_by_bounds_then_time_of_day(log: LogStore) -> None:
    dates = [e.date.date for e in Views(log).timeline() if e.date]
    assert dates == [
        "1890-03-09",
        "1940-10/1940-11",
        "1940-11-12",
        "1940-11-12T11:05:00",
        "1940-11-12T15:00:00",
        "1940-11-13",
        "1986-11-08",
    ]


def test_one_day_range_keeps_what_overlaps_it(log: LogStore) -> None:
    entries = Views(log).timeline(date_from="1940-11-13", date_to="1940-11-13")
    assert [_date(e) for e in entries] == ["1940-10/1940-11", "1940-11-13"]
    assert all(e.sources for e in entries)


def test_within_keeps_only_what_certainly_falls_in_the_range(log: LogStore) -> None:
    views = Views(log)
    day = views.timeline(date_from="1940-11-13", date_to="1940-11-13", within=True)
    assert [_date(e) for e in day] == ["1940-11-13"]
    day = views.timeline(date_from="1940-11-12", date_to="1940-11-12", within=True)
    assert [_date(e) for e in day] == ["1940-11-12", "1940-11-12T11:05:00", "1940-11-12T15:00:00"]
    autumn = views.timeline(date_from="1940-10", date_to="1940-11", within=True)
    assert [_date(e) for e in autumn] == [
        "1940-10/1940-11",
        "1940-11-12",
        "1940-11-12T11:05:00",
        "1940-11-12T15:00:00",
        "1940-11-13",
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dates(date(1940, 9, 1), date(1940, 12, 31)), st.integers(0, 90))
def test_within_is_the_overlapping_entries_whose_bounds_lie_inside(
    log: LogStore, start: date, days: int
) -> None:
    views = Views(log)
    low, high = start.isoformat(), (start + timedelta(days=days)).isoformat()
    overlapping = views.timeline(date_from=low, date_to=high)
    expected = [
        e
        for e in overlapping
        if e.date
        and e.date.earliest
        and e.date.latest
        and e.date.earliest >= f"{low}T00:00"
        and e.date.latest < f"{high}T24"
    ]
    assert views.timeline(date_from=low, date_to=high, within=True) == expected


def test_person_filter_includes_the_events_the_person_took_part_in(log: LogStore) -> None:
    entries = Views(log).timeline(person="person:ribbentrop")
    assert [e.summary for e in entries] == ["Molotov arrives"]


def test_person_view_has_life_dates_events_and_sources(log: LogStore) -> None:
    view = Views(log).person("person:molotov")
    assert view.life is not None
    assert [_date(f) for f in view.life.born] == ["1890-03-09"]
    assert view.life.born[0].sources[0].source == "source:book"
    assert [(e.other, e.document["role"]) for e in view.participations] == [
        ("event:arrival", "guest")
    ]
    assert _date(view.participations[0]) == "1940-11-12T11:05:00"


def test_unknown_id_suggests_the_closest(log: LogStore) -> None:
    with pytest.raises(UnknownIdError) as caught:
        Views(log).person("person:molotof")
    assert caught.value.suggestions[0] == "person:molotov"


def test_a_second_birth_date_is_a_conflict_from_its_entry_on(log: LogStore) -> None:
    head = log.head()
    assert head is not None
    log.append([life("person:molotov", "born", "1890-02-25", "source:telegrams")])
    views = Views(log)
    found = views.conflicts()
    assert len(found) == 1 and found[0].open and found[0].property == "born"
    assert {_date(c.fact) for c in found[0].claims} == {"1890-03-09", "1890-02-25"}
    assert views.conflicts(as_of=head.seq) == []


def test_a_supersession_resolves_a_conflict_and_history_shows_it(log: LogStore) -> None:
    wrong = life("person:molotov", "born", "1890-02-25", "source:telegrams")
    right = {
        **life("person:molotov", "born", "1890-03-09", "source:telegrams"),
        "confidence": "certain",
    }
    log.append([wrong])
    log.append(
        [
            right,
            {
                "kind": "supersede",
                "schema": 1,
                "target": record_hash(wrong),
                "replacement": record_hash(right),
                "reason": "Julian date misread",
                "recorded_by": AGENT,
            },
        ]
    )
    views = Views(log)
    found = views.conflicts()
    assert len(found) == 1 and not found[0].open
    assert found[0].preferred == record_hash(right)
    items = views.history("person:molotov")
    superseded = next(i for i in items if i.fact.record == record_hash(wrong))
    assert superseded.status == "superseded"
    assert superseded.correction_reason == "Julian date misread"
    assert any(i.fact.kind == "supersede" for i in items)


def test_source_impact_lists_what_would_lose_all_sources(log: LogStore) -> None:
    twice = {
        **life("person:hitler", "born", "1889-04-20"),
        "citations": cite() + cite("source:telegrams"),
    }
    log.append([twice, life("person:hitler", "died", "1945-04-30", "source:telegrams")])
    impact = Views(log).source("source:telegrams")
    assert impact.counts == {"citing": 2, "would_lose_all_sources": 1}
    assert _date(impact.would_lose_all_sources[0]) == "1945-04-30"


def test_snapshot_is_reused_and_updated_with_only_new_entries(
    folder_log: JsonlLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Views(folder_log).timeline()
    assert (folder_log.directory / CACHE_DIR / SNAPSHOT).exists()
    calls: list[int] = []
    original = JsonlLog.scan

    def counting(self: JsonlLog, position: int = 0) -> Any:
        for item in original(self, position):
            calls.append(item[0].seq)
            yield item

    monkeypatch.setattr(JsonlLog, "scan", counting)
    assert Views(folder_log).timeline() == first
    assert calls == []
    folder_log.append([life("person:hitler", "born", "1889-04-20")])
    calls.clear()
    assert len(Views(folder_log).timeline()) == len(first) + 1
    assert calls == [len(base()) + 1]


def test_a_state_brought_up_to_date_equals_one_folded_afresh(log: LogStore) -> None:
    Views(log)  # leaves a snapshot, its indexes sealed
    log.append([life("person:hitler", "born", "1889-04-20")])
    updated, fresh = Views(log).state, Views(log, use_snapshot=False).state
    assert updated.mentions["person:hitler"][-1] == updated.head_seq
    for name in INDEXES:
        assert getattr(updated, name) == getattr(fresh, name)
        assert all(isinstance(seqs, array) for seqs in getattr(updated, name).values())
    assert updated.dated_in_order() == fresh.dated_in_order()
    assert Views(log).person("person:hitler") == Views(log, use_snapshot=False).person(
        "person:hitler"
    )


def test_a_snapshot_of_another_log_is_not_used(folder_log: JsonlLog, tmp_path: Path) -> None:
    Views(folder_log).timeline()
    other = JsonlLog.init(tmp_path / "other")
    other.append(base()[:8])
    shutil.copytree(
        folder_log.directory / CACHE_DIR, other.directory / CACHE_DIR, dirs_exist_ok=True
    )
    assert Views(other).timeline() == Views(other, use_snapshot=False).timeline()


# -- laws --------------------------------------------------------------------------------
extra = st.lists(
    st.one_of(
        st.builds(
            lambda p, d: life(p, "born", d),
            st.sampled_from(PEOPLE),
            st.sampled_from(["1889-04-20", "1890-03-09", "1893-04-30", "1890"]),
        ),
        st.builds(
            lambda p, d: life(p, "died", d),
            st.sampled_from(PEOPLE),
            st.sampled_from(["1945-04-30", "1986-11-08", "1946-10-16"]),
        ),
        st.builds(
            took_part,
            st.sampled_from(PEOPLE),
            st.sampled_from(["event:afternoon", "event:second-day"]),
            st.sampled_from(["participant", "negotiator", "host"]),
        ),
    ),
    min_size=1,
    max_size=8,
)


def _views_of(views: Views, as_of: int | None) -> dict[str, Any]:
    return {
        "timeline": views.timeline(as_of),
        "conflicts": views.conflicts(as_of),
        "people": [views.person(p, as_of) for p in PEOPLE],
        "history": [views.history(p, as_of) for p in PEOPLE],
        "source": views.source("source:book", as_of),
    }


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(batches=st.lists(extra, min_size=1, max_size=3), data=st.data())
def test_view_as_of_n_equals_view_of_log_truncated_at_n(
    tmp_path_factory: pytest.TempPathFactory,
    batches: list[list[dict[str, Any]]],
    data: st.DataObject,
) -> None:
    directory = tmp_path_factory.mktemp("law") / "log"
    log = JsonlLog.init(directory)
    log.append(base())
    retractable: list[dict[str, Any]] = []
    for batch in batches:
        try:
            log.append(batch)
            retractable.extend(batch)
        except InvalidRecordError:
            continue  # incoherent life dates or duplicates: not this law's business
    retract_one: bool = data.draw(st.booleans())
    if retractable and retract_one:
        target = data.draw(st.sampled_from(retractable))
        log.append(
            [
                {
                    "kind": "retract",
                    "schema": 1,
                    "target": record_hash(target),
                    "reason": "withdrawn",
                    "recorded_by": AGENT,
                }
            ]
        )
    head = log.head()
    assert head is not None
    n = data.draw(st.integers(len(base()), head.seq))
    truncated = directory.parent / "truncated"
    JsonlLog.init(truncated)
    lines = (directory / LOG_FILE).read_bytes().splitlines(keepends=True)
    (truncated / LOG_FILE).write_bytes(b"".join(lines[:n]))
    full = Views(JsonlLog(directory))
    assert _views_of(full, n) == _views_of(Views(JsonlLog(truncated)), None)
    # folding is deterministic: a fresh fold without the snapshot gives the same views
    assert _views_of(full, None) == _views_of(Views(JsonlLog(directory), use_snapshot=False), None)


def test_a_record_that_changes_nothing_in_a_view_leaves_it_equal(log: LogStore) -> None:
    before = Views(log).timeline()
    log.append([person("person:stalin", "Joseph Stalin")])
    assert Views(log).timeline() == before


def test_answers_leave_the_cyclic_collector_as_they_found_it(log: LogStore) -> None:
    views = Views(log)
    assert views.timeline() and gc.isenabled()
    with pytest.raises(UnknownIdError):
        views.person("person:nobody")
    assert gc.isenabled()
    gc.disable()
    try:
        views.timeline()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_restricted_records_are_left_out_unless_asked_for(log: LogStore) -> None:
    private = {**life("person:hitler", "born", "1889-04-20"), "flags": ["restricted"]}
    log.append([private])
    record = record_hash(private)
    hidden, shown = Views(log), Views(log, include_restricted=True)
    assert record not in {e.record for e in hidden.timeline()}
    assert record in {e.record for e in shown.timeline()}
    assert hidden.restricted_left_out() == 1 and shown.restricted_left_out() == 0
    assert record not in {f.record for _, f in hidden.person("person:hitler").facts()}
    assert record in {f.record for _, f in shown.person("person:hitler").facts()}
    assert hidden.restricted_left_out(as_of=len(base())) == 0


def test_conflicts_of_the_whole_log_read_stored_subjects_past_look_alike_text(
    log: LogStore,
) -> None:
    """The whole-log answer reads each claim's subject and property from its stored bytes:
    text that looks like those fields (escaped in JSON) must not be taken for them."""
    look_alike = '"subject":"person:hitler","property":"died" \\ "'
    log.append(
        [
            {
                **life("person:molotov", "born", "1890-02-25", "source:telegrams"),
                "note": look_alike,
                "value": look_alike,
            },
            life("person:hitler", "died", "1945-04-30"),
        ]
    )
    views = Views(log)
    whole = views.conflicts()
    assert [(c.subject, c.property) for c in whole] == [("person:molotov", "born")]
    assert whole == [c for p in sorted(PEOPLE) for c in views.conflicts(subject=p)]
