"""The interpreter three-way conference (issue 14): during a call the agent adds an interpreter
(another agent's phone, or an outside number); each party hears the other two; the
interpreter can leave or be dropped and the call goes on two-way; a busy interpreter leaves
the call as it was. Every phone is a real sipp on 127.0.0.1, each playing its own tone, and
what each phone receives is captured on the loopback interface and checked for the tones."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from lo_capture import LoopbackCapture, tone_share
from rtp_pcap import scenario_with_audio, write_pcap
from sqlalchemy import select
from voice_helpers import (
    SCENARIOS,
    frames,
    free_media_port,
    free_udp_port,
    run_sipp,
    settled,
)

from dasan.chat import events as chat_events
from dasan.db.models_smartvoice import CallConferenceLeg
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope
from dasan.voice import cti
from dasan.voice.media import audio

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

CALLER_HZ, AGENT_HZ, INTERPRETER_HZ = 450.0, 1050.0, 1850.0


def tone_scenario(tmp_path: Path, template: str, hz: float, seconds: float) -> str:
    pcap = write_pcap(audio.tone([hz], seconds), tmp_path / f"tone-{int(hz)}.pcap")
    return str(scenario_with_audio(SCENARIOS / template, pcap,
                                   tmp_path / f"{Path(template).stem}-{int(hz)}.xml"))


def media_port() -> int:
    return free_media_port()


async def next_call_event(events: asyncio.Queue[dict[str, Any]], *kinds: str
                          ) -> dict[str, Any]:
    while True:
        event = await asyncio.wait_for(events.get(), 60)
        if event["type"] in {f"call.{k}" for k in kinds}:
            chat_events.validate(event)  # typed like every desktop event
            return event


def hears(cap: LoopbackCapture, port: int, start: float, end: float) -> dict[float, float]:
    pcm = cap.pcm(port, start, end)
    return {hz: tone_share(pcm, hz) for hz in (CALLER_HZ, AGENT_HZ, INTERPRETER_HZ)}


async def test_three_way_conference_each_party_hears_the_other_two(
        call_center, database_url: str, tmp_path: Path) -> None:
    """The caller (450 Hz), the agent (1050 Hz) and an interpreter agent (1850 Hz): while all
    three are in, each phone receives the two other tones and not its own; the interpreter
    hangs up, the call goes on two-way (the agent hears the caller only) until the agent
    hangs up. The conference is on record, and the interpreter's leg is recorded."""
    mp_caller, mp_agent, mp_interp = media_port(), media_port(), media_port()
    cap = LoopbackCapture.start({mp_caller, mp_agent, mp_interp})
    try:  # A0001 takes the call; A0002 interprets
        cc = await call_center(
            {"scenario": tone_scenario(tmp_path, "phone_tone.xml", AGENT_HZ, 30),
             "media_port": mp_agent},
            {"scenario": tone_scenario(tmp_path, "interpreter_leaves.xml", INTERPRETER_HZ, 30),
             "media_port": mp_interp},
            caller={"scenario": tone_scenario(tmp_path, "caller_tone_until_bye.xml", CALLER_HZ,
                                              30), "media_port": mp_caller},
            wrap_up_seconds=0.2)
        gw, (first, second), (events1, events2), (phone1, phone2), caller, cid = (
            cc.gw, cc.agents, cc.events, cc.phones, cc.caller, cc.cid)
        await cti.send(gw.pubsub, cti.command("interpreter", cid, first, f"agent:{second}"))
        ringing = await next_call_event(events1, "interpreter_ringing")
        pop = await next_call_event(events2, "ringing")
        assert pop["interpreter"] is True and pop["consultation_id"] == cid
        assert pop["caller"] == "010-****-5678"  # the interpreter sees the masked number only
        joined = await next_call_event(events1, "interpreter_joined", "interpreter_failed")
        assert joined["type"] == "call.interpreter_joined", joined
        assert joined["leg_id"] == ringing["leg_id"]
        t_joined = time.monotonic()
        left = await next_call_event(events1, "interpreter_left")  # they hung up (after 3 s)
        t_left = time.monotonic()
        assert left["why"] == "interpreter_left"
        assert (await phone2).returncode == 0
        await asyncio.sleep(1.5)  # two-way again
        t_two_way = time.monotonic()
        await cti.send(gw.pubsub, cti.command("hangup", cid, first))
        assert (await caller).returncode == 0
        assert (await phone1).returncode == 0
        await settled(gw)
    finally:
        if cap is not None:
            cap.stop()
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "answered" and call.agent_id == first
        leg = s.scalars(select(CallConferenceLeg)).one()
        assert (leg.call_id, leg.role, leg.agent_id, leg.added_by) == (call.id, "interpreter",
                                                                      second, first)
        assert leg.result == "joined" and leg.sip_status == 200
        assert leg.answered_at is not None and leg.left_at is not None
        assert call.answered_at is not None and call.ended_at is not None
        assert call.answered_at <= leg.added_at <= leg.answered_at <= leg.left_at
        assert leg.left_at <= call.ended_at and leg.left_reason == "interpreter_left"
        assert frames(leg.recording) > audio.RATE  # over a second of the interpreter's leg
        assert frames(call.recording_caller) > 0 and frames(call.recording_agent) > 0
    if cap is None:
        pytest.skip("no raw socket here (CAP_NET_RAW): the audio check needs one")
    # While all three talked: each phone heard the two others and not itself.
    window = (t_joined + 0.4, t_left - 0.2)
    assert window[1] - window[0] > 1.0
    heard = {who: hears(cap, port, *window) for who, port in
             (("caller", mp_caller), ("agent", mp_agent), ("interpreter", mp_interp))}
    own = {"caller": CALLER_HZ, "agent": AGENT_HZ, "interpreter": INTERPRETER_HZ}
    for who, shares in heard.items():
        for hz, share in shares.items():
            if hz == own[who]:
                assert share < 0.02, (who, heard)
            else:
                assert share > 0.2, (who, heard)
    # After the interpreter left: the agent hears the caller, and no interpreter any more.
    after = hears(cap, mp_agent, t_left + 0.5, t_two_way)
    assert after[CALLER_HZ] > 0.5 and after[INTERPRETER_HZ] < 0.02, after


