"""Small talk on a written channel: the bot replies with its small-talk line (SMS: within the
budget) and no entry; the thread counts as answered by the bot, the consultation gets no
entry; a question about a service on the same channel is still answered with its entry."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels import written_bot
from dasan.channels.intake import take_inbound
from dasan.channels.sms.encoding import byte_length
from dasan.channels.translation.port import NoTranslator, Translation
from dasan.chat import bot
from dasan.db.models import Consultation
from dasan.db.models import Message as MessageBody
from dasan.db.models_channels import ChannelMessage
from dasan.knowledge import smalltalk

TALK = ["안녕하세요", "심심해", "오늘 너무 우울해", "너 이름이 뭐야?", "고마워요", "농담 해줘",
        "배고파", "나랑 놀자", "여자친구랑 헤어졌어", "잘 자", "사랑해", "수고하세요"]
SERVICE = ["따릉이 대여 요금", "따릉이 빌리는 데 얼마예요?", "기후동행카드 구매 방법",
           "기후동행카드 환불 방법", "여권 발급 준비물", "전입신고는 어디서 하나요?",
           "자동차세 납부 기한이 언제예요?", "주민등록등본 인터넷 발급", "불법 주정차 신고 방법",
           "청년 월세 지원 신청 자격", "대형폐기물 배출 신고는 어떻게 해?", "기초연금 신청"]


@pytest.fixture(autouse=True)
def recogniser() -> Iterator[None]:
    with smalltalk.using(smalltalk.train(TALK * 3, SERVICE * 3)):
        yield


def test_the_written_bot_replies_to_small_talk_without_an_entry(db: Session,
                                                                 kb: dict[str, int]) -> None:
    ans = written_bot.answer(db, "농담 해줘", "ko", NoTranslator())
    assert ans is not None and ans.smalltalk and ans.entry_id is None
    assert ans.body == ans.original_ko == bot.SMALLTALK_KO["other"]
    short = written_bot.answer(db, "농담 해줘", "ko", NoTranslator(), short_budget=60)
    assert short is not None and short.smalltalk and byte_length(short.body) <= 60
    real = written_bot.answer(db, "따릉이 빌리는 데 얼마예요?", "ko", NoTranslator())
    assert real is not None and not real.smalltalk and real.entry_id == kb["따릉이 대여 요금"]


def test_small_talk_through_intake_is_answered_by_the_bot_with_no_entry(
        db: Session, kb: dict[str, int]) -> None:
    result = take_inbound(db, channel="portal", provider="naver", contact_key="naver:st1",
                          external_id="naver:st1", text="안녕하세요", reply_address="st1")
    db.commit()
    assert result.language == "ko" and result.bot_answered
    out = list(db.scalars(select(ChannelMessage).where(
        ChannelMessage.thread_id == result.thread_id).order_by(ChannelMessage.id)))[-1]
    body = db.scalar(select(MessageBody.body).where(MessageBody.id == out.message_id))
    assert body == bot.SMALLTALK_KO["greeting"]
    flags = db.scalar(select(MessageBody.flags).where(MessageBody.id == out.message_id)) or {}
    assert flags.get("smalltalk") is True and flags.get("kb_entry_id") is None
    if result.consultation_id is not None:
        consultation = db.get(Consultation, result.consultation_id)
        assert consultation is not None and consultation.kb_entry_id is None


def test_a_foreign_message_rendered_as_small_talk_gets_no_bot_reply(
        db: Session, kb: dict[str, int]) -> None:
    class Engine(NoTranslator):
        """A sentence engine that renders the message as Korean small talk."""

        full_sentences = True  # type: ignore[assignment]

        def translate(self, text: str, source: str, target: str) -> Translation | None:
            return Translation("농담 해줘", source, target, "test")

    assert written_bot.answer(db, "Tell me a joke", "en", Engine()) is None
