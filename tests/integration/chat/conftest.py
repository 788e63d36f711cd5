"""Fixtures for chat tests: a small knowledge base and helpers to open chats."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import Agency, KbEntry

KB_FILE = Path(__file__).with_name("kb_small.json")


def add_kb(db: Session) -> dict[str, int]:
    """Insert the small test knowledge base (title -> entry id)."""
    agencies = {code: aid for aid, code in db.execute(select(Agency.id, Agency.code))}
    ids: dict[str, int] = {}
    for item in json.loads(KB_FILE.read_text(encoding="utf-8")):
        e = KbEntry(title=item["title"], category=item["category"],
                    owner_agency_id=agencies[item["owner"]], answer=item["answer"],
                    question_variants=item["question_variants"], status="published",
                    review_due=date(2031, 1, 31))
        db.add(e)
        db.flush()
        ids[e.title] = e.id
    db.commit()
    return ids


@pytest.fixture
def kb(db: Session) -> dict[str, int]:
    return add_kb(db)


def start(client: Any) -> tuple[int, dict[str, str]]:
    r = client.post("/api/chat/sessions", json={"language": "ko"})
    assert r.status_code == 201, r.text
    data = r.json()
    return int(data["consultation_id"]), {"X-Chat-Token": data["token"]}
