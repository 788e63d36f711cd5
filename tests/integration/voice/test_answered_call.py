"""An answered call on every database backend: a sipp agent phone rings and answers, both legs
are bridged and recorded, CTI events reach the agent's desktop channel, the record is complete."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import select
from voice_helpers import agent_phone, collect, frames, publish_short_flow, run_sipp, settled

from dasan.chat import events as chat_events
from dasan.chat.hub import agent_channel
from dasan.db.models import Consultation
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope


async def test_answered_call_bridges_and_records_both_legs(gateway_factory,
                                                           database_url: str) -> None:
    publish_short_flow(database_url)
    agent_id, port = agent_phone(database_url, "A0001")  # transport skill
    gw = await gateway_factory()
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await gw.pubsub.subscribe(agent_channel(agent_id), events)
    phone = asyncio.create_task(run_sipp("agent_phone.xml", gw.port, uas_port=port))
    await asyncio.sleep(0.3)  # the phone's socket is bound
    caller = await run_sipp("caller_talk.xml", gw.port)
    agent = await phone
    assert caller.returncode == 0, caller.output
    assert agent.returncode == 0, agent.output
    await settled(gw)
    ringing = await collect(events, "ringing")
    chat_events.validate(ringing)  # CTI events are typed like every desktop event
    assert ringing["caller"] == "010-****-5678"  # masked on the desktop
    assert "key:1" in ringing["ars_path"] and ringing["queue"] == "transport"
    await collect(events, "answered")
    ended = await collect(events, "ended")
    assert chat_events.validate(ended).outcome == "answered"  # type: ignore[attr-defined]
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        c = s.get(Consultation, call.consultation_id)
        assert c is not None
        assert call.outcome == "answered" and call.agent_id == agent_id
        assert call.offered_at is not None and call.answered_at is not None
        assert call.queued_at <= call.offered_at <= call.answered_at <= call.ended_at
        assert c.answered_at is not None and c.agent_id == agent_id
        assert c.outcome == "answered" and c.handle_seconds is not None
        assert frames(call.recording_caller) > 8000  # over a second of each side
        assert frames(call.recording_agent) > 8000
        assert Path(call.recording_caller or "").parent.parent == gw.settings.recording_dir
