"""`dasan voice`: run the SIP gateway; manage ARS flows, agent phones and prompts."""

from __future__ import annotations

import json
import logging
import signal
from pathlib import Path
from typing import Annotated

import typer

from dasan.cli_support import fail

app = typer.Typer(help="Phone channel: SIP voice gateway, ARS flows, agent phones.",
                  invoke_without_command=True)


@app.callback()
def voice(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="SIP/RTP address (DASAN_VOICE_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="SIP UDP port (DASAN_VOICE_PORT)")] = None,
) -> None:
    """Run the gateway (SIP over UDP) on the same database and pub/sub as `dasan serve`."""
    if ctx.invoked_subcommand is not None:
        return
    from dasan.voice.settings import get_voice_settings

    settings = get_voice_settings()
    updates: dict[str, object] = {}
    if host:
        updates["host"] = host
        if settings.rtp_host == "127.0.0.1":
            updates["rtp_host"] = host
    if port is not None:
        updates["port"] = port
    settings = settings.model_copy(update=updates)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    import asyncio  # here, not at the top: `dasan --help` stays light

    install_fast_loop()
    try:
        asyncio.run(_serve(settings))
    except OSError as exc:
        raise fail(f"cannot start the gateway: {exc}") from exc


def install_fast_loop() -> None:
    """uvloop (libuv) when this platform has it: its UDP path carries the RTP relay at about
    twice the packet rate of the default loop (bench/bench_voice.py)."""
    try:
        import uvloop
    except ImportError:  # e.g. Windows: the default loop works, slower
        return
    uvloop.install()


LOOP_SWITCH_INTERVAL = 0.001  # seconds (CPython's default is 0.005)


def favour_the_loop() -> None:
    """A shorter interpreter-lock switch interval: when the event loop comes back from
    epoll with RTP or SIP to handle while the call-record thread holds the lock, it waits
    for the lock at most this long instead of CPython's 5 ms (ADR 0006, seventh pass: that
    wait, once per loop iteration while records are written, fed the jitter tails)."""
    import sys

    sys.setswitchinterval(LOOP_SWITCH_INTERVAL)


def settle_heap() -> None:
    """After start-up: what is loaded now (modules, models, prompts) leaves the collector's
    sight, so the collections that run while calls are relayed only walk call objects (a full
    collection over the start-up heap stalled the loop by tens of milliseconds)."""
    import gc

    gc.collect()
    gc.freeze()


async def _serve(settings: object) -> None:
    import asyncio

    from dasan.chat.pubsub import make_pubsub
    from dasan.config import get_settings
    from dasan.db.migrate import upgrade
    from dasan.voice.gateway import Gateway
    from dasan.voice.settings import VoiceSettings

    assert isinstance(settings, VoiceSettings)
    await asyncio.to_thread(upgrade)
    pubsub = make_pubsub(get_settings().pubsub_url)
    gateway = Gateway(settings, pubsub)
    await gateway.start()
    settle_heap()
    favour_the_loop()
    typer.echo(f"voice gateway: sip:{settings.number}@{settings.host}:{gateway.port} "
               f"(Ctrl+C to stop)")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await gateway.stop()
    await pubsub.close()


@app.command("check-flow")
def check_flow(path: Path) -> None:
    """Validate a flow JSON file against this site's queues."""
    from dasan.db.session import session_scope
    from dasan.errors import DomainError
    from dasan.voice.flows import store

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise fail(f"cannot read {path}: {exc}") from exc
    with session_scope() as session:
        try:
            flow = store.check(session, doc)
        except DomainError as exc:
            raise fail(exc.message) from exc
    typer.echo(f"flow {flow.name!r} is valid: {len(flow.nodes)} nodes")


@app.command("publish-flow")
def publish_flow(path: Path, note: str | None = None) -> None:
    """Save a flow JSON file as a new version and publish it."""
    from dasan.db.session import session_scope
    from dasan.errors import DomainError
    from dasan.voice.flows import store

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise fail(f"cannot read {path}: {exc}") from exc
    with session_scope() as session:
        try:
            row = store.save_draft(session, doc, None, note)
            store.publish(session, row.name, row.version, None)
        except DomainError as exc:
            raise fail(exc.message) from exc
        typer.echo(f"published {row.name}@{row.version}")


