"""Small builders for records used across tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

AGENT = "agent:tester"


def agent(agent_id: str = AGENT) -> dict[str, Any]:
    return {
        "kind": "agent",
        "schema": 1,
        "id": agent_id,
        "labels": {"en": "Tester"},
        "recorded_by": agent_id,
        "agent_type": "person",
    }


def source(source_id: str = "source:book") -> dict[str, Any]:
    return {
        "kind": "source",
        "schema": 1,
        "id": source_id,
        "source_type": "book",
        "title": "A Book",
        "publication_status": "published",
        "recorded_by": AGENT,
    }


def cite(source_id: str = "source:book", para: int = 1) -> list[dict[str, Any]]:
    return [{"source": source_id, "locator": {"label": "paragraph", "value": str(para)}}]


def person(person_id: str = "person:molotov", name: str = "Vyacheslav Molotov") -> dict[str, Any]:
    return {
        "kind": "person",
        "schema": 1,
        "id": person_id,
        "labels": {"en": name},
        "recorded_by": AGENT,
    }


def life(person_id: str, prop: str, date: str, source_id: str = "source:book") -> dict[str, Any]:
    return {
        "kind": "attribute",
        "schema": 1,
        "subject": person_id,
        "property": prop,
        "date": date,
        "citations": cite(source_id),
        "confidence": "high",
        "recorded_by": AGENT,
    }


def basics() -> list[dict[str, Any]]:
    return [agent(), source(), person(), life("person:molotov", "born", "1890-03-09")]


def write_jsonl(path: Path, documents: list[Any]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in documents))
    return path


def run_cli(capsys: Any, *args: str) -> tuple[int, str, str]:
    """Run ``fonds ARGS`` in-process: (exit code, stdout, stderr); never a traceback."""
    from fonds.cli import main

    code = main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.out, captured.err


def event(event_id: str, date: str, label: str | None = None) -> dict[str, Any]:
    """An event declaration, labelled by its id's name unless ``label`` is given."""
    return {
        "kind": "event",
        "schema": 1,
        "id": event_id,
        "labels": {"en": label if label is not None else event_id.split(":")[1]},
        "date": date,
        "citations": cite(),
        "confidence": "high",
        "recorded_by": AGENT,
    }


def took_part(
    person_id: str, event_id: str, role: str = "participant", source_id: str = "source:book"
) -> dict[str, Any]:
    """A participation, cited to paragraph 3 of ``source_id``."""
    return {
        "kind": "participation",
        "schema": 1,
        "person": person_id,
        "event": event_id,
        "role": role,
        "citations": cite(source_id, para=3),
        "confidence": "high",
        "recorded_by": AGENT,
    }


def entry_lines(log: Any, records: list[dict[str, Any]]) -> list[bytes]:
    """The stored lines that would follow ``log``'s head for these records: encoded directly,
    chain intact, never validated."""
    from fonds.log.chain import GENESIS, encode_entry, record_times
    from fonds.model.canonical import canonical_bytes

    head = log.head()
    seq, prev, last = (head.seq, head.hash, head.time) if head else (0, GENESIS, None)
    lines = []
    for record, time in zip(records, record_times(last, len(records)), strict=True):
        seq += 1
        line, _, prev = encode_entry(seq, time, prev, log.vocabulary_hash, canonical_bytes(record))
        lines.append(line)
    return lines


def append_unchecked(directory: Path, records: list[dict[str, Any]]) -> None:
    """Append records to a folder log as a log written before today's rules holds them: encoded
    directly, chain intact, never validated (for text the schemas now refuse)."""
    from fonds.log import JsonlLog
    from fonds.log.jsonl import LOG_FILE

    lines = entry_lines(JsonlLog(directory), records)
    with (directory / LOG_FILE).open("ab") as handle:
        handle.write(b"".join(lines))


def system_program(name: str, package: str) -> str:
    """The path of a program a test runs (a browser, TeX, ...). Where it is missing the test is
    skipped with the reason, except under CI (``CI`` set), which installs it and must run it."""
    import os
    import shutil

    import pytest

    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is missing; CI must install it (Debian's {package}, see .ci/run)")
    pytest.skip(
        f"{name} is not installed: this test runs it (Debian's {package}; .ci/run installs it)"
    )


def tex_file(name: str, package: str) -> None:
    """Require a TeX file (``t2aenc.def``, ``biblatex.sty``) as :func:`system_program` requires
    a program: skipped where it is missing, failed under CI."""
    import os
    import subprocess

    import pytest

    system_program("kpsewhich", "texlive-base")
    found = subprocess.run(["kpsewhich", name], capture_output=True, text=True, check=False)
    if found.stdout.strip():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{name} is missing; CI must install it (Debian's {package}, see .ci/run)")
    pytest.skip(f"{name} is not installed: this test reads it (Debian's {package})")


def load_script(path: Path) -> Any:
    """A script of the repository (docs/, data/) as a module, its functions to call."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wait_for(condition: Any, what: str, timeout: float = 60) -> Any:
    """What ``condition()`` returns once it is true, asked every 20 ms; fails after
    ``timeout`` seconds naming ``what`` was awaited."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")
