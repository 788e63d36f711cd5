"""The web chat's bot in the citizen's language: an English chat answered in English through
the translation port, or with the Korean answer under an English line offline; a question the
bot cannot answer goes to the foreign-language queue with a notice in the citizen's language.
(The written channels' own tests: test_multilingual.py.)"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels.catalog import MESSAGES
from dasan.chat import hub
from dasan.db.models import Consultation, Message, Queue
from dasan.db.models_kbquality import KbGapEvent


def _ask(db: Session, language: str, text: str) -> tuple[int, list[Message]]:
    cid = int(hub.open_chat(db, language).result["consultation_id"])
    stored = hub.store_citizen_message(db, cid, text, None)
    hub.process_citizen_message(db, cid, int(stored.result["seq"]))
    rows = list(db.scalars(select(Message).where(Message.consultation_id == cid)
                           .order_by(Message.seq)))
    return cid, rows


def test_english_chat_answered_in_english(db: Session, kb: dict[str, int], llm: Any) -> None:
    cid, rows = _ask(db, "en", "How do I get a climate card?")
    assert rows[0].body == MESSAGES["chat_greeting"]["en"]  # greeted in English
    bot = [m for m in rows if m.sender == "bot" and (m.flags or {}).get("kind") == "answer"]
    assert len(bot) == 1
    flags = bot[0].flags or {}
    assert flags["kind"] == "answer" and flags["entry"]["id"] == kb["기후동행카드 구매 방법"]
    assert flags["translated"] and flags["language"] == "en"
    # the stub tags what it translates: the answer went through the port, Korean kept beside it
    assert bot[0].body.startswith("[English] 기후동행카드 구매 방법")
    assert "기후동행카드 구매 방법" in flags["original_ko"]
    c = db.get(Consultation, cid)
    assert c is not None and c.kb_entry_id == kb["기후동행카드 구매 방법"]
    assert hub.phase(c) == "bot"  # answered by the bot, no agent needed


def test_english_chat_offline_gets_the_korean_answer_under_an_english_line(
        db: Session, kb: dict[str, int], channel_env: Any) -> None:
    channel_env(translation="glossary")
    _cid, rows = _ask(db, "en", "How do I get a climate card?")
    bot = [m for m in rows if m.sender == "bot" and (m.flags or {}).get("kind") == "answer"]
    assert len(bot) == 1 and not (bot[0].flags or {}).get("translated")
    assert bot[0].body.startswith(MESSAGES["answer_in_korean"]["en"])
    assert "기후동행카드 구매 방법" in bot[0].body


def test_unanswered_foreign_chat_goes_to_the_foreign_queue_in_its_language(
        db: Session, kb: dict[str, int], channel_env: Any) -> None:
    channel_env(translation="none")
    cid, rows = _ask(db, "vi", "Tiếng ồn công trình trước nhà tôi quá lớn, kéo dài cả ban đêm.")
    waiting = [m for m in rows if (m.flags or {}).get("kind") == "waiting"]
    assert len(waiting) == 1
    assert waiting[0].body == f"{MESSAGES['received']['vi']} {MESSAGES['foreign_queue']['vi']}"
    assert not [m for m in rows if m.sender == "bot" and (m.flags or {}).get("kind") == "answer"]
    c = db.get(Consultation, cid)
    assert c is not None and hub.phase(c) == "waiting" and c.queue_id is not None
    queue = db.get(Queue, c.queue_id)
    assert queue is not None and queue.code == "foreign"


def test_foreign_feedback_thanks_in_language_or_hands_to_an_agent(
        db: Session, kb: dict[str, int], llm: Any) -> None:
    cid, _rows = _ask(db, "en", "How do I get a climate card?")
    entry = kb["기후동행카드 구매 방법"]
    hub.feedback(db, cid, True, entry, None)
    last = db.scalars(select(Message).where(Message.consultation_id == cid)
                      .order_by(Message.seq.desc())).first()
    assert last is not None and last.body == MESSAGES["chat_thanks"]["en"]
    # "No" on a second chat: one gap record for the owner, and an agent who speaks English
    cid2, _rows = _ask(db, "en", "How do I get a climate card?")
    hub.feedback(db, cid2, False, entry, None)
    c = db.get(Consultation, cid2)
    assert c is not None and hub.phase(c) == "waiting"
    gaps = list(db.scalars(select(KbGapEvent.kind).where(KbGapEvent.consultation_id == cid2)))
    assert gaps == ["not_helpful"]


def test_live_foreign_chat_is_translated_both_ways(db: Session, kb: dict[str, int],
                                                  llm: Any) -> None:
    from dasan.db.models import Agent

    cid = int(hub.open_chat(db, "en").result["consultation_id"])
    hub.request_handoff(db, cid)
    c = db.get(Consultation, cid)
    agent = db.scalars(select(Agent)).first()
    assert c is not None and agent is not None
    c.agent_id, c.status = agent.id, "open"  # as the assignment loop connects the chat
    db.commit()
    assert hub.phase(c) == "live"
    # the agent writes Korean: the citizen receives the translation, the Korean stays beside it
    out = hub.agent_message(db, agent, cid, "기후동행카드는 지하철역에서 살 수 있습니다.", None)
    sent = db.scalar(select(Message).where(Message.consultation_id == cid,
                                           Message.seq == out.result["seq"]))
    assert sent is not None and sent.body.startswith("[English] 기후동행카드는")
    assert (sent.flags or {})["original"] == "기후동행카드는 지하철역에서 살 수 있습니다."
    # the citizen writes English: the agent's desk gets the Korean translation beside it
    stored = hub.store_citizen_message(db, cid, "How do I get a climate card?", None)
    seq = int(stored.result["seq"])
    done = hub.process_citizen_message(db, cid, seq)
    msg = db.scalar(select(Message).where(Message.consultation_id == cid, Message.seq == seq))
    assert msg is not None and msg.body == "How do I get a climate card?"
    assert (msg.flags or {})["translation"] == "기후동행카드 어떻게 사나요?"
    assert any(ev.get("type") == "flags" and ev["seq"] == seq for _ch, ev in done.events)


def test_crisis_notice_in_the_chats_language(db: Session, kb: dict[str, int],
                                             channel_env: Any) -> None:
    channel_env(translation="none")
    _cid, rows = _ask(db, "en", "지금 한강 다리 위에 와 있어요 더 이상 살고 싶지 않아요")
    crisis = [m for m in rows if (m.flags or {}).get("kind") == "crisis"]
    assert len(crisis) == 1 and crisis[0].body == MESSAGES["crisis_notice"]["en"]


def test_english_chat_offline_gets_the_editors_gist_with_the_korean_answer(
        db: Session, kb: dict[str, int], channel_env: Any) -> None:
    """The web chat's bot is the written channels' bot (the cross-lingual search, the gists):
    without a translation engine an English chat gets the editors' English gist, labelled as a
    summary, then the Korean answer; a gist in another language is never shown."""
    from dasan.db.models import KbEntry

    channel_env(translation="glossary")
    gist = "The Climate Card is sold at subway station service centres and convenience stores."
    entry = db.get(KbEntry, kb["기후동행카드 구매 방법"])
    assert entry is not None
    entry.gists = {"en": gist, "vi": "Thẻ Khí hậu mua ở ga tàu điện ngầm."}
    db.commit()
    cid, rows = _ask(db, "en", "Where can I buy the Climate Card?")
    bot = [m for m in rows if m.sender == "bot" and (m.flags or {}).get("kind") == "answer"]
    assert len(bot) == 1, [m.body for m in rows]
    flags = bot[0].flags or {}
    assert flags["entry"]["id"] == kb["기후동행카드 구매 방법"] and not flags["translated"]
    assert bot[0].body.startswith(f"{MESSAGES['summary']['en']}\n{gist}\n")
    assert MESSAGES["answer_in_korean"]["en"] in bot[0].body and "Thẻ" not in bot[0].body
    assert "기후동행카드 구매 방법" in bot[0].body
    c = db.get(Consultation, cid)
    assert c is not None and hub.phase(c) == "bot"
