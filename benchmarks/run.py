"""The fonds benchmark: one command, one table, fonds beside the floor and a peer.

    python benchmarks/run.py                      # N = 10k, 100k, 1M
    python benchmarks/run.py --sizes 10000 --json

For each N, on the same generated records, in one fresh process: validated append, fonds
validate, jsonschema, the floor, trusted load and verify; then in another (so the peak of
opening the archive is its own): first build of the views (of the log as fonds verified it, and
of a file it has not), rebuild on the unchanged log, update after appending 100 records, the
latency of the person, place, source, history and conflict views and of a one-day timeline
query (its total and first 100 entries, as a caller reads a page; and every entry read), all
conflicts and every undated fact (up to 1M), peak RSS and bytes per record; and two
references: the floor
(read the log file, decode each line with orjson, nothing else) and the peer (the
eventsourcing library storing the same records as events in SQLite and replaying them).

    python benchmarks/run.py --sizes 10000 --postgres           # also PostgreSQL, own server
    python benchmarks/run.py --postgres postgresql://host/db    # ... or on this database

With ``--postgres`` (or ``FONDS_BENCH_POSTGRES`` naming a database), also: validated append into
a PostgreSQL log, the generated log copied there with ``fonds mirror``, trusted load and first
build of the views from it, how soon a follower (``LogStore.follow``) sees an entry once its
append commits, beside the peer's own PostgreSQL recorder storing and replaying the same
records on the same server. Without a URL a throwaway server is started (Debian's
PostgreSQL, as tests/pg.py does, with its default durability). Each run works in schemas of its
own and drops them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import queue
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # tests.pg, tests.helpers

from generate import AGENT, Generator, write_log

from fonds.log import LogStore
from fonds.log.jsonl import LOG_FILE, STAMP, JsonlLog
from fonds.model.vocabulary import default_vocabulary
from fonds.schema import validator_for
from fonds.validate import Limits, iter_file_lines, validate_lines
from fonds.views import Views
from fonds.views.state import SNAPSHOT

APPEND_BATCH = 10_000
WHOLE_LOG_VIEWS_UP_TO = 1_000_000  # all conflicts and every undated fact: not asked of more
FOLLOWED = 50  # single-record appends whose delivery to a follower is timed


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def _rss_mib() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(path: Path) -> int:
    """Read the file and decode each line with orjson: the least any load must do."""
    loads = orjson.loads
    count = 0
    gc.disable()
    try:
        with path.open("rb") as handle:
            for line in handle:
                loads(line)
                count += 1
    finally:
        gc.enable()
    return count


def trusted_load(log: JsonlLog) -> int:
    count = 0
    gc.disable()
    try:
        for _ in log.entries():
            count += 1
    finally:
        gc.enable()
    return count


def measure_fonds(n: int, directory: Path, append_cap: int) -> dict[str, Any]:
    results: dict[str, Any] = {"n": n}
    log_dir = directory / "log"
    seconds, _ = _timed(lambda: write_log(log_dir, Generator(n).records(n)))
    results["generate_s"] = seconds
    log = JsonlLog(log_dir)
    results["log_bytes"] = (log_dir / LOG_FILE).stat().st_size

    # validated append of the same kind of records into a fresh log
    appended = min(n, append_cap)
    fresh = JsonlLog.init(directory / "append")
    records = list(Generator(n).records(appended))

    def append_all() -> None:
        for start in range(0, len(records), APPEND_BATCH):
            fresh.append(records[start : start + APPEND_BATCH])

    seconds, _ = _timed(append_all)
    results["append_records"] = appended
    results["append_rps"] = appended / seconds

    # fonds validate on a contribution file, against jsonschema on each record alone
    contribution = directory / "contribution.jsonl"
    contribution.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    limits = Limits(max_records=len(records) + 1)
    seconds, report = _timed(
        lambda: validate_lines(iter_file_lines(contribution), default_vocabulary(), None, limits)
    )
    assert report.ok, report.problems[:3]
    results["validate_rps"] = len(records) / seconds

    def jsonschema_each() -> int:
        valid = 0
        for line in contribution.read_bytes().splitlines():
            document = orjson.loads(line)
            valid += validator_for(document["kind"]).is_valid(document)
        return valid

    seconds, valid = _timed(jsonschema_each)
    assert valid == len(records)
    results["jsonschema_rps"] = len(records) / seconds
    results["validate_vs_jsonschema"] = results["validate_rps"] / results["jsonschema_rps"]
    records.clear()
    del report  # its records would inflate the heap that the view measurements run in
    gc.collect()

    seconds, count = _timed(lambda: floor(log_dir / LOG_FILE))
    results["floor_rps"] = count / seconds
    seconds, count = _timed(lambda: trusted_load(log))
    results["load_rps"] = count / seconds
    seconds, problems = _timed(lambda: log.verify())
    assert problems == [], problems
    results["verify_rps"] = n / seconds

    results["peak_writing_mib"] = _peak_mib()
    return results


def _store(log: JsonlLog, records: list[dict[str, Any]]) -> None:
    """Append valid records as stored entries: an append would first build the validation
    index over every entry of a log written by the generator (untimed here, and about ten
    minutes at 10M), and the update measured is the views', not the index's."""
    from tests.helpers import entry_lines

    log.store_entries(entry_lines(log, records))


def measure_views(n: int, directory: Path) -> dict[str, Any]:
    """The views of the log ``measure_fonds`` wrote in ``directory``, in a process of their
    own (so the peak of opening the archive is not that of the appends before it): first
    builds, rebuild, update, then the questions."""
    results: dict[str, Any] = {}
    log_dir = directory / "log"
    JsonlLog(log_dir).ensure_verified()  # as the writing child left it: verified, stamped
    results["peak_before_build_mib"] = _peak_mib()
    before = _rss_mib()
    # the log as fonds verified it (its stamp matches): the build keeps the stored hashes
    seconds, views = _timed(lambda: Views(JsonlLog(log_dir), use_snapshot=True))
    results["build_s"] = seconds
    results["load_and_build_rps"] = n / seconds
    results["state_bytes_per_record"] = (_rss_mib() - before) * 2**20 / n
    results["peak_after_build_mib"] = _peak_mib()
    results["snapshot_bytes_per_record"] = len(views.state.to_bytes()) / n
    del views
    gc.collect()
    # the same log as fonds has not seen it (copied, restored): every hash is recomputed, and
    # the snapshot saved again, as in the first build
    JsonlLog(log_dir).cache.remove(STAMP)
    JsonlLog(log_dir).cache.remove(SNAPSHOT)
    seconds, _ = _timed(lambda: len(Views(JsonlLog(log_dir), use_snapshot=True).state.kinds))
    results["build_unverified_s"] = seconds
    results["load_and_build_unverified_rps"] = n / seconds
    gc.collect()
    seconds, views = _timed(lambda: Views(JsonlLog(log_dir)))
    results["rebuild_s"] = seconds
    people = sorted(p for p in views.state.declarations if p.startswith("person:"))
    sources = sorted(p for p in views.state.declarations if p.startswith("source:"))
    extra = [
        {"kind": "attribute", "schema": 1, "subject": people[i % len(people)],
         "property": "occupation", "value": f"clerk {i}", "confidence": "medium",
         "citations": [{"source": sources[i % len(sources)]}], "recorded_by": AGENT}
        for i in range(100)
    ]  # fmt: skip
    _store(JsonlLog(log_dir), extra)
    del views  # one state at a time, as a reader holds one
    gc.collect()
    seconds, views = _timed(lambda: Views(JsonlLog(log_dir)))
    results["update_s"] = seconds

    rng = random.Random(7)
    people = [p for p in views.state.declarations if p.startswith("person:")]
    samples = [rng.choice(people) for _ in range(20)]
    seconds, _ = _timed(lambda: [views.person(p) for p in samples])
    results["person_ms"] = seconds / len(samples) * 1000
    days = [f"{rng.randint(1700, 1990):04d}-{rng.randint(1, 12):02d}-15" for _ in range(20)]
    # the first date question groups the dated entries by span, once: measured on its own
    seconds, _ = _timed(lambda: views.state.dated_between(0, 0))
    results["span_groups_ms"] = seconds * 1000

    # what a caller does: ask for a day, read how many entries there are and the first page
    def first_page(day: str, as_of: int | None = None) -> int:
        timeline = views.timeline(as_of, date_from=day, date_to=day)
        timeline.page(0, 100)
        return len(timeline)

    # as of the head, each question is on its own: nothing kept from earlier ones
    head = views.state.head_seq
    seconds, sizes = _timed(lambda: [first_page(d, head) for d in days])
    results["one_day_alone_ms"] = seconds / len(days) * 1000
    seconds, sizes = _timed(lambda: [first_page(d) for d in days])
    results["one_day_ms"] = seconds / len(days) * 1000
    results["one_day_entries"] = sum(sizes) / len(sizes)
    seconds, _ = _timed(
        lambda: [len(list(views.timeline(head, date_from=d, date_to=d))) for d in days]
    )
    results["one_day_all_ms"] = seconds / len(days) * 1000
    seconds, sizes = _timed(
        lambda: [len(views.timeline(date_from=d, date_to=d, within=True)) for d in days]
    )
    results["one_day_within_ms"] = seconds / len(days) * 1000
    results["one_day_within_entries"] = sum(sizes) / len(sizes)
    # the lookup alone: which entries overlap the day, before any is looked at
    query = views.at()
    seconds, _ = _timed(lambda: [views.state.dated_between(*query.date_range(d, d)) for d in days])
    results["one_day_lookup_ms"] = seconds / len(days) * 1000

    # the other views, each question on its own (as of the head)
    places = [p for p in views.state.declarations if p.startswith("place:")]
    sources = [p for p in views.state.declarations if p.startswith("source:")]
    questions: list[tuple[str, Callable[[str, int], Any], list[str]]] = [
        ("place", views.place, places),
        ("source", views.source, sources),
        ("history", views.history, people),
        ("subject_conflicts", lambda i, at: views.conflicts(at, subject=i), people),
    ]
    for name, ask, ids in questions:
        asked = [rng.choice(ids) for _ in range(20)]
        start = time.perf_counter()
        for entity in asked:
            ask(entity, head)
        results[f"{name}_ms"] = (time.perf_counter() - start) / len(asked) * 1000
    results["peak_views_mib"] = _peak_mib()
    # last, as they build every fact they find (hundreds of thousands at 1M): their own peak
    if n <= WHOLE_LOG_VIEWS_UP_TO:
        seconds, found = _timed(lambda: views.conflicts(head))
        results["all_conflicts_ms"], results["all_conflicts"] = seconds * 1000, len(found)
        del found
        seconds, found = _timed(lambda: views.undated(head))
        results["undated_ms"], results["undated"] = seconds * 1000, len(found)
        results["peak_whole_log_views_mib"] = _peak_mib()
    return results


def _peer_save_and_replay(n: int, documents: Iterable[dict[str, Any]]) -> tuple[float, float]:
    """The peer (eventsourcing, with the persistence module the environment names): the
    records saved as events of one aggregate every APPEND_BATCH events, then replayed; the
    records per second of each. ``documents`` is consumed inside the timed save."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Archive(Aggregate):
        def __init__(self) -> None:
            self.count = 0

        @event("RecordAppended")
        def append(self, document: dict[str, Any]) -> None:
            self.count += 1

    app: Application[Any] = Application()
    archive = Archive()

    def store() -> None:
        pending = 0
        for document in documents:
            archive.append(document)
            pending += 1
            if pending >= APPEND_BATCH:
                app.save(archive)
                pending = 0
        app.save(archive)

    try:
        seconds, _ = _timed(store)
        save_rps = n / seconds
        gc.disable()
        try:
            seconds, replayed = _timed(lambda: app.repository.get(archive.id))
        finally:
            gc.enable()
        assert replayed.count == n
    finally:
        app.close()
    return save_rps, n / seconds


