"""End-to-end fixtures: a real uvicorn server on a free port over a fresh SQLite database, and
Playwright driving Debian's Chromium (`/usr/bin/chromium`)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from dasan.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
KB_FILE = PROJECT_ROOT / "tests" / "integration" / "chat" / "kb_small.json"
SCREENSHOTS = PROJECT_ROOT / "var" / "e2e"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare_database(url: str) -> None:
    """Migrate, seed the organisation and people, and add a small knowledge base."""
    from sqlalchemy import select

    from dasan.db import session as db_session
    from dasan.db.migrate import upgrade
    from dasan.db.models import Agency, KbEntry
    from dasan.demo import seed_org, seed_people

    upgrade(url)
    with db_session.session_scope(url) as s:
        seed_org(s)
        seed_people(s, agents=8)
        agencies = {code: aid for aid, code in s.execute(select(Agency.id, Agency.code))}
        for item in json.loads(KB_FILE.read_text(encoding="utf-8")):
            s.add(KbEntry(title=item["title"], category=item["category"],
                          owner_agency_id=agencies[item["owner"]], answer=item["answer"],
                          question_variants=item["question_variants"], status="published",
                          review_due=date(2031, 1, 31)))
    db_session.get_engine(url).dispose()


def start_server(port: int, env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "dasan.web.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
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


class Server:
    def __init__(self, base_url: str, db_url: str, proc: subprocess.Popen[bytes]) -> None:
        self.base_url = base_url
        self.db_url = db_url
        self.proc = proc


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("e2e")
    db_url = f"sqlite:///{tmp / 'dasan-e2e.db'}"
    prepare_database(db_url)
    port = free_port()
    env = {"DASAN_DATABASE_URL": db_url, "DASAN_PUBSUB_URL": "memory://",
           "DASAN_CHAT_ASSIGN_INTERVAL": "1", "DASAN_ROUTING_MODE": "skill"}
    proc = start_server(port, env, tmp / "server.log")
    try:
        yield Server(f"http://127.0.0.1:{port}", db_url, proc)
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (scripts/chromium.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # launch() runs Chromium on a fresh temporary profile (user-data-dir) of its own.
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
