"""The transparency-dev/merkle reference vectors: every inclusion and consistency proof,
those that must verify and those that must fail (Apache-2.0, kept outside the repository in
../shared/external/merkle/testdata)."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from fonds.proofs.merkle import (
    MerkleTree,
    ProofError,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).resolve().parents[2].parent / "shared" / "external" / "merkle" / "testdata"

# The leaves of the reference implementation's test tree, whose happy paths the vectors hold.
LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    bytes(range(0x50, 0x58)),
    bytes(range(0x60, 0x70)),
]


def vector_files(kind: str) -> list[Path]:
    folder = VECTORS / kind
    return sorted(folder.rglob("*.json")) if folder.is_dir() else []


def ident(path: Path | None) -> str:
    return "missing" if path is None else str(path.relative_to(VECTORS))


def load(path: Path | None) -> dict[str, Any]:
    if path is None:
        message = f"the reference vectors are not at {VECTORS}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def hashes(values: list[str] | None) -> list[bytes]:
    return [b64(v) for v in values or []]


@pytest.mark.parametrize("path", vector_files("inclusion") or [None], ids=ident)
def test_inclusion_vector(path: Path | None) -> None:
    v = load(path)
    args = (v["leafIdx"], v["treeSize"], b64(v["leafHash"]), hashes(v["proof"]), b64(v["root"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", vector_files("consistency") or [None], ids=ident)
def test_consistency_vector(path: Path | None) -> None:
    v = load(path)
    args = (v["size1"], v["size2"], hashes(v["proof"]), b64(v["root1"]), b64(v["root2"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_every_vector_is_there() -> None:
    """A folder emptied by accident must not pass as a clean run (98 vectors of each kind)."""
    for kind in ("inclusion", "consistency"):
        files = vector_files(kind)
        if not files:
            load(None)
        assert len(files) >= 98, kind
        assert sum(not json.loads(f.read_text())["wantErr"] for f in files) >= 6, kind


@pytest.mark.parametrize("kind", ["inclusion", "consistency"])
def test_proofs_made_are_the_reference_proofs(kind: str) -> None:
    """The happy paths are proofs of the reference tree: the tree makes the same ones."""
    happy = [f for f in vector_files(kind) if f.name == "happy-path.json"]
    if not happy:
        load(None)
    tree = MerkleTree(leaf_hash(leaf) for leaf in LEAVES)
    for path in happy:
        v = load(path)
        if kind == "inclusion":
            made = tree.inclusion_proof(v["leafIdx"], v["treeSize"])
            assert tree.root(v["treeSize"]) == b64(v["root"]), path
            assert tree.leaf(v["leafIdx"]) == b64(v["leafHash"]), path
        else:
            made = tree.consistency_proof(v["size1"], v["size2"])
            assert tree.root(v["size1"]) == b64(v["root1"]), path
            assert tree.root(v["size2"]) == b64(v["root2"]), path
        assert made == hashes(v["proof"]), path
