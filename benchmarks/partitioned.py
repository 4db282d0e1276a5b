"""The partitioned Parquet export at scale, and the DuckDB how-to's queries over it.

    python benchmarks/partitioned.py                       # N = 1,000,000
    python benchmarks/partitioned.py --records 10000 --json

Generates an N-record log (benchmarks/generate.py), runs ``fonds export parquet --partition-by
year`` on it as a user would (a fresh process: the first build of the views is part of the
time), then runs every SQL block of docs/analysis-with-duckdb.md, as written there, with
DuckDB in the export's folder: the best of five runs of each. The person the how-to asks about
(``person:molotov``) stands for the generated person with the most facts.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import Generator, write_log

ROOT = Path(__file__).resolve().parents[1]
HOWTO = ROOT / "docs" / "analysis-with-duckdb.md"
HOWTO_PERSON = "person:molotov"


def howto_queries() -> list[str]:
    """The SQL blocks of the how-to, in order."""
    return re.findall(r"```sql\n(.*?)```", HOWTO.read_text(encoding="utf-8"), flags=re.S)


def _best_ms(action: Callable[[], Any], repeats: int = 5) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best * 1000, result


def measure(n: int, directory: Path) -> dict[str, Any]:
    import duckdb

    results: dict[str, Any] = {"n": n}
    log = directory / "log"
    start = time.perf_counter()
    write_log(log, Generator().records(n))
    results["generate_s"] = time.perf_counter() - start
    facts = directory / "facts"
    command = [sys.executable, "-m", "fonds", "export", "parquet", "--log", str(log)]
    command += ["--partition-by", "year", "--out", str(facts)]
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    results["export_s"] = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(completed.stderr)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    results["export_peak_rss_mib"] = children / 1024
    files = list(facts.rglob("*.parquet"))
    results["partitions"] = sum(1 for p in facts.iterdir() if p.is_dir())
    results["files"] = len(files)
    results["export_mib"] = sum(f.stat().st_size for f in files) / 2**20

    connection = duckdb.connect()
    person = connection.execute(
        "SELECT s, count(*) AS c FROM (SELECT unnest(string_split(subjects, ' | ')) AS s"
        f" FROM read_parquet('{facts}/**/*.parquet', hive_partitioning = true))"
        " WHERE s LIKE 'person:%' GROUP BY s ORDER BY c DESC, s LIMIT 1"
    ).fetchone()
    assert person is not None
    results["person"] = person[0]
    timings: list[dict[str, Any]] = []
    for query in howto_queries():
        sql = query.replace("'facts/", f"'{facts}/").replace(HOWTO_PERSON, person[0])

        def run(sql: str = sql) -> list[Any]:
            return connection.execute(sql).fetchall()

        ms, rows = _best_ms(run)
        timings.append({"query": query.splitlines()[0].lstrip("- "), "ms": ms, "rows": len(rows)})
    results["queries"] = timings
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        results = measure(args.records, Path(folder))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"N = {results['n']:,}: export {results['export_s']:.1f} s"
          f" (peak {results['export_peak_rss_mib']:,.0f} MiB), {results['partitions']} partitions,"
          f" {results['files']} files, {results['export_mib']:.1f} MiB")  # fmt: skip
    print("| query | rows | best of 5 (ms) |\n|---|---|---|")
    for timing in results["queries"]:
        print(f"| {timing['query']} | {timing['rows']:,} | {timing['ms']:.1f} |")


if __name__ == "__main__":
    main()
