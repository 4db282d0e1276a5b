"""The examples in the README and the docs run as written, on a copy of the shipped data."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

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
