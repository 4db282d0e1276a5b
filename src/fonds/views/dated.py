"""The entries a timeline places, by the bounds of their dates, as three arrays of numbers.

A million dated entries take 24 MB here, where a list of (lower, upper, seq) tuples takes
about 150 MB (and the columnar build would make a million tuples).
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from fonds.gcpause import gc_paused

__all__ = ["DatedEntries"]

# groups of entries are made by NumPy from this many on (loaded then; a small log never is)
_BY_NUMPY_FROM = 100_000
# entries added are put in place one by one while they are fewer than 1/_FEW of those held
_FEW = 8


class DatedEntries:
    """(lower, upper, seq) of every dated entry, in that order (lower bound, then upper, then
    log order): each in an array of its own. Entries added since the last question are kept
    aside and merged into place when one is asked."""

    __slots__ = ("_buckets", "_pending", "highs", "lows", "seqs")

    def __init__(
        self,
        lows: array[int] | None = None,
        highs: array[int] | None = None,
        seqs: array[int] | None = None,
    ) -> None:
        """Entries already in order (not checked: a snapshot's are as they were saved, its
        checksum says so)."""
        self.lows = lows if lows is not None else array("q")
        self.highs = highs if highs is not None else array("q")
        self.seqs = seqs if seqs is not None else array("q")
        if not len(self.lows) == len(self.highs) == len(self.seqs):
            raise ValueError("dated entries need as many lower bounds, upper bounds and seqs")
        self._pending: list[tuple[int, int, int]] = []
        self._buckets: list[_Group] | None = None

    def add(self, lower: int, upper: int, seq: int) -> None:
        """Place entry ``seq`` between ``lower`` and ``upper``."""
        self._pending.append((lower, upper, seq))
        self._buckets = None

    def settle(self) -> None:
        """Merge the entries added since into place: a few after a snapshot are each put
        where they belong, not the whole sorted again."""
        if not self._pending:
            return
        pending = sorted(self._pending)
        self._pending = []
        count = len(self.lows)
        if count == 0 or len(pending) * _FEW > count:
            merged = sorted(chain(zip(self.lows, self.highs, self.seqs, strict=True), pending))
            self.lows = array("q", (e[0] for e in merged))
            self.highs = array("q", (e[1] for e in merged))
            self.seqs = array("q", (e[2] for e in merged))
            return
        cuts = [bisect.bisect_right(range(count), entry, key=self._entry) for entry in pending]
        parts: list[tuple[array[int], array[int], array[int]]] = []
        at = 0
        for cut, (lower, upper, seq) in zip(cuts, pending, strict=True):
            parts.append((self.lows[at:cut], self.highs[at:cut], self.seqs[at:cut]))
            parts.append((array("q", [lower]), array("q", [upper]), array("q", [seq])))
            at = cut
        parts.append((self.lows[at:], self.highs[at:], self.seqs[at:]))
        self.lows, self.highs, self.seqs = (
            array("q", b"".join(p[k] for p in parts)) for k in range(3)
        )

    def _entry(self, at: int) -> tuple[int, int, int]:
        return self.lows[at], self.highs[at], self.seqs[at]

    def __len__(self) -> int:
        return len(self.lows) + len(self._pending)

    def __iter__(self) -> Iterator[tuple[int, int, int]]:
        """The entries as (lower, upper, seq), in order."""
        self.settle()
        return zip(self.lows, self.highs, self.seqs, strict=True)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DatedEntries):
            return NotImplemented
        self.settle()
        other.settle()
        return (self.lows, self.highs, self.seqs) == (other.lows, other.highs, other.seqs)

    __hash__ = None  # type: ignore[assignment]

    def placed(self) -> set[int]:
        """The sequence numbers of the entries placed."""
        self.settle()
        return set(self.seqs)

    def between(self, low: int, high: int, *, within: bool = False) -> list[tuple[int, int, int]]:
        """The entries whose bounds overlap ``[low, high]`` (``within``: lie inside it), in
        order."""
        found: list[tuple[int, int, int]] = []
        with gc_paused():  # thousands of new tuples at 1M: no collection pass in the middle
            for group in self._span_buckets():
                found.extend(group.between(low, high, within))
            found.sort()
        return found

    def _span_buckets(self) -> list[_Group]:
        """The entries grouped by span (a day, a month, a year, a decade, ...), each group in
        order with its widest span: a range question bisects every group instead of scanning
        all entries that might reach into the range."""
        self.settle()
        if self._buckets is None:
            if len(self.lows) >= max(1, _BY_NUMPY_FROM):
                self._buckets = _buckets_by_numpy(self.lows, self.highs, self.seqs)
            else:
                self._buckets = _buckets(zip(self.lows, self.highs, self.seqs, strict=True))
        return self._buckets

    def to_bytes(self) -> tuple[bytes, bytes, bytes]:
        """The three arrays as a snapshot stores them."""
        self.settle()
        return self.lows.tobytes(), self.highs.tobytes(), self.seqs.tobytes()


class _Group:
    """Entries whose spans have one bit length, in order, and the widest of their spans."""

    __slots__ = ("highs", "lows", "seqs", "span")

    def __init__(self, span: int, lows: Any, highs: Any, seqs: Any) -> None:
        self.span, self.lows, self.highs, self.seqs = span, lows, highs, seqs

    def between(self, low: int, high: int, within: bool) -> list[tuple[int, int, int]]:
        """The group's entries that overlap ``[low, high]`` (``within``: lie inside it)."""
        lows, highs, seqs = self.lows, self.highs, self.seqs
        # sorted by lower bound: an entry inside starts at low, an overlapping one may start
        # up to the group's widest span before it
        start = bisect.bisect_left(lows, low if within else low - self.span)
        stop = bisect.bisect_right(lows, high)
        if within:
            return [(lows[i], highs[i], seqs[i]) for i in range(start, stop) if highs[i] <= high]
        return [(lows[i], highs[i], seqs[i]) for i in range(start, stop) if highs[i] >= low]


