"""Text derived from a citizen's message - a written thread's subject (the first message) and a
machine translation of it - is stored masked with no raw form sealed (ADR 0005, session 21
amendment: the raw text is the message's own, sealed once; a second sealed copy would serve no
reveal). This proves the decision holds and that no staff surface shows either raw."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.channels.intake import take_inbound
from dasan.channels.translation.port import Translation
from dasan.db.models import Consultation, Message
from dasan.db.models_channels import ChannelMessage, WrittenThread
from dasan.db.models_privacy import SealedText
from dasan.privacy import vault

TEXT = "Please call me back on 010-3456-7890, my resident number is 850412-1234567"
KOREAN = "010-3456-7890 으로 다시 전화 주세요, 제 주민번호는 850412-1234567 입니다"
RAW = ("3456-7890", "1234567")


class _Translator:
    name = "stub"
    full_sentences = True

    def translate(self, text: str, source: str, target: str) -> Translation | None:
        return Translation(KOREAN, source, target, "stub") if target == "ko" else None


def _clean(text: Any) -> bool:
    return not any(r in str(text) for r in RAW)


def test_subject_and_translation_are_masked_with_no_second_sealed_copy(
        client: Any, login: Any, db: Session) -> None:
    result = take_inbound(db, channel="portal", provider="generic", contact_key="generic:u9",
                          external_id="generic:derived-1", text=TEXT, reply_address="u9",
                          translator=_Translator(), use_bot=False)
    db.commit()
    assert result.language == "en"
    thread = db.get(WrittenThread, result.thread_id)
    consultation = db.get(Consultation, result.consultation_id)
    row = db.scalar(select(ChannelMessage).where(ChannelMessage.thread_id == result.thread_id))
    assert thread is not None and consultation is not None and row is not None
    assert _clean(thread.subject) and "010-****-7890" in (thread.subject or "")
    assert _clean(consultation.subject)
    assert row.translation is not None and _clean(row.translation)
    assert "010-****-7890" in row.translation  # the agent still reads the masked translation
    # only the message itself is sealed (and the reply address): no copy of the subject or
    # the translation
    kinds = set(db.scalars(select(SealedText.kind)))
    assert kinds <= {vault.MESSAGE_BODY, "written_threads.reply_address"}
    message = db.get(Message, row.message_id)
    assert message is not None and _clean(message.body)
    assert vault.open_one(db, vault.MESSAGE_BODY, message.id) == TEXT
    db.commit()

    sup = login("supervisor")
    for path in ("/api/channels/threads", "/api/channels/desk",
                 f"/api/channels/threads/{result.thread_id}",
                 f"/api/consultations/{result.consultation_id}",
                 "/api/consultations?channel=portal", "/written"):
        r = sup.get(path)
        assert r.status_code == 200, (path, r.status_code)
        assert _clean(r.text), path
    detail = sup.get(f"/api/channels/threads/{result.thread_id}").json()
    assert "010-****-7890" in str(detail)