@app.command("phone")
def phone(employee_no: str, sip_uri: str) -> None:
    """Set where an agent's phone rings, e.g. `dasan voice phone A0001 sip:a1@127.0.0.1:5070`."""
    from dasan.db.session import session_scope
    from dasan.errors import DomainError
    from dasan.voice.agents import set_endpoint

    with session_scope() as session:
        try:
            set_endpoint(session, employee_no, sip_uri)
        except DomainError as exc:
            raise fail(exc.message) from exc
    typer.echo(f"{employee_no} rings at {sip_uri}")


@app.command("phone-secret")
def phone_secret(employee_no: str) -> None:
    """The SIP password an agent's softphone registers with (user = the employee number,
    realm `dasan`, registrar = this gateway); derived from DASAN_SECRET_KEY."""
    from sqlalchemy import select

    from dasan.config import signing_key
    from dasan.db.models import Agent
    from dasan.db.session import session_scope
    from dasan.voice.register import REALM, sip_password

    with session_scope() as session:
        if session.scalar(select(Agent.id).where(Agent.employee_no == employee_no)) is None:
            raise fail(f"no agent with employee number {employee_no!r}")
    password = sip_password(signing_key(), employee_no)
    typer.echo(f"user {employee_no}  realm {REALM}  password {password}")


@app.command("prompts")
def prompts() -> None:
    """Render (or refresh) every prompt of the live flow into the cache under var/."""
    from dasan.db.session import session_scope
    from dasan.voice.flows import store
    from dasan.voice.gateway import GATEWAY_PROMPTS
    from dasan.voice.settings import get_voice_settings
    from dasan.voice.tts.library import PromptLibrary
    from dasan.voice.tts.port import TtsError, make_tts

    s = get_voice_settings()
    lib = PromptLibrary(make_tts(s.tts, s.tts_speed), s.prompt_dir, s.tts_speed)
    with session_scope() as session:
        flow, version = store.live(session)
    try:
        for key in flow.prompts:
            p = flow.prompt(key)
            lib.get(key, p.text, p.language)
        for key, text in GATEWAY_PROMPTS.items():
            lib.get(key, text, "ko")
    except TtsError as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"{len(flow.prompts) + len(GATEWAY_PROMPTS)} prompts ready under {s.prompt_dir}"
               f" (flow {flow.name}@{version})")


def start_background_gateway() -> None:
    """`dasan voice` as a child process of `dasan demo` (stopped when the demo exits)."""
    import atexit
    import subprocess
    import sys

    from dasan.voice.settings import get_voice_settings

    s = get_voice_settings()
    child = subprocess.Popen([sys.executable, "-m", "dasan.cli", "voice"])
    atexit.register(child.terminate)
    typer.echo(f"voice gateway starting: call sip:{s.number}@{s.host}:{s.port} "
               "(scripts/voice-call.sh places a test call)")


@app.command("purge-recordings")
def purge_recordings(dry_run: bool = typer.Option(
        False, "--dry-run", help="count what would be deleted; delete and change nothing")) -> None:
    """Delete the recordings of calls older than DASAN_VOICE_RECORDING_RETENTION_DAYS (the
    gateway also does this every DASAN_VOICE_RECORDING_PURGE_SECONDS)."""
    from dasan.db.session import session_scope
    from dasan.voice.retention import purge_expired_recordings
    from dasan.voice.settings import get_voice_settings

    with session_scope() as session:
        report = purge_expired_recordings(session, dry_run=dry_run)
    days = get_voice_settings().recording_retention_days
    verb = "to delete" if dry_run else "deleted"
    typer.echo(f"calls past the {days}-day retention: {report.calls}; files {verb}: "
               f"{report.files_deleted}; already missing: {report.files_missing}; "
               f"outside the recording folder (left on disk): {len(report.outside_store)}; "
               f"raw transcript segments {verb}: {report.raw_transcripts}")
    for raw in report.outside_store:
        typer.echo(f"  not deleted (outside the recording folder): {raw}")
