"""Merkle proofs at scale: the tree, a checkpoint, a proof and its check, on N leaves.

    python benchmarks/merkle.py                  # N = 1,000,000
    python benchmarks/merkle.py --leaves 10000 --json

The leaves are synthetic: N distinct 32-byte values standing for entry hashes (SHA-256 of the
leaf number), so no log of N records has to be generated; the tree does not look at them
otherwise. Times are wall-clock; the per-operation ones are medians over repeated runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from fonds.proofs.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from fonds.proofs.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion
from fonds.proofs.note import generate_key


def _median_ms(action: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(n: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    entry_hashes = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(n + 100)]

    start = time.perf_counter()
    tree = MerkleTree(leaf_hash(h) for h in entry_hashes[:n])
    root = tree.root()
    build_s = time.perf_counter() - start

    start = time.perf_counter()
    tree.extend(leaf_hash(h) for h in entry_hashes[n:])
    tree.root()
    append_ms = (time.perf_counter() - start) * 1000
    size = tree.size

    start = time.perf_counter()
    stored = tree.to_bytes(b"covered head")
    save_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    MerkleTree.from_bytes(stored)
    load_ms = (time.perf_counter() - start) * 1000

    signer = generate_key("example.org/bench")
    verifier = signer.verifier()
    checkpoint_ms = _median_ms(
        lambda: sign_checkpoint(Checkpoint("example.org/bench", size, tree.root()), signer), 50
    )
    signed = sign_checkpoint(Checkpoint("example.org/bench", size, tree.root()), signer)

    indices = [rng.randrange(size) for _ in range(1000)]
    proofs = {i: tree.inclusion_proof(i) for i in indices}
    lengths = [len(p) for p in proofs.values()]
    picks = iter(indices * 2)
    prove_ms = _median_ms(lambda: tree.inclusion_proof(next(picks)), 1000)
    root = tree.root()
    picks = iter(indices * 2)

    def check() -> None:
        i = next(picks)
        verify_inclusion(i, size, tree.leaf(i), proofs[i], root)

    verify_ms = _median_ms(check, 1000)
    open_ms = _median_ms(lambda: open_checkpoint(signed, verifier), 200)
    old = n // 3
    consistency = tree.consistency_proof(old)
    old_root = tree.root(old)
    consistency_ms = _median_ms(
        lambda: verify_consistency(old, size, consistency, old_root, root), 200
    )
    return {
        "leaves": n,
        "build_s": build_s,
        "append_100_ms": append_ms,
        "stored_mib": len(stored) / 2**20,
        "save_ms": save_ms,
        "load_ms": load_ms,
        "checkpoint_ms": checkpoint_ms,
        "prove_ms": prove_ms,
        "proof_hashes_max": max(lengths),
        "proof_hashes_median": statistics.median(lengths),
        "verify_inclusion_ms": verify_ms,
        "verify_checkpoint_signature_ms": open_ms,
        "verify_consistency_ms": consistency_ms,
        "consistency_hashes": len(consistency),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def table(result: dict[str, Any]) -> str:
    n = result["leaves"]
    rows = [
        (f"build the tree of {n:,} leaves (leaf hashes included)", f"{result['build_s']:.2f} s"),
        ("append 100 leaves (and the new root)", f"{result['append_100_ms']:.2f} ms"),
        ("store / load the tree", f"{result['save_ms']:.0f} ms / {result['load_ms']:.0f} ms "
         f"({result['stored_mib']:.1f} MiB)"),
        ("checkpoint of the built tree (root + Ed25519 signature)",
         f"{result['checkpoint_ms']:.3f} ms"),
        ("inclusion proof", f"{result['prove_ms']:.3f} ms"),
        ("inclusion proof length (median / max)",
         f"{result['proof_hashes_median']:.0f} / {result['proof_hashes_max']} hashes"),
        ("verify an inclusion proof", f"{result['verify_inclusion_ms']:.3f} ms"),
        ("verify the checkpoint's signature", f"{result['verify_checkpoint_signature_ms']:.3f} ms"),
        (f"verify a consistency proof ({result['consistency_hashes']} hashes)",
         f"{result['verify_consistency_ms']:.3f} ms"),
        ("peak RSS", f"{result['peak_rss_mib']:.0f} MiB"),
    ]  # fmt: skip
    lines = ["| operation | figure |", "| --- | --- |"]
    lines += [f"| {what} | {figure} |" for what, figure in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)
    result = measure(args.leaves)
    print(json.dumps(result) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
