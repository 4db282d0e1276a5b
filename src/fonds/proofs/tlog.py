"""C2SP transparency log proofs (https://c2sp.org/tlog-proof): one offline proof of inclusion.

::

    c2sp.org/tlog-proof@v1
    extra <base64 opaque data>          (optional)
    index <zero-based leaf index>
    <base64 hash>                       (the inclusion path, from the leaf's sibling up)
    ...
                                        (an empty line)
    <the signed checkpoint, verbatim>
"""

from __future__ import annotations

from dataclasses import dataclass

from fonds.proofs.checkpoint import parse_decimal
from fonds.proofs.merkle import HASH_SIZE, ProofError
from fonds.proofs.note import b64decode, b64encode

__all__ = ["HEADER", "TlogProof"]

HEADER = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class TlogProof:
    index: int
    path: tuple[bytes, ...]
    checkpoint: str
    """The signed checkpoint note, as issued."""
    extra: bytes | None = None
    """Opaque data the proof carries; it is not signed, so it is only trusted once it has been
    checked against something that is (fonds: the entry header that hashes to the leaf)."""

    def text(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {b64encode(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(b64encode(h) for h in self.path)
        return "".join(line + "\n" for line in lines) + "\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str | bytes) -> TlogProof:
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError:
                raise ProofError("a proof is UTF-8 text") from None
        head, blank, checkpoint = text.partition("\n\n")
        if not blank or not checkpoint:
            raise ProofError("a proof ends with an empty line and the checkpoint")
        lines = head.split("\n")
        if lines[0] != HEADER:
            raise ProofError(f"a proof starts with the line {HEADER!r}")
        extra = None
        rest = lines[1:]
        if rest and rest[0].startswith("extra "):
            extra = b64decode(rest.pop(0)[len("extra ") :], "the extra data")
        if not rest or not rest[0].startswith("index "):
            raise ProofError("a proof names the leaf's index")
        index = parse_decimal(rest.pop(0)[len("index ") :], "the index")
        path = []
        for line in rest:
            value = b64decode(line, "a proof hash")
            if len(value) != HASH_SIZE:
                raise ProofError("a proof hash is not a SHA-256 hash")
            path.append(value)
        return cls(index, tuple(path), checkpoint, extra)
