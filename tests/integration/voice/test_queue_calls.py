"""Queue and agents: a sipp agent phone rings, answers, both legs are bridged and recorded;
desktop commands (hang-up, blind transfer) over pub/sub; the callback offer."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from voice_helpers import collect, free_udp_port, publish_short_flow, run_sipp, settled

from dasan.db.models import Agent, Consultation
from dasan.db.models_voice import CallbackRequest, VoiceCall
from dasan.db.session import session_scope
from dasan.presence import service as presence
from dasan.voice import cti

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def presence_of(url: str, agent_id: int) -> tuple[str, int]:
    """The agent's state and how many chats the presence model would offer them now."""
    with session_scope(url) as s:
        agent = s.get(Agent, agent_id)
        assert agent is not None
        return agent.state, presence.capacity_for(s, agent, "web")


async def next_state(events: asyncio.Queue[dict[str, Any]], timeout: float = 20.0) -> str:
    while True:
        event = await asyncio.wait_for(events.get(), timeout)
        if event["type"] == "presence":
            return str(event["state"])


async def test_desktop_hang_up_ends_both_legs(call_center, database_url: str) -> None:
    """Also the one presence model: busy on the call (no chat offered), after-call work after
    it, available again when the configured wrap-up is over."""
    cc = await call_center("agent_phone.xml", wrap_up_seconds=0.5)
    gw, (agent_id,), (events,), (phone,), caller = cc.gw, cc.agents, cc.events, cc.phones, cc.caller
    assert presence_of(database_url, agent_id) == ("busy", 0)
    await cti.send(gw.pubsub, cti.command("hold", cc.cid, agent_id))
    await collect(events, "held")
    await cti.send(gw.pubsub, cti.command("resume", cc.cid, agent_id))
    await collect(events, "resumed")
    # The caller's script plays 0.7 s of keys and speech after its ACK before it listens for
    # BYE (sipp counts a BYE during those pauses as unexpected): hang up after it.
    await asyncio.sleep(1.0)
    await cti.send(gw.pubsub, cti.command("hangup", cc.cid, agent_id))
    assert (await caller).returncode == 0
    assert (await phone).returncode == 0
    assert await next_state(events) == "after_call_work"
    assert presence_of(database_url, agent_id) == ("after_call_work", 0)
    assert await next_state(events) == "available"
    assert presence_of(database_url, agent_id)[0] == "available"
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "answered" and call.end_reason == "agent_hangup"


async def test_blind_transfer_to_a_queue_rings_another_agent(call_center,
                                                             database_url: str) -> None:
    cc = await call_center("agent_phone.xml", "agent_phone.xml")
    gw, (first, second), (_, events2), (phone1, phone2), caller, cid = (
        cc.gw, cc.agents, cc.events, cc.phones, cc.caller, cc.cid)
    await cti.send(gw.pubsub, cti.command("transfer", cid, first, "queue:general"))
    assert (await phone1).returncode == 0  # the first agent's phone got BYE
    ringing = await collect(events2, "ringing")
    assert ringing["consultation_id"] == cid and ringing["queue"] == "general"
    await collect(events2, "answered")
    await cti.send(gw.pubsub, cti.command("hangup", cid, second))
    assert (await caller).returncode == 0
    assert (await phone2).returncode == 0
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        # A transfer inside the center is not an outcome (ADR 0004): answered, by the second.
        assert call.outcome == "answered" and call.transferred_to == "queue:general"
        assert call.agent_id == second


async def test_the_agent_phone_transfers_with_refer(call_center, database_url: str) -> None:
    """SIP REFER from the agent's own phone (Refer-To another agent's employee number):
    202, NOTIFY 100 Trying, BYE to the first phone, the second agent is rung and answers,
    then the final NOTIFY 200 OK."""
    cc = await call_center({"scenario": "agent_refer.xml", "service": "A0002"},
                           "agent_phone.xml")
    gw, (_, second), (_, events2), (phone1, phone2), caller, cid = (
        cc.gw, cc.agents, cc.events, cc.phones, cc.caller, cc.cid)
    result1 = await phone1
    assert result1.returncode == 0, result1.output  # 202, NOTIFY 100, BYE, NOTIFY 200
    assert (await collect(events2, "ringing"))["consultation_id"] == cid
    await collect(events2, "answered")
    await cti.send(gw.pubsub, cti.command("hangup", cid, second))
    assert (await caller).returncode == 0
    assert (await phone2).returncode == 0
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "answered" and call.transferred_to == f"agent:{second}"
        assert call.agent_id == second


