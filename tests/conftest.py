"""Shared fixtures: the real seed data, databases (SQLite and PostgreSQL), the web client."""

from __future__ import annotations

from pathlib import Path

import pytest

from dasan.config import default_shared_data


def shared_data_dir() -> Path:
    return default_shared_data()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data`; tests that need it are skipped cleanly where it is absent."""
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"seed data not found at {path} (../shared is absent on this machine)")
    return path
