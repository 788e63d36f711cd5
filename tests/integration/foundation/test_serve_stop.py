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

from dasan.config import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "tests" / "integration" / "chat"))
from chat_helpers import TEST_SERVER_DEFAULTS, free_port, prepare_database  # noqa: E402

STOP_SECONDS = 10.0


def serve_command(port: int) -> list[str]:
    """The installed `dasan serve` (the console script beside this interpreter)."""
    script = Path(sys.executable).parent / "dasan"
    if not script.exists():
        pytest.skip("the `dasan` console script is not installed beside this interpreter")
    return [str(script), "serve", "--port", str(port)]


def start_serve(port: int, db_url: str, log_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **TEST_SERVER_DEFAULTS, "DASAN_DATABASE_URL": db_url,
           "DASAN_PUBSUB_URL": "memory://", "DASAN_EMBEDDER": "none"}
    proc = subprocess.Popen(serve_command(port), env=env, cwd=PROJECT_ROOT,
                            stdout=log_path.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + float(os.environ.get("DASAN_TEST_SERVER_START_SECONDS", "240"))
    with httpx.Client(timeout=1) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')}")
            try:
                if http.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    return proc
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start in time")


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
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                pytest.fail(f"still running {STOP_SECONDS:g} s after SIGTERM:\n"
                            f"{log.read_text(errors='replace')[-3000:]}")
        took = time.monotonic() - started
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
