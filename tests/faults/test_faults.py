"""No fault makes a command crash: every command of the command line, walked through each fault
in turn, answers with an exit code and one-line messages (never an internal error or a
traceback), and leaves the log as it was.

The commands come from the click group (see ``commands.py``), so a new command is walked too.
Bounded for the suite (a few seconds a fault); ``FONDS_FAULTS=long`` adds random mutations of
the log (byte flips, truncations, swapped lines) and appends killed at random points, for
``FONDS_FAULTS_SECONDS`` (120 by default) each.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import click
import pytest

from fonds.log import JsonlLog
from fonds.log.jsonl import CACHE_DIR, LOG_FILE, VOCABULARY_FILE
from tests.faults.commands import Run, Setting, invocations, options, refuse, run, setting

LONG = os.environ.get("FONDS_FAULTS") == "long"


@attrs.frozen
class World:
    setting: Setting
    log_bytes: bytes  # the log as it was before any fault
    vocabulary_bytes: bytes


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    work = tmp_path_factory.mktemp("faults")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(work / "config"))
        where = setting(work)
        from fonds.cli import main

        for _path, command, args in invocations(where, every_choice=False):
            if "--as-of" in options(command) or _path in ("checkpoint", "prove"):
                main(args)  # every cache built: snapshot, index, Merkle tree, stamp
        log = where.log
        yield World(where, (log / LOG_FILE).read_bytes(), (log / VOCABULARY_FILE).read_bytes())


def _restore(world: World, log: Path | None = None) -> None:
    """The log's files as they were (only those changed, so the stamp stays good)."""
    log = log or world.setting.log
    for name, data in ((LOG_FILE, world.log_bytes), (VOCABULARY_FILE, world.vocabulary_bytes)):
        path = log / name
        if not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)


def _unchanged(world: World, path: str, result: Run, before: bytes | None = None) -> None:
    before = world.log_bytes if before is None else before
    now = (world.setting.log / LOG_FILE).read_bytes()
    if path == "append" and result.code == 0:
        assert now.startswith(before) and JsonlLog(world.setting.log).verify() == []
    else:
        assert now == before, (path, result)


def _answers(command: click.Command, path: str) -> bool:
    """Whether the command answers from the log (a view, an export, a proof, verify)."""
    return "--as-of" in options(command) or path in ("verify", "checkpoint", "prove", "review")


def _sweep(
    capsys: Any, world: World, runs: list[tuple[str, click.Command, list[str]]]
) -> list[tuple[str, click.Command, list[str], Run]]:
    done = []
    for path, command, args in runs:
        _restore(world)
        result = run(capsys, args)
        _unchanged(world, path, result)
        done.append((path, command, args, result))
    _restore(world)
    return done


def test_the_walk_reaches_every_command_with_arguments_it_accepts(
    capsys: Any, world: World
) -> None:
    done = _sweep(capsys, world, invocations(world.setting))
    paths = {path for path, *_ in done}
    assert {"timeline", "export", "import csv", "template csv", "verify", "mirror"} <= paths
    for path, command, args, result in done:
        if _answers(command, path) and path != "review":
            assert result.code == 0, (args, result.err)
        if path != "keygen":  # (the archive has its key already)
            assert result.code != 2, (args, result.err)  # the walk's arguments are right


@pytest.mark.parametrize("fault", ["missing folder", "missing file", "unreadable folder",
                                   "unreadable file"])  # fmt: skip
