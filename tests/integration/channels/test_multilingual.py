"""Multilingual written channels: an English question answered in English (through an
OpenAI-compatible endpoint, or tagged in English from the offline glossary), system messages
in zh/ja/vi/mn, the foreign-language queue, agents seeing original and translation."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels.catalog import MESSAGES
from dasan.channels.intake import take_inbound
from dasan.channels.translation import get_translator
from dasan.channels.translation.port import NoTranslator
from dasan.db.models import Consultation, Queue
from dasan.db.models import Message as ChannelMessageBody
from dasan.db.models_channels import ChannelMessage, WrittenThread


def _messages(db: Session, thread_id: int) -> list[ChannelMessage]:
    return list(db.scalars(select(ChannelMessage).where(ChannelMessage.thread_id == thread_id)
                           .order_by(ChannelMessage.id)))


def test_english_question_gets_translated_english_answer(db: Session, kb: dict[str, int],
                                                         llm: Any) -> None:
    result = take_inbound(db, channel="portal", provider="naver", contact_key="naver:u1",
                          external_id="naver:1", text="How do I get a climate card?",
                          reply_address="u1")
    db.commit()
    assert result.language == "en" and result.bot_answered
    inbound, answer = _messages(db, result.thread_id)
    assert inbound.translation == "기후동행카드 어떻게 사나요?"  # agents see both sides
    assert answer.language == "en"
    assert answer.translation is not None and "기후동행카드 구매 방법" in answer.translation
    body = db.scalar(select(ChannelMessageBody.body).where(
        ChannelMessageBody.id == answer.message_id))
    assert body is not None and body.startswith("[English] 기후동행카드 구매 방법")
    assert "(machine translation)" in body


def test_offline_glossary_answers_english_tagged_and_agent_reply(
        client: Any, db: Session, kb: dict[str, int], login: Any, channel_env: Any) -> None:
    channel_env(translation="glossary")
    result = take_inbound(db, channel="portal", provider="naver", contact_key="naver:u2",
                          external_id="naver:2", text="How do I get a climate card?",
                          reply_address="u2")
    db.commit()
    assert result.bot_answered
    answer = _messages(db, result.thread_id)[1]
    body = db.scalar(select(ChannelMessageBody.body).where(
        ChannelMessageBody.id == answer.message_id))
    assert body is not None
    assert body.startswith(MESSAGES["answer_in_korean"]["en"])
    assert "Keywords: climate card" in body and "기후동행카드 구매 방법" in body


@pytest.mark.parametrize("lang,text", [
    ("zh", "我家门口的施工噪音太大了，晚上也不停。"),
    ("ja", "家の前の工事の騒音がひどくて、夜も続いています。"),
    ("vi", "Tiếng ồn công trình trước nhà tôi quá lớn, kéo dài cả ban đêm."),
    ("mn", "Манай гэрийн өмнөх барилгын дуу чимээ шөнө ч үргэлжилж байна."),
])
def test_system_messages_in_the_citizens_language_and_foreign_queue(
        db: Session, kb: dict[str, int], lang: str, text: str, channel_env: Any) -> None:
    channel_env(translation="none")
    assert isinstance(get_translator(), NoTranslator)
    result = take_inbound(db, channel="sms", provider="http_sms", contact_key=f"h-{lang}",
                          external_id=f"x-{lang}", text=text, reply_address="01012345678")
    db.commit()
    assert result.language == lang and not result.bot_answered
    notice = _messages(db, result.thread_id)[1]
    body = db.scalar(select(ChannelMessageBody.body).where(
        ChannelMessageBody.id == notice.message_id))
    assert body == MESSAGES["received"][lang] + " " + MESSAGES["foreign_queue"][lang]
    thread = db.get(WrittenThread, result.thread_id)
    assert thread is not None and thread.language == lang
    consultation = db.get(Consultation, result.consultation_id)
    queue = db.get(Queue, consultation.queue_id) if consultation and consultation.queue_id \
        else None
    assert queue is not None and queue.code == "foreign"


def test_agent_korean_reply_is_translated_with_the_original_kept(
        client: Any, db: Session, kb: dict[str, int], login: Any, llm: Any) -> None:
    result = take_inbound(db, channel="web", provider="board", contact_key="board:Q1",
                          external_id="board:Q1", text="My neighbour's dog barks all night.",
                          use_bot=False, acknowledge=False)
    db.commit()
    login("agent1")
    r = client.post(f"/api/channels/threads/{result.thread_id}/reply",
                    json={"text": "구청 동물보호 담당에 전달했습니다."})
    assert r.status_code == 201, r.text
    assert r.json()["language"] == "en"
    assert r.json()["body"] == "[English] 구청 동물보호 담당에 전달했습니다."
    assert r.json()["translation"] == "구청 동물보호 담당에 전달했습니다."
    detail = client.get(f"/api/channels/threads/{result.thread_id}").json()
    inbound = detail["messages"][0]
    assert inbound["language"] == "en" and inbound["translation"]


def test_the_bot_searches_a_foreign_question_as_the_desk_does(db: Session,
                                                              kb: dict[str, int]) -> None:
    from dasan.chat import bot
    from dasan.knowledge.bot_answer import find_answer

    question = "Can I get my money back?"
    # the lexical scorers read the Korean terms, the encoder the question as written
    found = find_answer(db, question, date.today(), lexical_query="기후동행카드 환불")
    assert found.found and found.found[0][0].title == "기후동행카드 환불 방법"
    assert found.found[0][1].dense == pytest.approx(next(
        h.dense for e, h in find_answer(db, question, date.today(), k=4).found
        if e.title == "기후동행카드 환불 방법"), abs=1e-5)
    # the bot's reply comes from that search: the entry it answers with or offers first
    reply = bot.respond(db, question, lexical_query="기후동행카드 환불")
    first = reply.flags["entry"] if reply.kind == "answer" else reply.flags["related"][0]
    assert first["title"] == "기후동행카드 환불 방법"


GIST_EN = "The Climate Card is bought at station service centres, convenience stores or in the T-money app."


def test_without_a_translation_engine_the_bot_shows_the_editors_gist_with_the_korean_answer(
        db: Session, kb: dict[str, int], channel_env: Any) -> None:
    from dasan.db.models import KbEntry

    channel_env(translation="glossary")
    entry = db.get(KbEntry, kb["기후동행카드 구매 방법"])
    assert entry is not None
    entry.gists = {"en": GIST_EN, "vi": "Thẻ Khí hậu mua ở ga tàu điện ngầm."}
    db.commit()
    result = take_inbound(db, channel="portal", provider="naver", contact_key="naver:g1",
                          external_id="naver:g1", text="How do I get a climate card?",
                          reply_address="u9")
    db.commit()
    assert result.language == "en" and result.bot_answered
    answer = _messages(db, result.thread_id)[1]
    body = db.scalar(select(ChannelMessageBody.body).where(
        ChannelMessageBody.id == answer.message_id))
    assert body is not None
    # labelled as a summary in the citizen's language, then the Korean answer
    assert body.startswith(f"{MESSAGES['summary']['en']}\n{GIST_EN}\n")
    assert "Keywords:" not in body and "Thẻ" not in body
    assert MESSAGES["answer_in_korean"]["en"] in body and "기후동행카드는 지하철" in body


def test_a_gist_in_another_language_is_not_shown(db: Session, kb: dict[str, int],
                                                  channel_env: Any) -> None:
    from dasan.db.models import KbEntry

    channel_env(translation="glossary")
    entry = db.get(KbEntry, kb["기후동행카드 구매 방법"])
    assert entry is not None
    entry.gists = {"vi": "Thẻ Khí hậu mua ở ga tàu điện ngầm."}
    db.commit()
    result = take_inbound(db, channel="portal", provider="naver", contact_key="naver:g2",
                          external_id="naver:g2", text="How do I get a climate card?",
                          reply_address="u8")
    db.commit()
    assert result.bot_answered
    body = db.scalar(select(ChannelMessageBody.body).where(
        ChannelMessageBody.id == _messages(db, result.thread_id)[1].message_id))
    assert body is not None and body.startswith(MESSAGES["answer_in_korean"]["en"])
    assert "Thẻ" not in body


def test_a_vietnamese_question_typed_without_diacritics_is_read_with_them(
        db: Session, kb: dict[str, int]) -> None:
    from dasan.chat import bot
    from dasan.db.models import KbEntry
    from dasan.knowledge.bot_answer import find_answer

    entry = db.get(KbEntry, kb["기후동행카드 구매 방법"])
    assert entry is not None
    entry.gists = {"vi": "Thẻ Khí hậu mua ở ga tàu điện ngầm."}
    db.commit()
    typed, marked = "mua the khi hau o ga tau dien ngam", "mua thẻ khí hậu ở ga tàu điện ngầm"
    terms, today = "기후동행카드 구매", date.today()

    def dense(text: str, language: str | None) -> float:
        found = find_answer(db, text, today, lexical_query=terms, language=language).found
        return next(h.dense for e, h in found if e.title == "기후동행카드 구매 방법")

    # the encoder reads the marks the KB's own Vietnamese gives back; not for another language
    assert dense(typed, "vi") == pytest.approx(dense(marked, None), abs=1e-5)
    assert dense(typed, "en") == pytest.approx(dense(typed, None), abs=1e-5)
    assert dense(typed, "vi") != pytest.approx(dense(typed, None), abs=1e-3)
    # the bot's search passes the language on
    reply = bot.respond(db, typed, lexical_query=terms, language="vi")
    first = reply.flags["entry"] if reply.kind == "answer" else reply.flags["related"][0]
    assert first["title"] == "기후동행카드 구매 방법"
