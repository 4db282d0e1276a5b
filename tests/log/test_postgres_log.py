"""The PostgreSQL backend: locations, stored bytes, tampering found, one transaction per batch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest

from fonds.log import MemoryLog, init_log, open_log
from fonds.log.chain import entry_line
from fonds.log.postgres import PostgresIndex, PostgresLog, split_location
from fonds.problems import InvalidRecordError, LogIntegrityError, NoLogError, UsageError
from tests.helpers import basics, life, person


@pytest.fixture
def log(postgres_url: str) -> Iterator[PostgresLog]:
    made = PostgresLog.init(postgres_url)
    made.append(basics())
    made.append(
        [person("person:hitler", "Adolf Hitler"), life("person:hitler", "born", "1889-04-20")]
    )
    yield made
    made.close()


def _sql(log: PostgresLog, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(split_location(log.url)[0], autocommit=True) as conn:
        cursor = conn.execute(statement.replace("{s}", f'"{log.schema}"'), params or None)
        return cursor.fetchall() if cursor.description else []


def test_init_and_open_by_url_and_a_second_init_is_refused(postgres_url: str) -> None:
    vocabulary = MemoryLog().vocabulary_bytes().replace(b"Took part.", b"Took part (given).")
    made = init_log(postgres_url, vocabulary)
    assert isinstance(made, PostgresLog) and made.vocabulary_bytes() == vocabulary
    opened = open_log(postgres_url.replace("postgresql://", "postgres://", 1))
    assert isinstance(opened, PostgresLog) and opened.vocabulary_hash == made.vocabulary_hash
    assert opened.head() is None and list(opened.entries()) == [] and opened.verify() == []
    with pytest.raises(UsageError, match="a log already exists"):
        init_log(postgres_url)


def test_a_database_without_a_log_is_no_log(postgres_url: str) -> None:
    with pytest.raises(NoLogError, match="no fonds log here"):
        open_log(postgres_url)
    with pytest.raises(UsageError, match="fonds_schema"):
        open_log(f"{postgres_url}-;drop")


def test_an_unreachable_server_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    url = f"postgresql://nobody@/nothing?host={tmp_path}&port=1"
    with pytest.raises(UsageError, match="cannot connect to PostgreSQL"):
        open_log(url)


def test_the_password_is_not_shown_in_messages() -> None:
    _, schema, shown = split_location("postgresql://archive:s3cret@db.example.org/history")
    assert schema == "fonds" and "s3cret" not in shown and "archive:***@" in shown


def test_each_row_holds_the_stored_line_exactly(log: PostgresLog) -> None:
    rows = _sql(log, "SELECT seq, line FROM {s}.entries ORDER BY seq")
    scanned = list(log.scan())
    assert [seq for seq, _ in rows] == [s.header.seq for s in scanned] == list(range(1, 7))
    assert [bytes(line) for _, line in rows] == [entry_line(s.header, s.body) for s in scanned]
    memory = MemoryLog()
    memory.store_entries(bytes(line) for _, line in rows)
    assert memory.verify(deep=True) == []


def test_entries_cannot_be_rewritten_or_removed(log: PostgresLog) -> None:
    for statement in (
        "UPDATE {s}.entries SET line = line WHERE seq = 2",
        "DELETE FROM {s}.entries WHERE seq = 6",
        "TRUNCATE {s}.entries",
    ):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            _sql(log, statement)
    assert log.verify() == []


def test_a_changed_byte_is_found_and_its_entry_named(log: PostgresLog) -> None:
    _sql(log, "ALTER TABLE {s}.entries DISABLE TRIGGER append_only")
    _sql(
        log,
        "UPDATE {s}.entries SET line = convert_to(replace(convert_from(line, 'UTF8'), "
        "'Molotov', 'Molotow'), 'UTF8') WHERE seq = 3",
    )
    problems = log.verify()
    assert [(p.code, p.message) for p in problems] == [
        ("record-hash-mismatch", "entry 3: the record does not match its hash")
    ]


def test_a_head_row_that_disagrees_with_the_entries_blocks_appends(log: PostgresLog) -> None:
    _sql(log, "UPDATE {s}.head SET seq = 5")
    assert [p.code for p in log.verify()] == ["head-mismatch"]
    with pytest.raises(LogIntegrityError):
        log.append([person("person:stalin", "Joseph Stalin")])
    assert _sql(log, "SELECT count(*) FROM {s}.entries") == [(6,)]


def test_a_failure_after_copy_leaves_every_table_as_it_was(
    log: PostgresLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = ("entries", "head", "index_records", "index_entities", "index_life", "index_head")

    def contents() -> list[list[tuple[Any, ...]]]:
        return [_sql(log, f"SELECT * FROM {{s}}.{table} ORDER BY 1") for table in tables]

    before = contents()

    def failing(*args: object) -> None:
        raise RuntimeError("the index could not be written")

    monkeypatch.setattr(PostgresIndex, "add", failing)
    with pytest.raises(RuntimeError):
        log.append([person("person:stalin", "Joseph Stalin")])
    assert contents() == before
    monkeypatch.undo()
    assert log.append([person("person:stalin", "Joseph Stalin")])[0].seq == 7
    assert log.verify(deep=True) == []


def test_the_index_lives_in_the_database_and_is_rebuilt_when_lost(
    log: PostgresLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _sql(log, "SELECT count(*) FROM {s}.index_records") == [(6,)]
    assert _sql(log, "SELECT seq FROM {s}.index_head") == [(6,)]
    _sql(log, "DELETE FROM {s}.index_entities")
    _sql(log, "UPDATE {s}.index_head SET seq = NULL")
    with pytest.raises(InvalidRecordError) as caught:
        PostgresLog(log.url).append([person("person:hitler", "Adolf Hitler, again")])
    assert caught.value.problems[0].code == "duplicate-id"
    assert _sql(log, "SELECT count(*) FROM {s}.index_entities") == [(4,)]
    assert list(tmp_path.iterdir()) == []  # nothing written beside the database


def test_ids_written_with_escapes_are_still_found_in_the_log(log: PostgresLog) -> None:
    def escaped(document: dict[str, Any]) -> bytes:
        return orjson.dumps(document).replace(b'"person:hitler"', b'"person\\u003ahitler"')

    again = person("person:hitler", "Adolf Hitler, again")
    with pytest.raises(InvalidRecordError) as caught:
        log.append_lines([("c.jsonl", 1, escaped(again))])
    assert [p.code for p in caught.value.problems] == ["duplicate-id"]
    with pytest.raises(InvalidRecordError) as caught:
        log.append_lines([("c.jsonl", 1, escaped(life("person:hitler", "died", "1880")))])
    assert [p.code for p in caught.value.problems] == ["date-incoherent"]
    died = log.append_lines([("c.jsonl", 1, escaped(life("person:hitler", "died", "1945-04-30")))])
    assert died[0].document["subject"] == "person:hitler" and log.verify(deep=True) == []


def test_tables_of_another_format_are_not_read(log: PostgresLog) -> None:
    _sql(log, "UPDATE {s}.meta SET value = '2' WHERE key = 'format'")
    with pytest.raises(UsageError, match="of format 2; this fonds reads format 1"):
        PostgresLog(log.url)


def test_an_entry_moved_to_another_row_is_found(log: PostgresLog) -> None:
    _sql(log, "ALTER TABLE {s}.entries DISABLE TRIGGER append_only")
    _sql(log, "UPDATE {s}.entries SET seq = 60 WHERE seq = 6")
    _sql(log, "UPDATE {s}.head SET seq = 60")
    problems = log.verify()
    assert [p.code for p in problems] == ["sequence-gap"]
    assert problems[0].message == "row 60 holds an entry with another sequence number"
