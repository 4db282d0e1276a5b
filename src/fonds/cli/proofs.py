"""fonds keygen, checkpoint and prove; the checkpoints of fonds verify --checkpoint."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import click

from fonds.cli.common import emit, error_line, log_option, open_log, out_option
from fonds.log.base import LogStore
from fonds.problems import Problem, UsageError
from fonds.proofs.archive import (
    KEY_FILE,
    ArchiveKey,
    consistency,
    create_archive_key,
    default_key_file,
    default_origin,
    issue_checkpoint,
    log_tree,
    prove_entry,
    read_archive_key,
    read_signer,
    resolve_entry,
)
from fonds.proofs.checkpoint import Checkpoint, open_checkpoint
from fonds.proofs.merkle import MerkleTree, ProofError

__all__ = ["checkpoint", "checkpoint_problems", "keygen", "prove"]


def key_file_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--key-file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="The archive's private (signer) key [default: ~/.config/fonds/<origin>.key].",
    )(function)


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the {what}: {exc}") from None


def _last_signed(key_file: Path) -> Path:
    """Beside the private key: the last checkpoint it signed, so that it never signs one
    inconsistent with it."""
    return key_file.with_name(key_file.name + ".last-checkpoint")


def _sign(log: LogStore, archive: ArchiveKey, key_file: Path | None, tree: MerkleTree) -> str:
    key_file = key_file or default_key_file(archive.origin)
    signer = read_signer(key_file, archive)
    last = _last_signed(key_file)
    try:
        previous: str | None = last.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        previous = None
    text = issue_checkpoint(log, signer, archive.origin, previous=previous, tree=tree)
    try:
        partial = last.with_name(f".{last.name}.partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, last)
    except OSError as exc:
        error_line(f"fonds: warning: cannot record the checkpoint in {last}: {exc.strerror}")
    return text


@click.command()
@log_option
@click.option(
    "--origin",
    default=None,
    help="The archive's name in its checkpoints, best a URL without scheme "
    "(example.org/archive) [default: fonds/<folder of the log>].",
)
@key_file_option
def keygen(log_dir: str, origin: str | None, key_file: Path | None) -> None:
    """Create the archive's checkpoint key pair (Ed25519).

    The private key goes to --key-file, outside the log folder, readable by you only; the
    public key and the origin are recorded in the log folder, in checkpoint-key.json.
    """
    folder = _archive_folder(open_log(log_dir))
    origin = origin or default_origin(folder)
    key_file = key_file or default_key_file(origin)
    archive = create_archive_key(folder, origin, key_file)
    emit(
        f"origin: {archive.origin}\n"
        f"public key: {archive.verifier} (recorded in {folder / KEY_FILE})\n"
        f"private key: {key_file} (keep it secret, and a copy of it safe)"
    )


@click.command()
@log_option
@key_file_option
@out_option
def checkpoint(log_dir: str, key_file: Path | None, out: Path | None) -> None:
    """Print a signed checkpoint (c2sp.org/tlog-checkpoint) of the log as it is now.

    Publish it: anyone holding it can later check that the log still begins with what it
    signed (fonds verify --checkpoint) and that a record was in it (fonds prove).
    """
    log = open_log(log_dir)
    archive = read_archive_key(_archive_folder(log))
    emit(_sign(log, archive, key_file, log_tree(log)), out)


@click.command()
@click.argument("identifier", metavar="ID")
@log_option
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Prove against this signed checkpoint instead of signing a new one.",
)
@key_file_option
@out_option
def prove(
    identifier: str,
    log_dir: str,
    checkpoint_file: Path | None,
    key_file: Path | None,
    out: Path | None,
) -> None:
    """Write an offline proof (c2sp.org/tlog-proof) that a record is in the log.

    ID is a record hash (or its first digits) or an entity id, meaning its current
    declaration. The proof carries a signed checkpoint and the entry's header; it is checked
    with the archive's public key alone.
    """
    log = open_log(log_dir)
    archive = read_archive_key(_archive_folder(log))
    entry = resolve_entry(log, identifier)
    tree = log_tree(log)
    if checkpoint_file is not None:
        text = _read_text(checkpoint_file, "checkpoint")
    else:
        text = _sign(log, archive, key_file, tree)
    emit(prove_entry(entry, tree, text, archive.verifier, archive.origin), out)


def _archive_folder(log: LogStore) -> Path:
    """The folder that records the archive's public key: the log's own folder."""
    folder = Path(log.location)
    if not folder.is_dir():
        raise UsageError(
            f"{log.location}: checkpoint keys are recorded in a log's folder; a log on a"
            " server has none yet (mirror it to a folder to prove from there)"
        )
    return folder


def checkpoint_problems(log: LogStore, paths: Sequence[Path]) -> tuple[list[Problem], str]:
    """For fonds verify --checkpoint: why the log is not consistent with each checkpoint, and
    a summary when it is consistent with all of them."""
    archive = read_archive_key(_archive_folder(log))
    problems: list[Problem] = []
    signed: list[tuple[Path, Checkpoint]] = []
    for path in paths:
        try:
            checkpoint = open_checkpoint(
                _read_text(path, "checkpoint"), archive.verifier, archive.origin
            )
        except ProofError as exc:
            problems.append(
                Problem(str(path), None, "/", "checkpoint-not-signed",
                        f"not a checkpoint signed by the archive's key: {exc}")
            )  # fmt: skip
        else:
            signed.append((path, checkpoint))
    tree = log_tree(log, use_cache=False)  # never the cache: this is the check of the log
    results = [(path, cp, consistency(tree, cp)) for path, cp in signed]
    consistent = [cp.size for _, cp, why in results if why is None]
    for path, cp, why in results:
        if why is None:
            continue
        since = max((size for size in consistent if size < cp.size), default=0)
        why = consistency(tree, cp, since)
        problems.append(
            Problem(str(path), None, "/", "checkpoint-inconsistent",
                    f"the log is not consistent with the checkpoint of size {cp.size}: {why}")
        )  # fmt: skip
    sizes = ", ".join(str(size) for size in sorted(consistent))
    plural = "s" * (len(consistent) != 1)
    return problems, f", consistent with the signed checkpoint{plural} of size {sizes}"
