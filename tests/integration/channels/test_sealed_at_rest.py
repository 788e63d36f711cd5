"""Written-channel messages at rest (ADR 0005, as chat's): an SMS, a messenger message and a Q&A
board question with a resident number and a phone are stored masked with the raw text sealed;
the desk, the tracking page and the KB candidate show masked text; the audited reveal opens the
raw text; the back-fill seals a message stored raw the old way; key rotation covers them."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sms_signing import signed
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from dasan.channels import outbox, threads
from dasan.channels.signing import hex_signature, timestamped_message
from dasan.cli import app as cli_app
from dasan.config import get_settings
from dasan.db.models import AuditLog, Consultation, KbEntry, Message
from dasan.db.models_channels import ChannelMessage, OutboxItem, WrittenThread
from dasan.db.models_privacy import SealedText
from dasan.privacy import backfill, vault

SMS_SECRET = "test-sms-webhook-secret-0123"
PORTAL_SECRET = "portal-secret-for-the-tests"
RRN, PHONE = "850412-1234567", "010-2345-6789"
RAW = f"여권 재발급 문의요. 주민번호 {RRN}, 연락처 {PHONE} 입니다"


def _sms(client: Any, message_id: str, body: str) -> Any:
    data = json.dumps({"message_id": message_id, "from": "010-7777-1234", "to": "120",
                       "text": body}, ensure_ascii=False).encode()
    return client.post("/api/channels/sms/inbound", content=data, headers={
        "Content-Type": "application/json; charset=utf-8", **signed(data, SMS_SECRET)})


def _messenger(client: Any, body: str) -> Any:
    data = json.dumps({"event_id": "e-seal", "message_id": "n-seal", "user_id": "naver-user-9",
                       "text": body}, ensure_ascii=False).encode()
    stamp = str(int(time.time()))
    return client.post("/api/channels/messenger/naver/webhook", content=data, headers={
        "X-Dasan-Timestamp": stamp,
        "X-Dasan-Signature": hex_signature(PORTAL_SECRET, timestamped_message(stamp, data))})


def _stored(db: Session, channel: str) -> list[tuple[int, str, str, str]]:
    """(id, sender, body, body_masked) of a channel's messages, read from the table itself."""
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in db.execute(text(
        "SELECT m.id, m.sender, m.body, m.body_masked FROM messages m "
        "JOIN channel_messages c ON c.message_id = m.id WHERE c.channel = :ch ORDER BY m.id"),
        {"ch": channel})]


def _assert_sealed(db: Session, rows: list[tuple[int, str, str, str]], raw: str) -> int:
    """The citizen's message holding `raw` is stored masked, its raw form sealed; its id."""
    [(mid, _, body, body_masked)] = [r for r in rows if r[1] == "citizen"]
    assert body == body_masked and "1234567" not in body and "2345-6789" not in body
    assert "010-****-6789" in body
    token = db.scalar(select(SealedText.token).where(SealedText.kind == vault.MESSAGE_BODY,
                                                     SealedText.ref_id == mid))
    assert token is not None and "1234567" not in token
    assert vault.open_one(db, vault.MESSAGE_BODY, mid) == raw
    return mid


def test_sms_messenger_and_board_are_stored_masked_and_revealed_with_an_audit_row(
        client: Any, db: Session, login: Any, kb: dict[str, int], channel_env: Any) -> None:
    channel_env(sms_webhook_secret=SMS_SECRET, messenger_secret=PORTAL_SECRET,
                messenger_reply_url="http://127.0.0.1:9/reply")
    assert _sms(client, "mo-seal", RAW).status_code == 200
    assert _messenger(client, RAW).status_code == 200
    client.cookies.clear()
    r = client.post("/api/channels/board/questions", data={"title": "여권 재발급", "body": RAW})
    assert r.status_code == 201, r.text
    code, key = r.json()["tracking_code"], r.json()["key"]

    typed = {"sms": RAW, "portal": RAW, "web": f"여권 재발급\n\n{RAW}"}  # the board: title, body
    sealed = {ch: _assert_sealed(db, _stored(db, ch), raw) for ch, raw in typed.items()}
    # A message without personal data has no sealed row (the bot's answer, a notice).
    others = [r[0] for ch in ("sms", "portal", "web") for r in _stored(db, ch)
              if r[0] not in sealed.values()]
    assert others and db.scalar(select(SealedText.id).where(
        SealedText.kind == vault.MESSAGE_BODY, SealedText.ref_id.in_(others))) is None
    db.commit()  # end the test's read (SQLite: the app's writes wait for no reader)

    # The citizen's tracking page: their own question, masked (the page's key travels in its
    # URL, so the page shows what staff see).
    view = client.get(f"/api/channels/board/questions/{code}?key={key}").json()
    assert "1234567" not in view["messages"][0]["body"]
    assert "010-****-6789" in view["messages"][0]["body"]

    # The agent desk: every written thread's transcript masked.
    login("supervisor")
    tids = {t.channel: t.id for t in db.scalars(select(WrittenThread))}
    db.commit()
    for ch in ("sms", "portal", "web"):
        detail = client.get(f"/api/channels/threads/{tids[ch]}").json()
        assert all("1234567" not in m["body"] and "2345-6789" not in m["body"]
                   for m in detail["messages"]), ch

    # An agent's reply: the citizen gets it as written (the outbox item), the table keeps it
    # masked with the raw text sealed, like any message.
    login("agent1")
    assert client.post(f"/api/channels/threads/{tids['sms']}/claim").status_code == 200
    reply = "담당 주무관 휴대전화 010-3456-7890 로 연락 주세요"
    r = client.post(f"/api/channels/threads/{tids['sms']}/reply", json={"text": reply})
    assert r.status_code == 201 and "3456-7890" not in r.json()["body"]
    [(agent_mid, _, body, _)] = [row for row in _stored(db, "sms") if row[1] == "agent"]
    assert "3456-7890" not in body and vault.open_one(db, vault.MESSAGE_BODY, agent_mid) == reply
    items = list(db.scalars(select(OutboxItem).where(OutboxItem.kind == "sms.send")))
    assert not any("3456-7890" in str(item.payload) for item in items)  # sealed while it waits
    assert any("010-3456-7890" in outbox.opened_payload(db, item)["text"] for item in items)
    db.commit()

    # The KB candidate from the answered board question is published masked.
    assert client.post(f"/api/channels/threads/{tids['web']}/claim").status_code == 200
    assert client.post(f"/api/channels/threads/{tids['web']}/reply",
                       json={"text": "여권은 구청 민원실에서 재발급합니다."}).status_code == 201
    r = client.post(f"/api/channels/threads/{tids['web']}/kb-candidate")
    assert r.status_code == 201
    entry = db.get(KbEntry, r.json()["kb_entry_id"])
    assert entry is not None and "1234567" not in entry.question_variants[0]
    db.commit()

    # The audited reveal opens the sealed raw text.
    login("supervisor")
    cid = db.scalar(select(WrittenThread.consultation_id).where(WrittenThread.id == tids["sms"]))
    db.commit()
    r = client.post("/api/privacy/reveal", json={"consultation_id": cid,
                                                 "reason": "회신 번호 확인"})
    assert r.status_code == 200, r.text
    by_id = {m["message_id"]: m for m in r.json()["messages"]}
    assert by_id[sealed["sms"]]["body"] == RAW and by_id[sealed["sms"]]["had_pii"] is True
    db.expire_all()
    row = db.scalar(select(AuditLog).where(AuditLog.action == "pii.reveal",
                                           AuditLog.object_id == str(cid)))
    assert row is not None and sealed["sms"] in row.detail["unmasked"]


