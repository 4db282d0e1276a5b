"""The examples in the README and the docs run as written, on a copy of the shipped data."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.helpers import load_script

ROOT = Path(__file__).resolve().parents[1]
DOCS_WITH_CODE = ["README.md", "docs/tutorial.md"]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("name", DOCS_WITH_CODE)
def test_python_examples_run(
    name: str, shipped_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = python_blocks(ROOT / name)
    assert blocks, f"{name} has no python example"
    cwd = os.getcwd()
    os.chdir(shipped_log.parent)
    try:
        namespace: dict[str, object] = {}
        for block in blocks:
            exec(compile(block, name, "exec"), namespace)
    finally:
        os.chdir(cwd)
    assert capsys.readouterr().out.strip()


def test_the_api_reference_is_written_from_the_docstrings_of_every_public_name() -> None:
    import inspect

    import fonds

    maker = load_script(ROOT / "docs" / "make_reference.py")
    undocumented = []
    for name in fonds.__all__:
        obj = getattr(fonds, name)
        if callable(obj) and not (obj.__doc__ or "").strip():
            undocumented.append(name)
        if inspect.isclass(obj):
            for member, value in maker.public_members(obj):
                target = value.fget if isinstance(value, property) else value
                if not (getattr(target, "__func__", target).__doc__ or "").strip():
                    undocumented.append(f"{name}.{member}")
    assert undocumented == []
    page = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    assert page == maker.render(), "run: python docs/make_reference.py"
    assert all(f"`fonds.{name}" in page for name in fonds.__all__)


def fenced_blocks(path: Path) -> list[tuple[str, str]]:
    """``(info string, text)`` of every fenced block, in order."""
    text = path.read_text(encoding="utf-8")
    return re.findall(r"^```([^\n]*)\n(.*?)^```", text, flags=re.S | re.M)


def test_the_contributing_guide_runs_as_written_in_an_empty_folder(tmp_path: Path) -> None:
    """Its ``sh`` blocks run in a shell, in order, with ``fonds`` on the PATH; a ``json NAME``
    block is the file NAME the text says to save."""
    import shutil
    import subprocess
    import sys

    from fonds.log import open_log

    folder = tmp_path / "archive"
    folder.mkdir()
    shutil.copy(ROOT / "data" / "axis-talks" / "page.txt", folder / "axis-talks.txt")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "fonds"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m fonds "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
    outputs: list[str] = []
    for info, block in fenced_blocks(ROOT / "docs" / "contributing-records.md"):
        words = info.split()
        if words[:1] == ["json"] and len(words) == 2:
            (folder / words[1]).write_text(block, encoding="utf-8")
        elif words == ["sh"]:
            done = subprocess.run(
                ["bash", "-e", "-c", block], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                capture_output=True, text=True, timeout=300, check=False,
            )  # fmt: skip
            assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
            assert "Traceback" not in done.stderr
            outputs.append(done.stdout)
    assert len(outputs) >= 6
    log = open_log(folder / "records")
    records = [dict(entry.document) for entry in log.entries()]
    assert records[0]["kind"] == "agent" and records[0]["id"] == "agent:jdoe"
    assert {r["recorded_by"] for r in records} == {"agent:jdoe"}
    ids = {r.get("id") for r in records}
    assert {"person:kollontai", "person:molotov", "source:dvp-1940"} <= ids
    [same_as] = [r for r in records if r.get("predicate") == "same-as"]
    assert (same_as["subject"], same_as["object"]) == ("person:molotov-dvp", "person:molotov")
    assert "same name across scripts" in same_as["note"]
    # the review's text in the guide is what the review printed
    [review] = [out for out in outputs if "Who is who" in out]
    guide = (ROOT / "docs" / "contributing-records.md").read_text(encoding="utf-8")
    shown = guide.split("Who is who", 1)[1].split("```", 1)[0]
    assert shown in review
    assert log.verify(deep=True) == []
