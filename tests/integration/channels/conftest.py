"""Fixtures for the written channels: a small KB and real HTTP receivers that fail on purpose."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.config import get_settings
from dasan.db.models import Agency, KbEntry

HERE = Path(__file__).parent


def add_channel_kb(db: Session) -> dict[str, int]:
    agencies = {code: aid for aid, code in db.execute(select(Agency.id, Agency.code))}
    ids: dict[str, int] = {}
    for item in json.loads((HERE / "kb_channels.json").read_text(encoding="utf-8")):
        e = KbEntry(title=item["title"], category=item["category"],
                    owner_agency_id=agencies[item["owner"]], answer=item["answer"],
                    question_variants=item["question_variants"], status="published",
                    review_due=date(2031, 1, 31))
        db.add(e)
        db.flush()
        ids[e.title] = e.id
    db.commit()
    return ids


@pytest.fixture
def kb(db: Session) -> dict[str, int]:
    return add_channel_kb(db)


class Receiver:
    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc = proc
        self.url = f"http://127.0.0.1:{port}"

    def log(self) -> list[dict[str, Any]]:
        return list(httpx.get(f"{self.url}/log", timeout=5).json())

    def attempts(self) -> dict[str, int]:
        return dict(httpx.get(f"{self.url}/attempts", timeout=5).json()["attempts"])


@pytest.fixture
def receiver() -> Iterator[Callable[[int], Receiver]]:
    """`receiver(fails)` starts a receiver process that fails each key's first `fails` tries."""
    started: list[subprocess.Popen[str]] = []

    def start(fails: int) -> Receiver:
        proc = subprocess.Popen([sys.executable, str(HERE / "receiver.py"), str(fails)],
                                stdout=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stdout is not None
        port = int(proc.stdout.readline().strip())
        with httpx.Client(timeout=1) as http:  # one client (and TLS context) for the polling
            for _ in range(100):
                try:
                    http.get(f"http://127.0.0.1:{port}/attempts")
                    break
                except httpx.HTTPError:
                    time.sleep(0.05)
        return Receiver(proc, port)

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def channel_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set DASAN_* settings for one test (settings cache cleared before and after)."""

    def apply(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"DASAN_{key.upper()}", value)
        get_settings.cache_clear()

    yield apply
    get_settings.cache_clear()


def env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


@pytest.fixture(autouse=True)
def _attachments_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DASAN_ATTACHMENTS_DIR", str(tmp_path / "attachments"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def llm(channel_env: Any) -> Iterator[int]:
    """The translation port on the local OpenAI-compatible stub (llm_stub.py, a process of its
    own): the stub's port."""
    proc = subprocess.Popen([sys.executable, str(HERE / "llm_stub.py")], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    port = int(proc.stdout.readline().strip())
    channel_env(translation="openai", llm_base_url=f"http://127.0.0.1:{port}/v1")
    yield port
    proc.terminate()
    proc.wait(timeout=10)
