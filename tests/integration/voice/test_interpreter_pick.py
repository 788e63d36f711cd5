"""An interpreter agent is picked by language, and is busy in presence while interpreting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dasan.db.base import utcnow
from dasan.db.models import Agent, Consultation
from dasan.db.models_voice import VoiceCall
from dasan.errors import Conflict
from dasan.presence import service as presence
from dasan.voice import conference


@pytest.fixture
def agents(db: Session) -> Iterator[tuple[Agent, Agent, Agent]]:
    a, b, c = db.scalars(select(Agent).order_by(Agent.id).limit(3)).all()
    db.execute(update(Agent).values(state="offline"))
    a.languages, b.languages, c.languages = ["ko"], ["ko", "en"], ["ko", "en", "vi"]
    db.commit()
    for one in (a, b, c):
        presence.set_state(db, one, "available")
    yield a, b, c
    db.execute(update(Agent).values(state="offline", languages=["ko"]))
    db.commit()


def _call(db: Session, agent: Agent) -> VoiceCall:
    c = Consultation(channel="phone", started_at=utcnow(), status="open", outcome="open",
                     agent_id=agent.id)
    db.add(c)
    db.flush()
    call = VoiceCall(sip_call_id=f"interp-{c.id}", consultation_id=c.id, dialed="120",
                     agent_id=agent.id)
    db.add(call)
    db.commit()
    return call


def test_pick_by_language_and_busy_while_interpreting(
        db: Session, agents: tuple[Agent, Agent, Agent]) -> None:
    a, b, c = agents
    call = _call(db, a)
    # b waits longest among the English speakers (c became available after b)
    target = conference.check_target(db, "language:en", a.id)
    assert target == f"agent:{b.id}"
    assert conference.check_target(db, "language:vi", a.id) == f"agent:{c.id}"
    leg = conference.added(db, call.id, target, "en", a.id)
    db.refresh(b)
    assert b.state == "available"  # ringing: the gateway that rings the phone holds it
    conference.joined(db, leg, "interp.wav")
    db.refresh(b)
    assert b.state == "busy"
    assert presence.capacity_for(db, b, "phone") == 0 and presence.capacity_for(db, b, "web") == 0
    # a second call asking for English gets the other English speaker, then nobody
    assert conference.check_target(db, "language:en", a.id) == f"agent:{c.id}"
    with pytest.raises(Conflict):
        conference.check_target(db, "language:mn", a.id)
    conference.left(db, leg, "dropped")
    db.refresh(b)
    assert b.state == "available"
    assert presence.capacity_for(db, b, "phone") == 1


def test_an_interpreter_is_free_again_after_the_call_and_nobody_free_is_a_conflict(
        db: Session, agents: tuple[Agent, Agent, Agent]) -> None:
    a, b, c = agents
    call = _call(db, a)
    missed = conference.added(db, call.id, f"agent:{b.id}", "en", a.id)
    conference.missed(db, missed, 486)
    db.refresh(b)
    assert b.state == "available"
    leg = conference.added(db, call.id, f"agent:{c.id}", "vi", a.id)
    conference.joined(db, leg, "interp.wav")
    db.refresh(c)
    assert c.state == "busy"
    with pytest.raises(Conflict):  # the only Vietnamese speaker is interpreting already
        conference.check_target(db, "language:vi", a.id)
    conference.left(db, leg, "call_ended")
    db.refresh(c)
    assert c.state == "available"
    assert conference.check_target(db, "language:vi", a.id) == f"agent:{c.id}"
    presence.set_state(db, c, "break", "meal")
    with pytest.raises(Conflict):  # on a break: not offered
        conference.check_target(db, "language:vi", a.id)
