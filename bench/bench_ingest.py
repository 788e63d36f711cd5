"""Foundation benchmark: consultations written per second through the API, and generator speed.

Peers measured in the same run:
- ingest: the same rows written straight through the database driver (SQLAlchemy Core
  executemany, no HTTP, no validation) — the ceiling the API is compared with;
- generator: a row-at-a-time generator with Python's `random` drawing the same distributions.

usage: uv run python -m bench.bench_ingest [--quick] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import delete, insert

from bench import wipe_postgres
from dasan.consultations.generator import GeneratorConfig, batch_rows, generate
from dasan.db.migrate import upgrade
from dasan.db.models import AuditLog, Citizen, Consultation, LoginSession
from dasan.db.session import session_scope
from dasan.demo import seed_org, seed_people

ROOT = Path(__file__).resolve().parents[1]


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api_items(n: int, seed: int = 1) -> list[dict[str, object]]:
    """Realistic API payloads from the generator (one ISO day, phone+other channels)."""
    out: list[dict[str, object]] = []
    day = date(2024, 9, 2)
    for batch in generate(GeneratorConfig(day, 2, seed=seed, agents=12)):
        for r in batch_rows(batch):
            out.append({
                "channel": r["channel"],
                "started_at": _iso(r["started_at"]),
                "queued_at": _iso(r["queued_at"]),
                "answered_at": _iso(r["answered_at"]),
                "ended_at": _iso(r["ended_at"]),
                "queue": r["queue"],
                "agent_id": r["agent"],
                "category": r["category"],
                "program": r["program"],
                "outcome": r["outcome"],
                "language": r["language"],
                "district_code": r["district_code"],
                "subject": r["subject"],
            })
            if len(out) == n:
                return out
    return out


def prepare(url: str) -> None:
    wipe_postgres(url)
    upgrade(url)
    with session_scope(url) as s:
        seed_org(s)
        seed_people(s, agents=12)


def clear(url: str) -> None:
    with session_scope(url) as s:
        s.execute(delete(Consultation))
        s.execute(delete(Citizen))


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    env = os.environ | {"DASAN_DATABASE_URL": url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "dasan.web.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, cwd=ROOT,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def bench_api(url: str, items: list[dict[str, object]], batch: int) -> tuple[float, float]:
    """(batched consultations/s, single-request consultations/s)"""
    port = free_port()
    proc = start_server(url, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            r = client.post("/api/auth/login", json={"username": "supervisor",
                                                     "password": "dasan1234!"})
            r.raise_for_status()
            client.headers["X-CSRF-Token"] = r.headers["X-CSRF-Token"]
            t = time.perf_counter()
            for i in range(0, len(items), batch):
                r = client.post("/api/consultations/batch", json=items[i: i + batch])
                r.raise_for_status()
            batched = len(items) / (time.perf_counter() - t)
            singles = items[:400]
            t = time.perf_counter()
            for it in singles:
                client.post("/api/consultations", json=it).raise_for_status()
            single = len(singles) / (time.perf_counter() - t)
    finally:
        proc.terminate()
        proc.wait(10)
    with session_scope(url) as s:
        s.execute(delete(LoginSession))
        s.execute(delete(AuditLog))
    return batched, single


def bench_driver(url: str, n: int) -> float:
    rows = []
    for b in generate(GeneratorConfig(date(2024, 9, 2), 2, seed=1, agents=12)):
        for r in batch_rows(b):
            r.pop("queue")
            r["agent_id"] = r.pop("agent")
            rows.append(r)
    rows = rows[:n]
    t = time.perf_counter()
    with session_scope(url) as s:
        for i in range(0, len(rows), 1000):
            s.connection().execute(insert(Consultation), rows[i: i + 1000])
    return n / (time.perf_counter() - t)


def naive_generator(days: int, daily: float, seed: int) -> int:
    rnd = random.Random(seed)
    hours = list(range(24))
    weights = [0.16, 0.10, 0.07, 0.05, 0.05, 0.08, 0.22, 0.55, 1.35, 1.95, 2.05, 1.90,
               1.62, 1.85, 1.92, 1.80, 1.70, 1.52, 1.15, 0.78, 0.58, 0.46, 0.35, 0.25]
    n = 0
    for d in range(days):
        day0 = datetime(2023, 1, 1) + timedelta(days=d)
        for _ in range(int(rnd.gauss(daily, daily ** 0.5))):
            h = rnd.choices(hours, weights)[0]
            started = day0 + timedelta(seconds=h * 3600 + rnd.randrange(3600))
            wait = rnd.expovariate(1 / 30)
            handle = rnd.lognormvariate(5.0, 0.65)
            _row = (started, started + timedelta(seconds=wait + handle), rnd.random() < 0.08)
            n += 1
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller sizes")
    ap.add_argument("--postgres-url", default=os.environ.get("DASAN_TEST_POSTGRES_URL"))
    args = ap.parse_args()
    n = 5_000 if args.quick else 20_000

    print("== generator ==")
    days = 30 if args.quick else 365
    t = time.perf_counter()
    rows = sum(len(b["channel"]) for b in generate(GeneratorConfig(date(2023, 1, 1), days)))
    gen_rate = rows / (time.perf_counter() - t)
    peer_days = 3
    t = time.perf_counter()
    peer_rows = naive_generator(peer_days, 18_056, 1)
    peer_rate = peer_rows / (time.perf_counter() - t)
    print(f"dasan generator: {rows:,} rows over {days} days, {gen_rate:,.0f} rows/s")
    print(f"peer (row-at-a-time python random): {peer_rate:,.0f} rows/s")
    print(f"ratio dasan/peer: {gen_rate / peer_rate:.1f}x")

    items = api_items(n)
    backends = [("sqlite", f"sqlite:///{tempfile.mkdtemp()}/bench.db")]
    if args.postgres_url:
        backends.append(("postgresql", args.postgres_url))
    else:
        print("(PostgreSQL skipped: pass --postgres-url or set DASAN_TEST_POSTGRES_URL)")
    for name, url in backends:
        print(f"== ingest through the API on {name} ({len(items):,} consultations) ==")
        prepare(url)
        batched, single = bench_api(url, items, batch=1000)
        clear(url)
        driver = bench_driver(url, len(items))
        clear(url)
        print(f"API batched (1,000 per request): {batched:,.0f} consultations/s "
              f"(target 2,000/s: {'met' if batched >= 2000 else 'NOT met'})")
        print(f"API one request per consultation: {single:,.0f} consultations/s")
        print(f"peer (driver executemany, no HTTP/validation): {driver:,.0f} rows/s; "
              f"API/peer = {batched / driver:.2f}")


if __name__ == "__main__":
    main()
