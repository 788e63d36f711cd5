"""Shared fixtures: the real seed data, databases (SQLite and PostgreSQL), the web client.

DB-backed tests take the `database_url` fixture, which runs each of them on SQLite and — when
`DASAN_TEST_POSTGRES_URL` points at a server (`make test` starts one) — again on PostgreSQL.
The schema is migrated once per backend and per session; organisation and demo people are seeded
once; every test starts with the volatile tables emptied.
"""

from __future__ import annotations

import functools
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from dasan.config import default_shared_data, get_settings
from dasan.db import session as db_session
from dasan.db.migrate import upgrade
from dasan.demo import seed_org, seed_people

# A random signing key for this run (the development key is refused outside demo mode); servers
# the tests start inherit it.
os.environ.setdefault("DASAN_SECRET_KEY", secrets.token_urlsafe(32))
# Webhook secrets have no default outside demo mode (the channel answers 503 without one).
for _name in ("SMS_WEBHOOK_SECRET", "MESSENGER_SECRET", "LINE_CHANNEL_SECRET"):
    os.environ.setdefault(f"DASAN_{_name}", secrets.token_urlsafe(24))
# Nor the SMPP bind password (at most 8 characters).
os.environ.setdefault("DASAN_SMPP_PASSWORD", secrets.token_hex(4))
# argon2 at a test cost (1 pass, 1 MiB, 1 lane): the suite logs in hundreds of times, and at the
# production cost (3 passes, 64 MiB, 4 lanes) each login is ~0.3 s of CPU. Same algorithm and code.
for _name, _value in (("TIME_COST", "1"), ("MEMORY_KIB", "1024"), ("PARALLELISM", "1")):
    os.environ.setdefault(f"DASAN_ARGON2_{_name}", _value)
get_settings.cache_clear()

STABLE_TABLES = {"agencies", "users", "teams", "skills", "queues", "agents", "agent_skills",
                 "alembic_version", "complaint_services", "complaint_service_attributes",
                 "complaint_routing_rules"}
POSTGRES_URL = os.environ.get("DASAN_TEST_POSTGRES_URL")
# A throwaway PII key ring for the run (ADR 0005), so tests never write var/pii.keys.
os.environ.setdefault("DASAN_PII_KEYS", "test1:" + __import__("base64").urlsafe_b64encode(
    os.urandom(32)).decode())
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def shared_data_dir() -> Path:
    return default_shared_data()


# Browser-test files whose tests stand alone (each walk logs in afresh and reads only what it
# made), so that xdist may spread them over the browser workers.
E2E_SPREAD = {"test_a11y_e2e.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`scripts/test.sh` runs `--dist loadgroup`), every test that talks to
    the shared Redis server runs in one worker: pub/sub channels and rate-limit keys are global
    to the server, so two workers' tests would read each other's messages. A browser-test
    file's tests run in one worker, in order, on that worker's live server (E2E_SPREAD
    excepted)."""
    for item in items:
        if item.get_closest_marker("e2e") and item.path.name not in E2E_SPREAD:
            item.add_marker(pytest.mark.xdist_group(f"e2e-{item.path.stem}"))
            continue
        callspec = getattr(item, "callspec", None)
        params = callspec.params.values() if callspec else ()
        if (item.get_closest_marker("redis") or "redis_url" in getattr(item, "fixturenames", ())
                or "redis" in params):
            item.add_marker(pytest.mark.xdist_group("redis"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data`; tests that need it are skipped cleanly where it is absent."""
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"seed data not found at {path} (../shared is absent on this machine)")
    return path


def use_database(url: str) -> None:
    """Point settings and the session factory at `url`."""
    os.environ["DASAN_DATABASE_URL"] = url
    get_settings.cache_clear()
    db_session.reset_caches()


def _private_postgres_database(server_url: str) -> str:
    """A fresh database for this test run on the server at `server_url` (so that concurrent
    runs never share tables); dropped at exit."""
    import atexit

    from sqlalchemy.engine import make_url

    name = f"dasan_t{os.getpid()}"
    admin = db_session.make_engine(
        make_url(server_url).set(database="postgres").render_as_string(hide_password=False)
    ).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def _drop() -> None:
        db_session.reset_caches()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    atexit.register(_drop)
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    urls: dict[str, str] = {}
    for backend in BACKENDS:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'dasan-test.db'}"
        else:
            assert POSTGRES_URL
            url = _private_postgres_database(POSTGRES_URL)
        upgrade(url)
        with db_session.session_scope(url) as s:
            seed_org(s)
            seed_people(s, agents=12)
        urls[backend] = url
    return urls


