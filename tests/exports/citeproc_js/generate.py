"""Regenerate golden.json: what citeproc-js prints for the shipped sources, the reference
that tests/exports/test_citeproc_js.py holds fonds' citations to.

Run from the repository's root (citeproc-js is installed in a folder of its own, never into
the project: its licence is CPAL/AGPL, and neither fonds nor its tests run it)::

    folder=$(mktemp -d) && npm install --prefix "$folder" citeproc@2.4.63
    PYTHONPATH=src python tests/exports/citeproc_js/generate.py "$folder"

The items are fonds' own CSL-JSON export of ``records/``; the styles are the files fonds
formats with (``fonds.exports.citeproc.style_path``); the locale is the official en-US file
that citeproc-py ships. Each case is cited once, as a first note, and each style's
bibliography lists every item.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
GOLDEN = HERE / "golden.json"
VERSION = "2.4.63"
STYLES = ("chicago-notes-bibliography", "apa")
LOCATORS = (
    ("page", "112-114"),
    ("paragraph", "41"),
    ("section", "List of persons, row 1"),
    ("section", "3"),
    ("number", "176"),
    ("folio", "23v"),
    ("chapter", "4"),
)
# one source of each kind the shipped log holds, and the title with a quotation inside it
WITH_LOCATORS = (
    "axis-talks-page",
    "german-draft-agreement-1940",
    "instruction-no-18",
    "moscow-journal-selection",
    "stalin-molotov-telegrams-1940",
    "telegram-molotov-to-stalin-pact-exhausted",
)


def job() -> dict[str, Any]:
    """The items, locale, styles and cases to render."""
    import citeproc

    from fonds.exports.citeproc import style_path

    exported = subprocess.run(
        [sys.executable, "-m", "fonds", "export", "csl-json", "--log", str(ROOT / "records")],
        capture_output=True,
        check=True,
    )
    items = json.loads(exported.stdout)
    cases: list[dict[str, Any]] = [{"item": item["id"], "locator": None} for item in items]
    cases += [
        {"item": key, "locator": list(locator)} for key in WITH_LOCATORS for locator in LOCATORS
    ]
    locale = Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml"
    return {
        "items": items,
        "locale": locale.read_text(encoding="utf-8"),
        "styles": {name: style_path(name).read_text(encoding="utf-8") for name in STYLES},
        "cases": cases,
    }


def main(prefix: str) -> None:
    task = job()
    package = Path(prefix) / "node_modules" / "citeproc" / "package.json"
    version = json.loads(package.read_text(encoding="utf-8"))["version"]
    if version != VERSION:
        sys.exit(f"{package}: citeproc {version}, expected {VERSION}")
    result = subprocess.run(
        ["node", str(HERE / "generate.mjs")],
        input=json.dumps(task).encode(),
        capture_output=True,
        check=True,
        cwd=prefix,
    )
    rendered = json.loads(result.stdout)
    golden = {
        "processor": f"citeproc-js (npm citeproc {version})",
        "items": task["items"],
        "styles": {
            name: {
                "cases": [
                    {**case, "note": note}
                    for case, note in zip(task["cases"], rendered[name]["notes"], strict=True)
                ],
                "bibliography": rendered[name]["bibliography"],
            }
            for name in STYLES
        },
    }
    text = json.dumps(golden, ensure_ascii=False, indent=1) + "\n"
    GOLDEN.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
