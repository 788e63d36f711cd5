"""Fixtures for chat tests: a small knowledge base."""

from __future__ import annotations

import pytest
from chat_helpers import add_kb
from sqlalchemy.orm import Session


@pytest.fixture
def kb(db: Session) -> dict[str, int]:
    return add_kb(db)
