"""Merkle proofs of a fonds log: RFC 9162 trees, signed checkpoints and offline proofs.

The modules here other than :mod:`fonds.proofs.archive` (the log's side: its tree, its key,
issuing checkpoints and proofs) import nothing from fonds outside this package, so a reader
checks a proof with :func:`verify_proof`, the proof and the archive's public key alone::

    from fonds.proofs import verify_proof
    proven = verify_proof(proof_text, "example.org/archive+1a2b3c4d+AV...")
    print(proven.record_id, proven.seq, proven.time)
"""

from fonds.proofs.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from fonds.proofs.merkle import (
    MerkleTree,
    ProofError,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from fonds.proofs.note import SignerKey, VerifierKey, generate_key, open_note, sign_note
from fonds.proofs.tlog import TlogProof
from fonds.proofs.verify import ProvenEntry, verify_proof

__all__ = [
    "Checkpoint",
    "MerkleTree",
    "ProofError",
    "ProvenEntry",
    "SignerKey",
    "TlogProof",
    "VerifierKey",
    "generate_key",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "sign_checkpoint",
    "sign_note",
    "verify_consistency",
    "verify_inclusion",
    "verify_proof",
]
