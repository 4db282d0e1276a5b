"""The dated entries as arrays: every way of making them holds the same entries, in order, and
a range question finds exactly the entries a scan of all of them finds."""

from __future__ import annotations

from array import array

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fonds.views import dated as dated_module
from fonds.views.dated import DatedEntries

_OPEN = 1 << 62  # the model's sentinel for an open end

bound = st.one_of(  # a few values often, so that entries share their bounds
    st.integers(-3, 3), st.integers(-(10**12), 10**12), st.sampled_from([-_OPEN, _OPEN])
)
asked = st.one_of(bound, st.sampled_from([-(1 << 70), 1 << 70]))  # beyond 64 bits too


@st.composite
def entries(draw: st.DrawFn) -> list[tuple[int, int, int]]:
    pairs = draw(st.lists(st.tuples(bound, bound), max_size=60))
    return [(min(a, b), max(a, b), seq) for seq, (a, b) in enumerate(pairs, start=1)]


def _in_order(found: list[tuple[int, int, int]]) -> DatedEntries:
    ordered = sorted(found)
    columns = (array("q", (e[k] for e in ordered)) for k in range(3))
    return DatedEntries(*columns)


@given(found=entries(), kept=st.integers(0, 60), one_by_one=st.booleans())
@settings(max_examples=200)
def test_entries_added_after_a_snapshot_go_where_a_whole_sort_puts_them(
    found: list[tuple[int, int, int]], kept: int, one_by_one: bool
) -> None:
    folded = DatedEntries()
    for entry in found:
        folded.add(*entry)
    resumed = _in_order(found[:kept])  # as a snapshot holds the first entries
    for entry in reversed(found[kept:]):
        resumed.add(*entry)
    with pytest.MonkeyPatch.context() as patch:
        # each put in place (as a few are), or all sorted again (as many are)
        patch.setattr(dated_module, "_FEW", 1 << 20 if one_by_one else 1)
        resumed.settle()
    assert list(folded) == list(resumed) == sorted(found)
    assert folded == resumed and len(resumed) == len(found)
    assert folded.placed() == {seq for _, _, seq in found}


@given(
    found=entries(),
    ranges=st.lists(st.tuples(asked, asked), min_size=1, max_size=5),
    by_numpy=st.booleans(),
)
@settings(max_examples=200)
def test_a_range_question_finds_what_a_scan_finds(
    found: list[tuple[int, int, int]], ranges: list[tuple[int, int]], by_numpy: bool
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        # the groups made by NumPy (a large log's) and by Python (a small one's) agree
        patch.setattr(dated_module, "_BY_NUMPY_FROM", 0 if by_numpy else 1 << 62)
        held = _in_order(found)
        for a, b in ranges:
            low, high = min(a, b), max(a, b)
            overlapping = sorted(e for e in found if e[1] >= low and e[0] <= high)
            inside = sorted(e for e in found if e[0] >= low and e[1] <= high)
            assert held.between(low, high) == overlapping
            assert held.between(low, high, within=True) == inside


def test_the_three_columns_must_be_as_long() -> None:
    with pytest.raises(ValueError, match="as many"):
        DatedEntries(array("q", [1]), array("q", [2]), array("q"))
