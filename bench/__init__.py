"""Benchmarks (`make bench`); helpers shared by several of them."""

from __future__ import annotations


def wipe_postgres(url: str) -> None:
    """Empty a reused PostgreSQL bench database (a fresh `public` schema); SQLite: nothing."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import text

    from dasan.db.session import make_engine

    eng = make_engine(url)
    with eng.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    eng.dispose()
