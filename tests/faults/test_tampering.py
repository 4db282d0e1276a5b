"""A log changed behind fonds' back is refused by every command that answers from it, wherever
the change is, with the message ``fonds verify`` gives; fonds' own appends keep it trusted.

The cache (snapshot, index, Merkle tree, the log's stamp) is built first, so the commands would
otherwise answer from it without reading the changed line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from fonds.log import JsonlLog
from fonds.log.jsonl import LOG_FILE
from fonds.problems import LogIntegrityError
from fonds.views import Views
from tests.faults.commands import Setting, invocations, options, run, setting


def _answers(command: click.Command, path: str) -> bool:
    return "--as-of" in options(command) or path in ("verify", "checkpoint", "prove", "review")


@pytest.fixture
def warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Iterator[Setting]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    where = setting(tmp_path)
    for path, command, args in invocations(where, every_choice=False):
        if _answers(command, path):
            assert run(capsys, args).code == 0, args  # every cache built
    assert JsonlLog(where.log).unchanged_since_verified()
    yield where


_DATE = re.compile(rb'"date":"(1[0-9]{3})(-[0-9]{2}-[0-9]{2})"')


def _dated_line(lines: list[bytes]) -> int:
    """A line in the first half of the log whose record carries a full date."""
    return next(i for i, line in enumerate(lines[: len(lines) // 2]) if _DATE.search(line))


def _next_year(line: bytes) -> bytes:
    found = _DATE.search(line)
    assert found is not None
    year = str(int(found.group(1)) + 1).encode()
    return line[: found.start(1)] + year + line[found.end(1) :]


def _year_only(line: bytes) -> bytes:
    found = _DATE.search(line)
    assert found is not None
    return line[: found.start(2)] + line[found.end(2) :]


TAMPERS: dict[str, Callable[[bytes], bytes]] = {
    "a date changed, same length": _next_year,
    "a date changed, another length": _year_only,
    "a line broken": lambda _line: b"{not json}",
}


@pytest.mark.parametrize("tamper", TAMPERS)
def test_every_command_that_answers_refuses_a_log_changed_where_it_does_not_read(
    warm: Setting, capsys: Any, tamper: str
) -> None:
    path_of_log = warm.log / LOG_FILE
    lines = path_of_log.read_bytes().splitlines(keepends=True)
    at = _dated_line(lines)
    lines[at] = TAMPERS[tamper](lines[at].rstrip(b"\n")) + b"\n"
    tampered = b"".join(lines)
    path_of_log.write_bytes(tampered)
    verified = run(capsys, ["verify", "--log", str(warm.log)])
    assert verified.code == 1
    [fault] = verified.err.splitlines()
    assert f"{path_of_log.parent}:{at + 1}: /:" in fault, fault
    refused = []
    for path, command, args in invocations(warm):
        path_of_log.write_bytes(tampered)
        result = run(capsys, args)
        if _answers(command, path):
            assert (result.code, result.out) == (1, ""), (args, result)
            assert fault in result.err.splitlines(), (args, fault, result.err)
            refused.append(path)
        if path == "mirror":  # a copy checks every entry it copies
            assert result.code == 1 and f"{at + 1}" in result.err, (args, result)
        if not (path == "append" and result.code == 0):
            assert path_of_log.read_bytes() == tampered, args
    assert {"timeline", "person", "source", "conflicts", "history", "cite", "export"} <= {*refused}


def test_the_library_refuses_it_too_and_a_restored_log_answers_again(
    warm: Setting, capsys: Any
) -> None:
    path_of_log = warm.log / LOG_FILE
    original = path_of_log.read_bytes()
    lines = original.splitlines(keepends=True)
    at = _dated_line(lines)
    lines[at] = _next_year(lines[at])
    path_of_log.write_bytes(b"".join(lines))
    with pytest.raises(LogIntegrityError) as raised:
        Views(JsonlLog(warm.log))
    assert raised.value.problem.line == at + 1
    with pytest.raises(LogIntegrityError):
        next(JsonlLog(warm.log).entries(as_of=1))
    path_of_log.write_bytes(original)  # (a new file time: verified once more, then trusted)
    assert not JsonlLog(warm.log).unchanged_since_verified()
    assert run(capsys, ["timeline", "--log", str(warm.log)]).code == 0
    assert JsonlLog(warm.log).unchanged_since_verified()


def test_an_append_by_fonds_keeps_the_log_trusted_and_never_blesses_an_earlier_edit(
    warm: Setting, capsys: Any
) -> None:
    where = ["--log", str(warm.log)]
    contribution = warm.inputs[""]
    assert run(capsys, ["append", str(contribution), *where]).code == 0
    log = JsonlLog(warm.log)
    assert log.unchanged_since_verified()  # views need not read the chain again
    person = run(capsys, ["person", warm.ids["person"], "--format", "json", *where])
    assert person.code == 0 and "1986" in person.out
    # an edit, then an append: the append reads only the tail, and does not stamp the edit
    path_of_log = warm.log / LOG_FILE
    lines = path_of_log.read_bytes().splitlines(keepends=True)
    at = _dated_line(lines)
    lines[at] = _next_year(lines[at])
    path_of_log.write_bytes(b"".join(lines))
    again = contribution.parent / "again.jsonl"
    again.write_bytes(contribution.read_bytes().replace(b'"1986"', b'"1987"'))
    run(capsys, ["append", str(again), *where])
    assert not JsonlLog(warm.log).unchanged_since_verified()
    result = run(capsys, ["conflicts", *where])
    assert result.code == 1 and f":{at + 1}: /:" in result.err
