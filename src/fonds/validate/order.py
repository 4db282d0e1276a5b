"""The order in which a valid batch is stored: every record after what it refers to."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from fonds.model.kinds import KINDS
from fonds.validate.rules import ValidatedRecord

__all__ = ["log_order"]


def log_order(records: Sequence[ValidatedRecord]) -> list[ValidatedRecord]:
    """A batch in an order where every record follows what it refers to within the batch.

    A contribution may name a source before declaring it; the log may not, so that the log read
    up to any entry is valid on its own (``verify --deep`` checks each record as of its entry).
    The order is otherwise kept; a reference cycle keeps the file's order for what remains.
    """
    declared_at: dict[str, int] = {}
    hashed_at: dict[str, int] = {}
    for index, item in enumerate(records):
        identifier = item.document.get("id")
        if isinstance(identifier, str):
            declared_at.setdefault(identifier, index)
        hashed_at[item.id] = index
    waiting_on: list[set[int]] = []
    for index, item in enumerate(records):
        needs = {declared_at.get(ref.target, -1) for ref in item.references}
        kind = KINDS.of(item.document)
        if kind.targets:  # only corrections name records
            needs.update(hashed_at.get(target, -1) for _, target in kind.targets_in(item.document))
        needs.discard(-1)
        needs.discard(index)
        waiting_on.append(needs)
    if not any(need > index for index, needs in enumerate(waiting_on) for need in needs):
        return list(records)
    dependants: dict[int, list[int]] = {}
    for index, needs in enumerate(waiting_on):
        for need in needs:
            dependants.setdefault(need, []).append(index)
    remaining = [len(needs) for needs in waiting_on]
    ready = [index for index, count in enumerate(remaining) if count == 0]
    heapq.heapify(ready)
    ordered: list[int] = []
    while ready:
        index = heapq.heappop(ready)
        ordered.append(index)
        for dependant in dependants.get(index, ()):
            remaining[dependant] -= 1
            if remaining[dependant] == 0:
                heapq.heappush(ready, dependant)
    placed = set(ordered)
    ordered.extend(index for index in range(len(records)) if index not in placed)
    return [records[index] for index in ordered]
