"""Start and stop the receiver process; read what it accepted."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_receiver(log: Path, secret: str, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(HERE / "receiver.py"), "--port", str(port),
                             "--log", str(log), "--secret", secret, *extra])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"http://127.0.0.1:{port}/dasan/reports"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("receiver did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def accepted(log: Path) -> tuple[Counter[str], int]:
    """(first copies per key, re-deliveries the receiver recognised)."""
    firsts: Counter[str] = Counter()
    again = 0
    if log.exists():
        for line in log.read_text().splitlines():
            row = json.loads(line)
            if row["first"]:
                firsts[row["key"]] += 1
            else:
                again += 1
    return firsts, again
