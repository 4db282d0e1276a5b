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


def test_the_api_reference_is_written_from_the_docstrings_of_every_public_name() -> None:
    import importlib.util
    import inspect

    import fonds

    spec = importlib.util.spec_from_file_location(
        "make_reference", ROOT / "docs" / "make_reference.py"
    )
    assert spec is not None and spec.loader is not None
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
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
