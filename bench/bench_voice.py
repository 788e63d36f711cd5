"""Voice benchmark: concurrent calls through one gateway process, a sipp load mix
(ARS -> queue -> bridged talk), against sipp talking to sipp directly.

Run: ``uv run python -m bench.bench_voice`` (``--calls 300 --rate 10`` for more load; ``--quick``
for 30 calls; ``--no-peer`` skips the sipp->sipp peer, for quick comparisons only). Needs sipp
and espeak-ng (scripts/system-deps.sh).

* Gateway: the real `Gateway` in this process's event loop, on SQLite (or PostgreSQL with
  DASAN_TEST_POSTGRES_URL) with in-process pub/sub, omni routing and one agent per expected
  concurrent call. Every agent's phone is one sipp UAS (bench/voice/bench_agent.xml): it
  answers, plays 14 s of A-law audio and waits for BYE. The callers are one sipp UAC
  (bench/voice/bench_caller.xml): INVITE, ACK, RFC 4733 digit 1 (transport), 14 s of A-law
  audio once bridged, BYE. So each call crosses the ARS, the queue, the offer, the bridge
  (relaying both directions and writing both legs to WAV: in the media relay process by
  default, ADR 0020; `--media-relay loop` in the gateway's event loop) and the CDR.
* Figures: calls completed / failed (sipp's own count), peak calls held and peak bridged,
  call setup INVITE -> 200 OK p50/p99 (sipp's response-time trace), inter-packet jitter on the
  relayed legs (|gap - the leg's median interval| p99, at the relay; sipp's A-law pcap is 30 ms
  packets), event-loop lag p99.
* Peer, same run and same caller scenario: sipp calling a sipp UAS directly (no gateway): what
  the loopback and the tool cost (setup time; completed/failed).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import csv
import os
import random
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from sqlalchemy import Engine, event, func, select, update

from dasan.chat.pubsub import InMemoryPubSub
from dasan.config import PROJECT_ROOT, get_settings
from dasan.db import session as db_session
from dasan.db.migrate import upgrade
from dasan.db.models import Agent
from dasan.db.models_voice import VoiceCall
from dasan.db.session import session_scope
from dasan.demo import seed_org, seed_people
from dasan.voice.agents import set_endpoint
from dasan.voice.cli import favour_the_loop, install_fast_loop, settle_heap
from dasan.voice.flows import store
from dasan.voice.flows.default import default_flow
from dasan.voice.gateway import Gateway
from dasan.voice.settings import VoiceSettings

SCEN = PROJECT_ROOT / "bench" / "voice"
SHORT = {"main_menu": "메뉴", "invalid": "오류", "no_input": "무응답", "closed": "마감",
         "notice": "공지", "foreign_menu": {"text": "language", "language": "en"}}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q / 100 * len(values)))]


async def sipp(args: list[str], cwd: Path) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        "sipp", *args, "-nostdin", "-i", "127.0.0.1", "-mi", "127.0.0.1", cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return proc.returncode or 0, out.decode(errors="replace")


async def run_callers(target: str, calls: int, rate: float, workdir: Path
                      ) -> dict[str, float]:
    """One sipp UAC load; returns completed/failed and setup-time percentiles (ms)."""
    workdir.mkdir(parents=True, exist_ok=True)
    rc, out = await sipp(["-sf", str(SCEN / "bench_caller.xml"), "-trace_err", "-m", str(calls),
                          "-r", str(rate), "-l", str(calls), "-p", str(free_port()),
                          "-mp", str(free_port() & ~1), "-key", "caller", "01055550000",
                          "-s", "120", "-trace_rtt", "-rtt_freq", "1", "-trace_stat",
                          "-fd", "1", "-timeout", "180s", target], workdir)
    rtts: list[float] = []
    for f in workdir.glob("*_rtt.csv"):
        with f.open() as fh:
            for row in csv.reader(fh, delimiter=";"):
                if len(row) >= 2 and row[1].replace(".", "").isdigit():
                    rtts.append(float(row[1]))
    ok = failed = 0.0
    for f in workdir.glob("*_.csv"):
        rows = list(csv.reader(f.open(), delimiter=";"))
        if len(rows) >= 2:
            head, last = rows[0], rows[-1]
            ok = float(last[head.index("SuccessfulCall(C)")])
            failed = float(last[head.index("FailedCall(C)")])
    return {"rc": rc, "completed": ok, "failed": failed, "setup_p50": pct(rtts, 50),
            "setup_p99": pct(rtts, 99), "setup_n": len(rtts)}


class Sink(asyncio.DatagramProtocol):
    """The jitter peer's receiver: one plain UDP socket per call, timing audio packets the
    way `RtpLeg` times a relayed leg (in the same event loop, with no gateway work)."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._prev = 0.0

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        if len(data) < 12 or data[1] & 0x7F != 8:
            return
        now = time.monotonic()
        if self._prev:
            self.gaps.append(now - self._prev)
        self._prev = now


