"""The Merkle tree of a log: kept up to date from the entries after the head it covers, and
never wrong however damaged its stored form."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fonds.log import JsonlLog, LogStore, MemoryLog
from fonds.log.jsonl import CACHE_DIR
from fonds.proofs.archive import TREE_FILE, _Covered, _save, log_tree
from fonds.proofs.merkle import MerkleTree, leaf_hash
from tests.helpers import agent, person


def grow(log: LogStore, count: int) -> None:
    head = log.head()
    start = head.seq if head else 0
    documents: list[dict[str, Any]] = [] if head else [agent()]
    documents += [person(f"person:p{start + i}", f"P {start + i}") for i in range(count)]
    log.append(documents)


def from_entries(log: LogStore) -> MerkleTree:
    return MerkleTree(leaf_hash(bytes.fromhex(e.hash)) for e in log.entries())


def answers(tree: MerkleTree) -> tuple[Any, ...]:
    size = tree.size
    return (
        size,
        tree.root(),
        tree.root(size // 2),
        [tree.inclusion_proof(i) for i in range(0, size, max(1, size // 7))],
        tree.consistency_proof(max(1, size // 3)) if size else [],
    )


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=25), min_size=1, max_size=5))
def test_a_memory_log_tree_brought_up_to_date_is_the_tree_from_scratch(batches: list[int]) -> None:
    log = MemoryLog()
    for count in batches:
        if count:
            grow(log, count)
        kept = log_tree(log)
        assert kept.to_bytes() == log_tree(log, use_cache=False).to_bytes()
        assert kept.root() == from_entries(log).root()


@settings(max_examples=8, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=4))
def test_a_folder_log_tree_brought_up_to_date_is_the_tree_from_scratch(batches: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        log = JsonlLog.init(Path(folder) / "log")
        for count in batches:
            grow(log, count)
            kept = log_tree(JsonlLog(log.directory))  # a new process: from the stored tree
            assert kept.to_bytes() == from_entries(log).to_bytes()


def test_only_the_entries_after_the_covered_head_are_read(
    empty_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = JsonlLog(empty_log)
    grow(log, 40)
    log_tree(log)
    covered = log.head()
    assert covered is not None
    grow(log, 5)
    starts: list[int] = []
    entries = log.entries

    def spy(*args: Any, **kwargs: Any) -> Iterator[Any]:
        starts.append(kwargs.get("start", 0))
        return entries(*args, **kwargs)

    monkeypatch.setattr(log, "entries", spy)
    assert log_tree(log).size == 46
    assert starts == [covered.position]
    starts.clear()
    log_tree(log)
    assert starts == []  # up to date: the log is not read


@pytest.fixture
def folder_log(empty_log: Path) -> JsonlLog:
    log = JsonlLog(empty_log)
    grow(log, 60)
    return log


def cache(log: JsonlLog) -> Path:
    return log.directory / CACHE_DIR / TREE_FILE


def test_garbage_in_the_stored_tree_changes_no_answer(folder_log: JsonlLog) -> None:
    truth = answers(log_tree(folder_log, use_cache=False))
    assert answers(log_tree(folder_log)) == truth
    good = cache(folder_log).read_bytes()
    garbage = [
        b"",
        b"\x00" * len(good),
        good[: len(good) // 2],
        good + b"trailing",
        bytes(reversed(good)),
        b"cos\nsystem\n(S'echo unpickled'\ntR.",  # a pickle: data, never code
    ]
    for position in (0, 9, 12, 20, 40, 500, len(good) - 40, len(good) - 1):
        flipped = bytearray(good)
        flipped[position] ^= 0xFF
        garbage.append(bytes(flipped))
    for data in garbage:
        cache(folder_log).write_bytes(data)
        assert answers(log_tree(JsonlLog(folder_log.directory))) == truth
        assert cache(folder_log).read_bytes() == good  # rebuilt and stored again
    cache(folder_log).unlink()
    cache(folder_log).mkdir()  # not even a file: only a rebuild, nothing stored
    assert answers(log_tree(JsonlLog(folder_log.directory))) == truth


def test_a_well_formed_tree_of_another_history_is_rebuilt(
    folder_log: JsonlLog, tmp_path: Path
) -> None:
    truth = answers(log_tree(folder_log, use_cache=False))
    # a longer log that shares the first entries (the cache of a copy that grew)
    longer = JsonlLog(shutil.copytree(folder_log.directory, tmp_path / "longer"))
    grow(longer, 10)
    log_tree(longer)
    shutil.copy(cache(longer), cache(folder_log))
    assert answers(log_tree(JsonlLog(folder_log.directory))) == truth
    # another log of the same length
    other = JsonlLog.init(tmp_path / "other")
    other.append([agent(), *(person(f"person:q{i}", f"Q {i}") for i in range(60))])
    log_tree(other)
    shutil.copy(cache(other), cache(folder_log))
    assert answers(log_tree(JsonlLog(folder_log.directory))) == truth
    # a shorter, other history: the entries after its head do not follow it
    shorter = JsonlLog.init(tmp_path / "shorter")
    shorter.append([agent(), *(person(f"person:r{i}", f"R {i}") for i in range(30))])
    log_tree(shorter)
    shutil.copy(cache(shorter), cache(folder_log))
    assert answers(log_tree(JsonlLog(folder_log.directory))) == truth


def test_a_stored_tree_with_a_wrong_position_is_rebuilt(folder_log: JsonlLog) -> None:
    truth = answers(log_tree(folder_log, use_cache=False))
    head = folder_log.head()
    assert head is not None
    prefix = MerkleTree(leaf_hash(bytes.fromhex(e.hash)) for e in folder_log.entries(30))
    thirtieth = next(e for e in folder_log.entries(30) if e.seq == 30)
    for position in (1, 17, head.position // 2, head.position - 1, head.position + 5):
        _save(folder_log, prefix, _Covered(30, thirtieth.hash, position))
        assert answers(log_tree(JsonlLog(folder_log.directory))) == truth


def test_other_backends_keep_the_tree_in_their_byte_store() -> None:
    log = MemoryLog()
    grow(log, 10)
    assert log_tree(log).size == 11
    assert log.cache.get(TREE_FILE) is not None
    log.cache.put(TREE_FILE, b"garbage")
    assert log_tree(log).root() == from_entries(log).root()
    assert log_tree(MemoryLog()).size == 0
