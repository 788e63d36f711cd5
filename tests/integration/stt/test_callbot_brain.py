"""The callbot's decision on a heard question: answer from the KB only when the chatbot's
calibrated threshold allows, hand off on request or when unsure, with guesses and a queue.
Here on the lexical index (DASAN_EMBEDDER=none) with its own calibrated policy; the dense
path's quality is measured by bench/bench_voice_ai.py and bench/bench_answer.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.callbot.brain import answerable_speeches, decide, speech_for
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
    # Without the dense embedder the bot answers on the lexical index with its own policy...
    near = decide(db, "어 그 따릉이 요금 얼마예요")
    assert near.kind == "answer" and near.question == "따릉이 요금 얼마예요"
    assert near.speech.startswith("따릉이 대여 요금.") and "1,000원" in near.speech
    assert near.speech == speech_for(
        "따릉이 대여 요금", "따릉이 1시간 이용권은 1,000원이며 앱에서 결제합니다.")
    assert (near.entry_id, near.speech) in answerable_speeches(db)  # the gateway pre-renders it
    # ... and hands off, with its guesses and the queue of the best one, when unsure.
    other = decide(db, "여권 분실 경찰서 신고와 대사관 연락 그리고 항공권 변경 방법")
    assert other.kind == "handoff"
    assert other.guesses[0]["title"] == "여권 발급 서류" and other.queue == "welfare_admin"
    assert decide(db, "부산 동백전 충전은 어떻게 해요").kind == "handoff"  # another city
