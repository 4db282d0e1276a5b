from __future__ import annotations

import contextlib
import os
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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a PostgreSQL database for the session (see tests/pg.py): skipped when there
    is none to be had, failed instead when CI is set."""
    from tests.pg import Unavailable, server

    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(server())
        except Unavailable as exc:
            if os.environ.get("CI"):
                pytest.fail(f"the PostgreSQL tests must run in CI: {exc}")
            pytest.skip(str(exc))
        yield url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """The location of a log in a schema of its own, dropped after the test."""
    from tests.pg import drop_schema, new_schema, with_schema

    schema = new_schema()
    yield with_schema(postgres_server, schema)
    drop_schema(postgres_server, schema)
