"""Fixtures for the complaints tests: an Open311 API key and photos on a temporary disk."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dasan.config import get_settings

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _photo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DASAN_COMPLAINTS_PHOTO_DIR", str(tmp_path / "photos"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def api_key(database_url: str, shared_data: Path) -> str:
    from dasan.complaints.clients import issue_key
    from dasan.db.session import session_scope

    with session_scope(database_url) as s:
        return issue_key(s, "test app")
