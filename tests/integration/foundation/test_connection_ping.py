"""Pooled PostgreSQL connections are pinged only after they sat idle: a connection the server
dropped while it waited in the pool is replaced before anyone gets it, and one checked out
again at once is handed over without a ping (no extra round trip per transaction)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from dasan.db import session as db_session
from dasan.db.session import make_engine


def _pid(conn: Any) -> int:
    return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_dropped_while_idle_is_replaced_and_a_busy_one_is_not_pinged(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server connection to lose")
    engine = make_engine(database_url)
    pings: list[int] = []
    original = engine.dialect.do_ping

    def counted_ping(dbapi_conn: Any) -> bool:
        pings.append(1)
        return original(dbapi_conn)

    monkeypatch.setattr(engine.dialect, "do_ping", counted_ping)
    try:
        with engine.connect() as conn:
            first = _pid(conn)
        with engine.connect() as conn:  # checked in a moment ago: no ping, same connection
            assert _pid(conn) == first
        assert pings == []

        other = make_engine(database_url)
        try:
            with other.begin() as conn:  # the server drops the idle pooled connection
                assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": first}
                                    ).scalar_one()
        finally:
            other.dispose()
        monkeypatch.setattr(db_session, "PING_IDLE_SECONDS", 0.0)  # it has sat idle "long"
        with engine.connect() as conn:  # pinged, found dead, replaced: the query works
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
            assert _pid(conn) != first
        assert len(pings) >= 1
    finally:
        engine.dispose()
