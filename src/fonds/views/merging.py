"""Ids that name one entity: the groups that standing same-as relations make, at one point.

A same-as relation joins two ids of one person, place or event. The groups are the connected
parts of the graph of same-as relations standing at the chosen point of the log (union-find), so
retracting one splits its group again from then on, and a question as of an earlier point sees
the ids apart; nothing of this is folded into the state. A group is named by its *canonical*
id, the one declared first in the log; the views show the group under it and list the others.

Records agree when they state the same thing: the same kind and fields, entities named by
their canonical ids, the same date; only what they rest on (citations, confidence, flags, note,
who recorded them) may differ. A view shows them as one fact with all their sources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import orjson

from fonds.model.kinds import KINDS
from fonds.views.answers import Fact

__all__ = ["Merges", "fold_agreeing", "merge", "statement"]

# what a record rests on rather than states: agreeing records may differ in it
_RESTS_ON = frozenset({"citations", "confidence", "flags", "note", "recorded_by", "schema"})


@attrs.frozen(slots=True)
class Merges:
    """The groups of ids that name one entity: ``canonical`` maps every merged id (the
    canonical ones included) to its group's canonical id, ``groups`` each canonical id to its
    group's ids (the canonical one first, then in declaration order) and ``links`` each
    canonical id to the same-as entries that join its group (in log order)."""

    canonical: Mapping[str, str] = attrs.field(factory=dict)
    groups: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    links: Mapping[str, tuple[int, ...]] = attrs.field(factory=dict)

    def of(self, entity_id: str) -> str:
        """The canonical id of an entity (the id itself when it is merged with none)."""
        return self.canonical.get(entity_id, entity_id)

    def members(self, entity_id: str) -> tuple[str, ...]:
        """The ids of the entity's group, canonical first (just the id when unmerged)."""
        return self.groups.get(self.of(entity_id), (entity_id,))


def merge(edges: Iterable[tuple[int, str, str]], declared: Callable[[str], int]) -> Merges:
    """The groups that same-as ``edges`` (entry, subject, object) make; ``declared`` gives an
    id's first declaration (its order: the earliest declared id names the group)."""
    parent: dict[str, str] = {}

    def find(entity_id: str) -> str:
        root = entity_id
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while entity_id != root:  # path compression
            parent[entity_id], entity_id = root, parent[entity_id]
        return root

    joined: list[tuple[int, str]] = []
    for seq, subject, other in edges:
        one, two = find(subject), find(other)
        if one != two:
            parent[max(one, two)] = min(one, two)  # any root will do; the order is set below
        joined.append((seq, subject))
    members: dict[str, list[str]] = {}
    for entity_id in parent:
        members.setdefault(find(entity_id), []).append(entity_id)
    canonical: dict[str, str] = {}
    groups: dict[str, tuple[str, ...]] = {}
    for ids in members.values():
        ordered = tuple(sorted(ids, key=lambda i: (declared(i), i)))
        groups[ordered[0]] = ordered
        canonical.update(dict.fromkeys(ordered, ordered[0]))
    links: dict[str, list[int]] = {}
    for seq, subject in joined:
        links.setdefault(canonical[subject], []).append(seq)
    return Merges(canonical, groups, {k: tuple(sorted(v)) for k, v in links.items()})


def statement(document: Mapping[str, Any], canonical: Callable[[str], str]) -> bytes:
    """What a record states, as bytes equal for records that agree: its fields, entities
    named by their ``canonical`` ids, without what it rests on."""
    stated = {k: v for k, v in document.items() if k not in _RESTS_ON}
    for ref in KINDS.of(document).references:
        value = stated.get(ref.field)
        if value is None or ref.declares:
            continue
        if ref.many:
            stated[ref.field] = sorted({canonical(v) for v in value})
        else:
            stated[ref.field] = canonical(value)
    return orjson.dumps(stated, option=orjson.OPT_SORT_KEYS)


def fold_agreeing(facts: Iterable[Fact], canonical: Callable[[str], str]) -> list[Fact]:
    """The facts, each that agrees with an earlier one folded into it (its ``agreeing``), in
    order. Declarations and corrections stand alone."""
    facts = list(facts)
    # records that agree read alike in one line: only those that do are compared in full
    seen: set[tuple[str, str]] = set()
    alike: set[tuple[str, str]] = set()
    for fact in facts:
        line = (fact.kind, fact.summary)
        (alike if line in seen else seen).add(line)
    if not alike:
        return facts
    found: dict[bytes | int, list[Fact]] = {}
    kinds = KINDS.by_name
    for fact in facts:
        kind = kinds[fact.kind]
        if kind.entity or kind.correction or (fact.kind, fact.summary) not in alike:
            found[fact.seq] = [fact]
        else:
            found.setdefault(statement(fact.document, canonical), []).append(fact)
    return [
        group[0] if len(group) == 1 else attrs.evolve(group[0], agreeing=tuple(group[1:]))
        for group in found.values()
    ]
