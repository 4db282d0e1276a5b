"""fonds validate / append / verify as a user runs them: exit codes, positioned messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.helpers import basics, cite, life, person, run_cli, write_jsonl

Run = tuple[int, str, str]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, *args)


def test_valid_contribution_on_its_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", basics())
    code, out, _ = run(capsys, "validate", str(path), "--log", str(tmp_path / "none"))
    assert code == 0 and "4 of 4 records checked: valid" in out


def test_every_problem_is_reported_with_its_position(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_person = person("person:ribbentrop", "Joachim von Ribbentrop")
    bad_person["lables"] = bad_person.pop("labels")
    flagged = life("person:molotov", "died", "1986-11-08")
    flagged["flags"] = ["unpublsihed"]
    documents = [*basics(), bad_person, flagged, life("person:molotov", "born", "1890-02-30")]
    path = write_jsonl(tmp_path / "c.jsonl", documents)
    code, _, err = run(capsys, "validate", str(path), "--log", str(tmp_path / "none"))
    assert code == 1
    lines = err.strip().splitlines()
    assert f"{path}:5: /: unknown field 'lables' (did you mean 'labels'?)" in lines
    assert any(
        line.startswith(f"{path}:6: /flags/0: ") and "'unpublished'" in line for line in lines
    )
    assert any(line.startswith(f"{path}:7: /date: ") for line in lines)


def test_json_report_is_machine_readable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [{"kind": "persn"}])
    code, out, _ = run(capsys, "validate", str(path), "--format", "json", "--log", str(tmp_path))
    report = orjson.loads(out)
    assert code == 1 and report[0]["code"] == "unknown-kind" and report[0]["suggestion"] == "person"
    assert report[0]["line"] == 1 and report[0]["pointer"] == "/kind"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b'{"kind": "person", ', "json-invalid"),
        (b"\x00\xff\xfe garbage \x89PNG", "encoding"),
        (b"[" * 10_000 + b"]" * 10_000, "too-deep"),
        (b'{"a":' * 50 + b"1" + b"}" * 50, "too-deep"),
        (b'"just a string"', "not-an-object"),
        (b'{"kind": "person", "id": "\xed\xa0\x80"}', "encoding"),
    ],
    ids=["truncated-json", "binary", "deep-array", "deep-object", "string", "surrogate"],
)
def test_bad_input_gets_one_positioned_message_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, code: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    exit_code, out, _err = run(
        capsys, "validate", str(path), "--format", "json", "--log", str(tmp_path)
    )
    report = orjson.loads(out)
    assert exit_code == 1
    assert [(p["line"], p["code"]) for p in report] == [(1, code)]


def test_an_empty_file_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    code, _out, err = run(capsys, "validate", str(path), "--log", str(tmp_path))
    assert code == 0 and err == ""


def test_a_50_megabyte_line_is_refused_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.jsonl"
    path.write_bytes(b'{"kind": "person", "note": "' + b"a" * (50 << 20) + b'"}\n')
    code, _, err = run(capsys, "validate", str(path), "--log", str(tmp_path))
    assert code == 1
    assert err.count("\n") == 1 and "the limit is 1,048,576 bytes" in err and f"{path}:1: /:" in err


def test_wrong_usage_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "validate")[0] == 2
    assert run(capsys, "validate", str(tmp_path / "missing.jsonl"))[0] == 2
    assert run(capsys, "timeline-does-not-exist")[0] == 2
    code, _, err = run(capsys, "verify", "--log", str(tmp_path / "nowhere"))
    assert code == 2 and err.count("\n") == 1


def test_append_of_a_bad_batch_leaves_the_log_byte_identical(
    empty_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", basics())
    assert run(capsys, "append", str(good), "--log", str(empty_log))[0] == 0
    before = (empty_log / "log.jsonl").read_bytes()
    batch = [
        person("person:hitler", "Adolf Hitler"),
        life("person:hitler", "born", "1889-04-20"),
        {**life("person:hitler", "died", "1945-04-30"), "citations": cite("source:nowhere")},
    ]
    bad = write_jsonl(tmp_path / "bad.jsonl", batch)
    code, _, err = run(capsys, "append", str(bad), "--log", str(empty_log))
    assert code == 1
    assert f"{bad}:3: /citations/0/source: source:nowhere is not declared" in err
    assert (empty_log / "log.jsonl").read_bytes() == before
    code, out, _ = run(capsys, "verify", "--log", str(empty_log))
    assert code == 0 and "4 entries, chain verified" in out


def test_validate_checks_references_against_the_log(
    empty_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_jsonl(tmp_path / "good.jsonl", basics())
    run(capsys, "append", str(tmp_path / "good.jsonl"), "--log", str(empty_log))
    more = write_jsonl(tmp_path / "more.jsonl", [life("person:molotov", "died", "1986-11-08")])
    assert run(capsys, "validate", str(more), "--log", str(empty_log))[0] == 0
    assert run(capsys, "validate", str(more), "--log", str(tmp_path / "none"))[0] == 1


def test_the_installed_command_runs_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\xff\xfe{{{")
    result = subprocess.run(
        [sys.executable, "-m", "fonds", "validate", str(path), "--log", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and f"{path}:1: /:" in result.stderr


def test_out_never_lands_in_the_log_folder_never_follows_a_link_and_is_whole_or_absent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os
    import resource
    import shutil

    records = Path(__file__).resolve().parents[2] / "records"
    archive = tmp_path / "records"
    shutil.copytree(records, archive, ignore=shutil.ignore_patterns(".fonds-cache"))
    log_bytes = (archive / "log.jsonl").read_bytes()
    where = ["--log", str(archive)]
    for target in (archive / "log.jsonl", archive / "timeline.txt", archive / ".fonds-cache" / "x"):
        code, _, err = run_cli(capsys, "timeline", *where, "--out", str(target))
        assert code == 2 and "inside the log folder" in err
    assert (archive / "log.jsonl").read_bytes() == log_bytes
    assert not (archive / "timeline.txt").exists()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(victim)
    assert run_cli(capsys, "timeline", *where, "--out", str(link))[0] == 0
    assert victim.read_text() == "keep me" and not link.is_symlink()
    assert "Timeline" in link.read_text()
    code, _, err = run_cli(capsys, "timeline", *where, "--out", str(tmp_path / "no" / "t.txt"))
    assert code == 2 and "no such folder" in err
    if os.path.exists("/dev/full"):
        code, _, err = run_cli(capsys, "timeline", *where, "--out", "/dev/full")
        assert code == 1 and "cannot write" in err and Path("/dev/full").exists()
    # a file-size limit mid-write: an error, the old output kept whole, no temporary left
    out = tmp_path / "out.txt"
    out.write_text("before")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, hard))
    try:
        import signal

        previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        code, _, err = run_cli(capsys, "timeline", *where, "--out", str(out))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    assert code == 1 and "cannot write" in err
    assert out.read_text() == "before"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


def test_a_log_the_machine_will_not_let_fonds_read_or_write_is_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fonds.log import JsonlLog

    directory = tmp_path / "log"
    JsonlLog.init(directory).append(basics())
    contribution = write_jsonl(tmp_path / "more.jsonl", [life("person:molotov", "died", "1986")])

    def refused(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied", str(directory / "log.jsonl"))

    monkeypatch.setattr(JsonlLog, "_commit", refused)
    code, _, err = run_cli(capsys, "append", str(contribution), "--log", str(directory))
    assert code == 1 and f"{directory / 'log.jsonl'}: Permission denied" in err
    monkeypatch.setattr(JsonlLog, "_lines", refused)
    code, _, err = run_cli(capsys, "verify", "--log", str(directory))
    assert code == 1 and "Permission denied" in err and "internal error" not in err


def test_init_declares_the_recording_agent_as_the_first_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = tmp_path / "records"
    agent = ["--agent", "agent:jdoe", "--name", "Jane Doe"]
    code, out, err = run(capsys, "init", str(records), *agent)
    assert code == 0, err
    assert "recorded by agent:jdoe" in out
    [line] = (records / "log.jsonl").read_bytes().splitlines()
    record = orjson.loads(line)["record"]
    assert record == {
        "kind": "agent", "schema": 1, "id": "agent:jdoe", "labels": {"en": "Jane Doe"},
        "agent_type": "person", "recorded_by": "agent:jdoe",
    }  # fmt: skip
    assert run(capsys, "verify", "--log", str(records))[0] == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--agent", "jdoe"], "--agent: 'jdoe' is not valid here"),
        (["--agent", "agent:jdoe", "--agent-type", "persn"], "(did you mean 'person'?)"),
        (["--agent", "agent:jdoe", "--name", ""], "--name: "),
    ],
    ids=["id-without-kind", "unknown-type", "empty-name"],
)
def test_init_with_a_bad_agent_is_one_line_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    code, _, err = run(capsys, "init", str(tmp_path / "records"), *options)
    assert code == 2 and err.count("\n") == 1 and message in err
    assert not (tmp_path / "records").exists()


def test_init_at_a_terminal_asks_who_records(tmp_path: Path) -> None:
    import os
    import pty
    import select

    main, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "fonds", "init", str(tmp_path / "records")],
        stdin=terminal, stdout=terminal, stderr=terminal, close_fds=True,
    )  # fmt: skip
    os.close(terminal)
    seen = b""

    def answer_after(prompt: bytes, text: bytes) -> None:
        nonlocal seen
        while prompt not in seen:
            ready, _, _ = select.select([main], [], [], 30)
            assert ready, f"no prompt {prompt!r}: {seen!r}"
            seen += os.read(main, 1024)
        os.write(main, text)

    try:
        answer_after(b"Who records the facts?", b"agent:jdoe\n")
        answer_after(b"Your name", b"Jane Doe\n")
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        os.close(main)
    [line] = (tmp_path / "records" / "log.jsonl").read_bytes().splitlines()
    record = orjson.loads(line)["record"]
    assert (record["id"], record["labels"]) == ("agent:jdoe", {"en": "Jane Doe"})


def test_init_on_a_server_declares_the_agent_there_too(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from fonds.log import open_log

    agent = ["--agent", "agent:archive", "--name", "Archive", "--agent-type", "organization"]
    code, out, err = run(capsys, "init", postgres_url, *agent)
    assert code == 0 and "recorded by agent:archive" in out, err
    [entry] = open_log(postgres_url).entries()
    assert entry.document["id"] == "agent:archive"
    assert entry.document["agent_type"] == "organization"
