"""fonds keygen, checkpoint, prove and verify --checkpoint as a user runs them, and proofs
checked by a reader who has only the proof, the checkpoint and the public key."""

from __future__ import annotations

import ast
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from fonds.log import JsonlLog
from fonds.log.chain import GENESIS, encode_entry, split_line
from fonds.proofs import ProofError, VerifierKey, open_checkpoint, verify_proof
from fonds.proofs.archive import log_tree
from fonds.validate import canonical_bytes
from tests.helpers import person, run_cli

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "records"
ORIGIN = "example.org/axis"

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, *args)

    return invoke


@pytest.fixture
def archive(shipped_log: Path, tmp_path: Path, run: Run) -> tuple[Path, Path, str]:
    """The shipped log with a checkpoint key: (log folder, private key file, public key)."""
    key_file = tmp_path / "keys" / "axis.key"
    code, _, err = run("keygen", "--log", str(shipped_log), "--origin", ORIGIN,
                       "--key-file", str(key_file))  # fmt: skip
    assert code == 0, err
    document = orjson.loads((shipped_log / "checkpoint-key.json").read_bytes())
    return shipped_log, key_file, document["verifier_key"]


def checkpoint(run: Run, log_dir: Path, key_file: Path, out: Path) -> str:
    code, _, err = run("checkpoint", "--log", str(log_dir), "--key-file", str(key_file),
                       "--out", str(out))  # fmt: skip
    assert code == 0, err
    return out.read_text()


def test_keygen_keeps_the_private_key_outside_and_the_public_key_in_the_archive(
    shipped_log: Path, tmp_path: Path, run: Run
) -> None:
    before = {n: (shipped_log / n).read_bytes() for n in ("log.jsonl", "vocabulary.json")}
    key_file = tmp_path / "keys" / "axis.key"
    code, out, _ = run("keygen", "--log", str(shipped_log), "--origin", ORIGIN,
                       "--key-file", str(key_file))  # fmt: skip
    assert code == 0
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().startswith(f"PRIVATE+KEY+{ORIGIN}+")
    document = orjson.loads((shipped_log / "checkpoint-key.json").read_bytes())
    assert document["origin"] == ORIGIN
    assert VerifierKey.parse(document["verifier_key"]).name == ORIGIN
    assert document["verifier_key"] in out and "PRIVATE" not in out
    assert {n: (shipped_log / n).read_bytes() for n in before} == before
    assert sorted(p.name for p in shipped_log.iterdir()) == [
        "checkpoint-key.json", "log.jsonl", "vocabulary.json",
    ]  # fmt: skip


