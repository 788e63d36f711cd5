"""End-to-end fixtures: a real uvicorn server on a free port over a fresh SQLite database, and
Playwright driving Debian's Chromium (`/usr/bin/chromium`)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dasan.config import PROJECT_ROOT

# Server and knowledge-base helpers are shared with the chat integration tests.
sys.path.insert(0, str(PROJECT_ROOT / "tests" / "integration" / "chat"))
from chat_helpers import free_port, prepare_database, start_server, stop_server  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 # Fake camera and microphone, granted without a prompt: the sign-language
                 # video test (test_sign_e2e) calls between two pages of this browser.
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
SCREENSHOTS = PROJECT_ROOT / "var" / "e2e"
LLM_STUB = PROJECT_ROOT / "tests" / "integration" / "channels" / "llm_stub.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is a browser test (marked ``e2e``), whether or not its module
    says so: scripts/test.sh runs them in their own pytest processes, because Playwright's sync
    API keeps an event loop running in the main thread, which the suite's asyncio tests must
    not inherit (a browser test run inside the suite broke every async test of its worker)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


class Server:
    def __init__(self, base_url: str, db_url: str, proc: subprocess.Popen[bytes]) -> None:
        self.base_url = base_url
        self.db_url = db_url
        self.proc = proc


E2E_SMS_SECRET = "e2e-sms-webhook-secret-0d1f"  # test_written_e2e signs with it


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("e2e")
    db_url = f"sqlite:///{tmp / 'dasan-e2e.db'}"
    prepare_database(db_url)
    port = free_port()
    env = {"DASAN_DATABASE_URL": db_url, "DASAN_PUBSUB_URL": "memory://",
           "DASAN_CHAT_ASSIGN_INTERVAL": "1", "DASAN_ROUTING_MODE": "skill",
           # Short presence and offer timers so that the ghost-agent and offer tests are quick.
           "DASAN_PRESENCE_AWAY_AFTER_CLOSE_SECONDS": "2", "DASAN_OFFER_TIMEOUT_SECONDS": "4",
           "DASAN_SMS_WEBHOOK_SECRET": E2E_SMS_SECRET,
           # Every test's citizen opens chats from 127.0.0.1 on this one server: the per-address
           # limit of new chats (10 a minute, tested in tests/integration/security) would refuse
           # a later test's start with 429 whenever earlier tests ran quickly.
           "DASAN_CHAT_SESSIONS_PER_MINUTE": "1000",
           # as the demo: the bot's index is built at start-up, not in a test's first answer
           "DASAN_CHAT_WARM_INDEX": "true"}
    # The translation port on a small OpenAI-compatible stub (tests/integration/channels/
    # llm_stub.py: it tags what it translates), so that a foreign-language citizen's chat goes
    # through the real adapter end to end; the summary LLM stays unset.
    stub = subprocess.Popen([sys.executable, str(LLM_STUB)], stdout=subprocess.PIPE, text=True)
    assert stub.stdout is not None
    env.update({"DASAN_TRANSLATION": "openai",
                "DASAN_TRANSLATION_BASE_URL": f"http://127.0.0.1:{stub.stdout.readline().strip()}/v1"})
    proc = start_server(port, env, tmp / "server.log")
    try:
        yield Server(f"http://127.0.0.1:{port}", db_url, proc)
    finally:
        stop_server(proc)
        stub.terminate()
        stub.wait(timeout=10)


@pytest.fixture(autouse=True)
def _no_contacts_left_over(request: pytest.FixtureRequest) -> None:
    """Every browser test shares one server: before each, the contacts an earlier test left
    open (queued or held chats, claimed written threads) are closed in the database, so that
    they never reach this test's agent or take its desktop's pane."""
    if "live_server" not in request.fixturenames:
        return
    from sqlalchemy import create_engine, update

    from dasan.db.base import utcnow
    from dasan.db.models import Consultation
    from dasan.db.models_channels import WrittenThread

    server: Server = request.getfixturevalue("live_server")
    engine = create_engine(server.db_url)
    try:
        with engine.begin() as conn:
            conn.execute(update(Consultation).where(Consultation.status != "closed")
                         .values(status="closed", ended_at=utcnow()))
            conn.execute(update(WrittenThread).where(WrittenThread.status != "closed")
                         .values(status="closed"))
    finally:
        engine.dispose()


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
