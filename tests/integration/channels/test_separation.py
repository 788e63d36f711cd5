"""Malicious-caller separation on the written channels (issue 17): a designated citizen's SMS,
messenger and Q&A-board threads go to the dedicated (전담) team's queue, by phone hash,
messenger identity or citizen account; agents outside the team neither see nor claim them."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.channels import desk
from dasan.channels.signing import b64_signature
from dasan.channels.sms.port import InboundSms
from dasan.channels.sms.service import receive
from dasan.consultations.service import citizen_for_identity, citizen_for_phone
from dasan.db.models import (
    AbuseIncident,
    Agent,
    AuditLog,
    CitizenIdentity,
    Consultation,
    Message,
    Queue,
    Team,
    User,
)
from dasan.db.models_channels import ChannelMessage, WrittenThread
from dasan.errors import Forbidden
from dasan.protection import programme

LINE_SECRET = "line-channel-secret-for-separation"


def _designate(db: Session, citizen_id: int) -> None:
    """Nominated by the agent the incident happened to, designated by the supervisor."""
    agent1 = db.scalar(select(Agent).join(User, User.id == Agent.user_id)
                       .where(User.username == "agent1"))
    sup = db.scalar(select(User).where(User.username == "supervisor"))
    assert agent1 is not None and sup is not None and agent1.user_id is not None
    c = Consultation(channel="phone", started_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
                     citizen_id=citizen_id, status="closed", outcome="forced_terminated")
    db.add(c)
    db.flush()
    inc = AbuseIncident(consultation_id=c.id, citizen_id=citizen_id, agent_id=agent1.id,
                        category="profanity", severity=3, action="terminated",
                        at=datetime(2026, 3, 2, 10, 5, tzinfo=UTC))
    db.add(inc)
    db.flush()
    user1 = db.get(User, agent1.user_id)
    assert user1 is not None
    d = programme.nominate(db, user1, inc.id, "욕설 반복")
    programme.review(db, sup, d.id, True, "확인")
    db.commit()


def _queue_code(db: Session, thread_id: int) -> str | None:
    db.expire_all()
    t = db.get(WrittenThread, thread_id)
    assert t is not None
    c = db.get(Consultation, t.consultation_id)
    assert c is not None
    return db.scalar(select(Queue.code).where(Queue.id == c.queue_id))


def test_separated_callers_threads_go_to_the_dedicated_team_on_every_written_channel(
        client: Any, login: Any, db: Session, channel_env: Any) -> None:
    channel_env(line_channel_secret=LINE_SECRET)
    # SMS: by phone hash.
    citizen = citizen_for_phone(db, "01055551234")
    db.commit()
    _designate(db, citizen.id)
    sms = receive(db, InboundSms("http", "sep-1", "01055551234", "120", "버스 노선 문의"))
    db.commit()
    assert sms.intake is not None
    sms_thread = sms.intake.thread_id
    assert _queue_code(db, sms_thread) == "malicious"
    # Someone else's SMS still goes to the general queue.
    other = receive(db, InboundSms("http", "sep-2", "01099990000", "120", "버스 노선 문의"))
    db.commit()
    assert other.intake is not None and _queue_code(db, other.intake.thread_id) == "general"

    # Messenger: by the messenger identity (LINE user id, keyed).
    def line(msg_id: str, text: str) -> Any:
        ev = {"type": "message", "timestamp": int(time.time() * 1000),
              "webhookEventId": f"ev-{msg_id}", "deliveryContext": {"isRedelivery": False},
              "source": {"type": "user", "userId": "Usep0001"}, "replyToken": "r",
              "message": {"type": "text", "id": msg_id, "text": text}}
        body = json.dumps({"destination": "U0", "events": [ev]}).encode()
        return client.post("/api/channels/messenger/line/webhook", content=body,
                           headers={"X-Line-Signature": b64_signature(LINE_SECRET, body),
                                    "Content-Type": "application/json"})

    r = line("m-1", "과태료 납부 방법이 궁금합니다 담당자 연결해 주세요")
    assert r.status_code == 200, r.text
    first = r.json()["taken"][0]
    assert _queue_code(db, first["thread_id"]) != "malicious"
    ident = db.scalar(select(CitizenIdentity).where(CitizenIdentity.kind == "messenger"))
    assert ident is not None
    # An agent outside the team holds the thread; then the citizen is designated and writes
    # again: the thread moves to the dedicated team and the agent lets it go.
    login("agent1")
    assert client.post(f"/api/channels/threads/{first['thread_id']}/claim").status_code \
        == 200
    _designate(db, ident.citizen_id)
    r = line("m-2", "납부 기한도 알려 주세요")
    assert r.status_code == 200
    assert _queue_code(db, first["thread_id"]) == "malicious"
    t = db.get(WrittenThread, first["thread_id"])
    assert t is not None and t.claimed_by_agent_id is None and t.status == "open"

    # Q&A board: by the citizen account.
    account = db.scalar(select(User).where(User.username == "citizen"))
    assert account is not None
    acc_citizen = citizen_for_identity(db, "account", f"user:{account.id}")
    db.commit()
    _designate(db, acc_citizen.id)
    login("citizen")
    r = client.post("/qna", data={"title": "주차 문의", "body": "거주자 우선 주차 신청 방법"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    db.expire_all()
    board = db.scalar(select(WrittenThread).where(WrittenThread.channel == "web")
                      .order_by(WrittenThread.id.desc()))
    assert board is not None and _queue_code(db, board.id) == "malicious"
    # An anonymous question is not separated.
    client.cookies.clear()
    client.post("/qna", data={"title": "주차 문의", "body": "거주자 우선 주차 신청 방법"},
                follow_redirects=False)
    db.expire_all()
    anon = db.scalar(select(WrittenThread).where(WrittenThread.channel == "web")
                     .order_by(WrittenThread.id.desc()))
    assert anon is not None and anon.id != board.id and _queue_code(db, anon.id) == "general"

    # agent1 (not in the team) sees none of the separated threads and may not claim one.
    login("agent1")
    seen = {t["id"] for t in client.get("/api/channels/desk").json()["threads"]}
    assert sms_thread not in seen and board.id not in seen and first["thread_id"] not in seen
    assert other.intake.thread_id in seen
    r = client.post(f"/api/channels/threads/{sms_thread}/claim")
    assert r.status_code == 403
    db.expire_all()
    assert db.scalar(select(AuditLog.outcome).where(
        AuditLog.action == "malicious.separated_contact")) == "denied"
    t = db.get(WrittenThread, sms_thread)
    assert t is not None and t.claimed_by_agent_id is None
    # The supervisor sees them; a dedicated-team agent claims one.
    login("supervisor")
    seen = {t["id"] for t in client.get("/api/channels/desk").json()["threads"]}
    assert {sms_thread, board.id, first["thread_id"]} <= seen
    agent2 = db.scalar(select(Agent).join(User, User.id == Agent.user_id)
                       .where(User.username == "agent2"))
    team = db.scalar(select(Team).where(Team.dedicated_malicious.is_(True)))
    assert agent2 is not None and team is not None
    old_team = agent2.team_id
    agent2.team_id = team.id
    db.commit()
    try:
        login("agent2")
        seen = {t["id"] for t in client.get("/api/channels/desk").json()["threads"]}
        assert sms_thread in seen
        assert client.post(f"/api/channels/threads/{sms_thread}/claim").status_code == 200
    finally:
        agent2.team_id = old_team
        db.commit()


def test_separation_check_refuses_in_the_room(db: Session) -> None:
    """The same rule without HTTP: `desk.claim` raises Forbidden and changes nothing."""
    citizen = citizen_for_phone(db, "01055556666")
    db.commit()
    _designate(db, citizen.id)
    sms = receive(db, InboundSms("http", "sep-9", "01055556666", "120", "문의드립니다"))
    db.commit()
    assert sms.intake is not None
    agent1 = db.scalar(select(User).where(User.username == "agent1"))
    assert agent1 is not None
    try:
        desk.claim(db, agent1, sms.intake.thread_id)
    except Forbidden:
        pass
    else:
        raise AssertionError("an agent outside the team claimed a separated thread")
    db.rollback()
    t = db.get(WrittenThread, sms.intake.thread_id)
    assert t is not None and t.claimed_by_agent_id is None


def test_separated_citizen_gets_no_chatbot_on_sms_or_messenger(
        client: Any, db: Session, kb: dict[str, int], channel_env: Any) -> None:
    """The chatbot would answer this question (the control citizen gets its answer); for a
    separated citizen it stays out, on SMS and on a messenger thread, and the thread waits in
    the dedicated team's queue."""
    def bot_messages(thread_id: int) -> int:
        db.expire_all()
        return int(db.scalar(select(func.count(ChannelMessage.id))
                             .join(Message, Message.id == ChannelMessage.message_id)
                             .where(ChannelMessage.thread_id == thread_id,
                                    Message.sender == "bot")) or 0)

    channel_env(line_channel_secret=LINE_SECRET)
    question = "기후동행카드 어디서 사요?"
    control = receive(db, InboundSms("http", "nb-0", "01070700000", "120", question))
    db.commit()
    assert control.intake is not None and control.intake.bot_answered
    citizen = citizen_for_phone(db, "01070701111")
    db.commit()
    _designate(db, citizen.id)
    sms = receive(db, InboundSms("http", "nb-1", "01070701111", "120", question))
    db.commit()
    assert sms.intake is not None and not sms.intake.bot_answered
    assert _queue_code(db, sms.intake.thread_id) == "malicious"
    assert bot_messages(sms.intake.thread_id) == 0
    assert bot_messages(control.intake.thread_id) == 1

    def line(msg_id: str, text: str) -> Any:
        ev = {"type": "message", "timestamp": int(time.time() * 1000),
              "webhookEventId": f"ev-{msg_id}", "deliveryContext": {"isRedelivery": False},
              "source": {"type": "user", "userId": "Unobot01"}, "replyToken": "r",
              "message": {"type": "text", "id": msg_id, "text": text}}
        body = json.dumps({"destination": "U0", "events": [ev]}).encode()
        return client.post("/api/channels/messenger/line/webhook", content=body,
                           headers={"X-Line-Signature": b64_signature(LINE_SECRET, body),
                                    "Content-Type": "application/json"})

    # Not yet separated: the bot answers the messenger thread.
    r = line("nb-m1", question)
    assert r.status_code == 200, r.text
    thread_id = r.json()["taken"][0]["thread_id"]
    db.expire_all()
    assert db.get(WrittenThread, thread_id).bot_answered  # type: ignore[union-attr]
    ident = db.scalar(select(CitizenIdentity).where(CitizenIdentity.kind == "messenger")
                      .order_by(CitizenIdentity.id.desc()))
    assert ident is not None
    _designate(db, ident.citizen_id)
    bot_before = bot_messages(thread_id)
    assert bot_before == 1
    r = line("nb-m2", "기후동행카드 구매처 알려 주세요")
    assert r.status_code == 200, r.text
    assert r.json()["taken"][0]["bot_answered"] is False
    assert _queue_code(db, thread_id) == "malicious"
    assert bot_messages(thread_id) == bot_before
