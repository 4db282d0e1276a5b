"""Rebuild the shipped data set in records/ from the seed page and the editors' records.

    python data/axis-talks/build.py [TARGET]      (TARGET defaults to records/)

Three inputs, all in this folder: ``page.txt`` (the seed page, as exported), read by the page
importer; ``curation.json`` (what the editors change in the importer's drafts); ``facts.jsonl``
(every further fact, recorded by hand). The log is written to a new folder and swapped in
whole, so a failed build leaves the old log as it was.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

PAGE_SOURCE = "source:axis-talks-page"
PAGE_EVENT = "event:axis-talks-1940"
PAGE_EVENT_DATE = "1940-10/1940-11"


def drafts() -> list[dict[str, Any]]:
    """The importer's records of the page, with the editors' amendments."""
    from fonds.importers.page import import_page

    result = import_page(
        HERE / "page.txt",
        source_id=PAGE_SOURCE,
        event_id=PAGE_EVENT,
        event_date=PAGE_EVENT_DATE,
        read_text=False,  # what the prose says, the editors recorded by hand (facts.jsonl)
    )
    if result.problems:
        raise SystemExit("\n".join(str(p) for p in result.problems))
    amendments: dict[str, dict[str, Any]] = json.loads(
        (HERE / "curation.json").read_text(encoding="utf-8")
    )["amend"]
    records = [dict(record) for record in result.records]
    unused = set(amendments)
    for record in records:
        change = amendments.get(record.get("id", ""))
        if change is not None:
            record.update(change)
            unused.discard(record["id"])
    if unused:
        raise SystemExit(f"curation.json amends ids the page does not yield: {sorted(unused)}")
    return records


def facts() -> list[dict[str, Any]]:
    lines = (HERE / "facts.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def records() -> list[dict[str, Any]]:
    """Every record of the data set, in log order."""
    return drafts() + facts()


def build(target: Path) -> int:
    from fonds.log.jsonl import JsonlLog

    fresh = target.with_name(target.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    log = JsonlLog.init(fresh)
    entries = log.append(records())
    previous = target.with_name(target.name + ".old")
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    fresh.rename(target)
    shutil.rmtree(previous, ignore_errors=True)
    return len(entries)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    destination = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "records"
    count = build(destination)
    print(f"{destination}: {count} records")
