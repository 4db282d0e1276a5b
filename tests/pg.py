"""A PostgreSQL server for the tests.

The server that ``FONDS_TEST_POSTGRES`` names (a ``postgresql://`` URL of a database the tests
may create schemas in), or else a private one: ``initdb`` in a temporary directory, started
with ``pg_ctl`` on a Unix socket in that directory only (no TCP), stopped and removed after the
session. As root, the server runs as the ``postgres`` user (``initdb`` refuses root). Without
either, the PostgreSQL tests are skipped, or fail when ``CI`` is set; a named server that cannot
be reached is an error.

Each test gets a schema of its own (``fonds_schema=t_...``), dropped after it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

URL_VARIABLE = "FONDS_TEST_POSTGRES"
_PORT = 5432  # only names the socket file inside the private directory


class Unavailable(Exception):
    """No server can be had here (the reason is the message)."""


def with_schema(url: str, schema: str) -> str:
    """``url`` with the schema parameter that makes a log live in ``schema``."""
    return f"{url}{'&' if '?' in url else '?'}fonds_schema={schema}"


def new_schema() -> str:
    return f"t_{uuid.uuid4().hex[:16]}"


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _initdb() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve()
    packaged = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return packaged[-1] if packaged else None


def _as_server_user() -> dict[str, Any]:
    """How to run the server's programs: as ``postgres`` when this is root."""
    if os.geteuid() != 0:
        return {}
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise Unavailable(
            "running as root and there is no 'postgres' user to run initdb as"
        ) from None
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


@contextmanager
def private_server(*, durable: bool = False) -> Iterator[str]:
    """Start a throwaway server; yield the URL of its ``postgres`` database; stop it.

    Unless ``durable``, it does not wait for the disk (no fsync, asynchronous commits): only
    a crash of the machine could lose what it holds, and it is thrown away after anyway."""
    initdb = _initdb()
    if initdb is None:
        raise Unavailable(
            f"no PostgreSQL here: neither {URL_VARIABLE} nor initdb "
            "(install Debian's postgresql package)"
        )
    as_user = _as_server_user()
    base = tempfile.gettempdir()
    if len(base) > 60:  # a Unix socket's path is at most 107 bytes
        base = "/tmp"
    directory = Path(tempfile.mkdtemp(prefix="fonds-pg-", dir=base))
    data, logfile = directory / "data", directory / "server.log"
    if as_user:
        os.chown(directory, as_user["user"], as_user["group"])
    run: dict[str, Any] = {"cwd": directory, "capture_output": True, "text": True, **as_user}
    pg_ctl = str(initdb.parent / "pg_ctl")
    try:
        done = subprocess.run(
            [str(initdb), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--locale=C", "--no-sync"],
            **run, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise Unavailable(f"initdb failed: {done.stderr.strip()[-500:]}")
        settings = f"-k {directory} -p {_PORT} -c listen_addresses='' -c max_connections=100"
        if not durable:
            settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        done = subprocess.run(
            [pg_ctl, "-D", str(data), "-l", str(logfile), "-o", settings, "-w", "-t", "60",
             "start"],
            **run, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            log = logfile.read_text(errors="replace")[-800:] if logfile.exists() else ""
            raise Unavailable(f"the server did not start: {done.stderr.strip()} {log}")
        try:
            yield f"postgresql://postgres@/postgres?host={directory}&port={_PORT}"
        finally:
            subprocess.run(
                [pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], **run, check=False
            )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def server() -> Iterator[str]:
    """The URL of a database to test in: ``FONDS_TEST_POSTGRES``'s, or a private server's."""
    given = os.environ.get(URL_VARIABLE)
    if given:
        import psycopg

        try:
            psycopg.connect(given, connect_timeout=10).close()
        except psycopg.Error as exc:  # named but out of reach: an error, never a skip
            raise RuntimeError(f"{URL_VARIABLE}: cannot connect: {exc}") from None
        yield given
        return
    with private_server() as url:
        yield url
