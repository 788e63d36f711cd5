"""Small talk in the chat: a greeting, thanks or a joke gets the bot's small-talk line and an
offer to help with the city's services, never an entry of the knowledge base, no gap record,
and it does not count as a miss; a question about a service is answered as before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chat_helpers import bot_reply
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.callbot import brain
from dasan.chat import bot, hub
from dasan.db.models_kbquality import KbGapEvent
from dasan.knowledge import smalltalk

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

TALK = ["안녕하세요", "심심해", "오늘 너무 우울해", "너 이름이 뭐야?", "고마워요", "농담 해줘",
        "배고파", "나랑 놀자", "여자친구랑 헤어졌어", "잘 자", "사랑해", "수고하세요"]
SERVICE = ["따릉이 대여 요금", "따릉이 빌리는 데 얼마예요?", "전입신고는 어디서 하나요?",
           "자동차세 납부 기한이 언제예요?", "주민등록등본 인터넷 발급", "불법 주정차 신고 방법",
           "청년 월세 지원 신청 자격", "대형폐기물 배출 신고는 어떻게 해?", "여권 재발급 준비물",
           "수도요금 이사 정산", "기초연금 신청", "공공자전거 회원가입"]


@pytest.fixture(autouse=True)
def recogniser() -> Iterator[smalltalk.SmallTalkModel]:
    """A small recogniser of this test's own (the shipped one is trained from shared data)."""
    model = smalltalk.train(TALK * 3, SERVICE * 3)
    with smalltalk.using(model):
        yield model


def test_small_talk_gets_a_small_talk_line_never_an_entry(db: Session,
                                                          kb: dict[str, int]) -> None:
    gaps = int(db.scalar(select(func.count(KbGapEvent.id))) or 0)
    cid = int(hub.open_chat(db).result["consultation_id"])
    hello = bot_reply(db, cid, "안녕하세요")
    assert hello.flags["kind"] == "smalltalk" and "entry" not in hello.flags
    assert hello.body == bot.SMALLTALK_KO["greeting"]
    assert hello.flags["offer_handoff"]
    # two small-talk lines in a row: no "no answer twice" handoff, and no gap records
    joke = bot_reply(db, cid, "농담 해줘")
    assert (joke.flags["kind"], joke.body) == ("smalltalk", bot.SMALLTALK_KO["other"])
    assert bot_reply(db, cid, "고마워요").body == bot.SMALLTALK_KO["thanks"]
    assert int(db.scalar(select(func.count(KbGapEvent.id))) or 0) == gaps
    # a question about a service in the same chat is answered from the knowledge base
    answer = bot_reply(db, cid, "따릉이 빌리는 데 얼마예요?")
    assert answer.flags["kind"] == "answer", answer.body
    assert answer.flags["entry"]["id"] == kb["따릉이 대여 요금"]
    hub.citizen_leave(db, cid)


def test_without_the_recogniser_small_talk_is_a_miss_as_before(db: Session,
                                                                kb: dict[str, int]) -> None:
    smalltalk.set_model(None)
    reply = bot.respond(db, "농담 해줘")
    assert reply.kind in ("miss", "related") and reply.body != bot.SMALLTALK_KO["other"]


def test_the_callbot_hands_small_talk_to_a_person(db: Session, kb: dict[str, int]) -> None:
    turn = brain.decide(db, "심심해")
    assert turn.kind == "handoff" and turn.entry_id is None