async def test_the_agent_drops_an_outside_interpreter(call_center, database_url: str,
                                                      tmp_path: Path) -> None:
    """An outside interpreter line (through the trunk): joins, the agent drops it from the
    desktop (it gets BYE), the call goes on; the record keeps the masked number."""
    line = free_udp_port()
    interp = asyncio.create_task(run_sipp(
        tone_scenario(tmp_path, "phone_tone.xml", INTERPRETER_HZ, 10), 0, uas_port=line))
    cc = await call_center("agent_phone.xml", wrap_up_seconds=0.2,
                           external_uri=f"sip:{{number}}@127.0.0.1:{line}")
    gw, (agent_id,), (events,), (phone,), caller, cid = (
        cc.gw, cc.agents, cc.events, cc.phones, cc.caller, cc.cid)
    await cti.send(gw.pubsub, cti.command("interpreter", cid, agent_id, "external:0215551234"))
    joined = await next_call_event(events, "interpreter_joined", "interpreter_failed")
    assert joined["type"] == "call.interpreter_joined" and joined["target"] == "02-****-1234"
    live = gw.call_for(cid)
    assert live is not None and live.conference is not None
    # Not while the interpreter is in: a transfer is refused (nothing changes).
    assert not await gw.handle_command(cti.command("transfer", cid, agent_id, "queue:general"))
    await asyncio.sleep(0.5)
    await cti.send(gw.pubsub, cti.command("drop_interpreter", cid, agent_id))
    assert (await next_call_event(events, "interpreter_left"))["why"] == "dropped"
    assert (await interp).returncode == 0  # the interpreter's line got BYE
    assert live.conference is None and live.agent is not None
    assert live.agent.rtp is not None and live.rtp.partner is live.agent.rtp  # two-way again
    await cti.send(gw.pubsub, cti.command("hangup", cid, agent_id))
    assert (await caller).returncode == 0
    assert (await phone).returncode == 0
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "answered" and call.end_reason == "agent_hangup"
        leg = s.scalars(select(CallConferenceLeg)).one()
        assert leg.agent_id is None and leg.target_masked == "02-****-1234"
        assert leg.result == "joined" and leg.left_reason == "dropped"
        assert "0215551234" not in str(leg.recording)


async def test_a_busy_interpreter_leaves_the_call_two_way(call_center, database_url: str
                                                          ) -> None:
    """The interpreter's line answers 486: the agent is told, the miss is on record, and the
    caller and the agent go on talking."""
    line = free_udp_port()
    busy = asyncio.create_task(run_sipp("citizen_busy.xml", 0, uas_port=line))
    cc = await call_center("agent_phone.xml", wrap_up_seconds=0.2,
                           external_uri=f"sip:{{number}}@127.0.0.1:{line}")
    gw, (agent_id,), (events,), (phone,), caller, cid = (
        cc.gw, cc.agents, cc.events, cc.phones, cc.caller, cc.cid)
    live = gw.call_for(cid)
    assert live is not None and live.agent is not None
    await cti.send(gw.pubsub, cti.command("interpreter", cid, agent_id, "external:0215551234"))
    failed = await next_call_event(events, "interpreter_joined", "interpreter_failed")
    assert failed["type"] == "call.interpreter_failed" and failed["sip_status"] == 486
    assert (await busy).returncode == 0
    assert live.stage == "talk" and live.conference is None and live.interpreter is None
    assert live.agent.rtp is not None and live.rtp.partner is live.agent.rtp
    received = live.agent.rtp.rx_packets
    for _ in range(30):  # counted by the media relay process, reported five times a second
        await asyncio.sleep(0.1)
        if live.agent.rtp.rx_packets > received:
            break
    assert live.agent.rtp.rx_packets > received  # the agent's phone still sends; still bridged
    await cti.send(gw.pubsub, cti.command("hangup", cid, agent_id))
    assert (await caller).returncode == 0
    assert (await phone).returncode == 0
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.outcome == "answered"
        leg = s.scalars(select(CallConferenceLeg)).one()
        assert (leg.result, leg.sip_status, leg.answered_at) == ("busy", 486, None)
        assert leg.left_at is not None and leg.recording is None
