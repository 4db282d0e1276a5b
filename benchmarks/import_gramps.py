"""How long a Gramps database takes to become log entries: import, validate, append.

    python benchmarks/import_gramps.py                    # the Gramps example database
    python benchmarks/import_gramps.py FILE --repeat 3 --json

Each step is timed on its own, best of ``--repeat`` runs, into a fresh log each time: the
import (parse the XML, draft the records), the validation of the draft on its own, the append
(which validates again, against the log, and writes), then a second import against the log,
which finds everything there and drafts nothing.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fonds.importers.genealogy import Existing
from fonds.importers.gramps import read_gramps
from fonds.log.jsonl import JsonlLog
from fonds.model.vocabulary import default_vocabulary
from fonds.validate import validate_lines

EXAMPLE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "external"
    / "datasets"
    / "gramps"
    / "example.gramps"
)


def run_once(path: Path, directory: Path) -> dict[str, Any]:
    gc.collect()
    start = time.perf_counter()
    imported = read_gramps(path)
    imported_at = time.perf_counter()
    report = validate_lines(imported.draft.numbered(str(path)), default_vocabulary())
    validated_at = time.perf_counter()
    if imported.draft.problems or report.problems:
        raise SystemExit(f"{path}: the draft has problems; nothing to time")
    log = JsonlLog.init(directory)
    entries = log.append(imported.draft.records)
    appended_at = time.perf_counter()
    again = read_gramps(path, known=Existing.from_log(log))
    again_at = time.perf_counter()
    records = len(imported.draft.records)
    return {
        "records": records,
        "entries": len(entries),
        "import_s": imported_at - start,
        "validate_s": validated_at - imported_at,
        "append_s": appended_at - validated_at,
        "total_s": appended_at - start,
        "records_per_s": records / (appended_at - start),
        "reimport_s": again_at - appended_at,
        "reimport_records": len(again.draft.records),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=EXAMPLE)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    options = parser.parse_args(argv)
    if not options.file.is_file():
        print(f"{options.file}: no such file", file=sys.stderr)
        return 2
    runs = []
    for _ in range(max(options.repeat, 1)):
        with tempfile.TemporaryDirectory() as directory:
            runs.append(run_once(options.file, Path(directory) / "log"))
    best = min(runs, key=lambda run: run["total_s"])
    if options.json:
        print(json.dumps(best, indent=2))
        return 0
    print(f"{options.file.name}: {best['records']:,} records, best of {len(runs)}")
    for step in ("import", "validate", "append"):
        print(f"  {step:<9} {best[f'{step}_s']:6.2f} s")
    print(f"  {'total':<9} {best['total_s']:6.2f} s  ({best['records_per_s']:,.0f} records/s)")
    print(
        f"  reimport  {best['reimport_s']:6.2f} s  ({best['reimport_records']} records drafted:"
        " all were in the log)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
