"""Every command of the command line, with arguments that make it run against one log.

The commands are read from the click group, so a command added later is walked too: its
arguments are made from their names, metavars and types (an ID of the command's own kind, each
of a FORMAT's choices, a file to read, a folder to create), and ``--log`` (or ``--against``),
``--key-file``, ``--out`` and a short ``--timeout`` are given wherever the command takes them.
"""

from __future__ import annotations

import itertools
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import attrs
import click
import orjson

from fonds.log import JsonlLog
from tests.conftest import ROOT
from tests.helpers import life, write_jsonl

__all__ = ["Run", "Setting", "commands", "invocations", "run", "setting"]

_GRAMPS = """<?xml version="1.0" encoding="UTF-8"?>
<database xmlns="http://gramps-project.org/xml/1.7.1/">
  <header><created date="2024-01-02" version="5.2.0"/></header>
  <people><person handle="_A" change="1" id="I1"><gender>F</gender>
  <name type="Birth Name"><first>Ann</first><surname>Doe</surname></name></person></people>
</database>
"""


@attrs.frozen
class Setting:
    """A log (a copy of the shipped one, with its archive key), and where inputs live."""

    log: Path
    work: Path
    key: Path
    ids: dict[str, str]  # kind -> an entity of that kind the log declares
    inputs: dict[str, Path]  # command path ("import csv") -> a file the command reads
    counter: Iterator[int] = attrs.field(factory=itertools.count)

    def fresh(self, name: str) -> Path:
        """A path outside the log that no command has used yet."""
        return self.work / f"{name}-{next(self.counter)}"


def setting(work: Path) -> Setting:
    """A copy of the shipped log in ``work``, its archive key, and one input per importer."""
    from fonds.cli import main

    log = work / "records"
    shutil.copytree(ROOT / "records", log, ignore=shutil.ignore_patterns(".fonds-cache"))
    key = work / "archive.key"
    assert main(["keygen", "--log", str(log), "--origin", "faults.example/log",
                 "--key-file", str(key)]) == 0  # fmt: skip
    ids: dict[str, str] = {}
    for entry in JsonlLog(log).entries():
        if "id" in entry.document:
            ids.setdefault(entry.kind, str(entry.document["id"]))
    fact = life(ids["person"], "died", "1986", ids["source"])
    fact["recorded_by"] = ids["agent"]
    inputs = {
        "": write_jsonl(work / "contribution.jsonl", [fact]),
        "import page": ROOT / "tests" / "importers" / "pages" / "one-date.txt",
        "import gedcom": ROOT / "tests" / "importers" / "genealogy" / "sample-551-ansel.ged",
        "import csv": work / "sheet.csv",
        "import gramps": work / "small.gramps",
    }
    inputs["import csv"].write_text(f"id,labels.en,recorded_by\nperson:ann,Ann,{ids['agent']}\n")
    inputs["import gramps"].write_text(_GRAMPS)
    return Setting(log, work, key, ids, inputs)


def commands() -> list[tuple[str, click.Command]]:
    """Every command of ``fonds``, by its path ("timeline", "import csv"), subgroups walked."""
    from fonds.cli import cli

    def walk(group: click.Group, prefix: str) -> Iterator[tuple[str, click.Command]]:
        for name, command in sorted(group.commands.items()):
            path = f"{prefix} {name}".strip()
            if isinstance(command, click.Group):
                yield from walk(command, path)
            else:
                yield path, command

    return list(walk(cli, ""))


def options(command: click.Command) -> set[str]:
    return {name for p in command.params if isinstance(p, click.Option) for name in p.opts}


