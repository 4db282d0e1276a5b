"""A log in a PostgreSQL database, for an archive that several people write to at once.

Locations are ``postgresql://`` (or ``postgres://``) URLs in libpq's form; the log's tables
live in one schema, ``fonds`` unless the URL's ``fonds_schema`` parameter names another
(``postgresql://archive@db.example.org/history?fonds_schema=axis_talks``), so one database can
hold several logs.

How the invariants of :mod:`fonds.log.base` are kept:

* Each entry is a row ``(seq, line)`` of ``entries``: the sequence number and the stored line
  as bytes, exactly as a JSON Lines log would hold it, so both hashes verify byte for byte.
  A trigger refuses any ``UPDATE``, ``DELETE`` or ``TRUNCATE`` of entries.
* One row, ``head``, holds the last entry's sequence, hash and time. An append takes it with
  ``SELECT ... FOR UPDATE`` in its transaction: that serialises writers (a second one waits
  for the first to commit), and the next entries' sequence numbers and ``prev`` hash are
  computed from it inside the transaction, so sequence numbers are gapless and commit in
  their own order.
* The batch is validated, streamed with ``COPY``, the head row and the validation index are
  updated, and the transaction commits: a failure, or a writer killed mid-``COPY``, leaves
  every table as it was.
* Readers never lock. A scan reads the highest committed sequence number first and pages
  through the entries up to it: a committed prefix of the log, never part of a batch, and
  never past an entry still to be committed (no entry can commit behind a later one).
* Each append's transaction sends a notification on the log's channel (``fonds:`` and the
  schema's name, cut to PostgreSQL's 63 bytes), delivered when it commits: followers
  (:meth:`PostgresLog.follow`) listen on it and read on from their cursor when woken.
* Positions are sequence numbers. The vocabulary file's bytes, the validation index and the
  byte store (view snapshots, ...) are tables of the same schema.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any, Self
from urllib.parse import urlsplit, urlunsplit

import orjson
import psycopg
from psycopg import sql

from fonds.log.base import ByteStore, Entry, Head, LogStore, vocabulary_hash
from fonds.log.chain import GENESIS, HeaderError, split_line
from fonds.log.index import LogIndex
from fonds.model.kinds import KINDS
from fonds.model.vocabulary import Vocabulary, VocabularyError, default_vocabulary_bytes
from fonds.problems import (
    ArgumentError,
    FondsError,
    LogIntegrityError,
    NoLogError,
    Problem,
    UsageError,
)
from fonds.validate import Limits, ValidationReport, validate_lines
from fonds.validate.rules import life_date_row

__all__ = ["DEFAULT_SCHEMA", "SCHEMA_PARAMETER", "PostgresLog", "is_postgres_location"]

DEFAULT_SCHEMA = "fonds"
SCHEMA_PARAMETER = "fonds_schema"
"""The URL parameter naming the schema that holds the log (``fonds`` when absent)."""
FORMAT = "1"
_PAGE = 10_000  # entries read per statement by a scan
_SCHEMES = ("postgresql", "postgres")

_CREATE = """
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE {s}.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE {s}.vocabulary (
    one boolean PRIMARY KEY DEFAULT true CHECK (one), data bytea NOT NULL);
CREATE TABLE {s}.head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq bigint NOT NULL, hash text NOT NULL, time text NOT NULL);
CREATE TABLE {s}.entries (seq bigint PRIMARY KEY CHECK (seq > 0), line bytea NOT NULL);
CREATE TABLE {s}.blobs (name text PRIMARY KEY, data bytea NOT NULL);
ALTER TABLE {s}.blobs ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE {s}.index_head (
    one boolean PRIMARY KEY DEFAULT true CHECK (one), seq bigint, hash text, end_position bigint);
CREATE TABLE {s}.index_records (id text COLLATE "C" PRIMARY KEY, seq bigint NOT NULL);
CREATE TABLE {s}.index_entities (
    id text COLLATE "C" PRIMARY KEY, kind text COLLATE "C" NOT NULL, record text NOT NULL);
CREATE INDEX ON {s}.index_entities (kind);
CREATE TABLE {s}.index_life (
    subject text COLLATE "C" NOT NULL, prop text NOT NULL, edtf text NOT NULL, calendar text);
