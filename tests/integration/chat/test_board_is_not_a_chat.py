"""A Q&A board question is a written thread, not a live chat, although both sit on the homepage
channel (`web`): the chat router never "connects" an available agent to it, and the chat's
idle and overflow sweeps never write into it (the cause of issue 11's flaky desktop test: the
board question arrived on the agent desktop as a new chat)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.chat import hub as chat_hub
from dasan.chat import idle, overflow
from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation, Message
from dasan.db.models_channels import WrittenThread
from dasan.presence import service as presence


def test_a_board_question_is_never_assigned_as_a_chat(client: Any, db: Session,
                                                     kb: dict[str, int]) -> None:
    r = client.post("/api/channels/board/questions",
                    data={"title": "야간 공사 소음", "body": "밤 10시 넘어서도 공사를 합니다."})
    assert r.status_code in (200, 201), r.text
    thread = db.scalar(select(WrittenThread).order_by(WrittenThread.id.desc()))
    assert thread is not None and thread.channel == "web"
    c = db.get(Consultation, thread.consultation_id)
    assert c is not None and c.channel == "web" and c.queue_id is not None and c.agent_id is None
    for agent in db.scalars(select(Agent).where(Agent.user_id.is_not(None))):
        presence.socket_opened(db, agent.id)
        presence.set_state(db, agent, "available")
    db.commit()
    messages = db.scalar(select(func.count(Message.id)).where(Message.consultation_id == c.id))

    assert chat_hub.run_assignment(db).result == {"assigned": 0, "offered": 0}
    later = utcnow() + timedelta(hours=1)
    overflow.sweep_overflow(db, later)
    idle.sweep_citizens(db, later)
    db.expire_all()
    c = db.get(Consultation, thread.consultation_id)
    assert c is not None and c.agent_id is None and c.status == "open"
    assert db.scalar(select(func.count(Message.id)).where(
        Message.consultation_id == c.id)) == messages  # no chat notice written into it
