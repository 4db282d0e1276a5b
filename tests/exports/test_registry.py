"""Every export format is one row of one table, called the same way by the library and the
command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from fonds.cli.exporting import EXPORT_FORMATS
from fonds.exports.base import ExportContext, ExportFormat
from fonds.exports.registry import FORMATS
from fonds.log import JsonlLog
from tests.helpers import run_cli


def test_the_command_line_offers_the_formats_of_the_table() -> None:
    assert tuple(FORMATS) == EXPORT_FORMATS
    assert {"csl-json", "bibtex", "ris", "prov-json", "csv", "parquet", "md", "html"} <= set(
        FORMATS
    )
    assert [name for name, exporter in FORMATS.items() if exporter.needs_out] == ["parquet"]


@pytest.mark.parametrize("name", ["csl-json", "bibtex", "ris", "csv", "prov-n"])
def test_a_format_writes_what_the_command_line_writes(
    capsys: pytest.CaptureFixture[str], shipped_log: Path, name: str
) -> None:
    filters = {"date_from": "1940-11-13", "date_to": "1940-11-13"}
    context = ExportContext(JsonlLog.open(shipped_log), filters=filters)
    data = FORMATS[name].export(context)
    code, out, err = run_cli(
        capsys, "export", name, "--log", str(shipped_log), "--from", "1940-11-13",
        "--to", "1940-11-13",
    )  # fmt: skip
    assert code == 0, err
    assert data.decode() == out and data


def test_a_binary_format_needs_a_file(
    capsys: pytest.CaptureFixture[str], shipped_log: Path
) -> None:
    code, out, err = run_cli(capsys, "export", "parquet", "--log", str(shipped_log))
    assert code == 2 and out == "" and "--out FILE is needed" in err


def test_a_new_format_is_a_function_and_a_row(shipped_log: Path) -> None:
    def count(context: ExportContext) -> bytes:
        return f"{len(context.selection.facts)} facts: {context.title}\n".encode()

    exporter = ExportFormat(count)
    context = ExportContext(JsonlLog.open(shipped_log), filters={"person": "person:molotov"})
    assert exporter.export(context).decode().endswith(" facts: Vyacheslav Molotov\n")
