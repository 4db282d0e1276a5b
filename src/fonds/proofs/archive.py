"""Proofs of a fonds log: its Merkle tree, the archive's checkpoint key, signed checkpoints,
inclusion proofs of records and consistency with older checkpoints.

The tree is derived data, kept between runs in the log's byte store (``log.cache``): it records the
head it covers (sequence, entry hash, position) and is brought up to date with only the entries
after that head. A stored tree that is damaged, of another version or not of this log's history
is dropped and rebuilt; it is never trusted to decide whether the log is consistent with a
checkpoint (:func:`consistency` is given a tree built from the log).

The archive's public key and origin live in the log folder as ``checkpoint-key.json``; the
private key lives outside it, with the signer.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import orjson

from fonds.log.base import Entry, LogStore
from fonds.log.chain import header_canonical
from fonds.problems import FondsError, LogIntegrityError, UsageError
from fonds.proofs.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from fonds.proofs.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    ProofError,
    TreeFormatError,
    leaf_hash,
    verify_consistency,
)
from fonds.proofs.note import SignerKey, VerifierKey, generate_key, valid_name
from fonds.proofs.tlog import TlogProof
from fonds.proofs.verify import verify_proof

__all__ = [
    "KEY_FILE",
    "ArchiveKey",
    "consistency",
    "create_archive_key",
    "default_key_file",
    "issue_checkpoint",
    "log_tree",
    "prove_entry",
    "read_archive_key",
    "read_signer",
    "resolve_entry",
]

KEY_FILE = "checkpoint-key.json"
TREE_FILE = "merkle-tree.bin"
_COVERED = struct.Struct(">Q32sQ")  # sequence, entry hash, position after the entry
_BATCH = 1 << 16


# -- where the tree is kept --------------------------------------------------------------
# -- the tree of a log -------------------------------------------------------------------
@dataclass
class _Covered:
    seq: int
    hash: str
    position: int


def _load(data: bytes | None) -> tuple[MerkleTree, _Covered] | None:
    if data is None:
        return None
    try:
        tree, annotation = MerkleTree.from_bytes(data)
        seq, entry_hash, position = _COVERED.unpack(annotation)
    except (TreeFormatError, struct.error):
        return None
    if seq == 0 or tree.size != seq or tree.leaf(seq - 1) != leaf_hash(entry_hash):
        return None
    return tree, _Covered(seq, entry_hash.hex(), position)


def _save(log: LogStore, tree: MerkleTree, covered: _Covered) -> None:
    annotation = _COVERED.pack(covered.seq, bytes.fromhex(covered.hash), covered.position)
    log.cache.put(TREE_FILE, tree.to_bytes(annotation))


class _Stale(Exception):
    """The stored tree is not of this log's history."""


def _extend(log: LogStore, tree: MerkleTree, position: int, prev: str | None, last: int) -> str:
    """Add the entries after ``position`` up to sequence ``last``; the last entry hash."""
    batch: list[bytes] = []
    entry_hash = prev
    expected = tree.size + 1
    for entry in log.entries(last, start=position):
        if entry.seq != expected or (entry_hash is not None and entry.prev != entry_hash):
            raise _Stale
        expected += 1
        batch.append(leaf_hash(bytes.fromhex(entry.hash)))
        entry_hash = entry.hash
        if len(batch) >= _BATCH:
            tree.extend(batch)
            batch = []
        if entry.seq == last:
            break
    tree.extend(batch)
    if entry_hash is None or tree.size != last:
        raise _Stale
    return entry_hash


def log_tree(log: LogStore, *, use_cache: bool = True) -> MerkleTree:
    """The Merkle tree of the log's entries as they are now (leaf ``i``: entry ``i + 1``).

    With ``use_cache``, the stored tree is brought up to date with only the entries it lacks,
    and stored again; without, the tree is built from the log and nothing is stored. A log
    changed behind fonds' back is verified first: no tree, so no checkpoint, covers an edit.
    """
    log.ensure_verified()
    head = log.head()
    if head is None:
        return MerkleTree()
    loaded = _load(log.cache.get(TREE_FILE)) if use_cache else None
    tree: MerkleTree | None = None
    if loaded is not None:
        tree, covered = loaded
        if (covered.seq, covered.hash) == (head.seq, head.hash):
            return tree
        try:
            if covered.seq >= head.seq:  # the same size with another head, or longer
                raise _Stale
            _extend(log, tree, covered.position, covered.hash, head.seq)
        except (_Stale, LogIntegrityError, ValueError):
            tree = None  # not of this log's history, or a wrong position: rebuild
    if tree is None:
        tree = MerkleTree()
        try:
            _extend(log, tree, 0, None, head.seq)
        except _Stale:
            raise FondsError(f"{log.location}: the log changed while its tree was built") from None
    if tree.leaf(head.seq - 1) != leaf_hash(bytes.fromhex(head.hash)):
        raise FondsError(f"{log.location}: the log changed while its tree was built")
    if use_cache:
        _save(log, tree, _Covered(head.seq, head.hash, head.position))
    return tree


