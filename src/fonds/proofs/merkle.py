"""RFC 9162 Merkle trees (§2.1): roots, inclusion proofs and consistency proofs.

A leaf is hashed as ``SHA-256(0x00 || leaf)`` and an inner node as
``SHA-256(0x01 || left || right)``; the tree of ``n`` leaves splits at the largest power of two
below ``n``. For a fonds log, leaf ``i`` is the hash of entry ``i + 1`` as 32 raw bytes.

:class:`MerkleTree` keeps every complete subtree, level by level: level 0 holds the leaf hashes,
level ``k`` the hashes of the aligned subtrees of ``2**k`` leaves, about ``2n`` hashes in all,
as packed bytes. Appending a leaf adds the few nodes it completes; the root of any size and every
proof are read from the stored nodes (a logarithmic number of them), never from the leaves.

The verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 and import nothing but :mod:`hashlib`.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleTree",
    "ProofError",
    "TreeFormatError",
    "leaf_hash",
    "node_hash",
    "root_from_inclusion_proof",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
_sha256 = hashlib.sha256
EMPTY_ROOT = _sha256(b"").digest()
"""MTH({}): the root of the empty tree."""


class ProofError(ValueError):
    """A proof, a signature or a text that does not verify, with the reason."""


class TreeFormatError(ValueError):
    """Bytes that are not a stored tree of this format (damaged, truncated, another version)."""


def leaf_hash(leaf: bytes) -> bytes:
    return _sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """An append-only RFC 9162 tree that stores its complete subtrees."""

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self.extend(leaf_hashes)

    # -- growing -----------------------------------------------------------------------
    @property
    def size(self) -> int:
        return len(self._levels[0]) // HASH_SIZE

    def append(self, leaf_hash: bytes) -> None:
        self.extend((leaf_hash,))

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Add leaves (already hashed with :func:`leaf_hash`) and the nodes they complete."""
        added = bytearray()
        for value in leaf_hashes:
            if len(value) != HASH_SIZE:
                raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, not {len(value)}")
            added += value
        if added:
            self._levels[0] += added
            self._complete()

    def _complete(self) -> None:
        """Hash the pairs of each level that have no parent yet, bottom up."""
        sha = _sha256
        level = 0
        while True:
            children = self._levels[level]
            want = len(children) // (2 * HASH_SIZE)
            if want == 0:
                return
            if level + 1 == len(self._levels):
                self._levels.append(bytearray())
            parents = self._levels[level + 1]
            have = len(parents) // HASH_SIZE
            if have == want:
                return  # the levels above are complete too
            view = memoryview(children)
            parents += b"".join(
                sha(b"\x01" + view[2 * HASH_SIZE * i : 2 * HASH_SIZE * (i + 1)]).digest()
                for i in range(have, want)
            )
            view.release()
            level += 1

    # -- reading -----------------------------------------------------------------------
    def leaf(self, index: int) -> bytes:
        if not 0 <= index < self.size:
            raise IndexError(f"leaf {index} of a tree of {self.size}")
        return bytes(self._levels[0][HASH_SIZE * index : HASH_SIZE * (index + 1)])

    def _node(self, level: int, index: int) -> bytes:
        return bytes(self._levels[level][HASH_SIZE * index : HASH_SIZE * (index + 1)])

    def _subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a subtree of an RFC 9162 tree: complete subtrees read from
        their levels, folded from the right (``start`` is aligned on the subtree's width)."""
        pieces: list[bytes] = []
        width = end - start
        for level in reversed(range(width.bit_length())):
            if width >> level & 1:
                pieces.append(self._node(level, start >> level))
                start += 1 << level
        root = pieces.pop()
        while pieces:
            root = node_hash(pieces.pop(), root)
        return root

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size}: the tree has {self.size} leaves")
        return size

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (all of them by default)."""
        size = self._size(size)
        return self._subtree(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), from the leaf's sibling up."""
        size = self._size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of {size}")
        path: list[bytes] = []
        low, high = 0, size
        while high - low > 1:
            half = low + _split(high - low)
            if index < half:
                path.append(self._subtree(half, high))
                high = half
            else:
                path.append(self._subtree(low, half))
                low = half
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[0:size]) (RFC 9162 §2.1.4.1); empty when the sizes are equal."""
        size = self._size(size)
        if not 0 < old_size <= size:
            raise ValueError(f"no consistency proof from size {old_size} to {size}")
        proof: list[bytes] = []
        low, high, complete = 0, size, True
        while old_size - low != high - low:
            half = low + _split(high - low)
            if old_size <= half:
                proof.append(self._subtree(half, high))
                high = half
            else:
                proof.append(self._subtree(low, half))
                low, complete = half, False
        if not complete:
            proof.append(self._subtree(low, high))
        proof.reverse()
        return proof

    # -- storing -----------------------------------------------------------------------
    def to_bytes(self, annotation: bytes = b"") -> bytes:
        """The tree as bytes (see :func:`MerkleTree.from_bytes`), with an opaque annotation
        the owner uses to say what the tree covers."""
        if len(annotation) > 0xFFFF:
            raise ValueError("the annotation is too long")
        parts: list[bytes | bytearray] = [
            _HEADER.pack(_MAGIC, _VERSION, len(annotation), self.size),
            annotation,
            *(level for level in self._levels if level),
        ]
        checksum = _sha256()
        for part in parts:
            checksum.update(part)
        parts.append(checksum.digest())
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> tuple[MerkleTree, bytes]:
        """A tree and its annotation from :meth:`to_bytes`; :class:`TreeFormatError` for any
        other bytes.

        Layout, version 1 (big-endian): ``b"fondsMT\\x00"``, u16 version, u16 annotation
        length, u64 number of leaves; the annotation; level 0 (the leaf hashes), level 1, ...
        each ``size >> k`` hashes of 32 bytes; SHA-256 of all that precedes.
        """
        view = memoryview(data)
        if len(view) < _HEADER.size + HASH_SIZE:
            raise TreeFormatError("too short")
        magic, version, annotation_length, size = _HEADER.unpack_from(view)
        if magic != _MAGIC:
            raise TreeFormatError("not a stored Merkle tree")
        if version != _VERSION:
            raise TreeFormatError(f"format version {version}, not {_VERSION}")
        if size > _MAX_LEAVES:
            raise TreeFormatError("implausible size")
        counts = []
        width = size
        while width:
            counts.append(width)
            width >>= 1
        start = _HEADER.size + annotation_length
        if len(view) != start + HASH_SIZE * sum(counts) + HASH_SIZE:
            raise TreeFormatError("the length does not match the size")
        if _sha256(view[:-HASH_SIZE]).digest() != view[-HASH_SIZE:]:
            raise TreeFormatError("checksum mismatch")
        tree = cls()
        levels = []
        for count in counts:
            end = start + HASH_SIZE * count
            levels.append(bytearray(view[start:end]))
            start = end
        tree._levels = levels or [bytearray()]
        return tree, bytes(view[_HEADER.size : _HEADER.size + annotation_length])


_MAGIC = b"fondsMT\x00"
_VERSION = 1
_HEADER = struct.Struct(">8sHHQ")
_MAX_LEAVES = 1 << 40


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} has {len(value)} bytes, not {HASH_SIZE}")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from leaf hash ``leaf`` at ``index`` of a tree of
    ``size`` (RFC 9162 §2.1.3.2, steps 1-4); :class:`ProofError` if the path is malformed."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    _check_hash(leaf, "the leaf hash")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        _check_hash(p, "a proof hash")
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that leaf hash ``leaf`` is leaf ``index`` of the tree of ``size`` with ``root``."""
    _check_hash(root, "the root")
    if root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise ProofError("the inclusion proof does not lead to the root")


def verify_consistency(
    old_size: int, size: int, proof: Sequence[bytes], old_root: bytes, root: bytes
) -> None:
    """Check that the tree of ``old_size`` with ``old_root`` is a prefix of the tree of ``size``
    with ``root`` (RFC 9162 §2.1.4.2); equal sizes need an empty proof and equal roots."""
    if not 0 < old_size <= size:
        raise ProofError(f"no consistency proof from size {old_size} to size {size}")
    if old_size == size:  # trivially consistent, as the reference implementation has it
        if proof:
            raise ProofError("the sizes are equal but the proof is not empty")
        if old_root != root:
            raise ProofError("the sizes are equal but the roots differ")
        return
    _check_hash(old_root, "the first root")
    _check_hash(root, "the second root")
    if not proof:
        raise ProofError("the consistency proof is empty")
    for p in proof:
        _check_hash(p, "a proof hash")
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the first root")
    if sr != root:
        raise ProofError("the consistency proof does not lead to the second root")