def measure_peer(n: int, directory: Path) -> dict[str, Any]:
    """eventsourcing 9.x with SQLite: the same records as events of one aggregate."""
    os.environ["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
    os.environ["SQLITE_DBNAME"] = str(directory / "peer.sqlite")
    save_rps, replay_rps = _peer_save_and_replay(n, Generator(n).records(n))
    return {"peer_save_rps": save_rps, "peer_replay_rps": replay_rps}


# -- PostgreSQL -------------------------------------------------------------------------
POSTGRES_VARIABLE = "FONDS_BENCH_POSTGRES"
"""Names a database for the PostgreSQL columns (as ``--postgres URL`` does)."""


def _schema_url(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}fonds_schema={schema}"


def _drop_schemas(url: str, schemas: list[str]) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _load(log: LogStore) -> int:
    count = 0
    gc.disable()
    try:
        for _ in log.entries():
            count += 1
    finally:
        gc.enable()
    return count


def measure_postgres(n: int, directory: Path, append_cap: int, url: str) -> dict[str, Any]:
    """fonds on PostgreSQL: validated append, the generated log copied in, loaded and viewed."""
    from fonds.log.mirror import mirror
    from fonds.log.postgres import PostgresLog

    results: dict[str, Any] = {}
    appending, copied = f"bench_{os.getpid()}_append", f"bench_{os.getpid()}_log"
    try:
        fresh = PostgresLog.init(_schema_url(url, appending))
        records = list(Generator(n).records(min(n, append_cap)))

        def append_all() -> None:
            for start in range(0, len(records), APPEND_BATCH):
                fresh.append(records[start : start + APPEND_BATCH])

        seconds, _ = _timed(append_all)
        results["pg_append_rps"] = len(records) / seconds
        results["pg_follow_ms"] = follow_latency(fresh)
        fresh.close()
        records.clear()
        gc.collect()

        log_dir = directory / "log"
        write_log(log_dir, Generator(n).records(n))
        location = _schema_url(url, copied)
        seconds, _ = _timed(lambda: mirror(JsonlLog(log_dir), location))
        results["pg_mirror_rps"] = n / seconds
        log = PostgresLog(location)
        seconds, count = _timed(lambda: _load(log))
        assert count == n
        results["pg_load_rps"] = n / seconds
        gc.collect()
        seconds, _ = _timed(lambda: Views(PostgresLog(location), use_snapshot=True))
        results["pg_build_s"] = seconds
        results["pg_load_and_build_rps"] = n / seconds
        seconds, _ = _timed(lambda: Views(PostgresLog(location)))
        results["pg_rebuild_s"] = seconds
        log.close()
    finally:
        _drop_schemas(url, [appending, copied])
    return results


def follow_latency(log: LogStore, appends: int = FOLLOWED) -> float:
    """The median time, in milliseconds, from an append's return (its commit) to a follower
    in another thread yielding the entry, over ``appends`` appends of one record each."""
    from fonds.log import open_log

    head = log.head()
    after = 0 if head is None else head.seq
    seen: queue.Queue[float] = queue.Queue()
    reader = open_log(getattr(log, "url", log.location))

    def follow() -> None:
        for entry in reader.follow(after, timeout=60):
            seen.put(time.perf_counter())
            if entry.seq >= after + appends:
                return

    follower = threading.Thread(target=follow)
    follower.start()
    time.sleep(0.5)  # listening
    delays: list[float] = []
    for number in range(appends):
        person = {"kind": "person", "schema": 1, "id": f"person:followed-{number}",
                  "labels": {"en": f"Followed {number}"}, "recorded_by": AGENT}  # fmt: skip
        log.append([person])
        committed = time.perf_counter()
        delays.append(max(0.0, seen.get(timeout=60) - committed))
    follower.join(60)
    getattr(reader, "close", lambda: None)()
    return statistics.median(delays) * 1000


def measure_postgres_peer(n: int, url: str) -> dict[str, Any]:
    """eventsourcing 9.x with its PostgreSQL recorder, on the same server: the same records as
    events of one aggregate, saved every 10,000 events and replayed. The recorder inserts
    through its own database function (POSTGRES_ENABLE_DB_FUNCTIONS): its default path, an
    executemany in pipeline mode, never returns from a save of 1,000 events or more here."""
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(url)
    schema = f"bench_{os.getpid()}_peer"
    _drop_schemas(url, [schema])
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    os.environ.update(
        PERSISTENCE_MODULE="eventsourcing.postgres",
        POSTGRES_DBNAME=str(params.get("dbname") or "postgres"),
        POSTGRES_HOST=str(params.get("host") or "localhost"),
        POSTGRES_PORT=str(params.get("port") or "5432"),
        POSTGRES_USER=str(params.get("user") or os.environ.get("USER", "postgres")),
        POSTGRES_PASSWORD=str(params.get("password") or ""),
        POSTGRES_SCHEMA=schema,
        POSTGRES_ENABLE_DB_FUNCTIONS="yes",
    )
    try:
        documents = list(Generator(n).records(n))
        save_rps, replay_rps = _peer_save_and_replay(n, documents)
    finally:
        _drop_schemas(url, [schema])
    return {"pg_peer_save_rps": save_rps, "pg_peer_replay_rps": replay_rps}


PG_ROWS = [
    ("PostgreSQL: validated append (records/s)", "pg_append_rps", "{:,.0f}"),
    ("PostgreSQL: fonds mirror from a folder (records/s)", "pg_mirror_rps", "{:,.0f}"),
    ("PostgreSQL: trusted load, chain checked (records/s)", "pg_load_rps", "{:,.0f}"),
    ("PostgreSQL: first build: load + views (s)", "pg_build_s", "{:.2f}"),
    ("PostgreSQL: first build: load + views (records/s)", "pg_load_and_build_rps", "{:,.0f}"),
    ("PostgreSQL: rebuild, unchanged log (s)", "pg_rebuild_s", "{:.3f}"),
    ("peer: eventsourcing+PostgreSQL save (records/s)", "pg_peer_save_rps", "{:,.0f}"),
    ("peer: eventsourcing+PostgreSQL replay (records/s)", "pg_peer_replay_rps", "{:,.0f}"),
    ("PostgreSQL: follow, commit to follower, median (ms)", "pg_follow_ms", "{:.1f}"),
    ("ratio: PostgreSQL append / peer save (target ≥ 3)", "pg_append_vs_peer_save", "{:.2f}"),
    ("ratio: PostgreSQL append / jsonschema", "pg_append_vs_jsonschema", "{:.1f}"),
    ("ratio: PostgreSQL trusted load / peer replay", "pg_load_vs_peer_replay", "{:.2f}"),
    ("ratio: PostgreSQL load+build / peer replay", "pg_build_vs_peer_replay", "{:.2f}"),
]


def _child(
    n: int, what: str, append_cap: int, postgres: str | None = None, shared: str | None = None
) -> dict[str, Any]:
    if what == "fonds" and shared:
        return measure_fonds(n, Path(shared), append_cap)
    if what == "views" and shared:
        return measure_views(n, Path(shared))
    directory = Path(tempfile.mkdtemp(prefix=f"fonds-bench-{n}-"))
    try:
        if what == "postgres" and postgres:
            return measure_postgres(n, directory, append_cap, postgres)
        if what == "postgres-peer" and postgres:
            return measure_postgres_peer(n, postgres)
        return measure_peer(n, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run(n: int, append_cap: int, postgres: str | None = None, peers: bool = True) -> dict[str, Any]:
    results: dict[str, Any] = {}
    children = ("fonds", "views", "peer") if peers else ("fonds", "views")
    # the writing child generates the log, the views child opens it: one folder for both
    shared = tempfile.mkdtemp(prefix=f"fonds-bench-{n}-")
    try:
        for what in (*children, *(("postgres", "postgres-peer") if postgres else ())):
            output = subprocess.run(
                [sys.executable, __file__, "--child", what, "--sizes", str(n),
                 "--append-cap", str(append_cap), "--shared", shared,
                 *(("--postgres", postgres) if postgres else ())],
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            results.update(json.loads(output))
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    results["peak_rss_mib"] = max(results["peak_writing_mib"], results["peak_views_mib"])
    if postgres:
        results["pg_append_vs_peer_save"] = results["pg_append_rps"] / results["pg_peer_save_rps"]
        results["pg_append_vs_jsonschema"] = results["pg_append_rps"] / results["jsonschema_rps"]
        results["pg_load_vs_peer_replay"] = results["pg_load_rps"] / results["pg_peer_replay_rps"]
        results["pg_build_vs_peer_replay"] = (
            results["pg_load_and_build_rps"] / results["pg_peer_replay_rps"]
        )
    results["load_build_vs_floor"] = results["load_and_build_rps"] / results["floor_rps"]
    results["load_build_unverified_vs_floor"] = (
        results["load_and_build_unverified_rps"] / results["floor_rps"]
    )
    if peers:
        replay = results["peer_replay_rps"]
        results["load_vs_peer_replay"] = results["load_and_build_rps"] / replay
        results["trusted_load_vs_peer_replay"] = results["load_rps"] / replay
    results["append_vs_jsonschema"] = results["append_rps"] / results["jsonschema_rps"]
    results["rebuild_speedup"] = results["build_s"] / results["rebuild_s"]
    results["update_speedup"] = results["build_s"] / results["update_s"]
    return results


ROWS = [
    ("validated append (records/s)", "append_rps", "{:,.0f}"),
    ("  records appended", "append_records", "{:,}"),
    ("fonds validate, contribution file (records/s)", "validate_rps", "{:,.0f}"),
    ("jsonschema alone, record by record (records/s)", "jsonschema_rps", "{:,.0f}"),
    ("ratio: fonds validate / jsonschema", "validate_vs_jsonschema", "{:.1f}"),
    ("trusted load, chain checked (records/s)", "load_rps", "{:,.0f}"),
    ("fonds verify (records/s)", "verify_rps", "{:,.0f}"),
    ("first build: load + views (s)", "build_s", "{:.2f}"),
    ("first build: load + views (records/s)", "load_and_build_rps", "{:,.0f}"),
    ("  the same, of a file fonds has not verified (s)", "build_unverified_s", "{:.2f}"),
    ("rebuild, unchanged log (s)", "rebuild_s", "{:.3f}"),
    ("update after appending 100 (s)", "update_s", "{:.3f}"),
    ("person view (ms)", "person_ms", "{:.2f}"),
    ("date questions: span groups, built once (ms)", "span_groups_ms", "{:.0f}"),
    ("one-day timeline query: total + first 100 entries (ms)", "one_day_ms", "{:.2f}"),
    ("  the same, each question on its own (ms)", "one_day_alone_ms", "{:.2f}"),
    ("  entries in all (mean)", "one_day_entries", "{:,.0f}"),
    ("  of which the range lookup (ms)", "one_day_lookup_ms", "{:.2f}"),
    ("one-day query, every entry read, on its own (ms)", "one_day_all_ms", "{:.2f}"),
    ("one-day query, dates wholly inside the day (ms)", "one_day_within_ms", "{:.2f}"),
    ("  entries it returns (mean)", "one_day_within_entries", "{:,.1f}"),
    ("place view (ms)", "place_ms", "{:.2f}"),
    ("source view (ms)", "source_ms", "{:.2f}"),
    ("history of a person (ms)", "history_ms", "{:.2f}"),
    ("conflicts of a person (ms)", "subject_conflicts_ms", "{:.2f}"),
    ("all conflicts (ms)", "all_conflicts_ms", "{:,.0f}"),
    ("  conflicts found", "all_conflicts", "{:,}"),
    (
        "undated facts: which, grouped, counted (ms; each fact built as read)",
        "undated_ms",
        "{:,.0f}",
    ),
    ("  undated facts", "undated", "{:,}"),
    ("peak RSS: append, validate, load, verify (MiB)", "peak_writing_mib", "{:,.0f}"),
    ("peak RSS: the views, up to the first build (MiB)", "peak_after_build_mib", "{:,.0f}"),
    ("peak RSS: the views, all questions (MiB)", "peak_views_mib", "{:,.0f}"),
    ("peak RSS (MiB)", "peak_rss_mib", "{:,.0f}"),
    (
        "  then, with all conflicts and every undated fact built (MiB)",
        "peak_whole_log_views_mib",
        "{:,.0f}",
    ),
    ("views in memory, RSS growth (bytes/record)", "state_bytes_per_record", "{:,.0f}"),
    ("views snapshot on disk (bytes/record)", "snapshot_bytes_per_record", "{:,.0f}"),
    ("floor: read + orjson per line (records/s)", "floor_rps", "{:,.0f}"),
    ("peer: eventsourcing+SQLite save (records/s)", "peer_save_rps", "{:,.0f}"),
    ("peer: eventsourcing+SQLite replay (records/s)", "peer_replay_rps", "{:,.0f}"),
    ("ratio: load+build / floor (target ≥ 0.5)", "load_build_vs_floor", "{:.2f}"),
    ("  the same, of a file fonds has not verified", "load_build_unverified_vs_floor", "{:.2f}"),
    ("ratio: trusted load / peer replay (target ≥ 3)", "trusted_load_vs_peer_replay", "{:.2f}"),
    ("ratio: load+build / peer replay", "load_vs_peer_replay", "{:.2f}"),
    ("ratio: validated append / jsonschema (target ≥ 5)", "append_vs_jsonschema", "{:.1f}"),
    ("ratio: first build / rebuild (target ≥ 20)", "rebuild_speedup", "{:.0f}"),
    ("ratio: first build / update (target ≥ 20)", "update_speedup", "{:.0f}"),
]


def table(all_results: list[dict[str, Any]]) -> Iterator[str]:
    header = ["measure", *(f"N = {r['n']:,}" for r in all_results)]
    yield "| " + " | ".join(header) + " |"
    yield "|" + "---|" * len(header)
    postgres = any("pg_append_rps" in r for r in all_results)
    for label, key, form in ROWS + (PG_ROWS if postgres else []):
        cells = [form.format(r[key]) if key in r else "—" for r in all_results]
        yield "| " + " | ".join([label, *cells]) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    parser.add_argument(
        "--append-cap",
        type=int,
        default=100_000,
        help="validated append is measured on at most this many records",
    )
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="private",
        default=os.environ.get(POSTGRES_VARIABLE),
        metavar="URL",
        help="also measure on PostgreSQL: a database URL, or none to start a throwaway server",
    )
    parser.add_argument(
        "--child",
        choices=["fonds", "views", "peer", "postgres", "postgres-peer"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--shared", help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-peers",
        action="store_true",
        help="fonds alone (for sizes whose peer runs would take hours)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        print(json.dumps(_child(sizes[0], args.child, args.append_cap, args.postgres, args.shared)))
        return
    with contextlib.ExitStack() as stack:
        postgres = args.postgres
        if postgres == "private":
            from tests.pg import private_server

            postgres = stack.enter_context(private_server(durable=True))
        results = [run(n, args.append_cap, postgres, not args.no_peers) for n in sizes]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print("\n".join(table(results)))


if __name__ == "__main__":
    main()
