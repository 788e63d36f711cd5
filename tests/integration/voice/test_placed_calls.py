"""Calls the gateway places: the callback (the agent's phone first, then the citizen), and
transfers out of the center to an outside line, blind and attended (a second INVITE leg
bridged by the gateway). Every phone is a real sipp UAS on 127.0.0.1."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from voice_helpers import (
    agent_phone,
    collect,
    free_udp_port,
    publish_short_flow,
    run_sipp,
    settled,
)

from dasan.chat.hub import agent_channel
from dasan.db.models import Agent, Consultation
from dasan.db.models_presence import AgentPresence
from dasan.db.models_voice import CallbackAttempt, CallbackRequest, VoiceCall
from dasan.db.session import session_scope
from dasan.presence import service as presence
from dasan.presence import states as st
from dasan.presence.events import StateChanged
from dasan.voice import cti

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_callback_rings_the_agent_then_dials_the_citizen_and_retries(
        gateway_factory, database_url: str) -> None:
    """The agent's phone first, then the citizen's (at the Contact their call came from). The
    citizen's phone is busy (486) on the first try; the second, after the retry spacing,
    connects. Both tries are on record; the consultation counts as answered."""
    publish_short_flow(database_url)
    agent_id, port = agent_phone(database_url, "A0001")
    with session_scope(database_url) as s:
        s.execute(update(Agent).where(Agent.id == agent_id).values(state="offline"))
    gw = await gateway_factory(queue_timeout=1.0, wrap_up_seconds=0.0, callback_attempts=2,
                               callback_retry_seconds=1.0)
    citizen_port = free_udp_port()
    asked = await run_sipp("caller_callback.xml", gw.port, local_port=citizen_port)
    assert asked.returncode == 0, asked.output
    await settled(gw)
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await gw.pubsub.subscribe(agent_channel(agent_id), events)
    busy = asyncio.create_task(run_sipp("citizen_busy.xml", gw.port, uas_port=citizen_port))
    phone = asyncio.create_task(run_sipp("agent_phone.xml", gw.port, uas_port=port, calls=2))
    await asyncio.sleep(0.3)
    with session_scope(database_url) as s:
        s.execute(update(Agent).where(Agent.id == agent_id).values(state="available"))
    assert (await busy).returncode == 0
    citizen = asyncio.create_task(run_sipp("agent_phone.xml", gw.port, uas_port=citizen_port))
    ringing = await collect(events, "ringing")
    assert ringing["callback"] is True and ringing["caller"] == "010-****-5678"
    cid = (await collect(events, "answered"))["consultation_id"]
    await cti.send(gw.pubsub, cti.command("hangup", cid, agent_id))
    assert (await phone).returncode == 0
    assert (await citizen).returncode == 0
    await settled(gw)
    with session_scope(database_url) as s:
        first, _, placed = s.scalars(select(VoiceCall).order_by(VoiceCall.id)).all()
        assert first.outcome == "callback" and placed.dialed == "callback"
        assert placed.outcome == "answered" and placed.agent_id == agent_id
        assert placed.consultation_id == first.consultation_id == cid
        request = s.scalars(select(CallbackRequest)).one()
        assert request.status == "done" and request.attempts == 2
        assert request.contact_uri == ""  # purged
        tries = s.scalars(select(CallbackAttempt).order_by(CallbackAttempt.id)).all()
        assert [(t.attempt, t.result, t.agent_id) for t in tries] == [
            (1, "citizen_no_answer", agent_id), (2, "connected", agent_id)]
        first_try = s.get(VoiceCall, tries[0].call_id)
        assert first_try is not None and first_try.end_reason == "citizen_no_answer"
        c = s.get(Consultation, cid)
        assert c is not None and c.outcome == "callback" and c.status == "closed"
        assert c.answered_at is not None and c.agent_id == agent_id  # counts as answered


@pytest.mark.parametrize("how", ["blind", "attended"])
async def test_transfer_to_an_outside_line(call_center, database_url: str, how: str) -> None:
    outside = free_udp_port()
    line = asyncio.create_task(run_sipp("outside_line.xml", 0, uas_port=outside))
    cc = await call_center("agent_phone.xml", wrap_up_seconds=0.2,
                           external_uri=f"sip:{{number}}@127.0.0.1:{outside}")
    gw, (agent_id,), (events,), (phone,), caller, cid = (
        cc.gw, cc.agents, cc.events, cc.phones, cc.caller, cc.cid)
    target = "external:0221334567"
    if how == "blind":
        await cti.send(gw.pubsub, cti.command("transfer", cid, agent_id, target))
    else:
        await cti.send(gw.pubsub, cti.command("consult", cid, agent_id, target))
        await collect(events, "consult_answered")  # the agent talks to the outside line
        await cti.send(gw.pubsub, cti.command("complete", cid, agent_id))
    assert (await phone).returncode == 0  # the agent's phone got BYE
    assert (await line).returncode == 0  # the outside line talked, then hung up
    assert (await caller).returncode == 0  # so the caller got BYE
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "transferred" and call.transferred_to == target
        c = s.get(Consultation, cid)
        assert c is not None and c.outcome == "transferred" and c.answered_at is not None
        agent = s.get(Agent, agent_id)
        assert agent is not None and agent.state in ("after_call_work", "available")


async def test_attended_transfer_to_another_agent(call_center, database_url: str) -> None:
    cc = await call_center("agent_phone.xml", "agent_phone.xml", wrap_up_seconds=30.0)
    gw, (first, second), (events1, events2), (phone1, phone2), caller, cid = (
        cc.gw, cc.agents, cc.events, cc.phones, cc.caller, cc.cid)
    await cti.send(gw.pubsub, cti.command("consult", cid, first, f"agent:{second}"))
    assert (await collect(events2, "ringing"))["consult"] is True
    await collect(events1, "consult_answered")  # the two agents talk; the caller holds
    await cti.send(gw.pubsub, cti.command("complete", cid, first))
    assert (await phone1).returncode == 0  # the first agent's leg got BYE
    await collect(events2, "answered")
    with session_scope(database_url) as s:
        a1, a2 = s.get(Agent, first), s.get(Agent, second)
        assert a1 is not None and a1.state == "after_call_work"
        assert a2 is not None and a2.state == "busy"
    await cti.send(gw.pubsub, cti.command("hangup", cid, second))
    assert (await caller).returncode == 0
    assert (await phone2).returncode == 0
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "answered" and call.agent_id == second
        assert call.transferred_to == f"agent:{second}"
        c = s.get(Consultation, cid)
        assert c is not None and c.agent_id == second and c.outcome == "answered"
        # The wrap-up is durable: its deadline is on the presence record, so when the
        # gateway dies before its own timer fires, the presence sweep (web process) ends it.
        row = s.get(AgentPresence, second)
        assert call.ended_at is not None and row is not None and row.wrap_up_until is not None
        assert abs((row.wrap_up_until - call.ended_at).total_seconds() - 30.0) < 0.01
        ended_at = call.ended_at
    await gw.stop()  # its wrap-up timers die with it
    long = timedelta(hours=1)
    with session_scope(database_url) as s:
        assert presence.sweep(s, ended_at + timedelta(seconds=29), st.Timers(long, long, long)
                              ) == []
        events = presence.sweep(s, ended_at + timedelta(seconds=31), st.Timers(long, long, long))
        assert sorted((e.agent_id, e.state, e.why) for e in events
                      if isinstance(e, StateChanged)) == sorted(
            [(first, "available", "wrap_up_over"), (second, "available", "wrap_up_over")])