async def open_sinks(n: int) -> tuple[list[asyncio.DatagramTransport], list[Sink], list[int]]:
    loop = asyncio.get_running_loop()
    transports, sinks, ports = [], [], []
    for _ in range(n):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        transport, sink = await loop.create_datagram_endpoint(Sink, sock=sock)
        transports.append(transport)
        sinks.append(sink)
        ports.append(int(sock.getsockname()[1]))
    return transports, sinks, ports


def loop_thread_sched() -> tuple[float, float]:
    """(seconds on a CPU, seconds runnable but waiting for one) of this process's main thread,
    the event loop's (Linux /proc schedstat; zeros elsewhere)."""
    try:
        ran, waited, _ = Path(f"/proc/self/task/{os.getpid()}/schedstat").read_text().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(ran) / 1e9, int(waited) / 1e9


def leg_jitter_ms(legs: list[list[float]]) -> list[float]:
    """|gap - the leg's median interval| per packet, in ms (as the gateway computes it)."""
    out: list[float] = []
    for gaps in legs:
        if len(gaps) > 2:
            interval = statistics.median(gaps)
            out.extend(abs(g - interval) * 1000 for g in gaps)
    return out


async def agents_uas(port: int, workdir: Path, max_calls: int, scenario: str = "bench_agent.xml",
                     extra: tuple[str, ...] = ()) -> asyncio.subprocess.Process:
    workdir.mkdir(parents=True, exist_ok=True)
    return await asyncio.create_subprocess_exec(
        "sipp", "-sf", str(SCEN / scenario), *extra, "-p", str(port), "-nostdin",
        "-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", str(free_port() & ~1),
        "-l", str(max_calls * 2), "-trace_stat", "-fd", "1", cwd=workdir,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


def db_server_cpu(url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving this database (the server runs
    on this machine in the bench; /proc of another user's process is readable). SQLite: {}."""
    if not url.startswith("postgresql"):
        return {}
    from sqlalchemy import text

    with session_scope(url) as s:
        pids = s.scalars(text("SELECT pid FROM pg_stat_activity "
                              "WHERE datname = current_database()")).all()
    return {int(pid): proc_cpu(int(pid)) for pid in pids}


def cpu_since(before: dict[int, float], now: dict[int, float]) -> float:
    """CPU used between two `db_server_cpu` samples (a backend started since counts whole)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in now.items())


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class StallWatch:
    """A thread that samples every thread's stack while the event loop has not ticked for
    `threshold` seconds: what the loop was doing (or waiting for) during a stall."""

    def __init__(self, loop: asyncio.AbstractEventLoop, threshold: float = 0.1) -> None:
        self.loop, self.threshold = loop, threshold
        self.beat = time.monotonic()
        self.stalls: list[float] = []
        self.where: collections.Counter[str] = collections.Counter()
        self._stop = threading.Event()
        self._main = threading.main_thread().ident
        self._thread = threading.Thread(target=self._run, name="stall-watch", daemon=True)

    def start(self) -> None:
        self._tick()
        self._thread.start()

    def _tick(self) -> None:
        self.beat = time.monotonic()
        if not self._stop.is_set():
            self.loop.call_later(0.005, self._tick)

    def _run(self) -> None:
        in_stall = 0.0
        while not self._stop.wait(0.02):
            late = time.monotonic() - self.beat
            if late < self.threshold:
                if in_stall:
                    self.stalls.append(in_stall)
                in_stall = 0.0
                continue
            in_stall = late
            frames = sys._current_frames()
            for ident, frame in frames.items():
                if ident == threading.get_ident():
                    continue
                stack = [f for f in traceback.extract_stack(frame)
                         if not f.filename.startswith("<frozen")][-4:]
                who = "loop" if ident == self._main else "thread"
                key = who + ": " + " <- ".join(
                    f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack))
                self.where[key] += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


async def loop_lag(samples: list[float], stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        t = loop.time()
        await asyncio.sleep(0.01)
        samples.append(loop.time() - t - 0.01)


def prepare_db(url: str, agents: int, phone_port: int) -> None:
    upgrade(url)
    with session_scope(url) as s:
        seed_org(s)
        seed_people(s, agents=agents)
    with session_scope(url) as s:
        s.execute(update(Agent).values(state="available"))
        for i in range(agents):
            set_endpoint(s, f"A{i + 1:04d}", f"sip:a{i + 1}@127.0.0.1:{phone_port}")
    doc = default_flow()
    doc["prompts"] = dict(SHORT)
    with session_scope(url) as s:
        row = store.save_draft(s, doc, None, "bench")
        store.publish(s, row.name, row.version, None)


def gateway_settings(args: argparse.Namespace, tmp: Path, concurrent: int, base: int
                     ) -> VoiceSettings:
    return VoiceSettings(
        host="127.0.0.1", port=0, rtp_host="127.0.0.1", rtp_port_min=base,
        rtp_port_max=base + 4 * concurrent + 200, prompt_dir=PROJECT_ROOT / "var" / "voice" /
        "prompts", recording_dir=tmp / "recordings", tts="espeak", digit_timeout=2.0,
        media_timeout=30.0, ring_timeout=10.0, queue_timeout=300.0, max_calls=2000,
        invite_rate=10_000.0, wrap_up_seconds=0.0,  # agents free again at once (as before)
        db_processes=args.db_processes, live_stt=args.live_stt, media_relay=args.media_relay)


async def child_gateway(args: argparse.Namespace) -> None:
    """`--child TMP CONCURRENT BASE`: one more gateway process (scale-out runs); prints its SIP
    port, runs until stdin closes."""
    tmp, concurrent, base = Path(args.child[0]), int(args.child[1]), int(args.child[2])
    db_session.reset_caches()
    gw = Gateway(gateway_settings(args, tmp, concurrent, base), InMemoryPubSub(),
                 os.environ["DASAN_DATABASE_URL"])
    await gw.start()
    settle_heap()
    favour_the_loop()
    print(gw.port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await gw.stop()


async def options_ok(port: int) -> bool:
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        s.setblocking(False)
        me = s.getsockname()[1]
        s.sendto((f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{me};"
                  f"branch=z9hG4bK-b{me}\r\nFrom: <sip:b@127.0.0.1>;tag=b\r\nTo: <sip:"
                  f"127.0.0.1:{port}>\r\nCall-ID: b{me}\r\nCSeq: 1 OPTIONS\r\n"
                  "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n").encode(),
                 ("127.0.0.1", port))
        try:
            return (await asyncio.wait_for(loop.sock_recv(s, 2048), 0.3)).startswith(
                b"SIP/2.0 200")
        except TimeoutError:
            return False


def peak_from_records(url: str) -> int:
    """Most calls open at once over every gateway, from the CDRs' arrival and end times."""
    with session_scope(url) as s:
        rows = s.execute(select(VoiceCall.arrived_at, VoiceCall.ended_at)).all()
    edges = sorted([(a, 1) for a, _ in rows] + [(e, -1) for _, e in rows if e is not None])
    peak = now = 0
    for _, step in edges:
        now += step
        peak = max(peak, now)
    return peak


async def run_peer(args: argparse.Namespace, tmp: Path, concurrent: int
                   ) -> tuple[dict[str, float], list[float]]:
    """The same callers against a sipp UAS directly: setup figures and per-packet jitter."""
    peer_port = free_port()
    transports, sinks, sink_ports = await open_sinks(args.calls)
    inf = tmp / "sink-ports.csv"
    inf.write_text("SEQUENTIAL\n" + "".join(f"{p};\n" for p in sink_ports))
    peer_uas = await agents_uas(peer_port, tmp / "peer-uas", concurrent, "bench_peer_sink.xml",
                                ("-inf", str(inf)))
    await asyncio.sleep(0.5)
    peer = await run_callers(f"127.0.0.1:{peer_port}", args.calls, args.rate, tmp / "peer")
    with contextlib.suppress(ProcessLookupError):  # it may have exited (e.g. a port taken)
        peer_uas.terminate()
    await peer_uas.wait()
    for transport in transports:
        transport.close()
    peer_gaps = leg_jitter_ms([sink.gaps for sink in sinks])
    return peer, peer_gaps


async def main(args: argparse.Namespace) -> None:
    if shutil.which("sipp") is None or shutil.which("espeak-ng") is None:
        raise SystemExit("needs sipp and espeak-ng: run scripts/system-deps.sh")
    tmp = Path(tempfile.mkdtemp(prefix="dasan-voice-bench-"))
    url = os.environ.get("DASAN_TEST_POSTGRES_URL") or f"sqlite:///{tmp / 'bench.db'}"
    if url.startswith("postgresql"):
        from bench import wipe_postgres

        wipe_postgres(url)
    os.environ["DASAN_DATABASE_URL"] = url
    os.environ["DASAN_ROUTING_MODE"] = "omni"
    get_settings.cache_clear()
    db_session.reset_caches()
    concurrent = int(args.rate * 17) + 10
    phone_port = free_port()
    await asyncio.to_thread(prepare_db, url, max(concurrent, 20), phone_port)
    base = random.randrange(20000, 40000, 2)
    span = 4 * concurrent + 400
    gw = Gateway(gateway_settings(args, tmp, concurrent, base), InMemoryPubSub(), url)
    await gw.start()
    settle_heap()  # as `dasan voice` does
    favour_the_loop()
    target = f"127.0.0.1:{gw.port}"
    children: list[asyncio.subprocess.Process] = []
    front: asyncio.subprocess.Process | None = None
    if args.gateways > 1:  # scale-out: more gateway processes behind the Kamailio front
        ports = [gw.port]
        for i in range(1, args.gateways):
            child = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.bench_voice", "--child", str(tmp), str(concurrent),
                str(base + i * span), *(["--live-stt"] if args.live_stt else []),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
            assert child.stdout is not None
            ports.append(int((await child.stdout.readline()).decode().strip()))
            children.append(child)
        front_port = free_port()
        front = await asyncio.create_subprocess_exec(
            str(PROJECT_ROOT / "scripts" / "kamailio.sh"), f"127.0.0.1:{front_port}",
            *(f"127.0.0.1:{p}" for p in ports), env={**os.environ, "DASAN_KAMAILIO_DIR":
                                                      str(tmp / "kamailio")},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        for _ in range(100):
            if await options_ok(front_port):
                break
        target = f"127.0.0.1:{front_port}"
    phones = await agents_uas(phone_port, tmp / "agents", concurrent)
    lag: list[float] = []
    stop = asyncio.Event()
    lag_task = asyncio.create_task(loop_lag(lag, stop))
    watch_stalls = StallWatch(asyncio.get_running_loop())
    watch_stalls.start()
    peak_calls = 0

    async def watch() -> None:
        nonlocal peak_calls
        while not stop.is_set():
            peak_calls = max(peak_calls, len(gw.calls))
            await asyncio.sleep(0.2)

    watcher = asyncio.create_task(watch())
    sql = [0]

    def count_sql(*_: object) -> None:
        sql[0] += 1

    event.listen(Engine, "before_cursor_execute", count_sql)  # this process's statements
    t0 = time.perf_counter()
    db0 = await asyncio.to_thread(db_server_cpu, url)
    rec0 = {pid: proc_cpu(pid) for pid in gw.records.process_pids()}
    sched0, cpu0 = loop_thread_sched(), time.process_time()
    gateway = await run_callers(target, args.calls, args.rate, tmp / "callers")
    elapsed = time.perf_counter() - t0
    sched1, cpu1 = loop_thread_sched(), time.process_time()
    loop_ran, loop_waited = sched1[0] - sched0[0], sched1[1] - sched0[1]
    for _ in range(600):  # calls that sipp ended may still be writing their records
        if not gw.calls:
            break
        await asyncio.sleep(0.1)
    stop.set()
    event.remove(Engine, "before_cursor_execute", count_sql)
    rec_cpu = sum(proc_cpu(pid) - rec0.get(pid, 0.0) for pid in gw.records.process_pids())
    db_cpu = cpu_since(db0, await asyncio.to_thread(db_server_cpu, url))
    watch_stalls.stop()
    await asyncio.gather(lag_task, watcher)
    await gw.media_settled()  # the relay's gaps of the last calls are back
    relay_cpu = proc_cpu(gw.media.proc.pid) if gw.media and gw.media.proc else 0.0
    relay_counters = dict(gw.media.counters) if gw.media else {}
    relay_life = (f"started {gw.media.starts}, died {gw.media.deaths}, pairs bridged "
                  f"{gw.media.bridged_total}") if gw.media else ""
    gaps_ms = [g * 1000 for g in gw.relay_gaps]
    relayed = len(gw.relay_gaps)
    answer_ms = [x * 1000 for x in gw.answer_times]
    stats = dict(gw.stats) | dict(gw.endpoint.stats if gw.endpoint else {})
    await gw.stop()
    ws = gw.records.stats
    for child in children:
        assert child.stdin is not None
        child.stdin.close()
        await child.wait()
    if front is not None:
        with contextlib.suppress(ProcessLookupError):
            front.terminate()
        await front.wait()
    held_all = await asyncio.to_thread(peak_from_records, url)
    with session_scope(url) as s:  # the records, not only sipp's view of the calls
        cdrs = dict(s.execute(select(VoiceCall.outcome, func.count()).group_by(
            VoiceCall.outcome)).all())
        errors = s.scalar(select(func.count()).where(VoiceCall.end_reason == "gateway_error"))
    with contextlib.suppress(ProcessLookupError):
        phones.terminate()
    await phones.wait()

    # Peer: the same callers against sipp UAS directly (no gateway); the UAS answers with
    # SDP that sends each caller's RTP to a plain socket of this process (jitter peer).
    peer, peer_gaps = await run_peer(args, tmp, concurrent) if args.peer else (
        {"completed": float("nan"), "failed": float("nan"), "setup_p50": float("nan"),
         "setup_p99": float("nan")}, [])

    loop_name = type(asyncio.get_running_loop()).__module__.split(".")[0]
    load = os.getloadavg()[0]
    print(f"voice bench ({loop_name} loop, bridged RTP relayed in "
          f"{'a media relay process' if args.media_relay == 'process' else 'the event loop'}, "
          "record writer in "
          f"{'a record process' if gw.records.process else 'a thread'}, live STT "
          f"{'on' if args.live_stt else 'off'}): {args.calls} calls at {args.rate}/s, each ARS -> queue -> 14 s bridged"
          f" talk ({'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}; "
          f"{elapsed:.0f} s)")
    print(f"{'':28} {'gateway':>12} {'sipp->sipp peer':>16}")
    print(f"{'calls completed':28} {gateway['completed']:>12.0f} {peer['completed']:>16.0f}")
    print(f"{'calls failed':28} {gateway['failed']:>12.0f} {peer['failed']:>16.0f}")
    print(f"{'setup INVITE->200 p50 ms':28} {gateway['setup_p50']:>12.1f} "
          f"{peer['setup_p50']:>16.1f}")
    print(f"{'setup INVITE->200 p99 ms':28} {gateway['setup_p99']:>12.1f} "
          f"{peer['setup_p99']:>16.1f}")
    print(f"{'RTP jitter p50 ms':28} {pct(gaps_ms, 50):>12.2f} {pct(peer_gaps, 50):>16.2f}")
    print(f"{'RTP jitter p99 ms':28} {pct(gaps_ms, 99):>12.2f} {pct(peer_gaps, 99):>16.2f}")
    print("  (|inter-arrival gap - the leg's median interval| per packet: gateway at its relay "
          "input, peer at a plain socket; both include sipp's own pcap pacing)")
    print(f"peak calls held {peak_calls}, peak bridged {gw.bridged_peak}; relayed packets "
          f"{relayed:,}; relayed-leg jitter |gap - leg interval| p50 {pct(gaps_ms, 50):.2f} ms, "
          f"p99 {pct(gaps_ms, 99):.2f} ms; event-loop lag p99 "
          f"{pct([x * 1000 for x in lag], 99):.1f} ms (max {max(lag, default=0) * 1000:.0f}, mean "
          f"{statistics.fmean(lag) * 1000 if lag else 0:.2f} ms)")
    print(f"inside the gateway, INVITE received -> 200 sent: p50 {pct(answer_ms, 50):.2f} ms, "
          f"p99 {pct(answer_ms, 99):.2f} ms")
    print(f"gateway process CPU {cpu1 - cpu0:.1f} s in {elapsed:.0f} s "
          f"({(cpu1 - cpu0) / elapsed:.0%} of one core); its event-loop thread ran "
          f"{loop_ran:.1f} s and waited {loop_waited:.1f} s runnable for a CPU (descheduled "
          "by other work on the machine)")
    if args.media_relay == "process":
        print(f"media relay process ({relay_life}): CPU {relay_cpu:.1f} s "
              f"({relay_cpu / elapsed:.0%} of one core); where the packets it received went: "
              f"{relay_counters}")
    else:
        print("media relay: in the gateway's event loop (--media-relay loop)")
    print(f"gateway processes: {args.gateways}"
          + (" behind the Kamailio front" if args.gateways > 1 else "")
          + f"; most calls open at once over all of them (from the call records): {held_all}")
    print(f"gateway counters: {stats}")
    n = max(1, gateway["completed"] + gateway["failed"])
    print(f"CPU per call ({n:.0f} calls): gateway process {(cpu1 - cpu0) / n * 1000:.1f} ms "
          f"(its event-loop thread {loop_ran / n * 1000:.1f} ms), media relay process "
          f"{relay_cpu / n * 1000:.1f} ms, record process {rec_cpu / n * 1000:.1f} ms, "
          f"database server {db_cpu / n * 1000:.1f} ms"
          + (" (PostgreSQL backends of this database)" if url.startswith("postgresql")
             else " (SQLite: in the process that writes)"))
    stalls = sorted(watch_stalls.stalls, reverse=True)
    print(f"event-loop stalls >= {watch_stalls.threshold * 1000:.0f} ms: {len(stalls)} "
          f"(longest {', '.join(f'{x * 1000:.0f}' for x in stalls[:5])} ms)")
    for where, n in watch_stalls.where.most_common(args.stall_stacks):
        print(f"  {n:5d} samples  {where}")
    print(f"call records by outcome: {cdrs}; ended by a gateway error: {errors}")
    print(f"SQL statements while the calls ran: {sql[0]:,} ({sql[0] / max(1, args.calls):.1f} "
          f"per call{', this gateway process only' if args.gateways > 1 else ''})")
    print(f"record writer ({'a record process' if gw.records.process else 'a thread'}): "
          f"{ws.steps} steps in {ws.batches} batches (mean {ws.steps / max(1, ws.batches):.1f}"
          f", largest {ws.largest}), busy {ws.busy_seconds:.1f} s, queue wait p50 "
          f"{pct(ws.waits, 50) * 1000:.1f} ms p99 {pct(ws.waits, 99) * 1000:.1f} ms; "
          f"failed steps {ws.errors}, written-behind steps lost {ws.behind_lost}")
    print(f"machine load average at the end: {load:.1f} on {os.cpu_count()} CPUs "
          f"(other work on the machine shifts these figures)")
    if args.keep:
        print(f"kept the run's files (sipp logs, recordings) under {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rate", type=float, default=8.0, help="new calls per second")
    parser.add_argument("--quick", action="store_true", help="30 calls at 3/s")
    parser.add_argument("--db-processes", type=int, choices=(0, 1),
                        default=VoiceSettings().db_processes,
                        help="1: the record writer runs its batches in a record process; "
                             "0: in its thread in the gateway process (default: 1 on "
                             "PostgreSQL, 0 on SQLite, as `dasan voice`)")
    parser.add_argument("--media-relay", choices=("process", "loop"),
                        default=VoiceSettings().media_relay,
                        help="process: bridged legs relayed by the media relay process (ADR "
                             "0020); loop: in the gateway's event loop, as before")
    parser.add_argument("--live-stt", action="store_true",
                        help="transcribe both legs live (DASAN_STT adapter) as a site may")
    parser.add_argument("--stall-stacks", type=int, default=8,
                        help="stack samples shown for the event-loop stalls")
    parser.add_argument("--gateways", type=int, default=1,
                        help="gateway processes behind scripts/kamailio.sh (needs kamailio; "
                             "use PostgreSQL: DASAN_TEST_POSTGRES_URL)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--no-peer", dest="peer", action="store_false",
                        help="skip the sipp->sipp peer run (quick comparisons only)")
    parser.add_argument("--keep", action="store_true", help="keep sipp's logs and recordings")
    parser.add_argument("--default-loop", action="store_true",
                        help="asyncio's own loop instead of uvloop (as `dasan voice` uses)")
    ns = parser.parse_args()
    if ns.quick:
        ns.calls, ns.rate = 30, 3.0
    if not ns.default_loop:
        install_fast_loop()
    asyncio.run(child_gateway(ns) if ns.child else main(ns))
