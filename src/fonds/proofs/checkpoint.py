"""C2SP transparency log checkpoints (https://c2sp.org/tlog-checkpoint).

A checkpoint is a signed note whose text is the log's origin, the tree size in decimal, the
base64 root hash, and optional extension lines, each on its own line::

    example.org/archive
    261
    CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

    — example.org/archive Az3grlgt...
"""

from __future__ import annotations

from dataclasses import dataclass

from fonds.proofs.merkle import HASH_SIZE, ProofError
from fonds.proofs.note import SignerKey, VerifierKey, b64decode, b64encode, open_note, sign_note

__all__ = ["Checkpoint", "open_checkpoint", "parse_decimal", "sign_checkpoint"]


def parse_decimal(text: str, what: str) -> int:
    """ASCII decimal digits without leading zeros; :class:`ProofError` otherwise."""
    if not text or any(c not in "0123456789" for c in text) or (len(text) > 1 and text[0] == "0"):
        raise ProofError(f"{what} is not a decimal number without leading zeros")
    if len(text) > 20:
        raise ProofError(f"{what} is too large")
    return int(text)


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The note text: origin, size, root and extension lines, each ending in a newline."""
        if not self.origin or "\n" in self.origin:
            raise ValueError("a checkpoint's origin is one non-empty line")
        if any(not line or "\n" in line for line in self.extensions):
            raise ValueError("extension lines are non-empty single lines")
        lines = [self.origin, str(self.size), b64encode(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse_body(cls, text: str) -> Checkpoint:
        if not text.endswith("\n"):
            raise ProofError("a checkpoint's text ends with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise ProofError("a checkpoint has an origin, a tree size and a root hash")
        origin, size, root, *extensions = lines
        if not origin:
            raise ProofError("a checkpoint's origin is not empty")
        if any(not line for line in extensions):
            raise ProofError("a checkpoint's extension lines are not empty")
        root_hash = b64decode(root, "the checkpoint's root hash")
        if len(root_hash) != HASH_SIZE:
            raise ProofError("the checkpoint's root hash is not a SHA-256 hash")
        return cls(origin, parse_decimal(size, "the tree size"), root_hash, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: SignerKey) -> str:
    """The checkpoint as a note signed by ``signer``."""
    return sign_note(checkpoint.body(), signer)


def open_checkpoint(
    text: str | bytes, verifier: VerifierKey, origin: str | None = None
) -> Checkpoint:
    """The checkpoint of a signed note, if ``verifier`` signed it and its origin is ``origin``
    (the key's name by default); :class:`ProofError` otherwise."""
    note = open_note(text, [verifier])
    checkpoint = Checkpoint.parse_body(note.text)
    expected = verifier.name if origin is None else origin
    if checkpoint.origin != expected:
        raise ProofError(f"the checkpoint is of {checkpoint.origin!r}, not of {expected!r}")
    return checkpoint
