"""The callbot's decision on a heard question: answer from the KB only when the chatbot's
calibrated threshold allows, hand off on request or when unsure, with guesses and a queue.
(The answer path needs the dense embedder: bench/bench_voice_ai.py measures it.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.callbot.brain import decide
from dasan.db.models import Agency, KbEntry

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(autouse=True)
def lexical(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from dasan.config import get_settings

    monkeypatch.setenv("DASAN_EMBEDDER", "none")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def add(db: Session, title: str, category: str, answer: str, variants: list[str]) -> int:
    agency = db.scalar(select(Agency.id).limit(1))
    e = KbEntry(title=title, category=category, owner_agency_id=agency, answer=answer,
                question_variants=variants, status="published", review_due=date(2031, 1, 31))
    db.add(e)
    db.commit()
    return e.id


def test_answer_handoff_and_unclear(db: Session) -> None:
    add(db, "따릉이 대여 요금", "교통", "따릉이 1시간 이용권은 1,000원이며 앱에서 결제합니다.",
        ["따릉이 요금 얼마예요", "따릉이 빌리는 돈"])
    add(db, "여권 발급 서류", "행정", "여권 발급에는 신분증과 여권용 사진 1매가 필요합니다.",
        ["여권 만들 때 뭐 필요해요"])
    asked = decide(db, "상담사 연결해 주세요")
    assert asked.kind == "handoff" and asked.speech == ""
    assert decide(db, "음 어").kind == "unclear"
    # Without the dense embedder the calibrated confidence stays under the threshold: the
    # bot does not answer, it hands off with its guesses and the queue of the best one.
    near = decide(db, "어 그 따릉이 요금 얼마예요")
    assert near.kind == "handoff" and near.question == "따릉이 요금 얼마예요"
    assert near.guesses[0]["title"] == "따릉이 대여 요금" and near.queue == "transport"
    other = decide(db, "여권 만들 때 뭐 필요해요")
    assert other.guesses[0]["title"] == "여권 발급 서류" and other.queue == "welfare_admin"