async def test_callback_offer_keeps_the_place(gateway_factory, database_url: str) -> None:
    publish_short_flow(database_url)
    gw = await gateway_factory(queue_timeout=1.5)
    result = await run_sipp("caller_callback.xml", gw.port)
    assert result.returncode == 0, result.output
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "callback" and call.queue_code == "transport"
        request = s.scalars(select(CallbackRequest)).one()
        assert request.call_id == call.id and request.status == "waiting"
        c = s.get(Consultation, call.consultation_id)
        assert c is not None and c.outcome == "callback"


async def test_warn_warn_terminate_on_a_call(call_center, database_url: str) -> None:
    from dasan.chat.events import validate
    from dasan.db.models import AbuseIncident
    from dasan.db.models_protection import AgentCare

    cc = await call_center("agent_phone.xml")
    gw, (agent_id,), (events,), (phone,), caller, cid = (
        cc.gw, cc.agents, cc.events, cc.phones, cc.caller, cc.cid)
    steps = []
    for _ in range(3):
        await cti.send(gw.pubsub, cti.command("warn", cid, agent_id))
        steps.append((await collect(events, "warned", timeout=30))["step"])
    assert steps == ["warn_1", "warn_2", "terminated"]
    # The same typed recovery-break offer as after an abusive chat.
    while (offer := await asyncio.wait_for(events.get(), 30))["type"] != "break_offered":
        pass
    validate(offer)
    assert offer["consultation_id"] == cid and offer["care_id"] and offer["minutes"] > 0
    assert (await caller).returncode == 0  # the caller got BYE
    assert (await phone).returncode == 0
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "forced_terminated" and call.end_reason == "abuse_policy"
        c = s.get(Consultation, cid)
        assert c is not None and c.outcome == "forced_terminated"
        incidents = list(s.scalars(select(AbuseIncident).order_by(AbuseIncident.id)))
        assert [i.action for i in incidents] == ["warn_1", "warn_2", "terminated"]
        care = s.get(AgentCare, offer["care_id"])
        assert care is not None and care.kind == "break" and care.status == "offered"
        assert care.agent_id == agent_id and care.incident_id == incidents[-1].id


async def test_waiting_caller_hears_position_and_expected_wait(gateway_factory,
                                                               database_url: str) -> None:
    publish_short_flow(database_url)
    gw = await gateway_factory(queue_announce_every=0.3, queue_timeout=4.0)
    result = await run_sipp("caller_callback.xml", gw.port)  # waits, then takes the callback
    assert result.returncode == 0, result.output
    await settled(gw)
    spoken = [text for key, _lang, text in gw.prompts._memory if key.startswith("position_")]
    assert spoken and spoken[0].startswith("현재 대기 순서는 1번째입니다.")


async def test_a_refer_to_a_busy_outside_line_reports_the_failure(
        call_center, database_url: str) -> None:
    """REFER to an outside number whose line answers 486: NOTIFY 100 Trying, then the final
    NOTIFY carries 486 Busy Here (subscription terminated); the caller is back with the agent,
    who hangs up later."""
    line = free_udp_port()
    busy = asyncio.create_task(run_sipp("citizen_busy.xml", 0, uas_port=line))
    cc = await call_center({"scenario": "agent_refer_fails.xml", "service": "0215551234"},
                           external_uri=f"sip:{{number}}@127.0.0.1:{line}")
    gw, (agent_id,), (events,), (phone,), caller, cid = (
        cc.gw, cc.agents, cc.events, cc.phones, cc.caller, cc.cid)
    assert (await collect(events, "retrieved"))["why"] == "transfer_failed"
    assert (await busy).returncode == 0
    await cti.send(gw.pubsub, cti.command("hangup", cid, agent_id))
    result = await phone
    assert result.returncode == 0, result.output  # 202, NOTIFY 100, NOTIFY 486, BYE
    assert (await caller).returncode == 0
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "answered" and call.transferred_to is None
        assert call.agent_id == agent_id and call.end_reason == "agent_hangup"
