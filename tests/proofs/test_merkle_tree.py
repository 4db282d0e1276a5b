"""The stored-subtree tree against the RFC 9162 definitions, computed from the leaves."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fonds.proofs.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    ProofError,
    TreeFormatError,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)


def leaves(n: int, salt: bytes = b"") -> list[bytes]:
    return [leaf_hash(salt + i.to_bytes(4, "big")) for i in range(n)]


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    """MTH (RFC 9162 §2.1.1) from the leaf hashes."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return node_hash(mth(d[:k]), mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) (RFC 9162 §2.1.3.1)."""
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) (RFC 9162 §2.1.4.1)."""
    if m == len(d):
        return [] if b else [mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def test_small_trees_agree_with_the_definitions_everywhere() -> None:
    d = leaves(33)
    tree = MerkleTree(d)
    assert tree.root(0) == EMPTY_ROOT
    for n in range(1, 34):
        root = tree.root(n)
        assert root == mth(d[:n]), n
        for m in range(n):
            proof = tree.inclusion_proof(m, n)
            assert proof == path(m, d[:n]), (m, n)
            verify_inclusion(m, n, d[m], proof, root)
            with pytest.raises(ProofError):
                verify_inclusion(m, n, leaf_hash(b"other"), proof, root)
        for m in range(1, n + 1):
            proof = tree.consistency_proof(m, n)
            assert proof == subproof(m, d[:n], True), (m, n)
            verify_consistency(m, n, proof, tree.root(m), root)
            if m < n:
                with pytest.raises(ProofError):
                    verify_consistency(m, n, proof, mth(leaves(m, b"x")), root)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=70), min_size=1, max_size=8))
def test_a_tree_grown_in_batches_is_the_tree_built_at_once(batches: list[int]) -> None:
    d = leaves(sum(batches))
    grown = MerkleTree()
    done = 0
    for size in batches:
        grown.extend(d[done : done + size])
        done += size
        assert grown.root() == mth(d[:done])
    at_once = MerkleTree(d)
    assert grown.to_bytes() == at_once.to_bytes()
    assert grown.root() == at_once.root() == mth(d)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=3000), st.data())
def test_proofs_of_larger_trees_verify(size: int, data: st.DataObject) -> None:
    tree = MerkleTree(leaves(size))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = tree.inclusion_proof(index)
    assert len(proof) <= (size - 1).bit_length()
    verify_inclusion(index, size, tree.leaf(index), proof, tree.root())
    old = data.draw(st.integers(min_value=1, max_value=size))
    verify_consistency(old, size, tree.consistency_proof(old), tree.root(old), tree.root())


def test_stored_form_round_trips_and_rejects_damage() -> None:
    tree = MerkleTree(leaves(100))
    data = tree.to_bytes(b"what it covers")
    loaded, annotation = MerkleTree.from_bytes(data)
    assert annotation == b"what it covers"
    assert loaded.to_bytes(b"what it covers") == data
    assert loaded.root(77) == tree.root(77)
    empty, _ = MerkleTree.from_bytes(MerkleTree().to_bytes())
    assert empty.size == 0 and empty.root() == EMPTY_ROOT
    for position in range(0, len(data), 97):
        damaged = bytearray(data)
        damaged[position] ^= 0x40
        with pytest.raises(TreeFormatError):
            MerkleTree.from_bytes(bytes(damaged))
    for bad in (b"", data[:-1], data + b"\x00", b"\x00" * len(data), data[:20]):
        with pytest.raises(TreeFormatError):
            MerkleTree.from_bytes(bad)


def test_bad_arguments() -> None:
    tree = MerkleTree(leaves(5))
    with pytest.raises(ValueError):
        tree.append(b"short")
    with pytest.raises(ValueError):
        tree.inclusion_proof(5)
    with pytest.raises(ValueError):
        tree.consistency_proof(0)
    with pytest.raises(ValueError):
        tree.root(6)
    with pytest.raises(ProofError):
        verify_inclusion(0, 0, tree.leaf(0), [], tree.root())
    with pytest.raises(ProofError):  # a proof one hash too long
        verify_inclusion(0, 5, tree.leaf(0), [*tree.inclusion_proof(0), EMPTY_ROOT], tree.root())
