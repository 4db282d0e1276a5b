"""The pre-commit hooks a repository of records uses run fonds as declared."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import person, run_cli, write_jsonl


def hooks() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8").splitlines():
        item = re.match(r"^(- |  )(\w+): (.*)$", line)
        if item is None:
            continue
        if item.group(1) == "- ":
            current = {}
        current[item.group(2)] = item.group(3)
        if item.group(2) == "id":
            found[item.group(3)] = current
    return found


def test_validate_hook_checks_changed_files_against_the_log(
    capsys: pytest.CaptureFixture[str], shipped_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = hooks()["fonds-validate"]
    assert re.search(hook["files"], "contributions/new.jsonl")
    assert re.search(hook["exclude"], "records/log.jsonl")
    entry = shlex.split(hook["entry"])
    assert entry[:2] == ["fonds", "validate"]
    monkeypatch.chdir(shipped_log.parent)
    good = write_jsonl(
        shipped_log.parent / "good.jsonl",
        [
            person("person:kollontai", "Alexandra Kollontai")
            | {"recorded_by": "agent:fonds-editors"}
        ],
    )
    bad = write_jsonl(shipped_log.parent / "bad.jsonl", [person("person:molotov")])
    assert run_cli(capsys, *entry[1:], str(good))[0] == 0
    code, _, err = run_cli(capsys, *entry[1:], str(good), str(bad))
    assert code == 1 and "bad.jsonl:1:" in err


def test_verify_hook_runs_on_the_log(
    capsys: pytest.CaptureFixture[str], shipped_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = hooks()["fonds-verify"]
    assert re.search(hook["files"], "records/log.jsonl") and hook["pass_filenames"] == "false"
    monkeypatch.chdir(shipped_log.parent)
    entry = shlex.split(hook["entry"])
    assert run_cli(capsys, *entry[1:])[0] == 0
