"""The media relay process (ADR 0020): a bridged call's audio is forwarded both ways and both
legs are recorded by the relay, off the gateway's event loop; hold mutes the relayed pair; a
relay that dies hands its legs back to the gateway's loop (the call goes on) and the next
bridge starts a new one."""

from __future__ import annotations

import asyncio
import socket
import struct
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from lo_capture import LoopbackCapture, tone_share
from rtp_pcap import scenario_with_audio, write_pcap
from sqlalchemy import select
from voice_helpers import SCENARIOS, free_media_port, settled

from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope
from dasan.voice import cti
from dasan.voice.media import audio
from dasan.voice.media.relay import MediaRelay
from dasan.voice.media.rtp import PortPool

CALLER_HZ, AGENT_HZ = 450.0, 1050.0


def tone_scenario(tmp_path: Path, template: str, hz: float, seconds: float) -> str:
    pcap = write_pcap(audio.tone([hz], seconds), tmp_path / f"tone-{int(hz)}.pcap")
    return str(scenario_with_audio(SCENARIOS / template, pcap,
                                   tmp_path / f"{Path(template).stem}-{int(hz)}.xml"))


def wav_tone(path: str | None, hz: float) -> tuple[int, float]:
    assert path is not None
    with wave.open(path, "rb") as w:
        n = w.getnframes()
        pcm = np.frombuffer(w.readframes(n), dtype="<i2").astype(np.float64)
    return n, tone_share(pcm, hz)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_bridged_call_flows_both_ways_through_the_relay_and_both_legs_are_recorded(
        call_center, database_url: str, tmp_path: Path) -> None:
    mp_caller, mp_agent = free_media_port(), free_media_port()
    cap = LoopbackCapture.start({mp_caller, mp_agent})
    try:
        cc = await call_center(
            {"scenario": tone_scenario(tmp_path, "phone_tone.xml", AGENT_HZ, 30),
             "media_port": mp_agent},
            caller={"scenario": tone_scenario(tmp_path, "caller_tone_until_bye.xml",
                                              CALLER_HZ, 30), "media_port": mp_caller},
            wrap_up_seconds=0.2)
        gw, agent_id, cid = cc.gw, cc.agents[0], cc.cid
        call = gw.call_for(cid)
        assert call is not None and call.agent is not None
        assert call.rtp.relayed and call.agent.rtp.relayed  # the relay process reads them
        assert gw.media is not None and gw.media.alive and len(gw.media.pairs) == 1
        await asyncio.sleep(1.5)
        t_talk = time.monotonic()
        await cti.send(gw.pubsub, cti.command("hold", cid, agent_id))
        await asyncio.sleep(1.2)
        t_hold = time.monotonic()
        await cti.send(gw.pubsub, cti.command("resume", cid, agent_id))
        await asyncio.sleep(1.2)
        t_resume = time.monotonic()
        forwarded = gw.media.counters.get("forwarded", 0)
        assert call.rtp.relayed  # hold and resume kept the pair in the relay
        await cti.send(gw.pubsub, cti.command("hangup", cid, agent_id))
        assert (await cc.caller).returncode == 0
        assert (await cc.phones[0]).returncode == 0
        await settled(gw)
    finally:
        if cap is not None:
            cap.stop()
    assert forwarded > 100  # both directions, 20-30 ms packets, ~4 s
    with session_scope(database_url) as s:
        record = s.scalars(select(VoiceCall)).one()
        assert record.outcome == "answered"
        caller_frames, caller_share = wav_tone(record.recording_caller, CALLER_HZ)
        agent_frames, agent_share = wav_tone(record.recording_agent, AGENT_HZ)
    # Each leg's file holds what that leg said, the whole talk (hold included).
    assert caller_frames > 3 * audio.RATE and agent_frames > 3 * audio.RATE
    assert caller_share > 0.8 and agent_share > 0.8, (caller_share, agent_share)
    if cap is None:
        pytest.skip("no raw socket here (CAP_NET_RAW): the audio check needs one")
    caller_heard = tone_share(cap.pcm(mp_caller, t_talk - 1.2, t_talk), AGENT_HZ)
    agent_heard = tone_share(cap.pcm(mp_agent, t_talk - 1.2, t_talk), CALLER_HZ)
    assert caller_heard > 0.5 and agent_heard > 0.5, (caller_heard, agent_heard)
    # On hold the caller hears hold audio and not the agent, the agent hears nobody.
    on_hold = cap.pcm(mp_caller, t_hold - 0.9, t_hold)
    assert len(on_hold) > 0 and tone_share(on_hold, AGENT_HZ) < 0.05
    assert tone_share(cap.pcm(mp_agent, t_hold - 0.9, t_hold), CALLER_HZ) < 0.05
    assert tone_share(cap.pcm(mp_caller, t_resume - 0.8, t_resume), AGENT_HZ) > 0.5


