"""Two gateways behind Kamailio each keep their own ringing list, so both may pick the same
free agent at once. The claim (`calls.offered`) must let only one of them ring that agent:
on PostgreSQL it locks the agent's row before it reads the agent's load, so the second
claimer waits for the first to commit and then sees the agent busy."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text
from voice_helpers import agent_phone

from dasan.db.base import utcnow
from dasan.db.models import Consultation
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope
from dasan.voice import calls

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


def waiting_call(url: str, n: int) -> int:
    with session_scope(url) as s:
        c = Consultation(channel="phone", started_at=utcnow(), queued_at=utcnow())
        s.add(c)
        s.flush()
        call = VoiceCall(sip_call_id=f"race-{n}-{c.id}", consultation_id=c.id, dialed="120",
                         caller_masked="010-****-1234", queued_at=utcnow())
        s.add(call)
        s.flush()
        call_id = call.id
        s.commit()
    return call_id


def claim(url: str, call_id: int, agent_id: int, results: dict[int, object]) -> None:
    with session_scope(url) as s:
        results[call_id] = calls.offered(s, call_id, agent_id)


def test_two_claimers_never_offer_one_agent_two_calls(database_url: str) -> None:
    """Both claimers read the agent's load before either commits: a third transaction holds
    both calls' rows, so each claimer stops at its first write, after its capacity check.
    Without the agent row lock both would then commit (one agent, two calls ringing)."""
    agent_id, _port = agent_phone(database_url, "A0001")
    for rnd in range(3):
        a, b = waiting_call(database_url, 2 * rnd), waiting_call(database_url, 2 * rnd + 1)
        results: dict[int, object] = {}
        with session_scope(database_url) as blocker:
            blocker.execute(text("SELECT id FROM voice_calls WHERE id IN (:a, :b) FOR UPDATE"),
                            {"a": a, "b": b})

            threads = [threading.Thread(target=claim, args=(database_url, cid, agent_id,
                                                            results)) for cid in (a, b)]
            for t in threads:
                t.start()
            time.sleep(1.5)  # both have read the agent's load and wait on their call row
            blocker.commit()
        for t in threads:
            t.join(30)
        won = [cid for cid, events in results.items() if events is not None]
        assert len(results) == 2 and len(won) == 1, results
        with session_scope(database_url) as s:
            rung = s.scalars(select(VoiceCall.id).where(VoiceCall.agent_id == agent_id,
                                                        VoiceCall.id.in_((a, b)))).all()
            assert rung == won
            assert s.scalar(select(Consultation.agent_id).join(
                VoiceCall, VoiceCall.consultation_id == Consultation.id)
                .where(VoiceCall.id != won[0], VoiceCall.id.in_((a, b)))) is None
            # The winner's phone was not answered: the agent is free for the next round.
            calls.released(s, won[0], agent_id, wrap_up=False)
            calls.ended(s, won[0], "abandoned_in_queue", "test")
