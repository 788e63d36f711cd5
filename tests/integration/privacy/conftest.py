"""Privacy tests reuse the chat tests' helpers (small KB, WebSocket reading with a guard)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "chat"))

from chat_helpers import add_kb  # noqa: E402


@pytest.fixture
def kb(db: Session) -> dict[str, int]:
    return add_kb(db)