# -- the archive's key -------------------------------------------------------------------
@dataclass(frozen=True)
class ArchiveKey:
    """The archive's origin (the name its checkpoints carry) and its public key."""

    origin: str
    verifier: VerifierKey

    def to_json(self) -> bytes:
        document = {"origin": self.origin, "verifier_key": str(self.verifier)}
        return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def read_archive_key(log_dir: Path) -> ArchiveKey:
    path = log_dir / KEY_FILE
    try:
        document = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise UsageError(
            f"{path}: this archive has no checkpoint key; create one with `fonds keygen`"
        ) from None
    except (OSError, orjson.JSONDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the checkpoint key: {exc}") from None
    try:
        origin = document["origin"]
        verifier = VerifierKey.parse(document["verifier_key"])
    except (TypeError, KeyError, ProofError, AttributeError) as exc:
        raise UsageError(f"{path}: not a checkpoint key ({exc})") from None
    if not isinstance(origin, str) or verifier.name != origin:
        raise UsageError(f"{path}: the key's name is not the archive's origin")
    return ArchiveKey(origin, verifier)


def default_origin(log_dir: Path) -> str:
    """``fonds/<name of the folder holding the log>``, made a valid key name."""
    name = re.sub(r"[\s+]+", "-", log_dir.resolve().parent.name).strip("-")
    return f"fonds/{name or 'archive'}"


def default_key_file(origin: str) -> Path:
    """``$XDG_CONFIG_HOME/fonds/<origin>.key`` (``~/.config`` by default), ``/`` read as ``_``."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "fonds" / (re.sub(r"[^A-Za-z0-9._-]", "_", origin) + ".key")


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def create_archive_key(log_dir: Path, origin: str, key_file: Path) -> ArchiveKey:
    """Make the archive's key pair: the signer key to ``key_file`` (mode 0600, never inside
    the log folder, never over an existing file), the public key to the log folder."""
    if not valid_name(origin):
        raise UsageError(f"--origin {origin!r}: an origin has no spaces and no '+'")
    record = log_dir / KEY_FILE
    if record.exists():
        raise UsageError(
            f"{record}: this archive already has a checkpoint key; a new one would leave "
            "the checkpoints already published unverifiable"
        )
    if _inside(key_file, log_dir):
        raise UsageError(f"{key_file}: the private key is kept outside the log folder")
    if key_file.exists():
        raise UsageError(f"{key_file}: exists; not overwriting a key")
    signer = generate_key(origin)
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        handle = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise UsageError(f"{key_file}: cannot create: {exc.strerror}") from None
    with os.fdopen(handle, "w", encoding="ascii") as out:
        out.write(f"{signer}\n")
    archive = ArchiveKey(origin, signer.verifier())
    partial = record.with_name(f".{KEY_FILE}.partial")
    partial.write_bytes(archive.to_json())
    os.replace(partial, record)
    return archive


def read_signer(key_file: Path, archive: ArchiveKey) -> SignerKey:
    """The archive's signer key from ``key_file``, which only its owner may read."""
    try:
        mode = key_file.stat().st_mode
        text = key_file.read_text(encoding="ascii")
    except FileNotFoundError:
        raise UsageError(f"{key_file}: no signer key here (see `fonds keygen`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{key_file}: cannot read the signer key: {exc}") from None
    if mode & 0o077:
        raise UsageError(f"{key_file}: others may read this private key; chmod 600 it")
    try:
        signer = SignerKey.parse(text)
    except ProofError as exc:
        raise UsageError(f"{key_file}: {exc}") from None
    if signer.verifier() != archive.verifier:
        raise UsageError(f"{key_file}: not the key of this archive ({archive.origin})")
    return signer


