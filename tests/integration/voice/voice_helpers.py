"""Voice test helpers: a real gateway on 127.0.0.1 (free ports), real `sipp` as the caller and as the
agent's phone. Skipped only where sipp cannot be installed (`make test` installs it through
scripts/system-deps.sh)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import socket
import wave
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rtp_pcap import espeak_pcm, scenario_with_audio, write_pcap
from sqlalchemy import select, update

from dasan.db.models import Agent
from dasan.db.session import session_scope
from dasan.voice.agents import set_endpoint
from dasan.voice.flows import store
from dasan.voice.flows.default import default_flow
from dasan.voice.media import audio
from dasan.voice.settings import VoiceSettings

SCENARIOS = Path(__file__).parent / "scenarios"
SIPP = shutil.which("sipp")
CALLER = "01012345678"

# Short prompts keep each call a second or two; they still go through espeak-ng and the cache.
SHORT_PROMPTS = {"main_menu": "메뉴", "invalid": "오류", "no_input": "무응답", "closed": "마감",
                 "notice": "공지", "foreign_menu": {"text": "language", "language": "en"}}


_HANDED_OUT: set[int] = set()  # ports this process has given to a test: never twice


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 that is free now and not handed out before by this process."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def free_media_port() -> int:
    """An even UDP port whose block of four (sipp's audio RTP/RTCP and video RTP/RTCP) is free
    now. `free_udp_port() & ~1` could land on a port another process holds (the odd port's
    even neighbour), and sipp then exited before placing its call."""
    while True:
        base = free_udp_port() & ~1
        block = range(base, base + 4)
        held: list[socket.socket] = []
        try:
            for port in block:
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                held.append(sock)
                sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
        _HANDED_OUT.update(block)
        return base


@dataclass
class SippResult:
    returncode: int
    output: str


async def run_sipp(scenario: str, target_port: int, *, caller: str = CALLER,
                   service: str = "120", uas_port: int | None = None,
                   local_port: int | None = None, timeout: float = 40.0, calls: int = 1,
                   media_port: int | None = None) -> SippResult:
    """Run one sipp call (UAC against the gateway, or UAS on `uas_port` as an agent phone).
    `scenario` is a file in scenarios/ or a path (a scenario made at test time)."""
    assert SIPP is not None
    path = scenario if Path(scenario).is_absolute() else str(SCENARIOS / scenario)
    args = [SIPP, "-sf", path, "-m", str(calls), "-nostdin", "-nr",
            "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(media_port or free_media_port()),
            "-key", "caller", caller, "-s", service, "-timeout", f"{int(timeout)}s",
            "-timeout_error"]
    if uas_port is not None:
        args += ["-p", str(uas_port)]
    else:
        args += ["-p", str(local_port or free_udp_port()), f"127.0.0.1:{target_port}"]
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), timeout + 10)
    return SippResult(proc.returncode or 0, out.decode(errors="replace")[-3000:])


def speech_scenario(template: str, text: str, folder: Path) -> Path:
    """A copy of scenarios/`template` that says `text` (espeak-ng speech, then a second of
    silence: a phone sends RTP all the time, and the silence ends the utterance)."""
    pcap = write_pcap(espeak_pcm(text, folder) + b"\x00\x00" * 8000, folder / "speech.pcap")
    return scenario_with_audio(SCENARIOS / template, pcap, folder / template)


@contextlib.asynccontextmanager
async def sipp_caller(scenario: Path, target_port: int) -> AsyncIterator[asyncio.subprocess.Process]:
    """A sipp caller left running while the test watches the call; killed on the way out (a
    caller that stays on the line until the test has seen what it waits for)."""
    assert SIPP is not None
    proc = await asyncio.create_subprocess_exec(
        SIPP, "-sf", str(scenario), "-m", "1", "-nostdin", "-nr", "-i", "127.0.0.1",
        "-mi", "127.0.0.1", "-mp", str(free_media_port()), "-key", "caller", CALLER,
        "-s", "120", "-p", str(free_udp_port()), f"127.0.0.1:{target_port}",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()


def gateway_rtp_base() -> int:
    """An even first RTP port for a test gateway, below the kernel's ephemeral range
    (32768-60999 here) and in a slice of its own per test worker. Every port a sipp phone or
    caller binds comes from `free_udp_port`/`free_media_port`, i.e. from that ephemeral range;
    a gateway whose RTP range lay inside it could bind a port already handed to a sipp that had
    not started yet (this worker's or the other's), and that phone then never answered."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    slot = int(worker) % 4 if worker.isdigit() else 0
    low = 20000 + slot * 3000  # slices of 3000 ports in 20000-31999; a range spans 200
    return random.randrange(low, low + 2800, 2)


def voice_settings(tmp_path: Path, **overrides: object) -> VoiceSettings:
    base = gateway_rtp_base()
    values: dict[str, object] = dict(
        host="127.0.0.1", port=0, rtp_host="127.0.0.1", rtp_port_min=base,
        rtp_port_max=base + 200, prompt_dir=tmp_path.parent / "voice-prompts",
        recording_dir=tmp_path / "recordings", tts="espeak", tts_speed=400, live_stt=False,
        prerender_answers=False,
        digit_timeout=1.0, media_timeout=8.0, ring_timeout=4.0, queue_timeout=30.0,
        queue_announce_every=30.0, db_processes=0)
    values.update(overrides)
    return VoiceSettings(**values)  # type: ignore[arg-type]


def publish_short_flow(url: str, **changes: object) -> None:
    doc = default_flow()
    doc["prompts"] = dict(SHORT_PROMPTS)
    for node, fields in changes.items():
        doc["nodes"][node].update(fields)  # type: ignore[arg-type]
    with session_scope(url) as session:
        row = store.save_draft(session, doc, None, "test flow")
        store.publish(session, row.name, row.version, None)


async def settled(gw: object) -> None:
    """Wait until the gateway has closed every call (and so written every CDR)."""
    for _ in range(200):
        if not gw.calls:  # type: ignore[attr-defined]
            await asyncio.sleep(0.05)
            assert await gw.media_settled()  # type: ignore[attr-defined]
            assert await asyncio.to_thread(audio.recordings_written)  # WAVs on disk
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"calls still open: {list(gw.calls)}")  # type: ignore[attr-defined]


def agent_phone(url: str, employee_no: str) -> tuple[int, int]:
    """Make the agent available with a sipp phone on a free port; (agent id, port)."""
    port = free_udp_port()
    with session_scope(url) as s:
        set_endpoint(s, employee_no, f"sip:agent@127.0.0.1:{port}")
        s.execute(update(Agent).where(Agent.employee_no == employee_no)
                  .values(state="available"))
        agent_id = s.scalar(select(Agent.id).where(Agent.employee_no == employee_no))
    assert agent_id is not None
    return agent_id, port


def frames(path: str | None) -> int:
    assert path is not None
    with wave.open(path, "rb") as w:
        assert w.getframerate() == 8000
        return w.getnframes()


async def collect(queue: asyncio.Queue[dict[str, Any]], kind: str, timeout: float = 60.0
                  ) -> dict[str, Any]:
    """The next CTI event of `kind`; `timeout` only guards against a hang (two test workers
    and a sipp pair share two cores, so a call can take a while to ring through)."""
    while True:
        event = await asyncio.wait_for(queue.get(), timeout)
        if event["type"] == f"call.{kind}":
            return event
