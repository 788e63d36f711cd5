"""Near-twin entries in the chat: two entries of one programme on nearly the same question.
When the question does not tell them apart the bot answers with neither and offers both as
related entries (the citizen picks); a question with a word of one twin's own gets that one."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat import bot
from dasan.db.models import Agency, KbEntry

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SHARED = "꿈나래통장 배우자 가구원 여부"
TWINS = {
    "꿈나래통장, 배우자 가구원 여부 (별거)":
        "별거 사실이 확인되면 별거 배우자는 가구원에서 제외합니다.",
    "꿈나래통장, 배우자 가구원 여부 (주소 다름)":
        "주소가 달라도 배우자는 가구원으로 봅니다.",
}


def add_twins(db: Session) -> dict[str, int]:
    owner = db.scalars(select(Agency.id).where(Agency.code == "city-transport")).one()
    ids = {}
    for title, answer in TWINS.items():
        e = KbEntry(title=title, category="복지", owner_agency_id=owner, answer=answer,
                    question_variants=[SHARED], status="published",
                    review_due=date(2031, 1, 31))
        db.add(e)
        db.flush()
        ids[title] = e.id
    db.commit()
    return ids


def test_twins_the_question_does_not_tell_apart_are_both_offered(db: Session,
                                                                 kb: dict[str, int]) -> None:
    twins = add_twins(db)
    reply = bot.respond(db, SHARED)
    assert reply.kind == "related", reply.body
    assert reply.flags["reason"] == "near_twin"
    assert set(twins.values()) <= {r["id"] for r in reply.flags["related"]}
    # a question with a word of one twin's own (별거) is answered with that twin
    sep = bot.respond(db, "꿈나래통장 별거 배우자 가구원 여부")
    assert sep.kind == "answer", sep.body
    assert sep.flags["entry"]["id"] == twins[next(iter(TWINS))]
