"""The view commands as a user runs them."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.helpers import life, run_cli, write_jsonl
from tests.views.test_views import base


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, *args)


@pytest.fixture
def log_dir(empty_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    contribution = write_jsonl(tmp_path / "base.jsonl", base())
    assert run(capsys, "append", str(contribution), "--log", str(empty_log))[0] == 0
    return empty_log


@pytest.mark.parametrize(
    "args",
    [
        ["timeline"],
        ["person", "person:molotov"],
        ["event", "event:arrival"],
        ["source", "source:book"],
        ["conflicts"],
        ["history", "person:molotov"],
    ],
)
@pytest.mark.parametrize("output_format", ["text", "json", "md"])
def test_every_view_prints_in_every_format(
    log_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], output_format: str
) -> None:
    code, out, err = run(capsys, *args, "--log", str(log_dir), "--format", output_format)
    assert code == 0 and err == "" and out.strip()
    if output_format == "json":
        orjson.loads(out)


def test_text_timeline_shows_dates_as_a_reader_expects_and_flags(
    log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "timeline", "--log", str(log_dir))
    assert "12 Nov 1940, 11:05" in out and "Oct–Nov 1940" in out


def test_as_of_before_a_conflicting_record_shows_no_conflict(
    log_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    second = write_jsonl(
        tmp_path / "second.jsonl",
        [life("person:molotov", "born", "1890-02-25", "source:telegrams")],
    )
    run(capsys, "append", str(second), "--log", str(log_dir))
    _, out, _ = run(capsys, "conflicts", "--log", str(log_dir), "--format", "json")
    conflicts = orjson.loads(out)
    assert [c["subject"] for c in conflicts] == ["person:molotov"]
    _, out, _ = run(
        capsys, "conflicts", "--log", str(log_dir), "--format", "json", "--as-of", str(len(base()))
    )
    assert orjson.loads(out) == []


def test_an_unknown_id_is_exit_1_with_suggestions(
    log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "person", "person:molotof", "--log", str(log_dir))
    assert code == 1 and out == ""
    assert err.strip() == "fonds: person:molotof: not in the log; did you mean person:molotov?"


def test_bad_filters_are_usage_errors(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "timeline", "--log", str(log_dir), "--from", "1940-13")[0] == 2
    assert run(capsys, "timeline", "--log", str(log_dir), "--as-of", "yesterday")[0] == 2
    assert run(capsys, "timeline", "--log", str(log_dir), "--min-confidence", "hihg")[0] == 2


def test_within_narrows_a_day_to_what_certainly_happened_on_it(
    log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day = ["timeline", "--log", str(log_dir), "--from", "1940-11-13", "--to", "1940-11-13"]
    code, out, _ = run(capsys, *day, "--format", "json")
    assert code == 0
    assert [e["date"] for e in orjson.loads(out)] == ["1940-10/1940-11", "1940-11-13"]
    code, out, _ = run(capsys, *day, "--within", "--format", "json")
    assert code == 0
    assert [e["date"] for e in orjson.loads(out)] == ["1940-11-13"]


def test_limit_and_offset_print_one_page_of_the_timeline_and_the_total(
    log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "timeline", "--log", str(log_dir), "--format", "json")
    assert code == 0
    whole = orjson.loads(out)
    assert len(whole) > 2
    paged = ["timeline", "--log", str(log_dir), "--offset", "1", "--limit", "2"]
    code, out, _ = run(capsys, *paged, "--format", "json")
    assert code == 0
    assert orjson.loads(out) == {"total": len(whole), "offset": 1, "entries": whole[1:3]}
    code, out, _ = run(capsys, *paged)
    assert code == 0 and f"Timeline — entries 2–3 of {len(whole)}" in out
    code, out, _ = run(capsys, "timeline", "--log", str(log_dir), "--offset", str(len(whole)))
    assert code == 0 and f"none of {len(whole)} entries after the first {len(whole)}" in out
    code, out, err = run(capsys, "timeline", "--log", str(log_dir), "--limit", "-1")
    assert code == 2 and out == "" and "'--limit'" in err and len(err.splitlines()) == 1


def test_an_id_of_another_kind_is_exit_1_saying_what_it_is(
    log_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "person", "event:arrival", "--log", str(log_dir))
    assert code == 1 and out == ""
    assert err.strip() == "fonds: event:arrival: an event, not a person"
    code, out, _ = run(capsys, "event", "arrival", "--log", str(log_dir), "--format", "json")
    assert code == 0 and orjson.loads(out)["kind"] == "event"


def test_markdown_views_escape_the_data(
    log_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = {**base()[3], "id": "person:hostile", "labels": {"en": "<b>Bold</b> | *x*"}}
    path = write_jsonl(tmp_path / "hostile.jsonl", [renamed])
    assert run(capsys, "append", str(path), "--log", str(log_dir))[0] == 0
    code, out, _ = run(capsys, "person", "hostile", "--log", str(log_dir), "--format", "md")
    assert code == 0
    assert out.startswith("# &lt;b&gt;Bold&lt;/b&gt; \\| \\*x\\* (person:hostile)\n")
    assert "<b>" not in out


def test_no_escape_sequence_from_the_data_reaches_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fonds.log import JsonlLog
    from tests.helpers import append_unchecked, basics

    directory = tmp_path / "log"
    JsonlLog.init(directory).append(basics())
    hostile = {
        "kind": "attribute", "schema": 1, "subject": "person:molotov", "property": "held-office",
        "value": "\x1b]0;owned\x07 \x1b[31mred\x1b[0m \x9b1m", "date": "1940-11",
        "citations": [{"source": "source:book"}], "confidence": "high",
        "recorded_by": "agent:tester",
    }  # fmt: skip
    append_unchecked(directory, [hostile])
    for output in ("text", "md", "json"):
        for command in (["timeline"], ["person", "person:molotov"], ["history", "person:molotov"]):
            code, out, err = run_cli(capsys, *command, "--log", str(directory), "--format", output)
            assert code == 0, err
            assert not any(c in out for c in "\x1b\x07\x9b"), (command, output)
            if output != "json":
                assert "x1b" in out and "owned" in out
