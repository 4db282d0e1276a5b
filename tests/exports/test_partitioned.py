"""The partitioned Parquet export as DuckDB reads it: the how-to's queries, run as written."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import run_cli

HOWTO = ROOT / "docs" / "analysis-with-duckdb.md"


def _queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", HOWTO.read_text(encoding="utf-8"), flags=re.S)


def test_the_howto_queries_answer_from_a_partitioned_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import duckdb

    records = ["--log", str(ROOT / "records")]
    code, _, err = run_cli(
        capsys, "export", "parquet", *records, "--partition-by", "year", "--out",
        str(tmp_path / "facts"),
    )  # fmt: skip
    assert code == 0, err
    years = {p.name for p in (tmp_path / "facts").iterdir()}
    assert "year=1940" in years and "year=__HIVE_DEFAULT_PARTITION__" in years
    _, timeline, _ = run_cli(capsys, "timeline", *records, "--format", "json")
    head = run_cli(capsys, "verify", *records)[1].split("head ")[1].strip()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        connection = duckdb.connect()
        busiest, molotov, november, stamp = (connection.execute(q).fetchall() for q in _queries())
    finally:
        os.chdir(cwd)
    assert busiest[0][0] == 1940 and busiest[0][1] > 20
    assert len(molotov) > 10 and all(row[2] for row in molotov)
    assert any("Berlin" in summary or "Hitler" in summary for _, summary in november)
    assert len(stamp) == 1 and stamp[0][0].decode().startswith(head)
    assert timeline.count('"record"') >= len(molotov)


def test_a_partitioned_export_needs_a_new_folder_outside_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = ["--log", str(ROOT / "records")]
    existing = tmp_path / "exists"
    existing.mkdir()
    code, _, err = run_cli(
        capsys, "export", "parquet", *records, "--partition-by", "kind", "--out", str(existing)
    )
    assert code == 2
    code, _, err = run_cli(capsys, "export", "csv", *records, "--partition-by", "kind")
    assert code == 2 and "only with export parquet" in err
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())


@pytest.mark.parametrize("by", ["year", "kind"])
def test_a_partitioned_export_holds_the_rows_of_the_whole_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    """Written a chunk of facts at a time (here of 7), the partitions hold exactly the rows of
    the one-file export, undated facts included, under the same filters."""
    import duckdb

    from fonds.views.timeline import Timeline

    chunks = Timeline.chunks
    monkeypatch.setattr(Timeline, "chunks", lambda self, size=7: chunks(self, 7))
    records = ["--log", str(ROOT / "records")]
    selections: list[list[str]] = [[], ["--person", "person:molotov"], ["--from", "1940-11-12"]]
    for number, filters in enumerate(selections):
        whole, parts = tmp_path / f"whole{number}.parquet", tmp_path / f"parts{number}"
        code, _, err = run_cli(capsys, "export", "parquet", *records, *filters, "--out", str(whole))
        assert code == 0, err
        code, _, err = run_cli(
            capsys, "export", "parquet", *records, *filters, "--partition-by", by,
            "--out", str(parts),
        )  # fmt: skip
        assert code == 0, err
        connection = duckdb.connect()
        columns = "seq, kind, summary, earliest, sources"
        one = connection.execute(f"SELECT {columns} FROM '{whole}' ORDER BY seq").fetchall()
        split = connection.execute(
            f"SELECT {columns} FROM read_parquet('{parts}/**/*.parquet', hive_partitioning = true)"
            " ORDER BY seq"
        ).fetchall()
        assert split == one and len(one) > 5
