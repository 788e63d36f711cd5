"""`dasan serve` as a service manager runs it: SIGTERM stops it cleanly within seconds, with the
pages' live sockets open (systemd and Kubernetes send SIGTERM, then kill after a timeout)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from dasan.config import PROJECT_ROOT, Settings

sys.path.insert(0, str(PROJECT_ROOT / "tests" / "integration" / "chat"))
from chat_helpers import free_port, prepare_database, start_server  # noqa: E402

STOP_SECONDS = 10.0


def serve_command(port: int) -> list[str]:
    """The installed `dasan serve` (the console script beside this interpreter)."""
    script = Path(sys.executable).parent / "dasan"
    if not script.exists():
        pytest.skip("the `dasan` console script is not installed beside this interpreter")
    return [str(script), "serve", "--port", str(port)]


def start_serve(port: int, db_url: str, log_path: Path,
                **extra: str) -> subprocess.Popen[bytes]:
    env = {"DASAN_DATABASE_URL": db_url, "DASAN_PUBSUB_URL": "memory://",
           "DASAN_EMBEDDER": "none", **extra}
    return start_server(port, env, log_path, command=serve_command(port))


def sigterm(proc: subprocess.Popen[bytes], log: Path) -> tuple[int, float]:
    """Send SIGTERM; the exit code and the seconds it took (a failure after STOP_SECONDS)."""
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running {STOP_SECONDS:g} s after SIGTERM:\n"
                    f"{log.read_text(errors='replace')[-3000:]}")
    return code, time.monotonic() - started


def test_sigterm_stops_serve_with_the_live_sockets_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    prepare_database(url)
    port = free_port()
    base, ws_base = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    proc = start_serve(port, url, log)
    try:
        chat = httpx.post(f"{base}/api/chat/sessions", json={"language": "ko"}, timeout=30)
        assert chat.status_code == 201, chat.text
        cid, token = chat.json()["consultation_id"], chat.json()["token"]
        login = httpx.post(f"{base}/api/auth/login", timeout=30,
                           json={"username": "supervisor", "password": "dasan1234!"})
        assert login.status_code == 200, login.text
        cookie = "; ".join(f"{k}={v}" for k, v in login.cookies.items())
        with connect(f"{ws_base}/api/chat/ws/citizen/{cid}") as citizen, \
                connect(f"{ws_base}/api/crisis/ws/alerts",
                        additional_headers={"Cookie": cookie}) as alerts, \
                connect(f"{ws_base}/api/chat/ws/supervisor",
                        additional_headers={"Cookie": cookie}) as floor:
            citizen.send(json.dumps({"type": "auth", "token": token}))
            assert json.loads(citizen.recv(timeout=30))["type"] == "state"
            # The supervisor page's crisis socket: the page only listens on it.
            assert json.loads(alerts.recv(timeout=30))["type"] == "crisis_open"
            assert json.loads(floor.recv(timeout=30))["type"] == "overview"
            started = time.monotonic()
            code, _ = sigterm(proc, log)
        took = time.monotonic() - started  # the sockets' close counted too
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text(errors="replace")
    assert code == 0, text[-3000:]
    # Every handler ended on its own: none had to be cancelled at the graceful timeout.
    assert "timeout graceful shutdown exceeded" not in text, text[-3000:]
    assert "Application shutdown complete" in text
    assert took < STOP_SECONDS


WARM_THEN_STOP = """
import asyncio, time
from dasan.chat import runtime
runtime.screen_many = lambda texts: None
runtime._warm_index = lambda session: time.sleep(120)  # a knowledge index slow to build

async def main() -> None:
    rt = runtime.Runtime()
    rt.start()
    await asyncio.sleep(0.5)
    assert not rt.ready
    await rt.stop()  # the lifespan's end after SIGTERM

asyncio.run(main())
print("stopped")
"""


def test_a_stop_during_the_warm_up_does_not_wait_for_it(tmp_path: Path) -> None:
    """The warm-up's index build (tens of seconds on a real knowledge base) is abandoned by a
    stop: the process exits at once instead of when the build is over."""
    env = {**os.environ, "DASAN_DATABASE_URL": f"sqlite:///{tmp_path / 'warm.db'}",
           "DASAN_PUBSUB_URL": "memory://", "DASAN_CHAT_WARM_INDEX": "true",
           "DASAN_CHAT_SCREEN_PROCESSES": "0", "DASAN_CHAT_ASSIGN_INTERVAL": "0"}
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", WARM_THEN_STOP], env=env, cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the process waited for the warm-up's index build after its loop stopped")
    assert done.returncode == 0 and "stopped" in done.stdout, done.stderr[-3000:]
    assert time.monotonic() - started < 30


def test_sigterm_during_the_warm_up_exits_cleanly(tmp_path: Path) -> None:
    """A pod stopped while it is still warming up (its screening models loading in this
    process, then the knowledge index with its encoder): `dasan serve` exits 0 at once -
    neither waiting for the warm-up nor aborting around its native code."""
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    prepare_database(url)
    port = free_port()
    log = tmp_path / "serve.log"
    embedder = Settings().embedder
    if embedder == "none":
        pytest.skip("the warm-up builds the index with the encoder: DASAN_EMBEDDER=none")
    proc = start_serve(port, url, log, DASAN_CHAT_WARM_INDEX="true", DASAN_EMBEDDER=embedder)
    try:
        warming = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        if warming.status_code == 200:
            pytest.skip("the warm-up was over before the signal could be sent")
        code, took = sigterm(proc, log)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = log.read_text(errors="replace")
    assert code == 0, text[-3000:]
    assert "Application shutdown complete" in text
    assert took < STOP_SECONDS
