"""The default backend: one JSON Lines file, ``log.jsonl``, beside ``vocabulary.json``.

An append first writes a journal (``.log.jsonl.pending``) naming the file's size, then the
batch, then removes the journal. A journal found later means an append was interrupted: readers
ignore what lies past the recorded size and the next writer cuts it off, so the log is as it was
before that append, byte for byte. ``fcntl.flock`` on the log file serialises writers.

The cache keeps a *stamp*: what the file was (device, inode, size, modification and change
times; the change time cannot be set back) and its head, when fonds last verified the whole
chain or appended to a file that still matched its stamp. A reader whose file matches the stamp
trusts the chain without reading it; any other file is verified whole before it is used, so an
edit where no view looks is still found. Only an append that found the stamp matching moves it:
an edit made before an append is never blessed by it.
"""

from __future__ import annotations

import errno
import fcntl
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from fonds.log.base import (
    AsOf,
    ByteStore,
    Entry,
    LogStore,
    ScannedEntry,
    vocabulary_hash,
)
from fonds.log.chain import EntryHeader, HeaderError, record_body, split_line
from fonds.log.index import LogIndex
from fonds.model.vocabulary import Vocabulary, VocabularyError, default_vocabulary_bytes
from fonds.problems import LogIntegrityError, NoLogError, Problem, UsageError

__all__ = ["LOG_FILE", "VOCABULARY_FILE", "JsonlLog"]

LOG_FILE = "log.jsonl"
VOCABULARY_FILE = "vocabulary.json"
JOURNAL_FILE = ".log.jsonl.pending"
CACHE_DIR = ".fonds-cache"
STAMP = "log.stamp"
_READ = 1 << 23  # a scan reads the file 8 MiB at a time: a large log is never held whole
_STAMP_MAGIC = "fonds-log-stamp/1"
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
        self.put_pieces(name, [data])

    def put_pieces(self, name: str, pieces: Sequence[bytes]) -> None:
        path = self._path(name)
        temporary: Path | None = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # a name of its own: two readers saving the same blob never write one file
            handle, made = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.", suffix=".tmp")
            temporary = Path(made)
            with os.fdopen(handle, "wb") as stream:
                stream.writelines(pieces)
            temporary.replace(path)
        except OSError:
            if temporary is not None:  # a cache that cannot be written: slower next time
                temporary.unlink(missing_ok=True)

    def remove(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)