def _old_written_row(db: Session, raw: str) -> Message:
    """A written message stored the way it was before session 20: raw text in `body`."""
    thread = threads.open_thread(db, channel="sms", contact_key="hash-old", language="ko",
                                 subject="문의", now=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    m = Message(consultation_id=thread.consultation_id, seq=1, sender="citizen", body=raw,
                body_masked=threads.masked(raw), flags={"channel": "sms", "direction": "in"})
    db.add(m)
    db.flush()
    db.add(ChannelMessage(thread_id=thread.id, message_id=m.id, direction="in", channel="sms",
                          language="ko", attachments=[], segments=1))
    db.commit()
    return m


def test_seal_existing_seals_a_written_message_stored_raw(db: Session, login: Any,
                                                     client: Any) -> None:
    m = _old_written_row(db, RAW)
    runner = CliRunner()
    r = runner.invoke(cli_app, ["privacy", "seal-existing"])
    assert r.exit_code == 0 and "sealed 1 messages" in r.output, r.output
    assert "sealed 0 messages" in runner.invoke(cli_app, ["privacy", "seal-existing"]).output
    db.expire_all()
    _assert_sealed(db, _stored(db, "sms"), RAW)
    db.commit()
    login("supervisor")
    r = client.post("/api/privacy/reveal", json={"consultation_id": m.consultation_id,
                                                 "reason": "회신 번호 확인"})
    assert [(x["body"], x["had_pii"]) for x in r.json()["messages"]] == [(RAW, True)]


def test_backfill_never_seals_over_a_sealed_raw_text(db: Session) -> None:
    """A message sealed already whose stored (masked) text the masker of today masks further
    keeps its sealed raw text: sealing again would put masked text over it."""
    c = Consultation(channel="chatbot", started_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    db.add(c)
    db.flush()
    stored = f"예전 마스킹을 지나친 번호 {PHONE}"  # as an older masker left it
    m = Message(consultation_id=c.id, seq=1, sender="citizen", body=stored, body_masked=stored)
    db.add(m)
    db.flush()
    vault.seal(db, vault.MESSAGE_BODY, m.id, RAW)
    db.commit()
    backfill.seal_existing_messages(db)
    assert vault.open_one(db, vault.MESSAGE_BODY, m.id) == RAW


def test_rotation_re_seals_written_messages(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("DASAN_PII_KEYS", f"old:{old}")
    get_settings.cache_clear()
    try:
        thread = threads.open_thread(db, channel="portal", contact_key="hash-r", language="ko",
                                     subject="문의")
        [one, two] = threads.add_messages(db, [
            threads.NewMessage(thread=thread, sender="citizen", body=RAW, direction="in",
                               language="ko"),
            threads.NewMessage(thread=thread, sender="citizen", body=f"다시 {PHONE}",
                               direction="in", language="ko")])
        three = threads.add_message(db, thread, sender="citizen", body=f"또 {RRN}",
                                    direction="in", language="ko")
        db.commit()
        ids = [one.message.id, two.message.id, three.message.id]
        assert vault.key_usage(db) == {"old": 3}
        monkeypatch.setenv("DASAN_PII_KEYS", f"new:{new},old:{old}")
        get_settings.cache_clear()
        assert vault.rotate(db) == {"old": 3}
        monkeypatch.setenv("DASAN_PII_KEYS", f"new:{new}")
        get_settings.cache_clear()
        assert vault.open_many(db, vault.MESSAGE_BODY, ids) == {
            ids[0]: RAW, ids[1]: f"다시 {PHONE}", ids[2]: f"또 {RRN}"}
    finally:
        get_settings.cache_clear()
