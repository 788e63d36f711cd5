from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat.service import (
    ChatError,
    append_message,
    consultation_for_token,
    issue_token,
    messages_after,
    phase,
    start_chat,
)
from dasan.db.models import Message
from dasan.db.session import new_session
from dasan.privacy import vault


def test_token_round_trip_and_forgery() -> None:
    token = issue_token(17)
    assert consultation_for_token(token) == 17
    with pytest.raises(ChatError) as err:
        consultation_for_token(token[:-2] + "xx")
    assert err.value.status == 401


def test_seq_increments_and_client_id_is_idempotent(db: Session) -> None:
    c = start_chat(db)
    db.commit()
    first = append_message(db, c.id, "citizen", "안녕하세요", client_msg_id="m-1")
    second = append_message(db, c.id, "bot", "무엇을 도와드릴까요?")
    again = append_message(db, c.id, "citizen", "안녕하세요", client_msg_id="m-1")
    assert (first.message.seq, second.message.seq) == (1, 2)
    assert again.created is False and again.message.id == first.message.id
    assert [m.seq for m in messages_after(db, c.id, 0)] == [1, 2]
    assert [m.seq for m in messages_after(db, c.id, 1)] == [2]


def test_pii_is_masked_in_the_stored_copy(db: Session) -> None:
    c = start_chat(db)
    db.commit()
    m = append_message(db, c.id, "citizen", "제 번호는 010-1234-5678 입니다").message
    # stored masked (ADR 0005); the raw form is sealed and opens only through the vault
    assert "1234" not in m.body and "5678" in m.body and m.body == m.body_masked
    assert vault.open_one(db, vault.MESSAGE_BODY, m.id) == "제 번호는 010-1234-5678 입니다"


def test_bad_messages_are_refused(db: Session) -> None:
    c = start_chat(db)
    db.commit()
    with pytest.raises(ChatError, match="empty"):
        append_message(db, c.id, "citizen", "   ")
    with pytest.raises(ChatError, match="too long"):
        append_message(db, c.id, "citizen", "가" * 2001)
    with pytest.raises(ChatError, match="client_msg_id"):
        append_message(db, c.id, "citizen", "hi", client_msg_id="bad id with spaces")
    with pytest.raises(ChatError, match="unknown sender"):
        append_message(db, c.id, "robot", "hi")
    with pytest.raises(ChatError) as err:
        append_message(db, 999_999, "citizen", "hi")
    assert err.value.status == 404
    with pytest.raises(ChatError, match="unsupported language"):
        start_chat(db, language="xx")


def test_closed_chat_refuses_messages(db: Session) -> None:
    c = start_chat(db)
    c.status = "closed"
    db.commit()
    assert phase(c) == "closed"
    with pytest.raises(ChatError) as err:
        append_message(db, c.id, "citizen", "hello?")
    assert err.value.status == 409
    assert append_message(db, c.id, "system", "ended", allow_closed=True).message.seq == 1


def test_concurrent_writers_get_unique_contiguous_seqs(db: Session, database_url: str) -> None:
    c = start_chat(db)
    db.commit()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        s = new_session(database_url)
        try:
            for i in range(10):
                append_message(s, c.id, "citizen", f"w{n} m{i}", client_msg_id=f"w{n}-{i}")
            # resends after the fact change nothing
            append_message(s, c.id, "citizen", f"w{n} m0", client_msg_id=f"w{n}-0")
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            s.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    seqs = list(db.scalars(select(Message.seq).where(Message.consultation_id == c.id)
                           .order_by(Message.seq)))
    assert seqs == list(range(1, 41))