def invocations(
    where: Setting, *, log: Path | None = None, every_choice: bool = True
) -> list[tuple[str, click.Command, list[str]]]:
    """One run of each command (one for each choice of a choice argument): its path, the
    command, and its arguments against ``log`` (the setting's log by default)."""
    log = log or where.log
    found = []
    for path, command in commands():
        variants: list[list[str]] = [[]]
        for param in command.params:
            if not isinstance(param, click.Argument):
                continue
            values = _values(where, path, param, log, every_choice)
            variants = [[*v, value] for v in variants for value in values]
        names = options(command)
        common = []
        if "--log" in names:
            common += ["--log", str(log)]
        elif "--against" in names:
            common += ["--against", str(log)]
        if "--key-file" in names:
            common += ["--key-file", str(where.key)]
        if "--timeout" in names:  # a command that waits for more (a follower) stops soon
            common += ["--timeout", "0.1"]
        if "--out" in names:  # outputs outside the log (a binary format needs a file)
            common += ["--out", str(where.fresh("out"))]
        for option in command.params:
            if isinstance(option, click.Option) and option.required:
                choices = getattr(option.type, "choices", None)
                common += [option.opts[0], str(choices[0]) if choices else "x"]
        found += [(path, command, [*path.split(), *variant, *common]) for variant in variants]
    return found


def _values(
    where: Setting, path: str, param: click.Argument, log: Path, every_choice: bool
) -> list[str]:
    name = (param.name or "").lower()
    metavar = (param.metavar or "").upper()
    if isinstance(param.type, click.Choice):
        choices = [str(c) for c in param.type.choices]
        return choices if every_choice else choices[:1]
    if metavar == "ID" or name.endswith("id") or name == "identifier":
        kind = path.split()[-1]
        return [where.ids.get(kind, where.ids["source"])]
    if metavar == "LOCATION" or name in ("directory", "target"):
        return [str(where.fresh("folder"))]
    if name == "source":
        return [str(log)]
    return [str(where.inputs.get(path, where.inputs[""]))]


@attrs.frozen
class Run:
    """What a command did: its exit code and output, or that it was still waiting."""

    code: int | None  # None: stopped after the time allowed (a command that waits)
    out: str
    err: str


class _Waited(BaseException):
    """Raised in a command that outlives its time (not an Exception: fonds does not catch it)."""


def run(capsys: Any, args: list[str], seconds: float = 20.0) -> Run:
    """Run ``fonds ARGS`` in-process, stopped after ``seconds`` (a command that follows the
    log waits for ever); never a traceback, never an internal error."""
    from fonds.cli import main

    def stop(_signal: int, _frame: FrameType | None) -> None:
        raise _Waited

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    code: int | None
    try:
        code = main(list(args))
    except _Waited:
        code = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    captured = capsys.readouterr()
    said = captured.out + captured.err
    assert "Traceback" not in said and "internal error" not in said, (args, said[-2000:])
    assert code in (None, 0, 1, 2), (args, code, captured.err)
    return Run(code, captured.out, captured.err)


def json_lines(documents: list[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(d) + b"\n" for d in documents)


def refuse(monkeypatch: Any, target: Path, *, inside: bool) -> None:
    """Make the machine refuse fonds ``target`` (``inside``: everything under it, as a folder
    without permissions; else the file itself, which can still be listed), as ``chmod 000``
    would for a user who is not root; root ignores modes, so it is forced in-process."""
    import os
    import pathlib
    import sqlite3

    def hit(path: Any) -> bool:
        if isinstance(path, int):
            return False
        where = os.path.abspath(os.fsdecode(path))
        return where == str(target) or (inside and where.startswith(f"{target}{os.sep}"))

    def denied(path: Any) -> PermissionError:
        return PermissionError(13, "Permission denied", os.fsdecode(path))

    def guard(function: Any) -> Any:
        def guarded(path: Any, *args: Any, **kwargs: Any) -> Any:
            if hit(path):
                raise denied(path)
            return function(path, *args, **kwargs)

        return guarded

    monkeypatch.setattr(pathlib.Path, "open", guard(pathlib.Path.open))
    monkeypatch.setattr(os, "open", guard(os.open))
    if inside:
        monkeypatch.setattr(os, "stat", guard(os.stat))
        monkeypatch.setattr(os, "lstat", guard(os.lstat))
        monkeypatch.setattr(os, "scandir", guard(os.scandir))
        monkeypatch.setattr(os, "listdir", guard(os.listdir))
        connect = sqlite3.connect

        def refused_database(path: Any, *args: Any, **kwargs: Any) -> Any:
            if hit(path):
                raise sqlite3.OperationalError("unable to open database file")
            return connect(path, *args, **kwargs)

        monkeypatch.setattr(sqlite3, "connect", refused_database)