# -- checkpoints and proofs --------------------------------------------------------------
def consistency(tree: MerkleTree, checkpoint: Checkpoint, since: int = 0) -> str | None:
    """Why the log of ``tree`` does not extend the one ``checkpoint`` signed, or None.

    ``since``: a size at which the log is known to be consistent (with an older checkpoint),
    which narrows down where the first changed entry lies."""
    if checkpoint.size > tree.size:
        return (
            f"the checkpoint covers {checkpoint.size} entries but the log has {tree.size}: "
            "entries were removed"
        )
    if checkpoint.size == 0:
        return None if checkpoint.root == EMPTY_ROOT else "the checkpoint's empty root is wrong"
    proof = tree.consistency_proof(checkpoint.size)
    try:
        verify_consistency(checkpoint.size, tree.size, proof, checkpoint.root, tree.root())
    except ProofError:
        where = (
            f"entry {checkpoint.size} changed"
            if since + 1 >= checkpoint.size
            else f"the first changed entry is one of entries {since + 1}–{checkpoint.size}"
        )
        return f"the log's first {checkpoint.size} entries are not those it signed: {where}"
    return None


def issue_checkpoint(
    log: LogStore,
    signer: SignerKey,
    origin: str,
    *,
    previous: str | None = None,
    tree: MerkleTree | None = None,
) -> str:
    """A signed checkpoint of the log as it is now.

    ``previous``, the last checkpoint this key signed, is checked first: a log never signs a
    checkpoint inconsistent with one it signed before (c2sp.org/tlog-checkpoint).
    """
    tree = log_tree(log) if tree is None else tree
    if previous is not None:
        try:
            earlier = open_checkpoint(previous, signer.verifier(), origin)
        except ProofError:
            earlier = None
        if earlier is not None:
            why = consistency(tree, earlier)
            if why is not None:
                raise FondsError(
                    f"not signing: the log is not consistent with the checkpoint this key "
                    f"signed last (size {earlier.size}): {why}"
                )
    return sign_checkpoint(Checkpoint(origin, tree.size, tree.root()), signer)


_HASH_PREFIX = re.compile(r"[0-9a-f]{6,64}")


def resolve_entry(log: LogStore, identifier: str) -> Entry:
    """The entry of a record hash (or a prefix of six digits or more), or of an entity's
    current declaration."""
    if _HASH_PREFIX.fullmatch(identifier):
        found = log.find(identifier)
        if len(found) > 1:
            raise UsageError(f"{identifier}: {len(found)} records start so; give more digits")
        if found:
            return found[0]
    from fonds.views import Views

    seq = Views(log).at(None).require(identifier)
    return next(e for e in log.entries(seq) if e.seq == seq)


def prove_entry(
    entry: Entry, tree: MerkleTree, checkpoint_text: str, verifier: VerifierKey, origin: str
) -> str:
    """The tlog-proof that ``entry`` is in the log ``checkpoint_text`` signed, carrying the
    entry's header as its extra data; checked before it is returned."""
    try:
        checkpoint = open_checkpoint(checkpoint_text, verifier, origin)
    except ProofError as exc:
        raise FondsError(f"the checkpoint does not verify: {exc}") from None
    if entry.seq > checkpoint.size:
        raise FondsError(
            f"entry {entry.seq} is newer than the checkpoint (size {checkpoint.size}); "
            "prove it against a newer checkpoint"
        )
    why = consistency(tree, checkpoint)
    if why is not None:
        raise FondsError(f"the checkpoint is not of this log: {why}")
    header = header_canonical(entry.seq, entry.time, entry.prev, entry.vocab, entry.id)
    if hashlib.sha256(header).hexdigest() != entry.hash:  # pragma: no cover - a checked entry
        raise FondsError(f"entry {entry.seq}: the header does not match its hash")
    path = tree.inclusion_proof(entry.seq - 1, checkpoint.size)
    text = TlogProof(entry.seq - 1, tuple(path), checkpoint_text, header).text()
    try:
        verify_proof(text, verifier, record_id=entry.id, origin=origin)
    except ProofError as exc:  # pragma: no cover - the tree disagrees with the log
        raise FondsError(f"the proof made does not verify ({exc}); clear the log cache") from None
    return text
