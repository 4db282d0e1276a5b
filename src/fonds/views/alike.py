"""Which of many records may state the same thing, found from the mentions index alone.

Two records agree when they state the same thing (:func:`fonds.views.merging.statement`):
then they are of one kind and about the same entities, under their canonical ids, since every
field naming what a record is about is part of what it states. Grouping a large set of
records by kind and by the entities they are about, which the mentions index already holds,
leaves out at once every record that no other could agree with: only the rest need to be
decoded and compared. The test is a necessary condition only (two records may share their
entities and state different things), so it never separates records that agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from fonds.views.state import PackedIndex

__all__ = ["maybe_alike"]

_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads key codes before they are summed per record


def maybe_alike(
    seqs: Sequence[int],
    kinds: Sequence[str],
    mentions: Mapping[str, Sequence[int]],
    canonical: Mapping[str, str],
) -> list[int]:
    """Those of ``seqs`` (sequence numbers, ascending) that share their kind (``kinds`` by
    sequence number) and the set of entities they are about (``mentions``: entries by entity,
    each entry once; ``canonical``: merged ids to the id they are shown under) with another
    of them, in the order given."""
    if len(seqs) < 2:
        return []
    numbers = np.asarray(seqs, dtype=np.int64)
    wanted = np.zeros(int(numbers.max()) + 1, dtype=bool)
    wanted[numbers] = True
    found, codes, names = _entries(mentions, wanted)
    if canonical:
        codes = _canonical_codes(codes, names, canonical)
    # the set of entities of each record, once each (two merged ids may name one entity)
    order = np.lexsort((codes, found))
    found, codes = found[order], codes[order]
    keep = np.ones(len(found), dtype=bool)
    keep[1:] = (found[1:] != found[:-1]) | (codes[1:] != codes[:-1])
    found, codes = found[keep], codes[keep]
    # one number per record for its set: the sum of its spread codes (equal sets, equal
    # sums; a chance equality of unequal sets only costs a comparison)
    spread = (codes.astype(np.uint64) + np.uint64(1)) * _MIX
    sums = np.zeros(len(wanted), dtype=np.uint64)
    np.add.at(sums, found, spread)
    counts = np.bincount(found, minlength=len(wanted))
    signature = list(zip(sums[numbers].tolist(), counts[numbers].tolist(), strict=True))
    groups: dict[tuple[str, int, int], int] = {}
    keys = [(kinds[seq], *sig) for seq, sig in zip(seqs, signature, strict=True)]
    for key in keys:
        groups[key] = groups.get(key, 0) + 1
    return [seq for seq, key in zip(seqs, keys, strict=True) if groups[key] > 1]


def _entries(
    index: Mapping[str, Sequence[int]], wanted: np.ndarray[Any, Any]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], list[str]]:
    """(entry, key code) of every entry of the index among the ``wanted`` ones, and the key
    of each code."""
    top = len(wanted)
    found: list[np.ndarray[Any, Any]] = [np.zeros(0, np.int64)]
    codes: list[np.ndarray[Any, Any]] = [np.zeros(0, np.int64)]
    names: list[str] = []
    loose: Mapping[str, Sequence[int]] = index
    if isinstance(index, PackedIndex):
        flat, starts, slots, added = index.parts()
        slot_names = [""] * (len(starts) - 1)
        for name, slot in slots.items():
            slot_names[slot] = name
        valid = np.zeros(len(slot_names), dtype=bool)
        valid[[slot for name, slot in slots.items() if name not in added]] = True
        entries = np.frombuffer(flat, dtype=np.int64)
        bounds = np.frombuffer(starts, dtype=np.int64)
        sizes: np.ndarray[Any, Any] = bounds[1:] - bounds[:-1]
        slot_of = np.repeat(np.arange(len(slot_names)), sizes)
        inside = entries < top
        take = valid[slot_of] & inside
        take[inside] &= wanted[entries[inside]]
        found.append(entries[take])
        codes.append(slot_of[take])
        names = slot_names
        loose = added
    for name, seqs in loose.items():
        picked = [seq for seq in seqs if seq < top and wanted[seq]]
        if picked:
            found.append(np.asarray(picked, dtype=np.int64))
            codes.append(np.full(len(picked), len(names), dtype=np.int64))
            names.append(name)
    return np.concatenate(found), np.concatenate(codes), names


def _canonical_codes(
    codes: np.ndarray[Any, Any], names: list[str], canonical: Mapping[str, str]
) -> np.ndarray[Any, Any]:
    """Each key code replaced by the code of the key's canonical id."""
    code_of = {name: code for code, name in enumerate(names) if name in canonical}
    remap = np.arange(len(names) + len(canonical), dtype=np.int64)
    spare = len(names)
    for name, code in list(code_of.items()):
        target = canonical[name]
        if target not in code_of:  # a canonical id no wanted entry names: a code of its own
            code_of[target] = spare
            spare += 1
        remap[code] = code_of[target]
    mapped: np.ndarray[Any, Any] = remap[codes]
    return mapped
