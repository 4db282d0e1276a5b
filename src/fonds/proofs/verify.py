"""Check an offline proof that a record is in a fonds log, with nothing but the proof and the
archive's public key (and, if it was published apart, the checkpoint).

A fonds proof is a c2sp.org/tlog-proof whose extra data is the canonical header of the log
entry, ``{"id":R,"prev":P,"seq":N,"time":T,"vocab":V}``, where ``R`` is the record's hash: the
entry hash is the SHA-256 of the header, the leaf is that hash as 32 bytes, and the inclusion
path leads from the leaf to the root of a checkpoint signed by the archive's key. What is proven
is that record ``R`` was entry ``N`` of the log, recorded at ``T``, before the checkpoint.

This module imports nothing from fonds outside :mod:`fonds.proofs`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from fonds.proofs.checkpoint import open_checkpoint
from fonds.proofs.merkle import ProofError, leaf_hash, verify_inclusion
from fonds.proofs.note import VerifierKey
from fonds.proofs.tlog import TlogProof

__all__ = ["ProofError", "ProvenEntry", "parse_entry_header", "verify_proof"]

_HEADER = re.compile(
    rb'\{"id":"(?P<id>[0-9a-f]{64})","prev":"(?P<prev>[0-9a-f]{64})",'
    rb'"seq":(?P<seq>[1-9][0-9]{0,18}),"time":"(?P<time>[0-9]{4}-[0-9]{2}-[0-9]{2}T'
    rb'[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)","vocab":"(?P<vocab>[0-9a-f]{64})"\}'
)


@dataclass(frozen=True)
class ProvenEntry:
    """What a proof proves: this record was this entry of the log that signed the checkpoint."""

    origin: str
    tree_size: int
    seq: int
    record_id: str
    time: str
    entry_hash: str
    prev: str
    vocab: str


def parse_entry_header(header: bytes) -> dict[str, str | int]:
    """The fields of a canonical entry header; :class:`ProofError` for anything else."""
    found = _HEADER.fullmatch(header)
    if found is None:
        raise ProofError("the proof's extra data is not a fonds entry header")
    fields: dict[str, str | int] = {k: v.decode("ascii") for k, v in found.groupdict().items()}
    fields["seq"] = int(found["seq"])
    return fields


def verify_proof(
    proof: str | bytes,
    verifier_key: str | VerifierKey,
    checkpoint: str | bytes | None = None,
    *,
    record_id: str | None = None,
    origin: str | None = None,
) -> ProvenEntry:
    """Check a fonds proof and say what it proves; :class:`ProofError` with the reason if not.

    ``verifier_key`` is the archive's public key (``name+keyid+base64``). ``checkpoint``, when
    given, must be the checkpoint the proof carries (one published apart, and trusted);
    ``record_id`` (hex, optionally ``sha256:``-prefixed) must be the record proven; ``origin``
    defaults to the key's name.
    """
    key = verifier_key if isinstance(verifier_key, VerifierKey) else VerifierKey.parse(verifier_key)
    parsed = TlogProof.parse(proof)
    if checkpoint is not None:
        if isinstance(checkpoint, bytes):
            try:
                checkpoint = checkpoint.decode("utf-8")
            except UnicodeDecodeError:
                raise ProofError("a checkpoint is UTF-8 text") from None
        if checkpoint != parsed.checkpoint:
            raise ProofError("the proof carries another checkpoint than the one given")
    signed = open_checkpoint(parsed.checkpoint, key, origin)
    if parsed.extra is None:
        raise ProofError("the proof does not carry the entry header (its extra data)")
    fields = parse_entry_header(parsed.extra)
    if fields["seq"] != parsed.index + 1:
        raise ProofError(f"the entry header is of entry {fields['seq']}, not {parsed.index + 1}")
    entry_hash = hashlib.sha256(parsed.extra).digest()
    verify_inclusion(parsed.index, signed.size, leaf_hash(entry_hash), parsed.path, signed.root)
    if record_id is not None:
        wanted = record_id.removeprefix("sha256:").lower()
        if wanted != fields["id"]:
            raise ProofError(f"the proof is of record {fields['id']}, not {wanted}")
    return ProvenEntry(
        origin=signed.origin,
        tree_size=signed.size,
        seq=parsed.index + 1,
        record_id=str(fields["id"]),
        time=str(fields["time"]),
        entry_hash=entry_hash.hex(),
        prev=str(fields["prev"]),
        vocab=str(fields["vocab"]),
    )
