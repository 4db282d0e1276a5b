"""The views answer with typed values: facts with their sources, flat rows for a DataFrame,
filters given as values, errors that name the parameter, and the JSON the command line prints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import orjson
import pytest

from fonds.log import JsonlLog
from fonds.model.records import Citation, Locator
from fonds.problems import ArgumentError, UnknownIdError
from fonds.views import (
    FACT_COLUMNS,
    EntityView,
    Fact,
    HistoricalDate,
    Views,
    citation_text,
    rows,
)
from fonds.views.queries import Query
from fonds.views.render import (
    render_conflicts,
    render_entity,
    render_history,
    render_source_impact,
    render_timeline,
)
from tests.conftest import RECORDS
from tests.helpers import AGENT, agent, cite, event, life, person, run_cli, source, took_part
from tests.views.test_views import base

MOLOTOV_BORN_SOURCES = "source:axis-talks-page, sec. List of persons, row 2"


@pytest.fixture(scope="module")
def shipped() -> Views:
    return Views(JsonlLog.open(RECORDS), use_snapshot=False)


def test_the_timeline_is_typed_facts_with_their_sources(shipped: Views) -> None:
    entries = shipped.timeline(date_from="1940-11-12", date_to="1940-11-12", within=True)
    assert entries and all(isinstance(entry, Fact) for entry in entries)
    arrival = next(
        e for e in entries if e.kind == "event" and e.subjects[0].startswith("event:molotov-arr")
    )
    assert arrival.kind == "event" and arrival.summary == "Molotov's train arrives in Berlin"
    assert isinstance(arrival.date, HistoricalDate)
    assert (arrival.date.date, arrival.date.display) == (
        "1940-11-12T11:05:00",
        "12 Nov 1940, 11:05",
    )
    assert arrival.date.earliest == "1940-11-12T11:05:00" and arrival.date.precision == "second"
    assert arrival.sources[0] == Citation(
        "source:axis-talks-page",
        Locator("paragraph", "3"),
        "Molotov's train arrived at 11:05 a.m. on November 12.",
    )
    assert citation_text(arrival.sources[0]) == "source:axis-talks-page, para. 3"
    assert len(arrival.record) == 64 and arrival.seq > 0 and arrival.recorded.endswith("Z")


def test_a_person_view_is_a_data_frame_of_facts_with_their_sources(shipped: Views) -> None:
    pandas = pytest.importorskip("pandas")
    view = shipped.person("person:molotov")
    facts = list(view.facts())
    frame = pandas.DataFrame(view.rows())
    assert len(frame) == len(facts) > 30
    assert frame["record"].is_unique  # each fact once, though names and attributes share some
    assert {"section", *FACT_COLUMNS, "other", "role", "property", "value", "text"} <= set(
        frame.columns
    )
    born = frame[frame["section"] == "born"]
    assert list(born["date"]) == ["1890-03-09"]
    assert list(born["sources"]) == [MOLOTOV_BORN_SOURCES]
    at_meeting = frame[frame["event"] == "event:hitler-molotov-meeting-1940-11-12"]
    assert set(at_meeting["section"]) == {"events", "received"}  # he took part, and was told
    meeting = at_meeting[at_meeting["section"] == "events"]
    assert list(meeting["role"]) == ["guest"]
    assert meeting["other"].iloc[0] == "Hitler receives Molotov at the Reich Chancellery"
    assert meeting["sources"].iloc[0] == "source:axis-talks-page, para. 18"
    said = frame[frame["section"] == "said"]
    assert "which sea?" in set(said["text"])
    assert all(frame["sources"] != "")  # every fact about him rests on a source
    sections = {section for section, _ in facts}
    assert {"declaration", "born", "died", "events", "said", "attributes"} <= sections


def test_rows_of_a_timeline_are_one_per_entry(shipped: Views) -> None:
    entries = shipped.timeline(date_from="1940-11-13", date_to="1940-11-13")
    table = rows(entries)
    assert [row["record"] for row in table] == [entry.record for entry in entries]
    assert all(tuple(row) == FACT_COLUMNS for row in table)


@pytest.mark.parametrize(
    ("given", "as_text"),
    [
        (1940, "1940"),
        ("1940-11", "1940-11"),
        (dt.date(1940, 11, 13), "1940-11-13"),
        (dt.datetime(1940, 11, 12, 11, 5), "1940-11-12T11:05:00"),
    ],
)
def test_dates_of_a_filter_may_be_values(shipped: Views, given: Any, as_text: str) -> None:
    assert shipped.timeline(date_from=given, date_to=given) == shipped.timeline(
        date_from=as_text, date_to=as_text
    )
    assert shipped.timeline(date_from=given) == shipped.timeline(date_from=as_text)
    assert shipped.timeline(date_from=as_text, date_to=as_text)


@pytest.mark.parametrize(
    ("filters", "argument"),
    [
        ({"min_confidence": "hihg"}, "min_confidence"),
        ({"date_to": "1940-13"}, "date_to"),
        ({"date_from": 1940.5}, "date_from"),
        ({"date_to": True}, "date_to"),
    ],
)
def test_a_bad_filter_is_an_argument_error_naming_the_parameter(
    shipped: Views, filters: dict[str, Any], argument: str
) -> None:
    with pytest.raises(ArgumentError) as caught:
        shipped.timeline(**filters)
    assert caught.value.argument == argument
    assert str(caught.value).startswith(f"{argument}=") and "--" not in str(caught.value)


def test_an_id_of_another_kind_is_refused_saying_what_it_is(shipped: Views) -> None:
    with pytest.raises(
        UnknownIdError, match="event:berlin-conference-1940: an event, not a person"
    ):
        shipped.person("event:berlin-conference-1940")
    with pytest.raises(UnknownIdError, match="a person, not a place"):
        shipped.place("person:molotov")
    with pytest.raises(UnknownIdError, match="a place, not an event"):
        shipped.event("place:berlin")
    with pytest.raises(UnknownIdError, match="a person, not a source"):
        shipped.source("person:molotov")
    with pytest.raises(UnknownIdError, match="a place, not a person"):
        shipped.timeline(person="place:berlin")
    assert shipped.entity("event:berlin-conference-1940").kind == "event"
    assert shipped.event("event:berlin-conference-1940").participations
    assert isinstance(shipped.entity("source:axis-talks-page"), EntityView)


def _json(capsys: pytest.CaptureFixture[str], log: Path, *args: str) -> Any:
    code, out, err = run_cli(capsys, *args, "--log", str(log), "--format", "json")
    assert code == 0, err
    return orjson.loads(out)


def _second_birth(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    birth = {
        **life("person:molotov", "born", "1890-03-06", "source:axis-talks-page"),
        "recorded_by": "agent:fonds-editors",
    }
    path = log.parent / "birth.jsonl"
    path.write_bytes(orjson.dumps(birth) + b"\n")
    assert run_cli(capsys, "append", str(path), "--log", str(log))[0] == 0


def test_to_json_is_what_the_command_line_prints(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    _second_birth(shipped_log, capsys)
    views = Views(JsonlLog.open(shipped_log), use_snapshot=False)
    timeline = views.timeline()
    assert [e.to_json() for e in timeline] == _json(capsys, shipped_log, "timeline")
    day = views.timeline(date_from="1940-11-13", date_to="1940-11-13")
    assert [e.to_json() for e in day] == _json(
        capsys, shipped_log, "timeline", "--from", "1940-11-13", "--to", "1940-11-13"
    )
    for person_id in ("person:molotov", "person:schulenburg", "person:stalin"):
        assert views.person(person_id).to_json() == _json(capsys, shipped_log, "person", person_id)
    event_id = "event:hitler-molotov-meeting-1940-11-12"
    assert views.event(event_id).to_json() == _json(capsys, shipped_log, "event", event_id)
    assert views.place("place:berlin").to_json() == _json(capsys, shipped_log, "place", "berlin")
    source_id = "source:stalin-molotov-telegrams-1940"
    assert views.source(source_id).to_json() == _json(capsys, shipped_log, "source", source_id)
    conflicts = views.conflicts()
    assert conflicts and [c.to_json() for c in conflicts] == _json(capsys, shipped_log, "conflicts")
    history = views.history("person:molotov")
    assert [h.to_json() for h in history] == _json(capsys, shipped_log, "history", "person:molotov")
    # every fact in the JSON carries its sources, as the command line contract says
    molotov = views.person("person:molotov").to_json()
    assert molotov["life"]["born"][0]["sources"][0]["locator"] == {
        "label": "section",
        "value": "List of persons, row 2",
    }


def test_summaries_name_entities_by_their_labels(shipped: Views) -> None:
    query = shipped.at()
    kinds = {query.document(seq)["kind"]: seq for seq in range(1, query.limit + 1)}
    participation = query.document(kinds["participation"])
    summary = query.summary(participation)
    assert summary == (
        f"{query.label(participation['person'])} — {participation['role']} — "
        f"{query.label(participation['event'])}"
    )


HOSTILE = "<script>alert(1)</script> | *bold* [link](x) `code`"


@pytest.fixture
def hostile(tmp_path: Path) -> Views:
    log = JsonlLog.init(tmp_path / "log")
    log.append(
        [
            agent(),
            source(),
            person("person:hostile", HOSTILE),
            event("event:hostile", "1940-11-12", HOSTILE),
            took_part("person:hostile", "event:hostile", "guest"),
            life("person:hostile", "born", "1890-03-09"),
            life("person:hostile", "born", "1891-03-09"),
        ]
    )
    return Views(log)


def _assert_escaped(markdown: str) -> None:
    assert "<script" not in markdown and "&lt;script&gt;" in markdown
    assert "\\*bold\\*" in markdown and "\\[link\\]" in markdown and "\\`code\\`" in markdown
    for line in markdown.splitlines():
        if line.startswith("| ") and "record" not in line:
            # a data cell's bar is escaped: a row has as many cells as its header
            cells = line.replace("\\|", "").count("|")
            assert cells in (7, 8), line


def test_markdown_of_the_views_escapes_the_data(hostile: Views) -> None:
    _assert_escaped(render_entity(hostile.person("person:hostile"), "md"))
    _assert_escaped(render_entity(hostile.event("event:hostile"), "md"))
    _assert_escaped(render_timeline(hostile.timeline(), "md"))
    _assert_escaped(render_conflicts(hostile.conflicts(), "md"))
    history = render_history("person:hostile", hostile.history("person:hostile"), "md")
    _assert_escaped(history.replace("History of person:hostile", ""))
    impact = render_source_impact(hostile.source("source:book"), "md")
    _assert_escaped(impact)
    text = render_timeline(hostile.timeline(), "text")
    assert "<script>alert(1)</script>" in text  # plain text prints the data as it is


def test_a_renderer_refuses_a_format_it_does_not_write(hostile: Views) -> None:
    with pytest.raises(ArgumentError) as caught:
        render_timeline(hostile.timeline(), "html")
    assert caught.value.argument == "output_format"


def test_a_participation_without_a_date_takes_its_events(tmp_path: Path) -> None:
    log = JsonlLog.init(tmp_path / "log")
    log.append(base())
    view = Views(log).event("event:arrival")
    assert [(f.other, f.other_label) for f in view.participations] == [
        ("person:molotov", "Molotov"),
        ("person:ribbentrop", "Ribbentrop"),
    ]
    assert all(
        f.date is not None and f.date.date == "1940-11-12T11:05:00" for f in view.participations
    )
    assert all("date" not in f.document for f in view.participations)


def test_a_query_as_of_a_point_is_typed_too(tmp_path: Path) -> None:
    log = JsonlLog.init(tmp_path / "log")
    log.append([agent(), source(), person()])
    log.append([{**life("person:molotov", "born", "1890-03-09"), "citations": cite(para=7)}])
    views = Views(log)
    assert isinstance(views.at(3), Query)
    assert views.person("person:molotov", as_of=3).life is not None
    assert views.person("person:molotov", as_of=3).rows()[0]["section"] == "declaration"
    assert len(views.person("person:molotov").rows()) == 2
    assert views.person("person:molotov").rows()[1]["sources"] == "source:book, para. 7"
    assert AGENT in views.known_ids()


def test_answers_are_values_that_copy_and_compare(shipped: Views) -> None:
    import pickle

    timeline = shipped.timeline(date_from=1940, date_to=1940)
    assert pickle.loads(pickle.dumps(timeline)) == timeline
    molotov = shipped.person("person:molotov")
    copied = pickle.loads(pickle.dumps(molotov))
    assert copied == molotov and copied.rows() == molotov.rows()
    assert len({*timeline, *timeline}) == len(timeline)  # facts hash, so they can be counted
    with pytest.raises(TypeError):
        timeline[0].document["kind"] = "forged"  # type: ignore[index]