@functools.cache
def _volatile_tables() -> list[Any]:
    """The tables a test may fill, children before parents, the floor counters last (SQLite's
    delete triggers on consultations append to them)."""
    from dasan.db.models import Base

    volatile = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in STABLE_TABLES]
    volatile.sort(key=lambda t: t.name.startswith("floor_counter"))
    return volatile


def _empty_volatile_tables(url: str) -> None:
    """Empty what the last test wrote. On PostgreSQL a reader still finishing the last test's
    work (a server thread's query on the knowledge base) can deadlock with TRUNCATE; the server
    then aborts one of the two, and when it is ours the emptying is tried again."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(5):
        try:
            _empty_volatile_tables_once(url)
            return
        except OperationalError as exc:
            if "deadlock detected" not in str(exc) or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def _empty_volatile_tables_once(url: str) -> None:
    engine = db_session.get_engine(url)
    volatile = _volatile_tables()
    with engine.begin() as conn:
        if url.startswith("postgresql"):
            # TRUNCATE costs PostgreSQL a new file per table, so only the tables the last test
            # wrote to are emptied: those with rows, or whose id sequence has moved.
            names = _written_postgres_tables(conn, [t.name for t in volatile])
            if names:
                conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            # Only the tables with rows (one query), and the floor counters whenever
            # consultations or written threads are deleted (their delete triggers write to
            # them: dasan.db.floor_counters).
            full = _tables_with_rows(conn, [t.name for t in volatile])
            if full & {"consultations", "written_threads"}:
                full |= {t.name for t in volatile if t.name.startswith("floor_counter")}
            for table in volatile:
                if table.name in full:
                    conn.execute(table.delete())
        conn.execute(text("UPDATE agents SET state = 'offline'"))


def _tables_with_rows(conn: Any, names: list[str]) -> set[str]:
    with_rows = " UNION ALL ".join(
        f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM {n})" for n in names)
    return {row[0] for row in conn.execute(text(with_rows))}


def _written_postgres_tables(conn: Any, names: list[str]) -> list[str]:
    """The tables among `names` that hold rows or whose identity/serial sequence was used."""
    written = _tables_with_rows(conn, names)
    moved = conn.execute(text(
        "SELECT DISTINCT d.refobjid::regclass::text FROM pg_sequences s "
        "JOIN pg_class c ON c.relname = s.sequencename AND c.relkind = 'S' "
        "JOIN pg_depend d ON d.objid = c.oid AND d.deptype IN ('a', 'i') "
        "WHERE s.schemaname = current_schema() AND s.last_value IS NOT NULL"))
    written |= {row[0] for row in moved}
    return [n for n in names if n in written]


@pytest.fixture
def redis_url() -> str:
    """The test Redis (`make test` starts one); tests that need it skip without it."""
    url = os.environ.get("DASAN_TEST_REDIS_URL")
    if not url:
        pytest.skip("DASAN_TEST_REDIS_URL not set (start one with scripts/redis.sh)")
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, _migrated: dict[str, str]) -> Iterator[str]:
    """A migrated, seeded database (SQLite, then PostgreSQL), emptied of volatile rows."""
    url = _migrated[request.param]
    use_database(url)
    _empty_volatile_tables(url)
    yield url
    db_session.reset_caches()


@pytest.fixture
def db(database_url: str) -> Iterator[Session]:
    session = db_session.new_session(database_url)
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def app(database_url: str):  # type: ignore[no-untyped-def]
    from dasan import ratelimit
    from dasan.web.app import create_app

    ratelimit.reset()  # login lockouts and rate limits start afresh in every test
    return create_app()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


DEMO_PASSWORD = "dasan1234!"


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """`login("agent1")` logs the test client in as a demo user and returns the client."""

    def _login(username: str):  # type: ignore[no-untyped-def]
        client.cookies.clear()
        client.headers.pop("X-CSRF-Token", None)
        r = client.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.headers["X-CSRF-Token"]  # as the pages' JS does
        return client

    return _login


@pytest.fixture
def citizen_ws(client):  # type: ignore[no-untyped-def]
    """Open the citizen chat socket the way the chat page does: the token goes in the first
    frame, never in the URL. Use as `with citizen_ws(cid, token) as ws:`."""
    from contextlib import contextmanager

    @contextmanager
    def connect(cid: int, token: str, after_seq: int = 0, **kwargs):  # type: ignore[no-untyped-def]
        with client.websocket_connect(f"/api/chat/ws/citizen/{cid}", **kwargs) as ws:
            ws.send_json({"type": "auth", "token": token, "after_seq": after_seq})
            yield ws

    return connect
