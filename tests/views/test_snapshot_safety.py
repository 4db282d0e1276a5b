"""A view snapshot is only ever a cache: nothing put in its place changes an answer or runs."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest

from fonds.log import JsonlLog
from fonds.log.jsonl import CACHE_DIR
from fonds.views.state import INDEXES, SNAPSHOT, ViewState
from tests.helpers import run_cli

RECORDS = Path(__file__).resolve().parents[2] / "records"
QUESTIONS = (
    ("timeline", "--format", "json"),
    ("person", "person:molotov", "--format", "json"),
    ("source", "source:stalin-molotov-telegrams-1940", "--format", "json"),
    ("history", "person:ribbentrop", "--format", "json"),
)


class _Trap:
    """What a pickle loader would run: it leaves a file behind."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    copy = tmp_path / "records"
    shutil.copytree(RECORDS, copy, ignore=shutil.ignore_patterns(CACHE_DIR))
    return copy


def _answers(capsys: Any, archive: Path) -> list[str]:
    found = []
    for question in QUESTIONS:
        code, out, err = run_cli(capsys, *question, "--log", str(archive))
        assert code == 0, err
        found.append(out)
    return found


def _snapshot(archive: Path) -> Path:
    return archive / CACHE_DIR / SNAPSHOT


def test_a_crafted_cache_changes_no_answer_and_runs_nothing(
    capsys: Any, archive: Path, tmp_path: Path
) -> None:
    truth = _answers(capsys, archive)
    good = _snapshot(archive).read_bytes()
    marker = tmp_path / "ran"
    trap = pickle.dumps(_Trap(marker))
    other = JsonlLog.init(tmp_path / "other")
    other.append([dict(e.document) for e in JsonlLog(archive).entries(as_of=20)])
    run_cli(capsys, "timeline", "--log", str(other.directory))
    crafted = {
        "garbage": bytes(range(256)) * 64,
        "empty": b"",
        "a pickle that would run code": trap,
        "a pickle behind our own header": good[:40] + trap,
        "a snapshot of another log": _snapshot(other.directory).read_bytes(),
        "a flipped byte": good[:-100] + bytes([good[-100] ^ 1]) + good[-99:],
        "a truncated snapshot": good[: len(good) // 2],
    }
    for name, data in crafted.items():
        _snapshot(archive).write_bytes(data)
        (archive / CACHE_DIR / "views.pickle").write_bytes(trap)
        assert _answers(capsys, archive) == truth, name
        assert not marker.exists(), name
    assert ViewState.from_bytes(trap) is None


def test_a_snapshot_reads_back_as_the_state_it_was_made_from(archive: Path) -> None:
    from fonds.views import Views

    log = JsonlLog(archive)
    fresh = Views(log, use_snapshot=False).state
    Views(log)
    stored = _snapshot(archive).read_bytes()  # written in pieces, hashed on another thread
    assert stored == fresh.to_bytes()
    loaded = ViewState.from_bytes(stored)
    assert loaded is not None and loaded.head_seq == fresh.head_seq
    for name in (*INDEXES, "corrections", "kinds"):
        assert getattr(loaded, name) == getattr(fresh, name), name
    assert loaded.dated_in_order() == fresh.dated_in_order()
    assert [loaded.record_id(s) for s in (1, fresh.head_seq)] == [
        fresh.record_id(1), fresh.record_id(fresh.head_seq),
    ]  # fmt: skip
