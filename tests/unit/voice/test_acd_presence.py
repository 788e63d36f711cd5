"""One presence model for calls and chats: an agent with a chat open is not rung, and a call
that rings an agent holds them (no chat is offered while the phone rings)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation
from dasan.db.models_voice import CallbackAttempt, CallbackRequest
from dasan.presence import service as presence
from dasan.voice import acd, calls
from dasan.voice.agents import set_endpoint

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _phone_agent(db: Session, employee_no: str) -> Agent:
    set_endpoint(db, employee_no, f"sip:{employee_no}@127.0.0.1:5099")
    agent = db.scalars(select(Agent).where(Agent.employee_no == employee_no)).one()
    db.execute(update(Agent).where(Agent.id == agent.id).values(state="available"))
    db.commit()
    return agent


def test_an_agent_in_a_chat_is_not_rung_and_a_ringing_call_holds_its_agent(db: Session
                                                                          ) -> None:
    chatting, free = _phone_agent(db, "A0001"), _phone_agent(db, "A0002")
    db.add(Consultation(channel="web", started_at=datetime(2026, 12, 2, 9), status="open",
                        outcome="open", agent_id=chatting.id))
    db.commit()
    assert [a.agent_id for a in acd.candidates(db).agents] == [free.id]

    opened = calls.open_call(db, "cid-1@test", "01012345678", "120")
    events = calls.offered(db, opened.call_id, free.id)
    assert events is not None and [e.state for e in events] == ["busy"]  # type: ignore[union-attr]
    db.refresh(free)
    assert presence.capacity_for(db, free, "web") == 0  # no chat while the phone rings
    assert acd.candidates(db).agents == []
    assert calls.offered(db, opened.call_id, free.id) is None  # nobody is rung twice

    calls.released(db, opened.call_id, free.id, wrap_up=False)  # not answered
    db.refresh(free)
    assert free.state == "available" and presence.capacity_for(db, free, "web") > 0


def test_callback_tries_are_spaced_recorded_and_the_last_failure_is_final(db: Session
                                                                         ) -> None:
    agent = _phone_agent(db, "A0001")
    opened = calls.open_call(db, "cid-cb@test", "01012345678", "120")
    calls.ended(db, opened.call_id, "callback", "callback_requested")
    db.add(CallbackRequest(call_id=opened.call_id, queue_code="general",
                           contact_uri="sip:citizen@127.0.0.1:5098"))
    db.commit()
    request_id = db.scalars(select(CallbackRequest.id)).one()
    for attempt in (1, 2):
        assert calls.waiting_callbacks(db) == [(request_id, "general")]
        placed = calls.open_callback(db, request_id, agent.id)
        assert placed is not None
        calls.callback_failed(db, placed[0].call_id, request_id, agent.id,
                              "citizen_no_answer", attempts=2, retry_seconds=60)
        if attempt == 1:  # due again only after the spacing
            assert calls.waiting_callbacks(db) == []
            assert calls.open_callback(db, request_id, agent.id) is None
            later = utcnow() + timedelta(seconds=61)
            assert calls.waiting_callbacks(db, now=later) == [(request_id, "general")]
            db.execute(update(CallbackRequest).values(next_attempt_at=utcnow()))
            db.commit()
    request = db.get(CallbackRequest, request_id)
    assert request is not None and (request.status, request.attempts) == ("failed", 2)
    assert request.contact_uri == ""  # personal data purged with the final failure
    assert [(t.attempt, t.result) for t in db.scalars(select(CallbackAttempt).order_by(
        CallbackAttempt.id))] == [(1, "citizen_no_answer"), (2, "citizen_no_answer")]
    c = db.get(Consultation, opened.consultation_id)
    assert c is not None and c.outcome == "callback" and c.answered_at is None  # ADR 0004
    assert calls.waiting_callbacks(db, now=utcnow() + timedelta(days=1)) == []