class _Columns(_Group):
    """A group of a large log's entries, as NumPy columns: thousands of candidates (the
    entries open at their start) are filtered at once."""

    def between(self, low: int, high: int, within: bool) -> list[tuple[int, int, int]]:
        import numpy as np

        # as 64-bit numbers (low - span can fall below them): every stored bound lies within
        first = min(max(low if within else low - self.span, _SMALLEST), _LARGEST)
        low, high = min(max(low, _SMALLEST), _LARGEST), min(max(high, _SMALLEST), _LARGEST)
        start = int(np.searchsorted(self.lows, first, side="left"))
        stop = int(np.searchsorted(self.lows, high, side="right"))
        highs = self.highs[start:stop]
        kept = np.flatnonzero(highs <= high if within else highs >= low) + start
        return list(
            zip(
                self.lows[kept].tolist(),
                self.highs[kept].tolist(),
                self.seqs[kept].tolist(),
                strict=True,
            )
        )


_SMALLEST, _LARGEST = -(1 << 63), (1 << 63) - 1


def _buckets(entries: Iterable[tuple[int, int, int]]) -> list[_Group]:
    groups: dict[int, tuple[array[int], array[int], array[int]]] = {}
    for lower, upper, seq in entries:
        group = groups.get((upper - lower).bit_length())
        if group is None:
            group = groups[(upper - lower).bit_length()] = (array("q"), array("q"), array("q"))
        group[0].append(lower)
        group[1].append(upper)
        group[2].append(seq)
    return [
        _Group(max(map(int.__sub__, highs, lows)), lows, highs, seqs)
        for _, (lows, highs, seqs) in sorted(groups.items())
    ]


def _buckets_by_numpy(lows: array[int], highs: array[int], seqs: array[int]) -> list[_Group]:
    import numpy as np

    low = np.frombuffer(lows, dtype=np.int64)
    high = np.frombuffer(highs, dtype=np.int64)
    seq = np.frombuffer(seqs, dtype=np.int64)
    # spans reach 2**63 (open ends are sentinels at -2**62 and 2**62): as unsigned numbers
    spans = high.view(np.uint64) - low.view(np.uint64)
    powers = np.array([1 << k for k in range(64)], dtype=np.uint64)
    widths = np.searchsorted(powers, spans, side="right")  # the spans' bit lengths
    order = np.argsort(widths, kind="stable")  # each group keeps the entries' order
    bounds = np.flatnonzero(np.diff(widths[order])) + 1
    return [
        _Columns(int(spans[part].max()), low[part], high[part], seq[part])
        for part in np.split(order, bounds)
    ]