class StoredBytes:
    """A log file's bytes up to a limit, read straight into a caller's buffer."""

    def __init__(self, handle: io.RawIOBase, limit: int) -> None:
        self._handle, self._left = handle, limit

    def readinto(self, buffer: memoryview) -> int:
        """Fill the start of ``buffer`` with the bytes that follow those read so far; how
        many (0 at the end)."""
        filled = 0
        while filled < len(buffer) and self._left > 0:
            got = self._handle.readinto(buffer[filled : filled + self._left])
            if not got:
                break
            filled, self._left = filled + got, self._left - got
        return filled


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
        self._writing = False  # this object holds the writers' lock

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
        log = cls(directory)
        log._restamp(_identity(log_path), None)  # an empty log verifies
        return log

    @classmethod
    def open(cls, directory: Path) -> JsonlLog:
        """Open the log in ``directory``."""
        return cls(directory)

    # -- primitives --------------------------------------------------------------------
    def _limit(self) -> int:
        """How many bytes of the file belong to the log (less, during an append).

        A reader takes the writers' lock shared for the moment it reads the journal and the
        size, so it never sees part of a batch: the writer holds the lock exclusively from
        before its journal is written until the batch is whole and the journal gone.
        """
        if self._writing:
            return self._limit_held()
        with self.path.open("rb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            try:
                return self._limit_held()
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _limit_held(self) -> int:
        recorded = self._journal_size()
        return recorded if recorded is not None else self.path.stat().st_size

    def _journal_size(self) -> int | None:
        """The log's size before the append under way, if one is (its journal says)."""
        try:
            return int(self._journal.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def _pieces(self, position: int, limit: int, size: int) -> Iterator[bytes]:
        """The file's bytes from ``position`` up to ``limit``, ``size`` bytes at a time."""
        with self.path.open("rb") as handle:
            handle.seek(position)
            left = max(0, limit - position)
            while left > 0:
                piece = handle.read(min(size, left))
                if not piece:
                    return
                left -= len(piece)
                yield piece

    def _lines(self, position: int = 0) -> Iterator[tuple[bytes, int]]:
        carry, at = b"", position  # the start of a line read but not ended, and where
        for piece in self._pieces(position, self._limit(), _READ):
            data = carry + piece if carry else piece
            start = 0
            while (stop := data.find(b"\n", start)) >= 0:
                yield data[start:stop], at + stop + 1
                start = stop + 1
            carry, at = data[start:], at + start
        # what is left in carry is a torn last line, not an entry (_integrity_problems says so)

    def _line_between(self, start: int, end: int) -> bytes:
        return bytes(self._map(end)[start : end - 1])

    def record_bytes(self, start: int, end: int) -> bytes:
        """The canonical bytes of the record stored between two byte offsets."""
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
            last = _rfind_newline(handle, limit)
            if last != limit - 1 and limit > 0:
                raise LogIntegrityError(self._torn(handle, limit))
            if last < 0:
                return None
            start = _rfind_newline(handle, last) + 1
            handle.seek(start)
            return handle.read(last - start), last + 1

    def _commit(self, lines: Sequence[bytes]) -> int:
        data = b"".join(lines)
        stamped = self.unchanged_since_verified()  # (under the writers' lock)
        with self.path.open("r+b") as handle:
            size = handle.seek(0, os.SEEK_END)
            self._journal.write_text(f"{size}\n")
            _fsync_path(self._journal)
            try:
                _write_all(handle, data)
                handle.flush()
                os.fsync(handle.fileno())
            except BaseException:
                handle.truncate(size)
                handle.flush()
                os.fsync(handle.fileno())
                self._journal.unlink(missing_ok=True)
                raise
            identity = _identity(handle)
        self._journal.unlink(missing_ok=True)
        if stamped and lines:  # the file was as verified, and now holds this batch too
            header, _ = split_line(lines[-1].rstrip(b"\n"))
            self._put_stamp(identity, header, size + len(data))
        return size + len(data)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        with self.path.open("r+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            self._writing = True
            try:
                self._roll_back_interrupted_append()
                yield
            finally:
                self._writing = False
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
            return [self._torn(handle, limit)]

    def _torn(self, handle: BinaryIO, limit: int) -> Problem:
        """The problem of a last line without its newline (counted in bounded reads)."""
        lines = 1
        for begin, end in _data_extents(handle, limit):
            handle.seek(begin)
            left = end - begin
            while left > 0:
                chunk = handle.read(min(left, _TAIL_CHUNK))
                if not chunk:
                    break
                lines += chunk.count(b"\n")
                left -= len(chunk)
        return Problem(
            str(self.path),
            lines,
            "/",
            "torn-line",
            "the last line is incomplete (no newline): an append was cut off or the file "
            "was edited; restore it from a copy or remove the partial line",
        )

    def _vocabulary_location(self) -> str:
        return str(self.directory / VOCABULARY_FILE)

    # -- the stamp ---------------------------------------------------------------------
    def ensure_verified(self) -> None:
        """Verify the whole chain unless the file is as fonds last verified or appended it;
        raise :class:`~fonds.problems.LogIntegrityError` with the first fault."""
        if self.unchanged_since_verified():
            return
        problems = self._integrity_problems()
        if problems:
            raise LogIntegrityError(problems[0])
        for _ in self.scan(0):  # a whole scan stamps the file it checked
            pass

    def entries(self, as_of: AsOf = None, *, start: int = 0) -> Iterator[Entry]:
        """Entries in log order after position ``start``, up to ``as_of``, the chain checked as
        they are read (a trusted load; see :meth:`LogStore.entries`).

        A whole read of a file fonds has not verified (copied, restored, edited) is itself the
        verification: each entry comes once the chain up to it is checked, and a fault anywhere
        raises before the iteration ends. A partial read (``as_of``, ``start``) of such a file
        verifies the whole chain first.
        """
        if as_of is not None or start or self.unchanged_since_verified():
            yield from super().entries(as_of, start=start)
            return
        problems = self._integrity_problems()  # a torn tail, which the scan passes over
        if problems:
            raise LogIntegrityError(problems[0])
        for entry, _ in self._checked(0):  # the scan stamps the file once it reaches the end
            yield entry

    def scan(self, position: int = 0) -> Iterator[ScannedEntry]:
        """Stored entries after ``position``, the chain checked (see :meth:`LogStore.scan`).
        A scan from the first entry to the end has verified the chain: the file is stamped."""
        if position:
            yield from super().scan(position)
            return
        before = _identity(self.path)
        last: EntryHeader | None = None
        end = 0
        for entry in super().scan(0):
            yield entry
            last, end = entry.header, entry.end
        self._restamp(before, last, end)

    @contextmanager
    def stored_bytes(self) -> Iterator[tuple[StoredBytes, tuple[int, ...]]]:
        """The log's stored bytes (without an append under way), to be read into buffers of
        the caller's, and what the file was before they were read: a reader that checks the
        whole chain itself passes the latter to :meth:`stamp_verified`."""
        before = _identity(self.path)
        limit = self._limit()
        with self.path.open("rb", buffering=0) as handle:
            yield StoredBytes(handle, limit), before

    def stamp_verified(
        self, before: tuple[int, ...], last: EntryHeader | None, position: int
    ) -> None:
        """Stamp the file as verified after a whole-chain check of :meth:`stored_bytes` that
        ended at ``last`` (the head) and ``position``, as a whole :meth:`scan` stamps it."""
        self._restamp(before, last, position)

    def unchanged_since_verified(self) -> bool:
        """Whether the log file is as it was when fonds last verified its chain or appended to
        it (then its chain need not be read again): same file, size and times, same head."""
        stamp = _read_stamp(self.cache.get(STAMP))
        if stamp is None:
            return False
        try:
            with self.path.open("rb") as handle:
                if not self._writing:  # an append under way moves the stamp when it ends
                    fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
                try:
                    if _identity(handle) != stamp[0] or self._journal.exists():
                        return False
                    last = self._last_line()
                finally:
                    if not self._writing:
                        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            if last is None:
                return stamp[1:] == ("", 0)
            header, _ = split_line(last[0])
        except (OSError, LogIntegrityError, HeaderError):
            return False
        return stamp[1:] == (header.hash, last[1])

    def _restamp(
        self, before: tuple[int, ...], last: EntryHeader | None, position: int = 0
    ) -> None:
        """Stamp the file as verified, if it is still the one that was (nothing written since
        ``before`` was taken, no append under way)."""
        try:
            if _identity(self.path) != before or self._journal.exists():
                return
        except OSError:
            return
        if before[2] == position:  # nothing past the head (a torn tail is never stamped)
            self._put_stamp(before, last, position)

    def _put_stamp(
        self, identity: tuple[int, ...], last: EntryHeader | None, position: int
    ) -> None:
        fields = [_STAMP_MAGIC, *map(str, identity), last.hash if last else "-", str(position)]
        self.cache.put(STAMP, " ".join(fields).encode() + b"\n")


def _identity(file: Path | BinaryIO) -> tuple[int, ...]:
    """What tells one state of a file from another without reading it."""
    found = os.fstat(file.fileno()) if not isinstance(file, Path) else file.stat()
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


def _read_stamp(data: bytes | None) -> tuple[tuple[int, ...], str, int] | None:
    """A stamp's file identity, head hash ("" for an empty log) and position; None for
    anything else."""
    try:
        fields = (data or b"").decode("ascii").split()
        if len(fields) != 8 or fields[0] != _STAMP_MAGIC:
            return None
        identity = tuple(int(field) for field in fields[1:6])
        head = "" if fields[6] == "-" else fields[6]
        return identity, head, int(fields[7])
    except (UnicodeDecodeError, ValueError):
        return None


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _rfind_newline(handle: BinaryIO, before: int) -> int:
    """The position of the last newline before ``before``, or -1: read backwards in chunks,
    so a long last line (or a tail of NUL bytes) costs time linear in its length."""
    for start, stop in reversed(_data_extents(handle, before)):
        end = stop
        while end > start:
            begin = max(start, end - _TAIL_CHUNK)
            handle.seek(begin)
            found = handle.read(end - begin).rfind(b"\n")
            if found >= 0:
                return begin + found
            end = begin
    return -1


def _data_extents(handle: BinaryIO, limit: int) -> list[tuple[int, int]]:
    """The parts of the file's first ``limit`` bytes that hold data; holes (a sparse tail of
    NUL bytes, blocks a crash left unwritten) read as NUL and hold no newline, so they are
    skipped. The whole range where the file system cannot tell."""
    found: list[tuple[int, int]] = []
    position = 0
    try:
        while position < limit:
            begin = os.lseek(handle.fileno(), position, os.SEEK_DATA)
            if begin >= limit:
                break
            end = min(limit, os.lseek(handle.fileno(), begin, os.SEEK_HOLE))
            found.append((begin, end))
            position = end
    except OSError as exc:  # ENXIO: no data after position; anything else: cannot tell
        if exc.errno != errno.ENXIO:
            return [(0, limit)] if limit > 0 else []
    return found


def _write_all(handle: BinaryIO, data: bytes) -> None:
    """Write a batch (a large write lands in pieces: readers may see any prefix of it)."""
    handle.write(data)
