"""How much of the shipped data set the page importer drafts on its own, without the editors.

    python data/axis-talks/measure.py

The importer reads ``page.txt`` with the ids the build gives the page and its event (options
of ``fonds import page``, not curation) and nothing else: no date, no amendments, no facts
recorded by hand. Each record of ``records/`` is then looked for among the drafts twice:

- *verbatim*: a draft is the very record (the same hash), so the build could take it as is;
- *same fact*: a draft states the same thing about the same entities (an entity's id; a
  passage's text at its locator; a quotation's speaker and words; an attribute's subject,
  property and value or date; a participation's person, event and role; a relation's three
  parts), so an editor would amend it rather than write it.

Run it with an older ``fonds`` first on ``PYTHONPATH`` to measure that importer instead.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

PAGE_SOURCE = "source:axis-talks-page"
PAGE_EVENT = "event:axis-talks-1940"

_FACT = {
    "passage": ("source", "locator", "text"),
    "quotation": ("speaker", "text"),
    "attribute": ("subject", "property", "value", "date"),
    "participation": ("person", "event", "role"),
    "relation": ("subject", "predicate", "object"),
}


def fact(document: Mapping[str, Any]) -> tuple[Any, ...]:
    """What a record states, whoever recorded it and however it is cited."""
    kind = str(document["kind"])
    if "id" in document:
        return (kind, document["id"])
    return (kind, *(repr(document.get(field)) for field in _FACT.get(kind, ("target",))))


def measure(
    shipped: Iterable[Mapping[str, Any]], drafted: Iterable[Mapping[str, Any]]
) -> dict[str, Counter[str]]:
    """Per kind: the shipped records, those drafted verbatim, those drafted as the same fact."""
    from fonds.model.canonical import record_hash

    drafts = list(drafted)
    hashes = {record_hash(d) for d in drafts}
    facts = {fact(d) for d in drafts}
    counts: dict[str, Counter[str]] = {
        "shipped": Counter(),
        "verbatim": Counter(),
        "fact": Counter(),
    }
    for document in shipped:
        kind = str(document["kind"])
        counts["shipped"][kind] += 1
        counts["verbatim"][kind] += record_hash(document) in hashes
        counts["fact"][kind] += fact(document) in facts
    return counts


def main() -> None:
    from fonds.importers.page import import_page
    from fonds.log.jsonl import JsonlLog

    draft = import_page(HERE / "page.txt", source_id=PAGE_SOURCE, event_id=PAGE_EVENT)
    shipped = [entry.document for entry in JsonlLog.open(ROOT / "records").entries()]
    counts = measure(shipped, draft.records)
    print(f"{'kind':<14}{'shipped':>8}{'verbatim':>10}{'same fact':>11}")
    for kind in sorted(counts["shipped"]):
        row = (counts[c][kind] for c in ("shipped", "verbatim", "fact"))
        print(f"{kind:<14}{next(row):>8}{next(row):>10}{next(row):>11}")
    total = [sum(counts[c].values()) for c in ("shipped", "verbatim", "fact")]
    print(f"{'all':<14}{total[0]:>8}{total[1]:>10}{total[2]:>11}")
    facts = {fact(document) for document in shipped}
    extra = [d for d in draft.records if fact(d) not in facts]
    print(f"{len(draft.records)} records drafted, {len(extra)} of them stating nothing shipped:")
    for document in extra:
        print("  ", " ".join(str(part) for part in fact(document))[:96])


if __name__ == "__main__":
    try:
        import fonds  # noqa: F401  (an importer given on PYTHONPATH is measured)
    except ImportError:
        sys.path.insert(0, str(ROOT / "src"))
    main()
