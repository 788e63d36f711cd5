"""The assistant follows the conversation: a change of subject changes the recommendations."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dasan.assist import recommend
from dasan.chat import hub


def test_recommendations_follow_the_latest_turn(db: Session, kb: dict[str, int]) -> None:
    cid = int(hub.open_chat(db).result["consultation_id"])
    hub.store_citizen_message(db, cid, "기후동행카드 환불하고 싶어요", None)
    first = recommend.for_chat(db, cid)
    assert first and first[0].title == "기후동행카드 환불 방법"
    hub.store_citizen_message(db, cid, "그리고 따릉이 대여 요금은 얼마인가요?", None)
    assert recommend.for_chat(db, cid)[0].title == "따릉이 대여 요금"
    hub.store_citizen_message(db, cid, "1시간이면요?", None)  # short: keeps its context
    assert "따릉이" in recommend.query_for_chat(db, cid)
