"""fonds mirror: a folder to a PostgreSQL server and back, byte for byte, proven by the heads;
fonds init, append and verify on a server."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import orjson
import pytest

from fonds.log import JsonlLog, MemoryLog, open_log
from fonds.log.jsonl import LOG_FILE, VOCABULARY_FILE
from fonds.log.mirror import mirror
from fonds.problems import UsageError
from tests.helpers import basics, person, run_cli, write_jsonl

Capture = pytest.CaptureFixture[str]
EDITORS = "agent:fonds-page-importer"  # the first entry of the shipped data set


def _heads(out: str) -> dict[str, tuple[str, str]]:
    found = re.findall(r"^(source|target) head: (\d+) ([0-9a-f]{64})$", out, flags=re.M)
    return {name: (seq, digest) for name, seq, digest in found}


def test_records_go_to_a_server_and_back_byte_for_byte(
    shipped_log: Path, postgres_url: str, tmp_path: Path, capsys: Capture
) -> None:
    code, out, err = run_cli(capsys, "mirror", str(shipped_log), postgres_url)
    assert code == 0, err
    heads = _heads(out)
    lines = (shipped_log / LOG_FILE).read_bytes().splitlines()
    assert heads["source"] == heads["target"]
    assert heads["source"][0] == str(len(lines))
    assert f"copied {len(lines)} entries (0 already there)" in out
    code, out, err = run_cli(capsys, "verify", "--deep", "--log", postgres_url)
    assert code == 0 and f"{len(lines)} entries, chain and records verified" in out, err

    back = tmp_path / "back"
    code, out, err = run_cli(capsys, "mirror", postgres_url, str(back))
    assert code == 0, err
    assert _heads(out)["target"] == heads["source"]
    for name in (LOG_FILE, VOCABULARY_FILE):
        assert (back / name).read_bytes() == (shipped_log / name).read_bytes(), name
    code, _, err = run_cli(capsys, "verify", "--log", str(back))
    assert code == 0, err


def test_an_interrupted_copy_is_resumed_and_a_foreign_one_refused(
    shipped_log: Path, postgres_url: str, tmp_path: Path, capsys: Capture
) -> None:
    lines = (shipped_log / LOG_FILE).read_bytes().splitlines(keepends=True)
    start = tmp_path / "start"
    shutil.copytree(shipped_log, start)
    (start / LOG_FILE).write_bytes(b"".join(lines[:100]))
    mirror(JsonlLog(start), postgres_url, batch=30)
    code, out, err = run_cli(capsys, "mirror", str(shipped_log), postgres_url, "--format", "json")
    assert code == 0, err
    result = orjson.loads(out)
    assert (result["kept"], result["copied"]) == (100, len(lines) - 100)
    assert result["source_head"] == result["target_head"]
    assert result["target_head"]["seq"] == len(lines)

    other = tmp_path / "other"
    shutil.copytree(shipped_log, other)
    (other / LOG_FILE).write_bytes(b"".join(lines[:50]))
    elsewhere = {**person("person:elsewhere", "Someone Else"), "recorded_by": EDITORS}
    JsonlLog(other).append([elsewhere])
    code, _, err = run_cli(capsys, "mirror", str(other), postgres_url)
    assert code == 2 and f"holds {len(lines)} entries, more than" in err
    code, _, err = run_cli(capsys, "mirror", str(shipped_log), str(other))
    assert code == 2 and "the target must be empty or hold the start of the source" in err


def test_a_target_with_another_vocabulary_is_refused(postgres_url: str, tmp_path: Path) -> None:
    source = MemoryLog()
    source.append(basics())
    changed = source.vocabulary_bytes().replace(b"Took part.", b"Took part (given).")
    JsonlLog.init(tmp_path / "other", changed)
    with pytest.raises(UsageError, match="vocabulary"):
        mirror(source, tmp_path / "other")
    result = mirror(source, postgres_url)
    assert result.copied == 4 and result.source_head == result.target_head
    assert [e.id for e in open_log(postgres_url).entries()] == [e.id for e in source.entries()]


def test_init_append_and_verify_on_a_server(
    postgres_url: str, tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = run_cli(capsys, "init", postgres_url)
    assert code == 0 and out.startswith("created an empty log in postgresql://"), err
    code, _, err = run_cli(capsys, "init", postgres_url)
    assert code == 2 and "a log already exists" in err
    monkeypatch.setenv("FONDS_LOG", postgres_url)
    path = write_jsonl(tmp_path / "c.jsonl", basics())
    code, out, err = run_cli(capsys, "append", str(path))
    assert code == 0 and "appended 4 records as entries 1–4" in out, err
    code, out, _ = run_cli(capsys, "verify", "--deep")
    assert code == 0 and "4 entries, chain and records verified" in out
    code, out, _ = run_cli(capsys, "timeline", "--format", "json")
    assert code == 0 and orjson.loads(out)[0]["date"] == "1890-03-09"
    empty = postgres_url.replace("fonds_schema=", "fonds_schema=none_")
    code, _, err = run_cli(capsys, "verify", "--log", empty)
    assert code == 2 and "no fonds log here" in err and "fonds init" in err