CREATE INDEX ON {s}.index_life (subject);
CREATE FUNCTION {s}.refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the log is append-only: % of an entry refused', TG_OP;
END
$$;
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {s}.entries
    FOR EACH ROW EXECUTE FUNCTION {s}.refuse_rewrite();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON {s}.entries
    FOR EACH STATEMENT EXECUTE FUNCTION {s}.refuse_rewrite();
INSERT INTO {s}.head (seq, hash, time) VALUES (0, {genesis}, '');
INSERT INTO {s}.index_head DEFAULT VALUES;
"""

_STATEMENTS = {
    "vocabulary": "SELECT data FROM {s}.vocabulary",
    "format": "SELECT value FROM {s}.meta WHERE key = 'format'",
    "lock": "SELECT seq, hash FROM {s}.head FOR UPDATE",
    "head_row": "SELECT seq, hash FROM {s}.head",
    "set_head": "UPDATE {s}.head SET seq = %s, hash = %s, time = %s",
    "mark": "SELECT coalesce(max(seq), 0) FROM {s}.entries",
    "page": "SELECT seq, line FROM {s}.entries WHERE seq > %s AND seq <= %s ORDER BY seq LIMIT %s",
    "line": "SELECT line FROM {s}.entries WHERE seq = %s",
    "last": "SELECT line, seq FROM {s}.entries ORDER BY seq DESC LIMIT 1",
    "copy": "COPY {s}.entries (seq, line) FROM STDIN (FORMAT BINARY)",
    "notify": "SELECT pg_notify(%s, %s)",
    "heads": (
        "SELECT h.seq, h.hash, e.seq, e.line FROM {s}.head h LEFT JOIN LATERAL "
        "(SELECT seq, line FROM {s}.entries ORDER BY seq DESC LIMIT 1) e ON true"
    ),
    "blob_get": "SELECT data FROM {s}.blobs WHERE name = %s",
    "blob_put": (
        "INSERT INTO {s}.blobs (name, data) VALUES (%s, %s) "
        "ON CONFLICT (name) DO UPDATE SET data = EXCLUDED.data"
    ),
    "blob_remove": "DELETE FROM {s}.blobs WHERE name = %s",
    "covered": "SELECT seq, hash, end_position FROM {s}.index_head",
    "reset_head": "UPDATE {s}.index_head SET seq = NULL, hash = NULL, end_position = NULL",
    "reset_records": "DELETE FROM {s}.index_records",
    "reset_entities": "DELETE FROM {s}.index_entities",
    "reset_life": "DELETE FROM {s}.index_life",
    # the record ids of entries low..high, read by the server from the stored headers (the id
    # begins 200 bytes after the sequence number's digits); a later entry of an id replaces
    # an earlier one
    "add_records": (
        "INSERT INTO {s}.index_records (id, seq) SELECT DISTINCT ON (id) id, seq FROM ("
        "SELECT convert_from(substring(line FROM length(seq::text) + 201 FOR 64), 'UTF8') AS id,"
        " seq FROM {s}.entries WHERE seq >= %s AND seq <= %s) AS e ORDER BY id, seq DESC "
        "ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq"
    ),
    "add_entities": (
        "INSERT INTO {s}.index_entities (id, kind, record) "
        "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]) "
        "ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, record = EXCLUDED.record"
    ),
    "add_life": (
        "INSERT INTO {s}.index_life (subject, prop, edtf, calendar) "
        "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[])"
    ),
    "set_covered": "UPDATE {s}.index_head SET seq = %s, hash = %s, end_position = %s",
    "entity_kind": "SELECT kind FROM {s}.index_entities WHERE id = %s",
    "declaration_of": "SELECT record FROM {s}.index_entities WHERE id = %s",
    # Many ids: a join with the list, not "= ANY(%s)", whose prepared (generic) plan compares
    # every row with every id. Record ids are sent as one text that the server splits (an
    # array is sent element by element).
    "record_seqs": (
        "SELECT r.id, r.seq FROM unnest(string_to_array(%s, ',')) AS q(id)"
        ' JOIN {s}.index_records r ON r.id = q.id COLLATE "C"'
    ),
    "life_dates": "SELECT prop, edtf, calendar FROM {s}.index_life WHERE subject = %s",
    "entity_ids": "SELECT id FROM {s}.index_entities WHERE kind = %s",
    "entities_of": (
        "SELECT e.id, e.kind, e.record FROM unnest(%s::text[]) AS q(id)"
        ' JOIN {s}.index_entities e ON e.id = q.id COLLATE "C"'
    ),
    "lives_of": (
        "SELECT l.subject, l.prop, l.edtf, l.calendar FROM unnest(%s::text[]) AS q(id)"
        ' JOIN {s}.index_life l ON l.subject = q.id COLLATE "C"'
    ),
}

Connection = psycopg.Connection[Any]


def is_postgres_location(location: str) -> bool:
    """Whether ``location`` names a PostgreSQL log (a ``postgresql://`` or ``postgres://`` URL)."""
    scheme, sep, _ = location.partition("://")
    return bool(sep) and scheme.lower() in _SCHEMES


def split_location(location: str) -> tuple[str, str, str]:
    """A location as (libpq URL without the schema parameter, schema, location for messages:
    the URL without its password)."""
    if not is_postgres_location(location):
        raise UsageError(f"{location}: not a postgresql:// URL")
    parts = urlsplit(location)
    schema = DEFAULT_SCHEMA
    kept: list[str] = []
    for item in parts.query.split("&") if parts.query else []:
        key, _, value = item.partition("=")
        if key == SCHEMA_PARAMETER:
            schema = value
        else:
            kept.append(item)
    name_ok = schema.isascii() and schema.replace("_", "a").isalnum()
    if not name_ok or len(schema) > 63:
        raise UsageError(
            f"{SCHEMA_PARAMETER}={schema!r}: expected a schema name of letters, digits and _"
        )
    conninfo = urlunsplit(parts._replace(query="&".join(kept)))
    shown = parts.netloc
    if parts.password is not None:
        user, _, host = shown.rpartition("@")
        shown = f"{user.partition(':')[0]}:***@{host}"
    return conninfo, schema, urlunsplit(parts._replace(netloc=shown))


def _reason(exc: BaseException) -> str:
    """The first line of a driver's message (its name when it has none)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _connect(conninfo: str, location: str) -> Connection:
    from psycopg.conninfo import conninfo_to_dict

    options: dict[str, Any] = {"autocommit": True}
    try:
        if "connect_timeout" not in conninfo_to_dict(conninfo):
            options["connect_timeout"] = 10
        return psycopg.connect(conninfo, **options)
    except psycopg.Error as exc:
        raise UsageError(f"{location}: cannot connect to PostgreSQL: {_reason(exc)}") from None


class PostgresBytes(ByteStore):
    """Blobs as rows of the log's ``blobs`` table, each replaced in one statement."""

    def __init__(self, log: PostgresLog) -> None:
        self._log = log

    def get(self, name: str) -> bytes | None:
        try:
            row = self._log._reader.execute(
                self._log._sql["blob_get"], (name,), binary=True
            ).fetchone()
        except psycopg.Error:
            return None
        return None if row is None else bytes(row[0])

    def put(self, name: str, data: bytes) -> None:
        with suppress(psycopg.Error):  # a cache that cannot be written: slower next time
            self._log._reader.execute(self._log._sql["blob_put"], (name, bytes(data)))

    def remove(self, name: str) -> None:
        self._log._reader.execute(self._log._sql["blob_remove"], (name,))


class PostgresIndex(LogIndex):
    """The validation index in the log's own tables, updated in the append's transaction."""

    def __init__(self, log: PostgresLog) -> None:  # nothing of the SQLite index is used
        self._log = log

    def close(self) -> None:
        """Nothing to close: the log owns the connections."""

    def _query(self, name: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return self._log._conn().execute(self._log._sql[name], params, prepare=True).fetchall()

    def covered(self) -> tuple[int, str, int] | None:
        row = self._log._conn().execute(self._log._sql["covered"]).fetchone()
        if row is None or row[0] is None:
            return None
        return int(row[0]), str(row[1]), int(row[2])

    def reset(self) -> None:
        conn = self._log._conn()
        with conn.transaction():
            for name in ("reset_records", "reset_entities", "reset_life", "reset_head"):
                conn.execute(self._log._sql[name])

    def add(
        self,
        entries: Iterable[tuple[int, str, dict[str, Any]]],
        head: tuple[int, str, int],
    ) -> None:
        low = high = 0  # the entries given are consecutive, and stored
        entities: dict[str, tuple[str, str]] = {}
        life: list[tuple[str, str, str, str | None]] = []
        for seq, record_id, document in entries:
            low, high = low or seq, seq
            kind = document["kind"]
            if KINDS[kind].entity:
                entities.pop(document["id"], None)  # a later declaration replaces, as in SQLite
                entities[document["id"]] = (kind, record_id)
            elif (row := life_date_row(document)) is not None:
                life.append(row)
        statements = self._log._sql
        conn = self._log._conn()
        with conn.transaction():  # arrays sent binary: the text form costs more to write
            if high:
                conn.execute(statements["add_records"], (low, high))
            if entities:
                conn.execute(
                    statements["add_entities"],
                    (
                        list(entities),
                        [kind for kind, _ in entities.values()],
                        [record for _, record in entities.values()],
                    ),
                    binary=True,
                )
            if life:
                columns = list(zip(*life, strict=True))
                conn.execute(
                    statements["add_life"], [list(column) for column in columns], binary=True
                )
            conn.execute(statements["set_covered"], head)

    def entity_kind(self, entity_id: str) -> str | None:
        rows = self._query("entity_kind", (entity_id,))
        return str(rows[0][0]) if rows else None

    def declaration_of(self, entity_id: str) -> str | None:
        rows = self._query("declaration_of", (entity_id,))
        return str(rows[0][0]) if rows else None

    def record_seqs(self, record_ids: Sequence[str]) -> Mapping[str, int]:
        listed = _listed(record_ids)
        return {str(i): int(s) for i, s in self._query("record_seqs", (listed,))}

    def life_dates(self, person_id: str) -> Sequence[tuple[str, str, str | None]]:
        return [(str(p), str(d), c) for p, d, c in self._query("life_dates", (person_id,))]

    def entity_ids(self, kind: str) -> Iterable[str]:
        return [str(row[0]) for row in self._query("entity_ids", (kind,))]


def _listed(ids: Iterable[str]) -> str:
    """Ids as one comma-separated text for ``string_to_array``; an id with a comma is left out
    (no record id or entity id has one, so it would find nothing)."""
    return ",".join(i for i in dict.fromkeys(ids) if "," not in i)


class _Prefetched:
    """What validation asks of the index about one batch, fetched in two statements: the
    entities and life dates of every entity id the batch's lines hold (validation asks one id
    at a time, a round trip to the server each); anything else is asked of the index."""

    def __init__(
        self, index: PostgresIndex, batch: Sequence[tuple[str, int, bytes]], limits: Limits
    ) -> None:
        self._index = index
        named: set[str] = set()
        for _path, _number, raw in batch[: limits.max_records]:
            if len(raw) <= limits.max_line_bytes:
                named.update(m.decode() for m in _ID_TEXT.findall(raw))
        named = {n for n in named if KINDS.kind_of_id(n) is not None}
        self._named = named
        self._entities: dict[str, tuple[str, str]] = {}
        self._lives: dict[str, list[tuple[str, str, str | None]]] = {}
        if named:
            ids = sorted(named)
            for entity_id, kind, record in index._query("entities_of", (ids,)):
                self._entities[entity_id] = (kind, record)
            for subject, prop, date, calendar in index._query("lives_of", (ids,)):
                self._lives.setdefault(subject, []).append((prop, date, calendar))

    def entity_kind(self, entity_id: str) -> str | None:
        if entity_id in self._named:
            found = self._entities.get(entity_id)
            return None if found is None else found[0]
        return self._index.entity_kind(entity_id)

    def declaration_of(self, entity_id: str) -> str | None:
        if entity_id in self._named:
            found = self._entities.get(entity_id)
            return None if found is None else found[1]
        return self._index.declaration_of(entity_id)

    def life_dates(self, person_id: str) -> Sequence[tuple[str, str, str | None]]:
        if person_id in self._named:
            return self._lives.get(person_id, [])
        return self._index.life_dates(person_id)

    def record_seqs(self, record_ids: Sequence[str]) -> Mapping[str, int]:
        return self._index.record_seqs(record_ids)

    def entity_ids(self, kind: str) -> Iterable[str]:
        return self._index.entity_ids(kind)


_ID_TEXT = re.compile(rb'"([a-z][a-z0-9-]*:[a-z0-9][a-z0-9._-]*)"')
"""A JSON string that may be an entity id (an id written with escapes is asked for alone)."""


class PostgresLog(LogStore):
    """A log in the schema of a PostgreSQL database named by a ``postgresql://`` URL.

    Holds two connections: one for reading (each statement its own snapshot, nothing left
    open) and, once something is appended, one for the writer's transaction. Use it from one
    thread at a time or from several: a write holds a lock of this object, and reads from other
    threads never see its transaction. :meth:`close` (or ``with``) closes the connections.
    """

    def __init__(self, location: str) -> None:
        conninfo, schema, shown = split_location(location)
        self.url = location
        self.schema = schema
        self.channel = f"fonds:{schema}"[:63]  # a schema name is ASCII: 63 bytes at most
        self.location = shown
        self._conninfo = conninfo
        self._reader: Connection = _connect(conninfo, shown)
        self._writer: Connection | None = None
        self._owner: int | None = None
        self._lock = threading.Lock()
        self._sql = {
            name: sql.SQL(text).format(s=sql.Identifier(schema)).as_string(self._reader)
            for name, text in _STATEMENTS.items()
        }
        data = self._stored_vocabulary()
        try:
            self.vocabulary = Vocabulary.from_document(
                orjson.loads(data), self._vocabulary_location()
            )
        except (VocabularyError, ValueError) as exc:
            self.close()
            raise UsageError(f"{self._vocabulary_location()}: {exc}") from None
        self._vocabulary_data = data
        self.vocabulary_hash = vocabulary_hash(data)
        self.cache = PostgresBytes(self)
        self._index = PostgresIndex(self)

    def _stored_vocabulary(self) -> bytes:
        found = self._reader.execute(
            "SELECT to_regclass(%s), to_regclass(%s)",
            (f'"{self.schema}".vocabulary', f'"{self.schema}".entries'),
        ).fetchone()
        if found is None or found[0] is None or found[1] is None:
            self.close()
            raise NoLogError(self.location, f"no log tables in schema {self.schema}")
        (stored_format,) = self._reader.execute(self._sql["format"]).fetchone() or (None,)
        if stored_format != FORMAT:
            self.close()
            raise UsageError(
                f"{self.location}: the log's tables are of format {stored_format}; this fonds "
                f"reads format {FORMAT}"
            )
        row = self._reader.execute(self._sql["vocabulary"], binary=True).fetchone()
        if row is None:
            self.close()
            raise UsageError(f"{self._vocabulary_location()}: missing; every log carries its "
                             "vocabulary")  # fmt: skip
        return bytes(row[0])

    @classmethod
    def init(cls, location: str, vocabulary: bytes | None = None) -> PostgresLog:
        """Create the log's tables (with the default vocabulary unless one is given); refuse
        when the schema already holds a log."""
        conninfo, schema, shown = split_location(location)
        conn = _connect(conninfo, shown)
        data = vocabulary or default_vocabulary_bytes()
        try:
            Vocabulary.from_document(orjson.loads(data), "vocabulary")
        except (VocabularyError, ValueError) as exc:
            conn.close()
            raise UsageError(f"vocabulary: {exc}") from None
        name = sql.Identifier(schema)
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"fonds:{schema}",))
                (found,) = conn.execute(
                    "SELECT to_regclass(%s)", (f'"{schema}".entries',)
                ).fetchone() or (None,)
                if found is not None:
                    raise UsageError(f"{shown}: a log already exists (schema {schema})")
                conn.execute(
                    sql.SQL(_CREATE).format(s=name, genesis=sql.Literal(GENESIS)).as_string(conn)
                )
                conn.execute(
                    sql.SQL("INSERT INTO {}.meta (key, value) VALUES ('format', %s)").format(name),
                    (FORMAT,),
                )
                conn.execute(
                    sql.SQL("INSERT INTO {}.vocabulary (data) VALUES (%s)").format(name), (data,)
                )
        except psycopg.Error as exc:
            raise UsageError(f"{shown}: cannot create the log: {exc}") from None
        finally:
            conn.close()
        return cls(location)

    @classmethod
    def open(cls, location: str) -> PostgresLog:
        return cls(location)

    def close(self) -> None:
        """Close the connections (the log cannot be used after)."""
        self._reader.close()
        if self._writer is not None:
            self._writer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- connections -------------------------------------------------------------------
    def _writing(self) -> bool:
        return self._owner == threading.get_ident()

    def _conn(self) -> Connection:
        """The writer's transaction for the thread that holds it; the reader for others."""
        if self._writing():
            assert self._writer is not None
            return self._writer
        return self._reader

    # -- primitives --------------------------------------------------------------------
    def _pages(self, position: int, rows: int) -> Iterator[list[tuple[int, bytes]]]:
        """The stored rows (sequence number, line) after ``position`` up to the committed
        high-water mark, where a scan stops, ``rows`` at a time."""
        conn = self._conn()
        statements = self._sql
        row = conn.execute(statements["mark"]).fetchone()
        mark = int(row[0]) if row else 0
        while position < mark:
            found = conn.execute(
                statements["page"], (position, mark, rows), binary=True, prepare=True
            ).fetchall()
            if not found:
                return
            yield found
            position = found[-1][0]

    def _lines(self, position: int = 0) -> Iterator[tuple[bytes, int]]:
        for page in self._pages(position, _PAGE):
            for seq, line in page:
                comma = line.find(b",", 7, 27)  # (a malformed line is the scan's to report)
                if comma > 0 and line[7:comma] != str(seq).encode():
                    raise LogIntegrityError(
                        Problem(self.location, None, "/", "sequence-gap",
                                f"row {seq} holds an entry with another sequence number")
                    )  # fmt: skip
                yield line, seq

    def stored_pieces(self, rows: int = 50_000) -> Iterator[bytes]:
        """The stored entries up to the committed high-water mark as a folder log's file holds
        them, a page of ``rows`` lines (each with its newline) at a time: what a build by
        columns reads. Nothing is checked here; the reader checks the chain."""
        for page in self._pages(0, rows):
            yield b"\n".join([line for _, line in page]) + b"\n"

    def _line_between(self, start: int, end: int) -> bytes:
        row = self._conn().execute(self._sql["line"], (end,), binary=True, prepare=True).fetchone()
        if row is None:
            raise LookupError(f"{self.location}: no entry {end}")
        return bytes(row[0])

    def _last_line(self) -> tuple[bytes, int] | None:
        row = self._conn().execute(self._sql["last"], binary=True, prepare=True).fetchone()
        return None if row is None else (bytes(row[0]), int(row[1]))

    def _commit(self, lines: Sequence[bytes]) -> int:
        if not self._writing() or self._writer is None:
            raise RuntimeError("entries are stored only under the writer's lock")
        conn = self._writer
        row = conn.execute(self._sql["head_row"]).fetchone()
        assert row is not None
        expected, prev = int(row[0]) + 1, str(row[1])
        if not lines:
            return expected - 1
        # the lines continue each other (the caller made or checked them): the first must
        # follow the head, and the last becomes it
        stored = [bytes(line[:-1] if line.endswith(b"\n") else line) for line in lines]
        try:
            first, last = split_line(stored[0])[0], split_line(stored[-1])[0]
        except HeaderError as exc:
            raise LogIntegrityError(
                Problem(self.location, None, "/", "malformed-entry", str(exc))
            ) from None
        top = expected + len(stored) - 1
        if first.seq != expected or first.prev != prev or last.seq != top:
            raise LogIntegrityError(
                Problem(self.location, None, "/", "chain-broken",
                        f"entry {first.seq} does not follow entry {expected - 1}")
            )  # fmt: skip
        with conn.cursor() as cursor:
            with cursor.copy(self._sql["copy"]) as copy:
                copy.set_types(["int8", "bytea"])
                self._copy_rows(copy, list(zip(range(expected, top + 1), stored, strict=True)))
            cursor.execute(self._sql["set_head"], (top, last.hash, last.time))
            cursor.execute(self._sql["notify"], (self.channel, str(top)))
        return top

    def _copy_rows(self, copy: psycopg.Copy, rows: Sequence[tuple[int, bytes]]) -> None:
        """Stream the rows of a batch into ``COPY``."""
        write = copy.write_row
        for row in rows:
            write(row)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        if self._writing():  # the thread holding the lock already
            yield
            return
        with self._lock:
            if self._writer is None or self._writer.closed or self._writer.broken:
                self._writer = _connect(self._conninfo, self.location)
            conn = self._writer
            with conn.transaction():
                conn.execute(self._sql["lock"])
                self._owner = threading.get_ident()
                try:
                    yield
                finally:
                    self._owner = None

    def _index_store(self) -> LogIndex:
        return self._index

    # -- following ---------------------------------------------------------------------
    def follow(
        self, after: int = 0, *, timeout: float | None = None, poll: float = 1.0
    ) -> Generator[Entry, None, None]:
        """As :meth:`LogStore.follow`, woken by each append's notification; a connection
        lost on the way is a :class:`~fonds.problems.FondsError` saying so."""
        try:
            yield from super().follow(after, timeout=timeout, poll=poll)
        except psycopg.Error as exc:  # the server went away, or the connection with it
            raise FondsError(
                f"{self.location}: lost the connection to PostgreSQL: {_reason(exc)}"
            ) from None

    def _cursor_after(self, seq: int) -> tuple[int, str]:
        if seq == 0:
            return 0, GENESIS
        try:
            line = self._line_between(seq, seq)
        except LookupError:
            head = self.head()
            held = 0 if head is None else head.seq
            raise ArgumentError(
                "after", seq, f"expected at most {held}, the log's last sequence number"
            ) from None
        try:
            return seq, split_line(line)[0].hash
        except HeaderError as exc:
            raise LogIntegrityError(
                Problem(self.location, None, "/", "malformed-entry", f"entry {seq}: {exc}")
            ) from None

    @contextmanager
    def _wake_ups(self) -> Iterator[Callable[[float], None]]:
        listener = _connect(self._conninfo, self.location)
        try:
            listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))

            def wait(seconds: float) -> None:
                for _ in listener.notifies(timeout=seconds, stop_after=1):
                    pass
                for _ in listener.notifies(timeout=0):  # one look reads every entry announced
                    pass

            yield wait
        finally:
            listener.close()

    def index(self) -> LogIndex:
        """The index, brought up to date under the writer's lock when it lags the log (it is
        kept up to date in every append's transaction, so this is rare)."""
        if self._writing():
            return super().index()
        index, head = self._index, self.head()
        if index.covered() == (None if head is None else (head.seq, head.hash, head.position)):
            return index
        with self._exclusive():
            return super().index()

    def validate(
        self,
        lines: Iterable[tuple[str, int, bytes]],
        limits: Limits = Limits(),  # noqa: B008 - frozen value
    ) -> ValidationReport:
        batch = list(lines)
        index = self.index()
        assert isinstance(index, PostgresIndex)
        return validate_lines(batch, self.vocabulary, _Prefetched(index, batch, limits), limits)

    def append_lines(
        self,
        lines: Iterable[tuple[str, int, bytes]],
        limits: Limits = Limits(),  # noqa: B008 - frozen value
    ) -> list[Entry]:
        self.index()  # a lagging index is brought up to date in a transaction of its own
        return super().append_lines(lines, limits)

    def store_entries(self, lines: Iterable[bytes]) -> Head | None:
        with self._exclusive():
            head = super().store_entries(lines)
            self.index()  # the index covers the copied entries when they commit
            return head

    def _integrity_problems(self) -> list[Problem]:
        row = self._conn().execute(self._sql["heads"], binary=True).fetchone()
        if row is None:
            return [Problem(self.location, None, "/", "head-missing",
                            "the head row is missing: the log's tables were edited")]  # fmt: skip
        head_seq, head_hash, last_seq, last_line = row
        last_hash = GENESIS
        if last_line is not None:
            try:
                last_hash = split_line(bytes(last_line))[0].hash
            except HeaderError as exc:
                return [Problem(self.location, None, "/", "malformed-entry",
                                f"last entry: {exc}")]  # fmt: skip
        if (head_seq, head_hash) != (last_seq or 0, last_hash):
            return [
                Problem(
                    self.location,
                    None,
                    "/",
                    "head-mismatch",
                    f"the head row names entry {head_seq} but the last stored entry is "
                    f"{last_seq or 0}: the log's tables were edited",
                )
            ]
        return []

    def _vocabulary_location(self) -> str:
        return f"{self.location} (vocabulary)"
