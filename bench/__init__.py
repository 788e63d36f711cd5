"""Benchmarks (`make bench`); helpers shared by several of them."""

from __future__ import annotations

import os
import secrets

# Servers the benches start need a real signing key (the development key is refused).
os.environ.setdefault("DASAN_SECRET_KEY", secrets.token_urlsafe(32))


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