def test_keygen_refuses_what_would_lose_or_expose_a_key(
    shipped_log: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = ["--key-file", str(shipped_log / "sub" / ".." / "k.key")]
    code, _, err = run("keygen", "--log", str(shipped_log), *inside)
    assert code == 2 and "outside the log folder" in err
    code, _, err = run("keygen", "--log", str(shipped_log), "--origin", "a b")
    assert code == 2 and "no spaces" in err
    taken = tmp_path / "taken.key"
    taken.write_text("precious")
    code, _, err = run("keygen", "--log", str(shipped_log), "--key-file", str(taken))
    assert code == 2 and "not overwriting" in err and taken.read_text() == "precious"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    code, out, _ = run("keygen", "--log", str(shipped_log))
    default = tmp_path / "config" / "fonds" / f"fonds_{tmp_path.name}.key"
    assert code == 0 and str(default) in out and default.is_file()
    code, _, err = run("keygen", "--log", str(shipped_log), "--key-file", str(tmp_path / "n"))
    assert code == 2 and "already has a checkpoint key" in err
    assert not (shipped_log / "k.key").exists()


def test_a_checkpoint_signs_the_log_as_it_is(
    archive: tuple[Path, Path, str], tmp_path: Path, run: Run
) -> None:
    log_dir, key_file, public = archive
    text = checkpoint(run, log_dir, key_file, tmp_path / "cp.txt")
    signed = open_checkpoint(text, VerifierKey.parse(public))
    log = JsonlLog(log_dir)
    assert (signed.origin, signed.size) == (ORIGIN, 261)
    assert signed.root == log_tree(log, use_cache=False).root()
    assert text.split("\n")[:3] == [ORIGIN, "261", signed.body().split("\n")[2]]
    code, out, _ = run("checkpoint", "--log", str(log_dir), "--key-file", str(key_file))
    assert code == 0 and out == text  # Ed25519 is deterministic
    assert (log_dir / ".fonds-cache" / "merkle-tree.bin").is_file()


def test_checkpoint_refuses_a_key_others_can_read_or_another_archives_key(
    archive: tuple[Path, Path, str], tmp_path: Path, run: Run
) -> None:
    log_dir, key_file, _ = archive
    key_file.chmod(0o644)
    code, _, err = run("checkpoint", "--log", str(log_dir), "--key-file", str(key_file))
    assert code == 2 and "chmod 600" in err
    key_file.chmod(0o600)
    other = shutil.copytree(RECORDS, tmp_path / "other")
    other_key = tmp_path / "other.key"
    assert run("keygen", "--log", str(other), "--key-file", str(other_key))[0] == 0
    code, _, err = run("checkpoint", "--log", str(log_dir), "--key-file", str(other_key))
    assert code == 2 and "not the key of this archive" in err
    bare = shutil.copytree(RECORDS, tmp_path / "bare")
    code, _, err = run("checkpoint", "--log", str(bare), "--key-file", str(key_file))
    assert code == 2 and "fonds keygen" in err
    code, _, err = run("verify", "--log", str(bare), "--checkpoint", str(tmp_path / "none"))
    assert code == 2


def test_prove_a_record_by_hash_prefix_or_entity(archive: tuple[Path, Path, str], run: Run) -> None:
    log_dir, key_file, public = archive
    log = JsonlLog(log_dir)
    entry = next(e for e in log.entries() if e.seq == 237)
    for identifier in (entry.id, entry.id[:12], "event:instruction-no-18-issued"):
        code, out, err = run("prove", identifier, "--log", str(log_dir),
                             "--key-file", str(key_file))  # fmt: skip
        assert code == 0, err
        proven = verify_proof(out, public, record_id=f"sha256:{entry.id}")
        assert (proven.seq, proven.tree_size, proven.time) == (237, 261, entry.time)
        assert out.startswith("c2sp.org/tlog-proof@v1\nextra ") and "\nindex 236\n" in out
        assert len(out.split("\n\n")[0].split("\n")) - 3 <= 9  # ⌈log2 261⌉ hashes at most
    code, _, err = run("prove", "person:nobody", "--log", str(log_dir), "--key-file", str(key_file))
    assert code == 1 and "not in the log" in err


def test_prove_against_an_older_checkpoint(
    archive: tuple[Path, Path, str], tmp_path: Path, run: Run
) -> None:
    log_dir, key_file, public = archive
    old = tmp_path / "old.txt"
    checkpoint(run, log_dir, key_file, old)
    late = person("person:late", "Late Comer")
    late["recorded_by"] = "agent:fonds-editors"
    JsonlLog(log_dir).append([late])
    code, out, err = run("prove", "person:molotov", "--log", str(log_dir),
                         "--checkpoint", str(old))  # fmt: skip
    assert code == 0, err
    assert verify_proof(out, public, old.read_text()).tree_size == 261
    code, _, err = run("prove", "person:late", "--log", str(log_dir), "--checkpoint", str(old))
    assert code == 1 and "newer than the checkpoint" in err
    code, out, _ = run("prove", "person:late", "--log", str(log_dir), "--key-file", str(key_file))
    assert code == 0 and verify_proof(out, public).tree_size == 262
    code, _, _ = run("verify", "--log", str(log_dir), "--checkpoint", str(old))
    assert code == 0


def rewrite(log_dir: Path, seq: int, change: Callable[[dict[str, Any]], None]) -> None:
    """Edit entry ``seq``'s record and recompute the chain after it, as a forger would."""
    path = log_dir / "log.jsonl"
    out: list[bytes] = []
    prev = GENESIS
    for line in path.read_bytes().splitlines():
        header, body = split_line(line)
        if header.seq < seq:
            out.append(line + b"\n")
        else:
            document = orjson.loads(body)
            if header.seq == seq:
                change(document)
            line, _, _ = encode_entry(
                header.seq, header.time, prev, header.vocab, canonical_bytes(document)
            )
            out.append(line)
        prev = split_line(out[-1].rstrip(b"\n"))[0].hash
    path.write_bytes(b"".join(out))


def relabel(document: dict[str, Any]) -> None:
    document["recorded_by"] = "agent:someone-else"


def test_a_rewritten_history_fails_verify_checkpoint(
    archive: tuple[Path, Path, str], tmp_path: Path, run: Run
) -> None:
    log_dir, key_file, _ = archive
    prefix = shutil.copytree(log_dir, tmp_path / "prefix")
    lines = (prefix / "log.jsonl").read_bytes().splitlines(keepends=True)
    (prefix / "log.jsonl").write_bytes(b"".join(lines[:150]))
    at_150 = tmp_path / "cp-150.txt"
    checkpoint(run, prefix, key_file, at_150)
    at_261 = tmp_path / "cp-261.txt"
    checkpoint(run, log_dir, key_file, at_261)
    code, out, _ = run("verify", "--log", str(log_dir), "--checkpoint", str(at_150),
                       "--checkpoint", str(at_261))  # fmt: skip
    assert code == 0 and "consistent with the signed checkpoints of size 150, 261" in out

    rewrite(log_dir, 200, relabel)
    code, out, err = run("verify", "--log", str(log_dir))
    assert code == 0, err  # the chain alone looks sound
    code, out, err = run("verify", "--log", str(log_dir), "--checkpoint", str(at_261))
    assert code == 1
    assert "not consistent with the checkpoint of size 261" in err
    assert "one of entries 1–261" in err and len(err.strip().splitlines()) == 1
    code, _, err = run("verify", "--log", str(log_dir), "--checkpoint", str(at_150),
                       "--checkpoint", str(at_261))  # fmt: skip
    assert code == 1 and "one of entries 151–261" in err and "size 150" not in err
    code, _, err = run("checkpoint", "--log", str(log_dir), "--key-file", str(key_file))
    assert code == 1 and "not signing" in err

    rewrite(log_dir, 100, relabel)
    code, out, _ = run("verify", "--log", str(log_dir), "--checkpoint", str(at_150),
                       "--checkpoint", str(at_261), "--format", "json")  # fmt: skip
    problems = orjson.loads(out)
    assert code == 1 and [p["code"] for p in problems] == ["checkpoint-inconsistent"] * 2
    assert "one of entries 1–150" in problems[0]["message"]


def test_removed_entries_and_foreign_checkpoints_fail(
    archive: tuple[Path, Path, str], tmp_path: Path, run: Run
) -> None:
    log_dir, key_file, _ = archive
    at_261 = tmp_path / "cp.txt"
    checkpoint(run, log_dir, key_file, at_261)
    foreign = shutil.copytree(RECORDS, tmp_path / "foreign")
    foreign_key = tmp_path / "foreign.key"
    assert run("keygen", "--log", str(foreign), "--origin", ORIGIN,
               "--key-file", str(foreign_key))[0] == 0  # fmt: skip
    forged = tmp_path / "forged.txt"
    checkpoint(run, foreign, foreign_key, forged)
    code, _, err = run("verify", "--log", str(log_dir), "--checkpoint", str(forged))
    assert code == 1 and "not a checkpoint signed by the archive's key" in err
    lines = (log_dir / "log.jsonl").read_bytes().splitlines(keepends=True)
    (log_dir / "log.jsonl").write_bytes(b"".join(lines[:200]))
    code, _, err = run("verify", "--log", str(log_dir), "--checkpoint", str(at_261))
    assert code == 1 and "the log has 200: entries were removed" in err


# -- the reader's side -------------------------------------------------------------------
def recipe() -> str:
    text = (ROOT / "docs" / "proving-a-fact.md").read_text(encoding="utf-8")
    found = re.search(r"```python\n(# check_proof\.py.*?)```", text, flags=re.S)
    assert found, "docs/proving-a-fact.md has lost its standalone recipe"
    return found.group(1)


@pytest.fixture
def proof_files(archive: tuple[Path, Path, str], tmp_path: Path, run: Run) -> dict[str, Any]:
    log_dir, key_file, public = archive
    cp = tmp_path / "checkpoint.txt"
    checkpoint(run, log_dir, key_file, cp)
    proof = tmp_path / "fact.tlog-proof"
    code, _, err = run("prove", "event:instruction-no-18-issued", "--log", str(log_dir),
                       "--checkpoint", str(cp), "--out", str(proof))  # fmt: skip
    assert code == 0, err
    record = next(e for e in JsonlLog(log_dir).entries() if e.seq == 237).id
    return {"proof": proof, "checkpoint": cp, "key": public, "record": record}


def fresh_python(proof: Path, cp: Path, key: str) -> subprocess.CompletedProcess[str]:
    """Isolated mode: no PYTHONPATH, no fonds source on the path, nothing but the inputs."""
    return subprocess.run(
        [sys.executable, "-I", "-c", recipe(), str(proof), str(cp), key],
        capture_output=True, text=True, cwd=proof.parent, timeout=60, check=False,
    )  # fmt: skip


def test_a_proof_verifies_in_a_fresh_python_with_only_proof_checkpoint_and_key(
    proof_files: dict[str, Any], tmp_path: Path
) -> None:
    proof, cp, key = proof_files["proof"], proof_files["checkpoint"], proof_files["key"]
    done = fresh_python(proof, cp, key)
    assert done.returncode == 0, done.stderr
    assert f'"id":"{proof_files["record"]}"' in done.stdout
    assert done.stdout.startswith(f"{ORIGIN}, entry 237 of 261: ")
    assert "import fonds" not in recipe() and "from fonds" not in recipe()
    # one changed byte in each of the three: in a proof hash, in the checkpoint's root, in the key
    changed_proof = tmp_path / "changed.tlog-proof"
    text = proof.read_text()
    at = text.index("\nindex ") + 12
    changed_proof.write_text(text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :])
    changed_cp = tmp_path / "changed-checkpoint.txt"
    cp_text = cp.read_text()
    at = cp_text.index("\n261\n") + 6
    changed_cp.write_text(cp_text[:at] + ("A" if cp_text[at] != "A" else "B") + cp_text[at + 1 :])
    changed_key = key[:-3] + ("A" if key[-3] != "A" else "B") + key[-2:]
    for args in ((changed_proof, cp, key), (proof, changed_cp, key), (proof, cp, changed_key)):
        done = fresh_python(*args)
        assert done.returncode != 0 and "entry 237" not in done.stdout


