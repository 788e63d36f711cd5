"""Visible ARS (보이는 ARS) speed, issue 14: page load on a mobile viewport (target < 1 s) and
a choice on the page → the live call moved to the chosen queue (target < 300 ms).

Peers measured in the same run:
* load: the same page's HTML and assets, byte for byte, from a plain static file server
  (`http.server`): what serving it costs beyond sending the bytes;
* choice: the DTMF path — the same call moved by the key "2" handed to the flow engine the way
  the RTP receiver hands over a decoded RFC 2833 digit (RTP decoding itself excluded).

Real parts: a migrated SQLite database, the voice gateway in this process with sipp as the
caller (it presses # for the SMS link, then stays on the line), the web app over HTTP
(uvicorn), Chromium (Playwright) at 390×844 with touch. Run:
`uv run --frozen python -m bench.bench_visible_ars [--trials N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import http.server
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from dasan.config import PROJECT_ROOT, get_settings

SCENARIO = PROJECT_ROOT / "bench" / "voice" / "visible_ars_caller.xml"
CHROMIUM = Path("/usr/bin/chromium")
CALLER = "01012345678"
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                         "has_touch": True, "locale": "ko-KR"}
PROMPTS = {"main_menu": "메뉴", "invalid": "오류", "no_input": "무응답", "closed": "마감",
           "notice": "공지", "foreign_menu": {"text": "language", "language": "en"},
           "visible_ars_offer": "문자는 샵"}


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(xs: Sequence[float], p: float) -> float:
    ys = sorted(xs)
    return ys[min(len(ys) - 1, max(0, round(p / 100 * len(ys)) - 1))] if ys else float("nan")


def line(name: str, xs: Sequence[float], target: float | None = None) -> str:
    verdict = "met" if target is not None and pct(xs, 95) < target else "NOT met"
    ok = "" if target is None else f"  (target < {target:.0f} ms: {verdict})"
    return (f"  {name:<46} n={len(xs):>2}  p50 {statistics.median(xs):7.1f} ms  "
            f"p95 {pct(xs, 95):7.1f} ms{ok}")


def prepare(tmp: Path) -> str:
    import secrets

    from dasan.db import session as db_session
    from dasan.db.migrate import upgrade
    from dasan.db.models import Agency, KbEntry
    from dasan.db.session import session_scope
    from dasan.demo import seed_org, seed_people
    from dasan.voice.flows import store
    from dasan.voice.flows.default import default_flow

    url = f"sqlite:///{tmp / 'bench-vars.db'}"
    os.environ.update({"DASAN_DATABASE_URL": url, "DASAN_EMBEDDER": "none",
                       "DASAN_PUBSUB_URL": "memory://"})
    os.environ.setdefault("DASAN_SECRET_KEY", secrets.token_urlsafe(48))
    get_settings.cache_clear()
    db_session.reset_caches()
    upgrade(url)
    doc = default_flow()
    doc["prompts"] = dict(PROMPTS)
    doc["visible_ars"] = {"mode": "offer", "key": "#", "answers": {"q_water": "수도 요금 납부"}}
    with session_scope(url) as s:
        seed_org(s)
        seed_people(s, agents=4)
        agency = s.scalar(select(Agency.id).limit(1))
        s.add(KbEntry(title="수도 요금 납부 방법", category="환경", owner_agency_id=agency,
                      answer="수도 요금은 인터넷 지로나 가상계좌로 납부할 수 있습니다.",
                      question_variants=["수도 요금 어떻게 내요"], status="published",
                      review_due=date(2031, 1, 31)))
        s.flush()
        row = store.save_draft(s, doc, None, "visible ars bench")
        store.publish(s, row.name, row.version, None)
        # Warm, as a running server is (its start-up builds the index): the page draws each
        # leaf's KB answer on the server, and a cold index would be timed instead of the page.
        from dasan.knowledge.live import get_live_index

        get_live_index().sync(s)
    return url


async def wait_for(pred: Any, timeout: float = 15.0, step: float = 0.0005) -> float:
    """perf_counter() when `pred()` first holds (polled every `step` s)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if pred():
            return time.perf_counter()
        await asyncio.sleep(step)
    raise TimeoutError("condition not reached")


