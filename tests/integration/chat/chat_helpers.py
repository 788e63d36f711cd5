"""Chat test helpers: the small knowledge base, opening chats, reading TestClient WebSockets
with a guard against hanging tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import anyio
import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.chat import hub
from dasan.config import PROJECT_ROOT
from dasan.db.models import Agency, KbEntry, Message

Event = dict[str, Any]
KB_FILE = Path(__file__).with_name("kb_small.json")


def add_kb(db: Session) -> dict[str, int]:
    """Insert the small test knowledge base (title -> entry id)."""
    agencies = {code: aid for aid, code in db.execute(select(Agency.id, Agency.code))}
    ids: dict[str, int] = {}
    for item in json.loads(KB_FILE.read_text(encoding="utf-8")):
        e = KbEntry(title=item["title"], category=item["category"],
                    owner_agency_id=agencies[item["owner"]], answer=item["answer"],
                    question_variants=item["question_variants"], status="published",
                    review_due=date(2031, 1, 31))
        db.add(e)
        db.flush()
        ids[e.title] = e.id
    db.commit()
    return ids


def bot_reply(db: Session, cid: int, question: str) -> Message:
    """The citizen's ``question`` in chat ``cid`` through the chat's own steps; the bot's
    reply as stored."""
    seq = int(hub.store_citizen_message(db, cid, question, None).result["seq"])
    hub.process_citizen_message(db, cid, seq)
    reply = db.scalars(select(Message).where(Message.consultation_id == cid,
                                             Message.sender == "bot")
                       .order_by(Message.seq.desc())).first()
    assert reply is not None
    return reply


def start(client: Any) -> tuple[int, dict[str, str]]:
    r = client.post("/api/chat/sessions", json={"language": "ko"})
    assert r.status_code == 201, r.text
    data = r.json()
    return int(data["consultation_id"]), {"X-Chat-Token": data["token"]}


def recv(ws: Any, guard_seconds: float = 20.0) -> Event:
    """Next JSON event; fails instead of hanging forever when none comes."""

    async def _receive() -> Any:
        with anyio.fail_after(guard_seconds):
            return await ws._send_rx.receive()

    message = ws.portal.call(_receive)
    ws._raise_on_close(message)
    return dict(json.loads(message["text"]))


def until(ws: Any, pred: Callable[[Event], bool], seen: list[Event] | None = None,
          limit: int = 200) -> Event:
    """Read events until one matches `pred` (the ones read are appended to `seen`)."""
    for _ in range(limit):
        event = recv(ws)
        if seen is not None:
            seen.append(event)
        if pred(event):
            return event
    raise AssertionError(f"no matching event in {limit} events")


def is_msg(sender: str | None = None, contains: str | None = None) -> Callable[[Event], bool]:
    def pred(e: Event) -> bool:
        return (e.get("type") == "message" and (sender is None or e["sender"] == sender)
                and (contains is None or contains in e["body"]))

    return pred


# --- real servers (uvicorn subprocesses) -------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(url: str) -> None:
    """Migrate, seed the organisation and people, and add a small knowledge base."""
    from dasan.db import session as db_session
    from dasan.db.migrate import upgrade
    from dasan.demo import seed_org, seed_people

    upgrade(url)
    with db_session.session_scope(url) as s:
        seed_org(s)
        seed_people(s, agents=8)
        add_kb(s)
    db_session.get_engine(url).dispose()


# A test server screens chat messages in its own process and builds the knowledge index on
# first use: a screening worker and the start-up index each cost seconds of CPU per server,
# and the suite starts a dozen servers on two cores. `env` overrides these (the tests of the
# screening workers and of the warm-up run them).
TEST_SERVER_DEFAULTS = {"DASAN_CHAT_SCREEN_PROCESSES": "0", "DASAN_CHAT_WARM_INDEX": "false"}


def start_server(port: int, env: dict[str, str], log_path: Path,
                 command: list[str] | None = None) -> subprocess.Popen[bytes]:
    """A server on ``port`` (``command``, or the suite's server command), once /healthz
    answers."""
    from dasan.web.server_options import server_command

    log = log_path.open("wb")
    proc = subprocess.Popen(
        command or server_command(port),
        env={**os.environ, **TEST_SERVER_DEFAULTS, **env}, stdout=log, stderr=subprocess.STDOUT,
        cwd=PROJECT_ROOT)
    # a loaded shared machine can take minutes
    deadline = time.monotonic() + float(os.environ.get("DASAN_TEST_SERVER_START_SECONDS", "240"))
    # One client for the polling: each `httpx.get` builds a client and its TLS context (~25 ms
    # of CPU), which the starting server would pay for every 0.2 s.
    with httpx.Client(timeout=1) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"server exited: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                if http.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    return proc
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("server did not start in time")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
