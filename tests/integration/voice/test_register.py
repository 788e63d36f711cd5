"""Agents' softphones register with the gateway (SIP REGISTER, digest authentication): the
binding is where the agent's calls ring; a wrong password changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from voice_helpers import SCENARIOS, SIPP, free_udp_port

from dasan.config import signing_key
from dasan.db.models import Agent
from dasan.db.models_voice import VoiceEndpoint
from dasan.db.session import session_scope
from dasan.voice import acd
from dasan.voice.register import sip_password

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def _register(gw_port: int, user: str, password: str, local_port: int) -> str:
    import asyncio

    assert SIPP is not None
    proc = await asyncio.create_subprocess_exec(
        SIPP, "-sf", str(SCENARIOS / "softphone_register.xml"), "-m", "1", "-nostdin", "-nr",
        "-i", "127.0.0.1", "-p", str(local_port), "-s", user, "-au", user, "-ap", password,
        "-timeout", "20s", "-timeout_error", "-trace_msg", "-message_file", "/dev/stdout",
        f"127.0.0.1:{gw_port}", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, out.decode(errors="replace")[-2000:]
    return out.decode(errors="replace")


async def test_softphone_registers_with_digest_and_calls_ring_there(gateway_factory,
                                                                   database_url: str) -> None:
    gw = await gateway_factory()
    port = free_udp_port()
    wrong = await _register(gw.port, "A0001", "not-the-password", port)
    assert "SIP/2.0 403 Forbidden" in wrong
    with session_scope(database_url) as s:
        assert s.scalars(select(VoiceEndpoint)).all() == []  # nothing bound
    ok = await _register(gw.port, "A0001", sip_password(signing_key(), "A0001"), port)
    assert "SIP/2.0 401 Unauthorized" in ok and "SIP/2.0 200 OK" in ok
    with session_scope(database_url) as s:
        agent = s.scalars(select(Agent).where(Agent.employee_no == "A0001")).one()
        agent.state = "available"
        s.commit()
        row = s.scalars(select(VoiceEndpoint)).one()
        assert row.agent_id == agent.id and row.sip_uri == f"sip:A0001@127.0.0.1:{port}"
        assert row.registered_until is not None
        assert [a.sip_uri for a in acd.candidates(s).agents] == [row.sip_uri]