# --- the relay's life, on plain sockets (no SIP) ---------------------------------------------


def _phone() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(10.0)
    return s


def _packets(pt: int, hz: float, n: int) -> list[bytes]:
    payload = audio.encode(pt, audio.tone([hz], 0.02 * n))
    return [struct.pack("!BBHII", 0x80, pt, i, i * 160, 1234) + payload[i * 160:(i + 1) * 160]
            for i in range(n)]


async def _through(src: socket.socket, dst: socket.socket, port: int, pt_in: int,
                   pt_out: int, n: int = 10) -> None:
    """n packets from one phone to its leg's port arrive at the other phone (re-encoded)."""
    for p in _packets(pt_in, 700.0, n):
        src.sendto(p, ("127.0.0.1", port))
        await asyncio.sleep(0.002)
    got = [await asyncio.to_thread(dst.recv, 2048) for _ in range(n)]
    assert all(g[1] & 0x7F == pt_out and len(g) == 172 for g in got)


async def test_a_dead_relay_hands_the_legs_back_and_the_next_bridge_starts_a_new_one(
        tmp_path: Path) -> None:
    relay = MediaRelay()
    assert relay.start()
    pool = PortPool(31000, 31400, relay)
    pa, pb, pc, pd = _phone(), _phone(), _phone(), _phone()
    a = await pool.open("127.0.0.1", pa.getsockname(), 8, 101)  # A-law
    b = await pool.open("127.0.0.1", pb.getsockname(), 0, 101)  # µ-law: re-encoded
    try:
        a.recorder = audio.WavRecorder(tmp_path / "a.wav")
        b.recorder = audio.WavRecorder(tmp_path / "b.wav")
        a.partner, b.partner = b, a
        assert a.relayed and b.relayed and relay.alive and relay.starts == 1
        first = relay.proc
        assert first is not None
        await _through(pa, pb, a.port, 8, 0)
        await _through(pb, pa, b.port, 0, 8)
        first.kill()
        for _ in range(100):  # the gateway notices the end of the control socket
            if not a.relayed and a.transport is not None and b.transport is not None:
                break
            await asyncio.sleep(0.02)
        assert not a.relayed and a.transport is not None and b.transport is not None
        assert relay.deaths == 1 and not relay.alive
        await _through(pa, pb, a.port, 8, 0)  # the call goes on, relayed in the loop
        await _through(pb, pa, b.port, 0, 8)
        # The next bridge starts a new relay.
        c = await pool.open("127.0.0.1", pc.getsockname(), 8, 101)
        d = await pool.open("127.0.0.1", pd.getsockname(), 8, 101)
        c.partner, d.partner = d, c
        assert c.relayed and relay.alive and relay.starts == 2 and relay.proc is not first
        await _through(pc, pd, c.port, 8, 8)
        await _through(pd, pc, d.port, 8, 8)
        # Unbridging hands the legs back; the loop relays again.
        c.partner = None
        assert await relay.settled(5.0)
        assert not c.relayed and not d.relayed
        for leg in (a, b, c, d):
            leg.close()
        await relay.close()
        assert not relay.alive
        assert await asyncio.to_thread(audio.recordings_written)
        # What the gateway's loop relayed after the death is in the files (the relay's
        # unflushed last second before SIGKILL may be lost).
        with wave.open(str(tmp_path / "a.wav"), "rb") as w:
            assert w.getnframes() >= 10 * 160
        with wave.open(str(tmp_path / "b.wav"), "rb") as w:
            assert w.getnframes() >= 10 * 160
    finally:
        for s in (pa, pb, pc, pd):
            s.close()
        await relay.close()
