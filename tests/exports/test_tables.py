"""CSV that every reader reads the same way, whatever a value holds; a byte-order mark on ask."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from fonds.log import JsonlLog
from tests.helpers import append_unchecked, basics, run_cli

HOSTILE = ["A\rB", "line\nbreak", 'quote " and , comma', '=HYPERLINK("x")', "+1", "Rīga Москва"]


def _legacy_log(directory: Path) -> JsonlLog:
    """A log holding text that the schemas refuse today (a bare carriage return, ...)."""
    JsonlLog.init(directory).append(basics())
    records: list[dict[str, Any]] = [
        {
            "kind": "attribute",
            "schema": 1,
            "subject": "person:molotov",
            "property": "held-office",
            "value": text,
            "date": f"1940-0{number + 1}",
            "citations": [{"source": "source:book"}],
            "confidence": "high",
            "recorded_by": "agent:tester",
        }
        for number, text in enumerate(HOSTILE)
    ]
    append_unchecked(directory, records)
    log = JsonlLog(directory)
    assert log.verify() == []
    return log


def test_every_reader_sees_the_same_rows_and_cells(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pandas
    import pyarrow.csv

    log = _legacy_log(tmp_path / "log")
    out = tmp_path / "facts.csv"
    code, _, err = run_cli(capsys, "export", "csv", "--log", log.location, "--out", str(out))
    assert code == 0, err
    data = out.read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))
    header, body = rows[0], rows[1:]
    assert all(len(row) == len(header) for row in body)
    values = [row[header.index("summary")] for row in body]
    for text in HOSTILE:
        assert any(value.endswith(f": {text}") for value in values), text
    table = pyarrow.csv.read_csv(out)
    frame = pandas.read_csv(out, dtype=str, keep_default_na=False)
    assert table.num_rows == len(frame) == len(body)
    assert table.column_names == list(frame.columns) == header
    assert list(frame["summary"]) == values == table.column("summary").to_pylist()


def test_a_byte_order_mark_on_ask(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = _legacy_log(tmp_path / "log")
    code, out, _ = run_cli(capsys, "export", "csv", "--log", log.location, "--bom")
    assert code == 0 and out.startswith('\ufeff"date"')
    code, out, _ = run_cli(capsys, "export", "csv", "--log", log.location)
    assert code == 0 and out.startswith('"date"')
