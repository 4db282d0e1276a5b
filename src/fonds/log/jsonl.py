"""The default backend: one JSON Lines file, ``log.jsonl``, beside ``vocabulary.json``.

An append first writes a journal (``.log.jsonl.pending``) naming the file's size, then the
batch, then removes the journal. A journal found later means an append was interrupted: readers
ignore what lies past the recorded size and the next writer cuts it off, so the log is as it was
before that append, byte for byte. ``fcntl.flock`` on the log file serialises writers.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fonds.log.base import ByteStore, LogStore, vocabulary_hash
from fonds.log.chain import record_body
from fonds.log.index import LogIndex
from fonds.model.vocabulary import Vocabulary, VocabularyError, default_vocabulary_bytes
from fonds.problems import NoLogError, Problem, UsageError

__all__ = ["LOG_FILE", "VOCABULARY_FILE", "JsonlLog"]

LOG_FILE = "log.jsonl"
VOCABULARY_FILE = "vocabulary.json"
JOURNAL_FILE = ".log.jsonl.pending"
CACHE_DIR = ".fonds-cache"
_TAIL_CHUNK = 1 << 16


class FolderBytes(ByteStore):
    """Blobs as files in the log's cache folder, each replaced whole (write, then rename)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: str) -> Path:
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"{name!r}: not a cache name")
        return self.folder / name

    def get(self, name: str) -> bytes | None:
        try:
            return self._path(name).read_bytes()
        except OSError:
            return None

    def put(self, name: str, data: bytes) -> None:
        path = self._path(name)
        temporary = path.with_name(f".{name}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            temporary.replace(path)
        except OSError:
            temporary.unlink(missing_ok=True)  # a cache that cannot be written: slower next time

    def remove(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)


class JsonlLog(LogStore):
    """A log in a directory: ``log.jsonl``, ``vocabulary.json`` and a derived cache."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        directory = Path(directory)
        self.directory = directory
        self.location = str(directory)
        self.path = directory / LOG_FILE
        self._journal = directory / JOURNAL_FILE
        if not self.path.is_file():
            raise NoLogError(str(directory), f"expected {LOG_FILE}")
        vocab_path = directory / VOCABULARY_FILE
        try:
            data = vocab_path.read_bytes()
        except OSError:
            raise UsageError(f"{vocab_path}: missing; every log carries its vocabulary") from None
        try:
            import orjson

            self.vocabulary = Vocabulary.from_document(orjson.loads(data), str(vocab_path))
        except (VocabularyError, ValueError) as exc:
            raise UsageError(f"{vocab_path}: {exc}") from None
        self.vocabulary_hash = vocabulary_hash(data)
        self._vocabulary_data = data
        self.cache = FolderBytes(directory / CACHE_DIR)
        self._index: LogIndex | None = None
        self._mapped: Any = None

    @classmethod
    def init(cls, directory: Path, vocabulary: bytes | None = None) -> JsonlLog:
        """Create an empty log (with the default vocabulary unless one is given)."""
        directory.mkdir(parents=True, exist_ok=True)
        log_path = directory / LOG_FILE
        if log_path.exists():
            raise UsageError(f"{log_path}: a log already exists")
        vocab_path = directory / VOCABULARY_FILE
        if not vocab_path.exists():
            vocab_path.write_bytes(vocabulary or default_vocabulary_bytes())
        log_path.touch()
        return cls(directory)

    @classmethod
    def open(cls, directory: Path) -> JsonlLog:
        return cls(directory)

    # -- primitives --------------------------------------------------------------------
    def _limit(self) -> int:
        """How many bytes of the file belong to the log (less, during an append)."""
        try:
            return int(self._journal.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return self.path.stat().st_size

    def _lines(self, position: int = 0) -> Iterator[tuple[bytes, int]]:
        limit = self._limit()
        with self.path.open("rb") as handle:
            handle.seek(position)
            data = handle.read(max(0, limit - position))
        start = 0
        end = len(data)
        while start < end:
            stop = data.find(b"\n", start)
            if stop < 0:
                return  # a torn last line is not an entry; _integrity_problems reports it
            yield data[start:stop], position + stop + 1
            start = stop + 1

    def _line_between(self, start: int, end: int) -> bytes:
        return bytes(self._map(end)[start : end - 1])

    def record_bytes(self, start: int, end: int) -> bytes:
        # the views read records back one by one: a slice of the mapped file, no copy of the line
        return record_body(self._map(end)[start : end - 1])

    def _map(self, end: int) -> Any:
        """The log's bytes up to at least ``end``, mapped rather than read (remapped once the
        file has grown past the mapping)."""
        mapped = self._mapped
        if mapped is None or len(mapped) < end:
            import mmap

            with self.path.open("rb") as handle:
                size = handle.seek(0, os.SEEK_END)
                if size < end:
                    raise LookupError(f"{self.path}: no entry ends at byte {end}")
                mapped = self._mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return mapped

    def _last_line(self) -> tuple[bytes, int] | None:
        limit = self._limit()
        with self.path.open("rb") as handle:
            end, buffer = limit, b""
            while end > 0:
                begin = max(0, end - _TAIL_CHUNK)
                handle.seek(begin)
                buffer = handle.read(end - begin) + buffer
                end = begin
                last_newline = buffer.rfind(b"\n")
                if last_newline < 0:
                    continue
                prior = buffer.rfind(b"\n", 0, last_newline)
                if prior >= 0 or begin == 0:
                    return buffer[prior + 1 : last_newline], begin + last_newline + 1
        return None

    def _commit(self, lines: Sequence[bytes]) -> int:
        data = b"".join(lines)
        with self.path.open("r+b") as handle:
            size = handle.seek(0, os.SEEK_END)
            self._journal.write_text(f"{size}\n")
            _fsync_path(self._journal)
            try:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            except BaseException:
                handle.truncate(size)
                handle.flush()
                os.fsync(handle.fileno())
                self._journal.unlink(missing_ok=True)
                raise
        self._journal.unlink(missing_ok=True)
        return size + len(data)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self.path.open("r+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                self._roll_back_interrupted_append()
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _roll_back_interrupted_append(self) -> None:
        if not self._journal.exists():
            return
        size = self._limit()
        with self.path.open("r+b") as handle:
            handle.truncate(size)
            os.fsync(handle.fileno())
        self._journal.unlink(missing_ok=True)

    def _index_store(self) -> LogIndex:
        if self._index is None:
            self._index = LogIndex(self.directory / CACHE_DIR / "index.sqlite")
        return self._index

    def _integrity_problems(self) -> list[Problem]:
        limit = self._limit()
        if limit == 0:
            return []
        with self.path.open("rb") as handle:
            handle.seek(limit - 1)
            if handle.read(1) == b"\n":
                return []
            handle.seek(0)
            lines = handle.read(limit).count(b"\n") + 1
        return [
            Problem(
                str(self.path),
                lines,
                "/",
                "torn-line",
                "the last line is incomplete (no newline): an append was cut off or the file "
                "was edited; restore it from a copy or remove the partial line",
            )
        ]

    def _vocabulary_location(self) -> str:
        return str(self.directory / VOCABULARY_FILE)

    def vocabulary_bytes(self) -> bytes:
        return self._vocabulary_data


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
