"""C2SP signed notes (https://c2sp.org/signed-note) with Ed25519 keys.

A note is a text ending in a newline, a blank line, then signature lines
``— <key name> base64(key ID || signature)``. The key ID is
``SHA-256(key name || 0x0A || 0x01 || public key)[:4]``. Keys are written as text:

* verifier key: ``<name>+<key ID, 8 hex digits>+base64(0x01 || public key)``
* signer key: ``PRIVATE+KEY+<name>+<key ID>+base64(0x01 || private key seed)``

Base64 is read strictly: the canonical encoding only, so that no two texts mean the same bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from fonds.proofs.merkle import ProofError

__all__ = [
    "ED25519",
    "Note",
    "Signature",
    "SignerKey",
    "VerifierKey",
    "b64decode",
    "b64encode",
    "generate_key",
    "key_id",
    "open_note",
    "sign_note",
]

ED25519 = 0x01
"""The signature type byte of Ed25519 signatures."""

SIGNATURE_PREFIX = "— "
MAX_SIGNATURES = 100


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str, what: str = "base64") -> bytes:
    """Standard base64 (RFC 4648 §4) in its one canonical form; :class:`ProofError` otherwise."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ProofError(f"{what} is not base64") from None
    if base64.b64encode(data).decode("ascii") != text:
        raise ProofError(f"{what} is not in canonical base64")
    return data


def valid_name(name: str) -> bool:
    """Key names are non-empty, without Unicode spaces or plus signs."""
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, public_key: bytes) -> int:
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _key_fields(text: str, what: str) -> tuple[str, int, bytes]:
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise ProofError(f"not a {what} (expected name+keyid+key)")
    name, hex_id, encoded = parts
    if not valid_name(name):
        raise ProofError(f"{what}: {name!r} is not a valid key name")
    if len(hex_id) != 8 or any(c not in "0123456789abcdef" for c in hex_id):
        raise ProofError(f"{what}: the key ID is not 8 lowercase hex digits")
    key = b64decode(encoded, f"{what}: the key")
    if len(key) != 33 or key[0] != ED25519:
        raise ProofError(f"{what}: not an Ed25519 key")
    return name, int(hex_id, 16), key[1:]


@dataclass(frozen=True)
class VerifierKey:
    """A public key with its name: checks signatures."""

    name: str
    key_id: int
    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> VerifierKey:
        name, identifier, public_key = _key_fields(text.strip(), "verifier key")
        if key_id(name, public_key) != identifier:
            raise ProofError("verifier key: the key ID does not match the key")
        return cls(name, identifier, public_key)

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id:08x}+{b64encode(bytes([ED25519]) + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True)
class SignerKey:
    """A private key with its name: signs notes. Its text is a secret."""

    name: str
    key_id: int
    seed: bytes = field(repr=False)

    @classmethod
    def parse(cls, text: str) -> SignerKey:
        text = text.strip()
        if not text.startswith("PRIVATE+KEY+"):
            raise ProofError("not a signer key (expected PRIVATE+KEY+name+keyid+key)")
        name, identifier, seed = _key_fields(text[len("PRIVATE+KEY+") :], "signer key")
        signer = cls(name, identifier, seed)
        if key_id(name, signer.verifier().public_key) != identifier:
            raise ProofError("signer key: the key ID does not match the key")
        return signer

    def __str__(self) -> str:
        encoded = b64encode(bytes([ED25519]) + self.seed)
        return f"PRIVATE+KEY+{self.name}+{self.key_id:08x}+{encoded}"

    def verifier(self) -> VerifierKey:
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()
        return VerifierKey(self.name, key_id(self.name, public), public)

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


def generate_key(name: str) -> SignerKey:
    """A new Ed25519 key named ``name``."""
    if not valid_name(name):
        raise ValueError(f"{name!r}: a key name is non-empty, without spaces or '+'")
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    return SignerKey(name, key_id(name, private.public_key().public_bytes_raw()), seed)


@dataclass(frozen=True)
class Signature:
    name: str
    key_id: int
    signature: bytes


@dataclass(frozen=True)
class Note:
    """A note whose signatures were checked: ``verified`` by known keys, the others ignored."""

    text: str
    verified: tuple[Signature, ...]
    unverified: tuple[Signature, ...]


def _check_text(message: str) -> None:
    if any(ord(c) < 0x20 and c != "\n" for c in message):
        raise ProofError("a note holds no control characters but newlines")


def sign_note(text: str, *signers: SignerKey) -> str:
    """The signed note of ``text`` (which ends in a newline), one signature line a signer."""
    if not text.endswith("\n"):
        raise ValueError("a note's text ends with a newline")
    _check_text(text)
    if not signers:
        raise ValueError("a note needs at least one signature")
    message = text.encode()
    lines = []
    for signer in signers:
        signature = signer.key_id.to_bytes(4, "big") + signer.sign(message)
        lines.append(f"{SIGNATURE_PREFIX}{signer.name} {b64encode(signature)}\n")
    return text + "\n" + "".join(lines)


def open_note(message: str | bytes, verifiers: Sequence[VerifierKey]) -> Note:
    """Parse a signed note and check its signatures against ``verifiers``.

    Signatures from unknown keys (name and key ID not both known) are ignored; a signature from
    a known key that fails rejects the note, and so does a note no known key has signed.
    """
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError:
            raise ProofError("a note is UTF-8 text") from None
    _check_text(message)
    split = message.rfind("\n\n")
    if split < 0:
        raise ProofError("a note ends with a blank line and its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block.endswith("\n"):
        raise ProofError("a note's signature lines end with a newline")
    known = {(v.name, v.key_id): v for v in verifiers}
    verified: list[Signature] = []
    unverified: list[Signature] = []
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise ProofError(f"a note with more than {MAX_SIGNATURES} signatures")
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise ProofError("a signature line starts with an em dash and a space")
        name, space, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not space or not valid_name(name) or not encoded:
            raise ProofError("a signature line is '— <key name> <base64 signature>'")
        raw = b64decode(encoded, "a signature")
        if len(raw) < 5:
            raise ProofError("a signature is too short")
        signature = Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])
        verifier = known.get((name, signature.key_id))
        if verifier is None:
            unverified.append(signature)
            continue
        if not verifier.verify(text.encode(), signature.signature):
            raise ProofError(f"the signature of {name} does not verify")
        verified.append(signature)
    if not verified:
        raise ProofError("the note is not signed by a known key")
    return Note(text, tuple(verified), tuple(unverified))
