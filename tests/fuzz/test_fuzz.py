"""Nothing crashes fonds: generated malformed input, and the regression corpus found so far.

Each input goes through the command a user would run. The command may refuse it (exit 1 or 2)
but must not print a traceback or an internal error, must not hang, and must leave the log
byte-identical when it refuses.
"""

from __future__ import annotations

import os
import string
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fonds.log import JsonlLog
from tests.conftest import ROOT
from tests.helpers import agent, basics, run_cli

CORPUS = Path(__file__).parent / "corpus"
# bounded for the test suite; FONDS_FUZZ_EXAMPLES=2000 for a longer hunt
FUZZ = settings(
    max_examples=int(os.environ.get("FONDS_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def survives(capsys: pytest.CaptureFixture[str], *args: str) -> int:
    code, _, err = run_cli(capsys, *args)
    assert "internal error" not in err, err
    assert code in (0, 1, 2), (code, err)
    return code


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("fuzz") / "log"
    JsonlLog.init(directory).append(basics())
    return directory


def _corpus(kind: str) -> list[Path]:
    return sorted((CORPUS / kind).iterdir())


@pytest.mark.parametrize("case", _corpus("validate"), ids=lambda p: p.name)
def test_validate_and_append_corpus(
    case: Path, capsys: pytest.CaptureFixture[str], log_dir: Path
) -> None:
    survives(capsys, "validate", str(case), "--log", str(log_dir))
    before = (log_dir / "log.jsonl").read_bytes()
    if survives(capsys, "append", str(case), "--log", str(log_dir)) != 0:
        assert (log_dir / "log.jsonl").read_bytes() == before
    survives(capsys, "review", str(case), "--log", str(log_dir))


@pytest.mark.parametrize("case", _corpus("csv"), ids=lambda p: p.name)
def test_csv_corpus(case: Path, capsys: pytest.CaptureFixture[str], log_dir: Path) -> None:
    for kind in ("person", "event", "source"):
        survives(capsys, "import", "csv", str(case), "--kind", kind, "--log", str(log_dir))


@pytest.mark.parametrize("case", _corpus("page"), ids=lambda p: p.name)
def test_page_corpus(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    survives(capsys, "import", "page", str(case))
    survives(capsys, "import", "page", str(case), "--skip-unreadable")


VALID_LINES = [orjson.dumps(d).decode() for d in [*basics(), agent("agent:second")]]


@st.composite
def broken_lines(draw: st.DrawFn) -> bytes:
    """Valid records cut, spliced and sprinkled with bytes, plus arbitrary bytes."""
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        text = draw(st.sampled_from(VALID_LINES))
        how = draw(st.sampled_from(["keep", "cut", "insert", "replace", "bytes"]))
        if how == "bytes":
            lines.append(draw(st.binary(max_size=80)))
            continue
        raw = text.encode()
        if how != "keep":
            at = draw(st.integers(0, len(raw)))
            piece = draw(
                st.binary(min_size=1, max_size=6)
                | st.sampled_from([b'"', b"{", b"}", b",", b"\\", b"\xff"])
            )
            raw = raw[:at] if how == "cut" else raw[:at] + piece + raw[at + (how == "replace") :]
        lines.append(raw)
    return b"\n".join(lines) + draw(st.sampled_from([b"", b"\n", b"\r\n"]))


@FUZZ
@given(data=broken_lines())
def test_validate_and_append_never_crash(
    data: bytes, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path_factory.mktemp("v")
    log = directory / "log"
    JsonlLog.init(log).append(basics()[:1])
    path = directory / "c.jsonl"
    path.write_bytes(data)
    survives(capsys, "validate", str(path), "--log", str(log), "--format", "json")
    before = (log / "log.jsonl").read_bytes()
    if survives(capsys, "append", str(path), "--log", str(log)) != 0:
        assert (log / "log.jsonl").read_bytes() == before
    assert survives(capsys, "verify", "--log", str(log), "--deep") == 0


_cell = st.text(alphabet=string.printable + "äß€\u0000", max_size=12)


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(
            [
                "id",
                "labels.en",
                "labels.",
                "citation1.locator",
                "citation1.source",
                "flags",
                "date",
                "authors",
                "title",
                "x",
                "",
            ]
        )
        | _cell,
        max_size=6,
    ),
    rows=st.lists(st.lists(_cell, max_size=7), max_size=4),
    bom=st.booleans(),
)
def test_csv_import_never_crashes(
    header: list[str], rows: list[list[str]], bom: bool,
    tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    path = tmp_path_factory.mktemp("csv") / "s.csv"
    path.write_text(
        ("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8", errors="replace"
    )
    for kind in ("person", "source"):
        out = path.with_name(f"{kind}.jsonl")
        if survives(capsys, "import", "csv", str(path), "--kind", kind, "--out", str(out)) != 0:
            assert not out.exists()


SEED_LINES = (ROOT / "data" / "axis-talks" / "page.txt").read_text(encoding="utf-8").splitlines()


@FUZZ
@given(
    picked=st.lists(st.sampled_from(SEED_LINES) | st.text(max_size=60), min_size=0, max_size=30),
)
def test_page_import_never_crashes(
    picked: list[str], tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path_factory.mktemp("page") / "page.txt"
    path.write_text("\n".join(picked), encoding="utf-8", errors="surrogatepass")
    survives(capsys, "import", "page", str(path), "--skip-unreadable")


HARNESS = Path(__file__).parent / "coverage_fuzz.py"
SEEDS = {
    "validate": [CORPUS / "validate"],
    "page": [CORPUS / "page", ROOT / "tests" / "importers" / "pages"],
    "csv": [CORPUS / "csv"],
}


@pytest.mark.parametrize("target", sorted(SEEDS))
def test_coverage_guided_fuzzing_finds_nothing(target: str, tmp_path: Path) -> None:
    """A short libFuzzer run per target (atheris); longer hunts: see coverage_fuzz.py."""
    found = tmp_path / "found"
    found.mkdir()
    runs = int(os.environ.get("FONDS_FUZZ_EXAMPLES", "40")) * 10
    completed = subprocess.run(
        [sys.executable, str(HARNESS), target, f"-runs={runs}", "-seed=1",
         f"-artifact_prefix={tmp_path}/", str(found), *map(str, SEEDS[target])],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert f"Done {runs} runs" in completed.stderr
    assert not list(tmp_path.glob("crash-*"))
