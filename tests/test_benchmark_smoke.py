"""The benchmark still runs, on 10,000 records, and its figures make sense (not how fast)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

from tests.conftest import ROOT


def test_benchmark_runs_and_its_figures_are_sane() -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "10000", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    [result] = json.loads(completed.stdout)
    assert result["n"] == 10_000 and result["append_records"] == 10_000
    rates = [key for key in result if key.endswith("_rps")]
    assert {"append_rps", "validate_rps", "jsonschema_rps", "load_rps", "floor_rps"} <= set(rates)
    for key in rates:
        assert math.isfinite(result[key]) and result[key] > 0, key
    for key in ("build_s", "rebuild_s", "update_s", "person_ms", "one_day_ms"):
        assert math.isfinite(result[key]) and result[key] > 0, key
    # a repeated build reads the snapshot; an update folds 100 entries: both less than a build
    assert result["rebuild_s"] < result["build_s"] and result["update_s"] < result["build_s"]
    assert result["one_day_entries"] >= 0 and result["peak_rss_mib"] > 10
    # what lies wholly inside a day is a part of what may overlap it
    assert 0 <= result["one_day_within_entries"] <= result["one_day_entries"]
    assert result["load_build_vs_floor"] == result["load_and_build_rps"] / result["floor_rps"]


def test_the_partitioned_export_benchmark_runs_the_howto_queries() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "partitioned.py"),
            "--records",
            "3000",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    result = json.loads(completed.stdout)
    assert result["n"] == 3000 and result["files"] >= result["partitions"] > 10
    queries = result["queries"]
    assert len(queries) == 4 and all(q["ms"] > 0 for q in queries)
    busiest, person, _, head = (q["rows"] for q in queries)
    assert busiest == 5 and person > 0 and head == 1  # one head: the export is of one log state
    assert result["person"].startswith("person:")
