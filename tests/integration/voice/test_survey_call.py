"""The phone satisfaction survey end to end: a sipp caller is answered by a sipp agent phone; the
agent hangs up, the caller hears the ARS survey, presses a key, and the score is stored on the
consultation."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select
from voice_helpers import agent_phone, collect, publish_short_flow, run_sipp, settled

from dasan.chat.hub import agent_channel
from dasan.db.models import Consultation
from dasan.db.models_quality import SurveyAnswer
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_the_caller_scores_the_call_after_the_agent_hangs_up(gateway_factory,
                                                                   database_url: str) -> None:
    publish_short_flow(database_url)
    agent_id, port = agent_phone(database_url, "A0001")
    gw = await gateway_factory(survey=True)
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await gw.pubsub.subscribe(agent_channel(agent_id), events)
    phone = asyncio.create_task(run_sipp("agent_phone_hangs_up.xml", gw.port, uas_port=port))
    await asyncio.sleep(0.3)  # the phone's socket is bound
    # The caller presses 4 from the moment it is queued: the keys pressed while it talks to
    # the agent are dropped, the first one pressed during the survey prompt is the answer.
    caller = asyncio.create_task(run_sipp("caller_survey.xml", gw.port))
    cid = (await collect(events, "answered"))["consultation_id"]
    agent = await phone
    assert agent.returncode == 0, agent.output  # the agent hung up ...
    with session_scope(database_url) as s:  # ... and nothing was stored while they talked
        assert s.scalars(select(SurveyAnswer)).all() == []
    result = await caller
    assert result.returncode == 0, result.output  # the gateway ended the call after the survey
    await settled(gw)
    with session_scope(database_url) as s:
        call = s.scalars(select(VoiceCall)).one()
        assert call.consultation_id == cid
        assert call.outcome == "answered" and call.end_reason == "agent_bye"
        answer = s.scalars(select(SurveyAnswer)).one()
        assert (answer.consultation_id, answer.channel, answer.score) == (cid, "call", 4)
        c = s.get(Consultation, cid)
        assert c is not None and c.outcome == "answered"