async def newest_link(url: str, after: int) -> tuple[int, str]:
    from dasan.db.models_channels import OutboxItem
    from dasan.db.session import session_scope

    for _ in range(400):
        with session_scope(url) as s:
            item = s.scalar(select(OutboxItem).where(
                OutboxItem.idempotency_key.like("visible_ars:%"), OutboxItem.id > after)
                .order_by(OutboxItem.id.desc()).limit(1))
            if item is not None:
                text = str(item.payload["text"])
                path = "/ars/v/" + text.split("/ars/v/", 1)[1].split()[0]
                return int(item.id), path
        await asyncio.sleep(0.02)
    raise TimeoutError("no visible-ARS SMS was queued")


async def choice_trials(url: str, tmp: Path, trials: int, base: str) -> dict[str, list[float]]:
    """Alternating calls: the page's choice (HTTP → room → gateway) vs the key 2 (DTMF)."""
    import httpx

    from dasan.voice.gateway import Gateway

    out: dict[str, list[float]] = {"page": [], "dtmf": []}
    sipp = shutil.which("sipp")
    if sipp is None:
        print("  sipp is not installed: the choice benchmark is skipped")
        return out
    gw: Gateway | None = app_gateway.get("gw")
    assert gw is not None
    from dasan.db.models_channels import OutboxItem
    from dasan.db.session import session_scope

    with session_scope(url) as s:  # links sent before (the load trials' call) are not ours
        last = int(s.scalar(select(func.max(OutboxItem.id))) or 0)
    async with httpx.AsyncClient(base_url=base, timeout=10) as page:
        for i in range(trials * 2 + 1):
            mode = "dtmf" if i % 2 else "page"
            proc = await asyncio.create_subprocess_exec(
                sipp, "-sf", str(SCENARIO), "-m", "1", "-nostdin", "-nr", "-i", "127.0.0.1",
                "-mi", "127.0.0.1", "-mp", str(free_port(socket.SOCK_DGRAM) & ~1),
                "-key", "caller", CALLER, "-s", "120", "-timeout", "30s", "-timeout_error",
                "-p", str(free_port(socket.SOCK_DGRAM)), f"127.0.0.1:{gw.port}",
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
            last, path = await newest_link(url, last)
            await wait_for(lambda: any(not c.finished and c.stage == "ars"
                                       for c in gw.calls.values()))
            call = next(c for c in gw.calls.values() if not c.finished)
            moved = (lambda c=call: c.stage == "queue" and c.queue == "water")  # noqa: E731
            if mode == "page":
                token = path.rsplit("/", 1)[1]
                page.cookies.clear()  # a new call's link opens on a fresh phone
                opened = await page.get(path)
                assert opened.status_code == 200, opened.text[:200]
                t0 = time.perf_counter()
                r = await page.post(f"/api/voice/visible-ars/{token}/choose",
                                    json={"action": "agent", "node": "q_water"},
                                    headers={"X-Visible-ARS": "1"})
                assert r.status_code == 200 and r.json().get("steered"), r.text
            else:
                t0 = time.perf_counter()
                call.rtp.digits.put_nowait("2")  # what the RTP receiver does with a digit
                call.rtp.digit_arrived.set()
            t1 = await wait_for(moved)
            if i > 0:  # the first call warms prompts and caches
                out[mode].append((t1 - t0) * 1000)
            await proc.wait()
            await wait_for(lambda: not gw.calls, timeout=20, step=0.01)
    return out


app_gateway: dict[str, Any] = {}


def static_copy(html: str, folder: Path) -> None:
    """The page as plain files: its HTML and the assets it references, byte for byte."""
    static = PROJECT_ROOT / "src" / "dasan" / "web" / "static"
    (folder / "page").mkdir(parents=True)
    (folder / "page" / "index.html").write_text(html, encoding="utf-8")
    for rel in ("dasan.css", "dasan.js", "voice/visible_ars.css", "voice/visible_ars.js"):
        target = folder / "static" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(static / rel, target)


async def load_trials(url: str, base: str, tmp: Path, trials: int) -> dict[str, list[float]]:
    from playwright.async_api import async_playwright

    from dasan.db.base import utcnow
    from dasan.db.models import Consultation
    from dasan.db.models_voice import VoiceCall
    from dasan.db.session import session_scope
    from dasan.voice.visible_ars import service

    out: dict[str, list[float]] = {"page": [], "static": []}
    if not CHROMIUM.exists():
        print("  Chromium is not installed at /usr/bin/chromium: the load benchmark is skipped")
        return out
    with session_scope(url) as s:
        c = Consultation(channel="phone", started_at=utcnow())
        s.add(c)
        s.flush()
        call = VoiceCall(sip_call_id="bench-vars-load", consultation_id=c.id, dialed="120",
                         queued_at=utcnow(), queue_code="general")
        s.add(call)
        s.commit()
        link = service.start(s, call.id, CALLER)
    assert link is not None
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    peer_port = free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp / "peer"))
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None  # type: ignore[method-assign]
    peer = http.server.ThreadingHTTPServer(("127.0.0.1", peer_port), handler)
    threading.Thread(target=peer.serve_forever, daemon=True).start()
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox", "--disable-gpu"])
            ctx = await browser.new_context(**PHONE)  # CSP enforced
            first = await ctx.new_page()
            await first.goto(base + path)  # opens the one-time link: the cookie is this phone's
            await first.wait_for_selector(".vars-item")
            raw = await ctx.request.get(base + path)  # the page's own bytes, with its cookie
            static_copy(await raw.text(), tmp / "peer")
            await first.close()
            targets = {"page": base + path, "static": f"http://127.0.0.1:{peer_port}/page/"}
            for i in range(trials * 2 + 2):
                mode = "static" if i % 2 else "page"
                tab = await ctx.new_page()
                t0 = time.perf_counter()
                await tab.goto(targets[mode], wait_until="load")
                await tab.wait_for_selector(".vars-item")  # the menu drawn by the script
                t1 = time.perf_counter()
                if i > 1:
                    out[mode].append((t1 - t0) * 1000)
                await tab.close()
            await browser.close()
    finally:
        peer.shutdown()
    return out


