from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "records"
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


@pytest.fixture
def shipped_log(tmp_path: Path) -> Iterator[Path]:
    """A private copy of the shipped log in records/."""
    target = tmp_path / "records"
    shutil.copytree(RECORDS, target, ignore=shutil.ignore_patterns(".fonds-cache"))
    yield target


@pytest.fixture
def empty_log(tmp_path: Path) -> Path:
    from fonds.log import JsonlLog

    directory = tmp_path / "log"
    JsonlLog.init(directory)
    return directory
