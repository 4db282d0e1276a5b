"""Coverage-guided fuzzing (atheris, libFuzzer) of the validator and both importers.

    mkdir -p found
    python tests/fuzz/coverage_fuzz.py validate -max_total_time=600 found tests/fuzz/corpus/validate
    python tests/fuzz/coverage_fuzz.py page -runs=100000 found tests/fuzz/corpus/page
    python tests/fuzz/coverage_fuzz.py csv -runs=100000 found tests/fuzz/corpus/csv

libFuzzer mutates the corpus files (new inputs go to the first folder, so name a scratch one
first), steered by which branches of fonds an input reaches. Bad input must come back as
problems (values with a place), never as an exception; and a page the importer reads without a
problem must yield records that validate. An input that breaks either
rule is written as ``crash-<hash>``: keep it in ``tests/fuzz/corpus/<target>/`` as a regression
case (the test suite replays the corpus through the command line). The suite also runs each
target for a few hundred inputs (tests/fuzz/test_fuzz.py).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import atheris
import orjson

with atheris.instrument_imports(include=["fonds"]):
    from fonds.importers.page import page_records, read_page
    from fonds.importers.sheet import read_sheet
    from fonds.model.vocabulary import default_vocabulary
    from fonds.validate import Limits, validate_lines

VOCABULARY = default_vocabulary()
# small limits, so that the size checks are reached by short inputs too
LIMITS = Limits(max_line_bytes=4096, max_depth=8, max_records=64)
SHEET_KINDS = ("person", "place", "event", "source", "attribute", "participation", "quotation")
SCRATCH = Path(tempfile.mkdtemp(prefix="fonds-fuzz-"))


def _lines(data: bytes) -> list[tuple[str, int, bytes]]:
    return [("<fuzz>", number, line) for number, line in enumerate(data.split(b"\n"), 1)]


def fuzz_validate(data: bytes) -> None:
    validate_lines(_lines(data), VOCABULARY, None, LIMITS)


def fuzz_page(data: bytes) -> None:
    page = read_page(data.decode("utf-8", "replace"), "<fuzz>")
    records = page_records(page)
    if page.problems:
        return
    lines = [(f"<record {n}>", n, orjson.dumps(r)) for n, r in enumerate(records, 1)]
    report = validate_lines(lines, VOCABULARY, None, Limits())
    if report.problems:
        raise AssertionError(
            f"a page read without problems drafted invalid records: {report.problems}"
        )


def fuzz_csv(data: bytes) -> None:
    if not data:
        return
    kind = SHEET_KINDS[data[0] % len(SHEET_KINDS)]
    path = SCRATCH / "sheet.csv"
    path.write_bytes(data[1:])
    read_sheet(path, kind)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "validate": fuzz_validate,
    "page": fuzz_page,
    "csv": fuzz_csv,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: coverage_fuzz.py {{{','.join(TARGETS)}}} [libFuzzer options] [corpus]")
    target = TARGETS[sys.argv.pop(1)]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
