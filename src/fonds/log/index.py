"""What validation needs to know of a log, kept in SQLite so an append never reads the log.

The index is derived: it stores the head it covers (sequence, hash, position) and how many
records and entities it holds, and is brought up to date from that position, or rebuilt when it
does not match the log. A file that is not a database, or whose rows do not add up to what it
claims to cover (a row deleted by hand), is rebuilt, with a notice; deleting it is safe.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fonds.model.kinds import KINDS
from fonds.validate.rules import life_date_row

__all__ = ["LogIndex"]


_LOG = logging.getLogger("fonds")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entities (id TEXT PRIMARY KEY, kind TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (id TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS life (subject TEXT NOT NULL, prop TEXT NOT NULL, date TEXT NOT NULL,
                                 calendar TEXT);
CREATE INDEX IF NOT EXISTS life_subject ON life (subject);
CREATE INDEX IF NOT EXISTS entities_kind ON entities (kind);
"""


class LogIndex:
    """Entity ids, record ids and life dates of a log, up to a stored head."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._checked = False
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError as exc:
            _LOG.warning("%s: the index could not be read (%s); rebuilding it", path, exc)
            self._discard()
            self._db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(self._path) if self._path is not None else ":memory:")
        try:
            db.executescript(_SCHEMA)
            db.execute("SELECT key, value FROM meta").fetchall()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _discard(self) -> None:
        if self._path is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self._path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    # -- the covered head --------------------------------------------------------------
    def covered(self) -> tuple[int, str, int] | None:
        """(sequence, entry hash, position after it) that the index covers, if any; None for
        an index whose rows do not add up to what it claims (counted once per process)."""
        try:
            rows = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
            if "seq" not in rows:
                return None
            head = int(rows["seq"]), str(rows["hash"]), int(rows["position"])
            if not self._checked:
                counted = self._db.execute(
                    "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM entities)"
                ).fetchone()
                if (counted[0], counted[1]) != (head[0], int(rows.get("entities", -1))):
                    _LOG.warning("%s: the index does not add up; rebuilding it", self._path)
                    return None
                self._checked = True
        except (sqlite3.DatabaseError, ValueError, KeyError) as exc:
            _LOG.warning("%s: the index could not be read (%s); rebuilding it", self._path, exc)
            self._db.close()
            self._discard()
            self._db = self._connect()
            return None
        return head

    def reset(self) -> None:
        """Forget everything (before a rebuild)."""
        with self._db:
            for table in ("meta", "entities", "records", "life"):
                self._db.execute(f"DELETE FROM {table}")
        self._checked = True

    def add(
        self,
        entries: Iterable[tuple[int, str, dict[str, Any]]],
        head: tuple[int, str, int],
    ) -> None:
        """Add ``(seq, record id, document)`` entries and mark ``head`` as covered."""
        records: list[tuple[str, int]] = []
        declared: list[tuple[str, str, str]] = []
        life: list[tuple[str, str, str, str | None]] = []
        for seq, record_id, document in entries:
            records.append((record_id, seq))
            kind = document["kind"]
            if KINDS[kind].entity:
                declared.append((document["id"], kind, record_id))
            elif (row := life_date_row(document)) is not None:
                life.append(row)
        with self._db:  # one statement a table, its rows in log order (a later one replaces)
            self._db.executemany("INSERT OR REPLACE INTO records (id, seq) VALUES (?, ?)", records)
            self._db.executemany(
                "INSERT OR REPLACE INTO entities (id, kind, record) VALUES (?, ?, ?)", declared
            )
            self._db.executemany("INSERT INTO life VALUES (?, ?, ?, ?)", life)
            seq, entry_hash, position = head
            (entities,) = self._db.execute("SELECT count(*) FROM entities").fetchone()
            self._db.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [
                    ("seq", str(seq)),
                    ("hash", entry_hash),
                    ("position", str(position)),
                    ("entities", str(entities)),
                ],
            )

    # -- the Known protocol -------------------------------------------------------------
    def entity_kind(self, entity_id: str) -> str | None:
        row = self._db.execute("SELECT kind FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return None if row is None else str(row[0])

    def declaration_of(self, entity_id: str) -> str | None:
        row = self._db.execute("SELECT record FROM entities WHERE id = ?", (entity_id,)).fetchone()
        return None if row is None else str(row[0])

    def record_seqs(self, record_ids: Sequence[str]) -> Mapping[str, int]:
        found: dict[str, int] = {}
        unique = list(dict.fromkeys(record_ids))
        for start in range(0, len(unique), 500):  # SQLite's limit on bound parameters
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT id, seq FROM records WHERE id IN ({marks})"
            found.update((str(i), int(s)) for i, s in self._db.execute(query, chunk))
        return found

    def life_dates(self, person_id: str) -> Sequence[tuple[str, str, str | None]]:
        return [
            (str(p), str(d), c)
            for p, d, c in self._db.execute(
                "SELECT prop, date, calendar FROM life WHERE subject = ?", (person_id,)
            )
        ]

    def entity_ids(self, kind: str) -> Iterable[str]:
        return [
            str(r[0]) for r in self._db.execute("SELECT id FROM entities WHERE kind = ?", (kind,))
        ]
