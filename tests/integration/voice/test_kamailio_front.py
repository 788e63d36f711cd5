"""The Kamailio front (deploy/kamailio/kamailio.cfg, started by scripts/kamailio.sh): two
sipp calls to its one address are spread over two gateway processes' worth of gateways
(round-robin dispatcher) and each reaches the ARS menu and its queue."""

from __future__ import annotations

import asyncio
import shutil
import socket
from pathlib import Path

import pytest
from sqlalchemy import select
from voice_helpers import free_udp_port, publish_short_flow, run_sipp, settled

from dasan.config import PROJECT_ROOT
from dasan.db.models import Consultation
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def answers_options(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.setblocking(False)
        me = s.getsockname()[1]
        s.sendto((f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
                  f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK-probe{me}\r\n"
                  f"From: <sip:probe@127.0.0.1:{me}>;tag=p\r\nTo: <sip:127.0.0.1:{port}>\r\n"
                  f"Call-ID: probe-{me}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
                  "Content-Length: 0\r\n\r\n").encode(), ("127.0.0.1", port))
        loop = asyncio.get_running_loop()
        try:
            data = await asyncio.wait_for(loop.sock_recv(s, 2048), 0.2)
        except TimeoutError:
            return False
        return data.startswith(b"SIP/2.0 200")


async def test_calls_through_kamailio_reach_the_ars_on_both_gateways(
        gateway_factory, database_url: str, tmp_path: Path) -> None:
    if shutil.which("kamailio") is None:
        pytest.skip("kamailio is not installed (scripts/system-deps.sh)")
    publish_short_flow(database_url)
    gw1, gw2 = await gateway_factory(), await gateway_factory()
    front = free_udp_port()
    proc = await asyncio.create_subprocess_exec(
        str(PROJECT_ROOT / "scripts" / "kamailio.sh"), f"127.0.0.1:{front}",
        f"127.0.0.1:{gw1.port}", f"127.0.0.1:{gw2.port}",
        env={"DASAN_KAMAILIO_DIR": str(tmp_path / "kamailio"), "PATH": "/usr/sbin:/usr/bin:/bin"},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        for _ in range(200):  # hang guard: kamailio is up when it answers OPTIONS
            if proc.returncode is not None or await answers_options(front):
                break
        assert proc.returncode is None, "kamailio did not start"
        for _ in range(2):
            result = await run_sipp("caller_keys_2.xml", front)
            assert result.returncode == 0, result.output
        await settled(gw1)
        await settled(gw2)
    finally:
        proc.terminate()
        await proc.wait()
    assert (gw1.stats["calls"], gw2.stats["calls"]) == (1, 1)  # one each: round-robin
    with session_scope(database_url) as s:
        calls = s.scalars(select(VoiceCall)).all()
        assert len(calls) == 2
        for call in calls:
            c = s.get(Consultation, call.consultation_id)
            assert call.queue_code == "water" and call.ars_exit_at is not None
            assert c is not None and c.ars_option == "2" and c.outcome == "abandoned_in_queue"