def variants(data: bytes) -> list[bytes]:
    out = []
    for position in range(len(data)):
        for mask in (0x01, 0x20):
            changed = bytearray(data)
            changed[position] ^= mask
            out.append(bytes(changed))
    return out


def test_every_changed_byte_of_proof_checkpoint_or_key_fails(
    proof_files: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every byte, two ways: the library (with the proof alone, and with the checkpoint
    apart) and the documented recipe (run in this process, to be quick)."""
    proof = proof_files["proof"].read_bytes()
    cp = proof_files["checkpoint"].read_bytes()
    key = proof_files["key"].encode()
    code = compile(recipe(), "check_proof.py", "exec")
    files = {"proof": tmp_path / "p", "checkpoint": tmp_path / "c"}

    def recipe_accepts(p: bytes, c: bytes, k: bytes) -> bool:
        files["proof"].write_bytes(p)
        files["checkpoint"].write_bytes(c)
        argv = ["check_proof.py", str(files["proof"]), str(files["checkpoint"])]
        monkeypatch.setattr(sys, "argv", [*argv, k.decode("utf-8", "surrogateescape")])
        try:
            exec(code, {"__name__": "__main__"})
        except (SystemExit, Exception):
            return False
        return True

    def library_accepts(p: bytes, c: bytes | None, k: bytes) -> bool:
        try:
            verify_proof(p, k.decode("utf-8"), c, record_id=proof_files["record"])
        except (ProofError, UnicodeDecodeError):
            return False
        return True

    assert recipe_accepts(proof, cp, key) and library_accepts(proof, cp, key)
    assert library_accepts(proof, None, key)
    for changed in variants(proof):
        assert not library_accepts(changed, None, key), changed
        assert not recipe_accepts(changed, cp, key), changed
    for changed in variants(cp):
        assert not library_accepts(proof, changed, key), changed
        assert not recipe_accepts(proof, changed, key), changed
    for changed in variants(key):
        assert not library_accepts(proof, cp, changed), changed
        assert not recipe_accepts(proof, cp, changed), changed


def test_the_verifier_imports_nothing_of_fonds_outside_fonds_proofs() -> None:
    folder = ROOT / "src" / "fonds" / "proofs"
    for name in ("__init__", "merkle", "note", "checkpoint", "tlog", "verify"):
        tree = ast.parse((folder / f"{name}.py").read_text())
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            for module in modules:
                if module.split(".")[0] == "fonds":
                    assert module.startswith("fonds.proofs"), (name, module)
                    assert module != "fonds.proofs.archive", name


def test_a_citation_names_the_command_that_proves_it(
    archive: tuple[Path, Path, str], run: Run
) -> None:
    log_dir, key_file, public = archive
    code, out, _ = run("cite", "event:instruction-no-18-issued", "--log", str(log_dir),
                       "--format", "json")  # fmt: skip
    cited = orjson.loads(out)
    assert code == 0 and cited["proof"] == f"fonds prove {cited['record']}"
    command = cited["proof"].split()[1:]
    code, out, _ = run(*command, "--log", str(log_dir), "--key-file", str(key_file))
    assert code == 0 and verify_proof(out, public, record_id=cited["record"]).seq == 237
