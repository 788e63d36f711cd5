"""Suggested questions on the citizen chat page: the standard entries of the services asked
about most in recent weeks, never a reference record, a draft or an old month's topic."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy.orm import Session

from dasan.chat import suggestions
from dasan.db.base import utcnow
from dasan.db.models import Consultation, KbEntry
from dasan.db.models_kbquality import KbAnswerability


def _entry(db: Session, title: str, program: str, **kw: object) -> KbEntry:
    e = KbEntry(title=title, program=program, answer=kw.pop("answer", "답변입니다."), **kw)
    db.add(e)
    db.flush()
    return e


def _asked(db: Session, n: int, *, program: str | None = None, entry: KbEntry | None = None,
           days_ago: int = 1) -> None:
    when = utcnow() - timedelta(days=days_ago)
    db.add_all([Consultation(channel="chatbot", started_at=when, program=program,
                             kb_entry_id=entry.id if entry else None) for _ in range(n)])


def test_most_asked_services_first_and_only_answerable_entries(db: Session) -> None:
    card = _entry(db, "기후동행카드 충전 방법", "기후동행카드")
    _entry(db, "기후동행카드 분실 시 환불 절차는 어떻게 되나요?", "기후동행카드")
    bike = _entry(db, "따릉이 대여 방법", "따릉이")
    letter = _entry(db, "수도요금 정산 회신", "수도요금")
    db.add(KbAnswerability(entry_id=letter.id, verdict="reference"))
    _entry(db, "여권 재발급 (초안)", "여권", status="draft")
    _entry(db, "대형폐기물 신고", "대형폐기물")
    _asked(db, 5, entry=bike)                   # the bot answered with it five times
    _asked(db, 9, program="기후동행카드")        # the most asked programme
    _asked(db, 20, program="수도요금")           # only a reference record: never suggested
    _asked(db, 30, program="여권")               # only a draft
    _asked(db, 50, program="대형폐기물", days_ago=60)  # asked, but long ago
    db.commit()
    got = suggestions.popular_questions(db, limit=4)
    # the bot's own answers first, then the programmes by count (shortest standard title)
    assert got == [bike.title, card.title]


def test_an_empty_record_suggests_nothing(db: Session) -> None:
    assert suggestions.popular_questions(db) == []


def test_the_page_shows_the_greeting_and_then_the_suggestions(client, db: Session) -> None:  # type: ignore[no-untyped-def]
    card = _entry(db, "기후동행카드 충전 방법", "기후동행카드")
    _asked(db, 3, program="기후동행카드")
    db.commit()
    suggestions.clear_cache()
    first = client.get("/chat")
    assert first.status_code == 200 and "서울시 120다산콜 챗봇입니다" in first.text
    deadline = time.monotonic() + 10  # the list is computed in the background
    while time.monotonic() < deadline:
        page = client.get("/chat").text
        if card.title in page:
            break
        time.sleep(0.1)
    assert f'data-question="{card.title}"' in page
    suggestions.clear_cache()
