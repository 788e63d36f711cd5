"""Dispatch through a real HTTP receiver process that fails on purpose (500s, timeouts,
connection refused), with the dispatcher process killed mid-run and restarted: every report is
delivered, exactly one copy per idempotency key, none lost; dead letters and re-send."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from dispatch_helpers import accepted, free_port, start_receiver, stop
from sqlalchemy import func, select

from dasan.complaints import dispatch
from dasan.complaints.intake import ReportIn, create_report
from dasan.config import get_settings
from dasan.db.models_complaints import DispatchOutbox
from dasan.db.session import new_session

SECRET = "district-secret-123"
# (lat, lon) in six districts: 중구, 용산구, 구로구, 강남구, 노원구, 마포구
POINTS = [(37.5665, 126.9780), (37.5172, 126.9950), (37.4812, 126.8970), (37.4979, 127.0276),
          (37.6542, 127.0568), (37.5563, 126.9236)]


def _reports(url: str, n: int) -> list[str]:
    with new_session(url) as s:
        for i in range(n):
            lat, lon = POINTS[i % len(POINTS)]
            create_report(s, ReportIn(service_code="OTHER", lat=lat + i * 0.001, lon=lon,
                                      description=f"신고 {i}"))
        s.commit()
        return sorted({r.agency_code for r in s.scalars(select(DispatchOutbox))})


def _dispatcher(url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DASAN_DATABASE_URL": url,
           "DASAN_COMPLAINTS_DISPATCH_BACKOFF_SECONDS": "0.05",
           "DASAN_COMPLAINTS_DISPATCH_LEASE_SECONDS": "2",
           "DASAN_COMPLAINTS_DISPATCH_MAX_ATTEMPTS": "100"}
    return subprocess.Popen([sys.executable, "-m", "dasan.complaints.dispatch"], env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _wait(check, seconds: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


def test_delivered_once_per_key_through_failures_and_a_killed_dispatcher(
        database_url: str, shared_data: Path, tmp_path: Path) -> None:
    log = tmp_path / "received.jsonl"
    receiver, good_url = start_receiver(log, SECRET, "--fail-first", "2", "--slow-seconds", "0.6")
    dead_url = f"http://127.0.0.1:{free_port()}/nobody-listens"
    try:
        agencies = _reports(database_url, 8)
        refused = agencies[0]
        with new_session(database_url) as s:
            for code in agencies:
                dispatch.set_endpoint(s, code, dead_url if code == refused else good_url, SECRET,
                                      timeout_seconds=0.3)
            s.commit()
            keys = set(s.scalars(select(DispatchOutbox.idempotency_key)))
        first = _dispatcher(database_url, tmp_path / "d1.log")
        try:
            _wait(lambda: len(accepted(log)[0]) >= 3)
        finally:
            first.send_signal(signal.SIGKILL)  # mid-run: some rows stay leased
            first.wait()
        with new_session(database_url) as s:  # the district comes back
            dispatch.set_endpoint(s, refused, good_url, SECRET, timeout_seconds=0.3)
            s.commit()
        second = _dispatcher(database_url, tmp_path / "d2.log")
        try:
            def all_delivered() -> bool:
                with new_session(database_url) as s:
                    return s.scalar(select(func.count()).select_from(DispatchOutbox)
                                    .where(DispatchOutbox.state != "delivered")) == 0
            _wait(all_delivered)
        finally:
            stop(second)
        firsts, _again = accepted(log)
        assert set(firsts) == keys  # none lost
        assert all(n == 1 for n in firsts.values())  # one copy per idempotency key
        with new_session(database_url) as s:
            rows = s.scalars(select(DispatchOutbox)).all()
            assert all(r.attempts >= 3 for r in rows)  # each went through 500 and a timeout
            refused_rows = [r for r in rows if r.agency_code == refused]
            assert refused_rows and all(r.attempts >= 4 for r in refused_rows)
    finally:
        stop(receiver)


def test_dead_letter_after_max_attempts_then_resend(
        database_url: str, shared_data: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASAN_COMPLAINTS_DISPATCH_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("DASAN_COMPLAINTS_DISPATCH_BACKOFF_SECONDS", "0")
    get_settings.cache_clear()
    log = tmp_path / "received.jsonl"
    receiver, url = start_receiver(log, SECRET)
    try:
        agencies = _reports(database_url, 1)
        with new_session(database_url) as s, httpx.Client() as client:
            dispatch.set_endpoint(s, agencies[0], url, "wrong-secret")  # 401 from the district
            s.commit()
            for _ in range(3):
                dispatch.drain(s, client)
            dead = dispatch.dead_letters(s)
            assert len(dead) == 1 and "HTTP 401" in (dead[0].last_error or "")
            assert dispatch.drain(s, client).delivered == 0  # dead rows are not retried
            dispatch.set_endpoint(s, agencies[0], url, SECRET)
            dispatch.resend(s, dead[0].id)
            s.commit()
            results = [dispatch.drain(s, client) for _ in range(4)]
            assert sum(r.delivered for r in results) == 1
            assert dispatch.dead_letters(s) == []
        assert list(accepted(log)[0].values()) == [1]
    finally:
        stop(receiver)


def test_scheduler_jobs_dispatch_and_notify(database_url: str, shared_data: Path,
                                            tmp_path: Path) -> None:
    from dasan.complaints import jobs
    from dasan.complaints.notify import _LOG

    log = tmp_path / "received.jsonl"
    receiver, url = start_receiver(log, SECRET)
    try:
        with new_session(database_url) as s:
            create_report(s, ReportIn(service_code="OTHER", lat=37.5665, lon=126.978,
                                      email="citizen@example.com"))
            dispatch.set_endpoint(s, "gu-11140", url, SECRET)
            s.commit()
        assert jobs.dispatch_due() == 1
        assert jobs.dispatch_due() == 0
        before = len(_LOG.sent)
        assert jobs.send_notices() == 1
        channel, to, _subject, body = _LOG.sent[before]
        assert (channel, to) == ("email", "citizen@example.com") and "/report/track/" in body
        assert jobs.send_notices() == 0
    finally:
        stop(receiver)
