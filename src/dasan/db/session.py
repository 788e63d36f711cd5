"""Engine and session factory, chosen by `DASAN_DATABASE_URL`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.compiler import InsertmanyvaluesSentinelOpts

from dasan.config import get_settings


def make_engine(url: str) -> Engine:
    from dasan.db import models
    from dasan.db.base import store_utc

    store_utc(models.Base.metadata)  # aware timestamps are stored as UTC on every backend
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # As many pooled connections as the server has threads (anyio's 40 and the slow
            # pool): with SQLAlchemy's default 5 + 10 overflow, a burst (a reconnect storm)
            # opened and closed a connection - and re-ran the WAL pragmas - for most requests.
            kwargs.update(pool_size=48, max_overflow=16)
    else:
        kwargs.update(pool_size=10, max_overflow=20)
        if url.startswith("postgresql"):
            # Sessions in UTC: a naive value in raw SQL means UTC, as in the columns (ADR 0009).
            kwargs["connect_args"] = {"options": "-c TimeZone=UTC"}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _batch_inserts_returning(engine)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    else:
        _ping_when_idle(engine)
    return engine


def _batch_inserts_returning(engine: Engine) -> None:
    """On SQLite, an INSERT of many rows that must hand back their new ids in the rows' order
    (a flush of many new objects, `insert(...).returning(..., sort_by_parameter_order=True)`)
    goes in multi-row statements, as on PostgreSQL, instead of one statement a row.
    SQLAlchemy does so when the dialect declares its autoincrement ids a usable "implicit
    sentinel": it sorts the returned rows by id. SQLite's SQLAlchemy dialect does not
    declare it (nothing there promises the order of RETURNING rows, which the sort makes
    irrelevant); what the sort needs is that the ids grow in the order of the VALUES rows,
    which SQLite's rowid rule gives (a new row gets one more than the largest rowid; the rows
    of a VALUES list are inserted one after another, in one writer's transaction).
    tests/integration/db/test_sqlite_bulk_insert.py checks the pairing on every batch size.
    The SMS intake bench (bench_channels --only intake) went from ~9.6 to ~1 statement per
    message with it."""
    engine.dialect.insertmanyvalues_implicit_sentinel = (
        InsertmanyvaluesSentinelOpts.ANY_AUTOINCREMENT)


PING_IDLE_SECONDS = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """A pooled connection is pinged at checkout only if it sat in the pool for more than
    `PING_IDLE_SECONDS` (SQLAlchemy's `pool_pre_ping` pings at every checkout: one more round
    trip per transaction, a third of a short transaction's on PostgreSQL). A dead one is
    replaced before it is handed out; one that died within the last seconds fails its
    statement and the pool is invalidated, as without pre-ping."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("checked_in")  # None: connected just now
        if since is None or time.monotonic() - since <= PING_IDLE_SECONDS:
            return
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_conn)
        except dialect.loaded_dbapi.Error as err:
            if dialect.is_disconnect(err, dbapi_conn, None):
                raise exc.DisconnectionError() from err  # the pool connects anew
            raise


_ENGINES: dict[str, Engine] = {}
_FACTORIES: dict[str, sessionmaker[Session]] = {}


def get_engine(url: str | None = None) -> Engine:
    key = url or get_settings().database_url
    if key not in _ENGINES:
        _ENGINES[key] = make_engine(key)
    return _ENGINES[key]


def new_session(url: str | None = None) -> Session:
    key = url or get_settings().database_url
    if key not in _FACTORIES:
        _FACTORIES[key] = sessionmaker(bind=get_engine(key), expire_on_commit=False)
    return _FACTORIES[key]()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A transaction: commit on success, roll back on error."""
    session = new_session(url)
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def pipelined(session: Session, *, commit: bool = False) -> Iterator[None]:
    """On PostgreSQL (psycopg 3), the statements of the block are sent without waiting for each
    answer and the answers are read together at its end (pipeline mode): one round trip for
    all of them. Only for statements whose result is not read - an INSERT or UPDATE without
    RETURNING, an executemany: SQLAlchemy reads a statement's result columns as soon as it
    is sent, which pipeline mode does not have yet. An error of any of them is raised at the
    block's end. With `commit`, the transaction is committed at the block's end, in the same
    round trip (psycopg sees the transaction end; SQLAlchemy's commit after it sends
    nothing). Elsewhere (SQLite, another driver) the statements run one after another as
    usual, and `commit` commits after them."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.driver == "psycopg" and driver is not None:
        with driver.pipeline():
            yield
            if commit:
                driver.execute("COMMIT")
    else:
        yield
    if commit:
        session.commit()


def reset_caches() -> None:
    """Dispose cached engines (tests switch databases between runs)."""
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()
    _FACTORIES.clear()