async def run(trials: int) -> int:
    import uvicorn

    tmp = Path(tempfile.mkdtemp(prefix="bench-vars-"))
    try:
        url = prepare(tmp)
        from dasan.chat.hub import ChatHub
        from dasan.chat.pubsub import InMemoryPubSub
        from dasan.voice.gateway import Gateway
        from dasan.voice.settings import VoiceSettings
        from dasan.web.app import create_app

        rtp = free_port(socket.SOCK_DGRAM) & ~1
        settings = VoiceSettings(host="127.0.0.1", port=0, rtp_host="127.0.0.1",
                                 rtp_port_min=max(20000, rtp - 100), rtp_port_max=rtp + 100,
                                 prompt_dir=tmp / "prompts", recording_dir=tmp / "rec",
                                 tts="espeak", tts_speed=400, live_stt=False,
                                 prerender_answers=False, digit_timeout=8.0, media_timeout=8.0,
                                 ring_timeout=4.0, queue_timeout=30.0,
                                 queue_announce_every=30.0, db_processes=0)
        gw = Gateway(settings, InMemoryPubSub(), url)
        await gw.start()
        app_gateway["gw"] = gw
        app = create_app()
        app.state.chat_hub = ChatHub(gw.pubsub)  # the API steers the gateway of this process
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="off"))
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        try:
            loads = await load_trials(url, base, tmp, trials)
            choices = await choice_trials(url, tmp, trials, base)
        finally:
            server.should_exit = True
            await serving
            await gw.stop()
        print("Visible ARS: page load on a 390×844 touch screen (Chromium, until the menu "
              "is drawn)")
        if loads["page"]:
            print(line("Dasan /ars/v/<link>", loads["page"], 1000))
            print(line("peer: the same bytes from http.server", loads["static"]))
        print("Visible ARS: choice → the live call in the chosen queue")
        if choices["page"]:
            print(line("Dasan page choice (HTTP → room → gateway)", choices["page"], 300))
            print(line("peer: the key 2 on the phone (DTMF path)", choices["dtmf"]))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--quick", action="store_true", help="5 trials each")
    args, _unknown = ap.parse_known_args(argv)  # `make bench` passes BENCH_ARGS to every bench
    print(f"load average {Path('/proc/loadavg').read_text().split()[:3]} "
          "(a shared machine: figures move with the other work on it)")
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(run(5 if args.quick else args.trials))
    return 1


if __name__ == "__main__":
    sys.exit(main())