def test_a_log_that_is_not_there_or_cannot_be_read_is_one_line_for_every_command(
    capsys: Any, world: World, fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = world.setting.log
    target = log
    if fault == "missing folder":
        target = world.setting.work / "no-such-log"
    elif fault == "missing file":
        target = world.setting.work / "no-log-file"
        target.mkdir(exist_ok=True)
        (target / VOCABULARY_FILE).write_bytes(world.vocabulary_bytes)
    runs = invocations(world.setting, log=target, every_choice=False)
    if fault.startswith("unreadable"):
        refuse(monkeypatch, log if fault.endswith("folder") else log / LOG_FILE,
               inside=fault.endswith("folder"))  # fmt: skip
    for path, command, args in runs:
        result = run(capsys, args)
        if _answers(command, path) or path in ("append", "mirror"):  # (validate: on its own)
            assert result.code in (1, 2), (args, result)
            assert str(target) in result.err or "Permission denied" in result.err, (args, result)
    monkeypatch.undo()
    _unchanged(world, "", Run(0, "", ""))


AS_OF = ["²", "9" * 5000, "-1", "-0", "1940-11-12", "2026-13-45", "1e3", "0x10", "NaN", "",
         " ", "9" * 19, "\x1b[31m", "1940-11-12T11:05", "+5", "٣", "3\x00",
         "2026-11-25T04:30:13Z"]  # fmt: skip


def test_absurd_as_of_values_are_answers_or_usage_errors(capsys: Any, world: World) -> None:
    runs = [
        (path, command, [*args, "--as-of", value])
        for path, command, args in invocations(world.setting, every_choice=False)
        if "--as-of" in options(command)
        for value in AS_OF
    ]
    for path, _command, args, result in _sweep(capsys, world, runs):
        assert result.code in (0, 1, 2), (args, result)
        if result.code == 1:  # what the command is asked about is not in the log yet
            assert result.err.endswith(": not in the log\n"), (args, result)
        if result.code == 2:
            assert "--as-of" in result.err and len(result.err.splitlines()) == 1, result.err
        assert "\x1b" not in result.err, (path, result.err)


def test_out_into_a_missing_folder_the_log_a_link_or_a_full_device(
    capsys: Any, world: World
) -> None:
    log = world.setting.log
    link = world.setting.work / "link-to-the-log"
    link.unlink(missing_ok=True)
    link.symlink_to(log / LOG_FILE)
    folder = world.setting.work / "a-folder"
    folder.mkdir(exist_ok=True)
    places = {
        # (1: a command that refuses its input before it writes)
        "missing folder": (world.setting.work / "none" / "out.txt", (1, 2)),
        "the log itself": (log / LOG_FILE, (1, 2)),
        "the cache": (log / CACHE_DIR / "views.snapshot", (1, 2)),
        "a link to the log": (link, (0, 1)),
        "a folder": (folder, (1, 2)),
        "/dev/full": (Path("/dev/full"), (1,)),
    }
    for name, (target, codes) in places.items():
        for path, command, args in invocations(world.setting, every_choice=False):
            if "--out" not in options(command):
                continue
            at = args.index("--out")
            link.unlink()
            link.symlink_to(log / LOG_FILE)
            result = run(capsys, [*args[:at], *args[at + 2 :], "--out", str(target)])
            _unchanged(world, path, result)
            _restore(world)
            assert result.code in codes, (name, args, result)
            if result.code and "nothing written" not in result.err:
                assert str(target) in result.err or "--out" in result.err, (name, args, result)
            if name == "a link to the log" and result.code == 0:
                assert not link.is_symlink() and link.stat().st_size, (path, "followed the link")


def _path_arguments(command: click.Command) -> bool:
    return any(
        isinstance(p, click.Argument) and isinstance(p.type, click.Path) for p in command.params
    )


def test_oversized_fields_and_control_characters_in_inputs_and_arguments(
    capsys: Any, world: World
) -> None:
    work = world.setting.work
    wide = work / "wide.csv"
    wide.write_text("id,labels.en,recorded_by\nperson:wide," + "x" * 300_000 + ",agent:x\n")
    noise = work / "noise.bin"
    noise.write_bytes(bytes(range(32)) * 64 + bytes([0xFF, 0xFE, 0x00, 0x1B, 0x9B]) * 100)
    controls = work / "controls.jsonl"
    controls.write_text('{"kind":"person","id":"person:\\u001b[2J","labels":{"en":"\\u0000"}}\n')
    runs = []
    for path, command, args in invocations(world.setting, every_choice=False):
        given = {str(v) for v in world.setting.inputs.values()}
        for index, arg in enumerate(args):
            if arg in given and _path_arguments(command):
                for bad in (str(wide), str(noise), str(controls)):
                    runs.append((path, command, [*args[:index], bad, *args[index + 1 :]]))
            if arg in world.setting.ids.values():
                for odd in ("person:\x1b[2Jx", "\x00", "é" * 10_000, "person:" + "\u202e" * 3):
                    runs.append((path, command, [*args[:index], odd, *args[index + 1 :]]))
    assert len(runs) > 20
    for path, _command, args, result in _sweep(capsys, world, runs):
        assert "\x1b" not in result.err, (path, args, result.err)
        # more than the csv module's field limit: a problem with its line
        if path == "import csv" and str(wide) in args:
            assert result.code == 1 and f"{wide}:2" in result.err, (args, result)


@pytest.mark.parametrize("tail", ["torn line", "NUL bytes"])
def test_a_torn_or_nul_tail_is_the_torn_line_message_for_every_command(
    capsys: Any, world: World, tail: str
) -> None:
    path_of_log = world.setting.log / LOG_FILE
    damaged = world.log_bytes + (b'{"seq":9' if tail == "torn line" else b"\0" * (1 << 20))
    lines = world.log_bytes.count(b"\n") + 1
    for path, command, args in invocations(world.setting, every_choice=False):
        path_of_log.write_bytes(damaged)
        result = run(capsys, args)
        assert path_of_log.read_bytes() == damaged, path
        if _answers(command, path) or path in ("append", "mirror"):
            assert result.code == 1, (args, result)
            assert f":{lines}: /: the last line is incomplete" in result.err, (args, result)
    _restore(world)


def test_random_bytes_over_every_cache_file_change_no_answer(capsys: Any, world: World) -> None:
    runs = [r for r in invocations(world.setting, every_choice=LONG) if _answers(r[1], r[0])]
    truth = [(result.code, result.out) for *_, result in _sweep(capsys, world, runs)]
    cache = world.setting.log / CACHE_DIR
    rounds = 6 if LONG else 1
    chance = random.Random(7)
    for _ in range(rounds):
        names = sorted(p.name for p in cache.iterdir())
        assert {"views.snapshot", "log.stamp", "index.sqlite"} <= set(names), names
        for name in names:
            size = chance.choice([0, 1, 64, (cache / name).stat().st_size])
            (cache / name).write_bytes(chance.randbytes(size))
        again = [(result.code, result.out) for *_, result in _sweep(capsys, world, runs)]
        assert again == truth


# -- the longer hunt ----------------------------------------------------------------------


def _mutations(data: bytes, chance: random.Random) -> Iterator[tuple[str, bytes]]:
    lines = data.splitlines(keepends=True)
    while True:
        which = chance.choice(["flip", "truncate", "swap", "drop", "duplicate"])
        if which == "flip":
            at = chance.randrange(len(data))
            yield which, data[:at] + bytes([data[at] ^ (1 << chance.randrange(8))]) + data[at + 1 :]
        elif which == "truncate":
            yield which, data[: chance.randrange(len(data))]
        else:
            a, b = sorted(chance.sample(range(len(lines)), 2))
            changed = list(lines)
            if which == "swap":
                changed[a], changed[b] = changed[b], changed[a]
            elif which == "drop":
                del changed[a]
            else:
                changed.insert(b, lines[a])
            yield which, b"".join(changed)


def test_a_mutated_log_is_never_served_when_it_does_not_verify(capsys: Any, world: World) -> None:
    import time

    chance = random.Random(int(os.environ.get("FONDS_FAULTS_SEED", "11")))
    budget = float(os.environ.get("FONDS_FAULTS_SECONDS", "120")) if LONG else 4.0
    runs = invocations(world.setting, every_choice=False)
    views = [r for r in runs if "--as-of" in options(r[1])]
    path_of_log = world.setting.log / LOG_FILE
    end = time.monotonic() + budget
    for tried, (which, mutated) in enumerate(_mutations(world.log_bytes, chance)):
        if time.monotonic() > end and tried >= 5:
            break
        path_of_log.write_bytes(mutated)
        verified = run(capsys, ["verify", "--log", str(world.setting.log)])
        for _path, _command, args in chance.sample(views, 3):
            result = run(capsys, args)
            assert path_of_log.read_bytes() == mutated
            if verified.code != 0:
                fault = verified.err.strip().splitlines()[0]
                assert result.code == 1 and fault in result.err, (which, args, fault, result)
    _restore(world)


def test_an_append_killed_at_any_point_loses_or_splits_no_batch(
    world: World, tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys
    import time

    from tests.helpers import person, write_jsonl

    log = tmp_path / "log"
    shutil.copytree(world.setting.log, log)
    chance = random.Random(int(os.environ.get("FONDS_FAULTS_SEED", "13")))
    kills = 12 if LONG else 2
    agent = world.setting.ids["agent"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    counts = [JsonlLog(log).head().seq]  # type: ignore[union-attr]
    for attempt in range(kills):
        people = [person(f"person:k{attempt}-{i}", f"K {i}") for i in range(300)]
        for record in people:
            record["recorded_by"] = agent
        batch = write_jsonl(tmp_path / f"batch-{attempt}.jsonl", people)
        child = subprocess.Popen(
            [sys.executable, "-m", "fonds", "append", str(batch), "--log", str(log)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        time.sleep(chance.uniform(0.2, 1.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        stored = JsonlLog(log)
        assert stored.verify() == [], attempt
        head = stored.head()
        assert head is not None and head.seq in (counts[-1], counts[-1] + 300), attempt
        counts.append(head.seq)
    assert JsonlLog(log).verify(deep=True) == []
