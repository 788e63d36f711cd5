"""The media relay process: bridged RTP forwarded outside the gateway's event loop (ADR 0020).

A bridged pair of legs (caller and agent, agent and consulted party, caller and an outside
line) only forwards each packet to the other leg and appends it to that leg's recording. In
the gateway process that is ~15,000 packets/s at 150 calls on the loop that also answers
INVITEs and paces prompts, so the loop's lag became the calls' setup and jitter tail. Here one
child process per gateway runs a plain `selectors` (epoll) loop over the bridged legs' sockets:

* The gateway hands over a duplicate of each leg's socket (`socket.send_fds`, SCM_RIGHTS) and
  stops reading it; it keeps its own descriptor for sending (hold audio, warnings) and takes
  the leg back on `unbridge` once the relay has closed its copy and finished the recordings.
* Control is one AF_UNIX SOCK_SEQPACKET socket pair, messages pickled (parent and child are
  the same code): `bridge`, `mute`, `unbridge`, `stop` in; `unbridged` (each leg's latched
  address, last packet time, packet count and inter-arrival gaps) and `stats` (every leg's
  last packet time and count, five times a second, for the no-media timeout) out.
* The relay exits when its control socket ends (the gateway died or closed it). A relay that
  died is noticed by the gateway (end of file), which takes every leg back into its own loop
  (the calls go on, relayed in-process) and starts a new relay at the next bridge.
* Recordings: the gateway's recorder closes its file before the handover; the relay appends to
  the same WAV (header patched at every flush, so the file is valid at any time) and closes it
  before `unbridged`; the gateway's recorder then appends again.

Run as `python -m dasan.voice.media.relay <control fd>` (the gateway does this).
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import functools
import logging
import pickle
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dasan.voice.media.rtp_header import media_payload_type
from dasan.voice.media.wavappend import AppendWav

if TYPE_CHECKING:
    from dasan.voice.media.rtp import RtpLeg

log = logging.getLogger(__name__)

FLUSH_BYTES = 8000  # about one second of G.711 per leg before it is decoded and written
STATS_EVERY = 0.2
MAX_MSG = 1 << 20
# Inter-arrival gaps kept per leg for the jitter figures: the first 10,000 (about 3-5 minutes;
# float32, so an `unbridged` answer stays well inside one control message).
MAX_GAPS = 10_000


def _codecs() -> Any:
    """G.711 (numpy, aiortp): imported in a thread at the first bridge (a gateway whose calls
    never bridge does not pay for it), so forwarding starts before the import is done."""
    from dasan.voice.media import audio

    return audio


def decode(payload_type: int, payload: bytes) -> bytes:
    return _codecs().decode(payload_type, payload)  # type: ignore[no-any-return]


def encode(payload_type: int, pcm: bytes) -> bytes:
    return _codecs().encode(payload_type, pcm)  # type: ignore[no-any-return]


@dataclass
class _Leg:
    sock: socket.socket
    remote: tuple[str, int]
    latched: bool
    pt: int
    dtmf_pt: int | None
    muted: bool
    wav: Path | None
    rx: int = 0
    last_rx: float = 0.0
    prev_rx: float = 0.0
    gaps: array.array[float] = field(default_factory=lambda: array.array("f"))
    pending: bytearray = field(default_factory=bytearray)
    pending_pt: int = 0
    writer: AppendWav | None = None
    partner: _Leg | None = None
    pair: int = 0
    index: int = 0


class Relay:
    """The child's state: legs by socket, pairs by id, counters."""

    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.sel = selectors.DefaultSelector()
        self.pairs: dict[int, tuple[_Leg, _Leg]] = {}
        self.counters = {"forwarded": 0, "muted": 0, "dtmf": 0, "other": 0, "recorded": 0,
                         "transcoded": 0, "send_errors": 0}
        self.sel.register(control, selectors.EVENT_READ, None)
        self.preloading = False

    # --- control ------------------------------------------------------------------------

    def _reply(self, msg: tuple[Any, ...]) -> None:
        with contextlib.suppress(OSError):
            self.control.send(pickle.dumps(msg))

    def control_ready(self) -> bool:
        try:
            data, fds, _, _ = socket.recv_fds(self.control, MAX_MSG, 4)
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            return False
        if not data:
            return False  # the gateway is gone
        msg = pickle.loads(data)  # noqa: S301 (our own parent, over a private socket pair)
        kind = msg[0]
        if kind == "bridge":
            self.bridge(msg[1], msg[2], fds)
        elif kind == "mute":
            pair = self.pairs.get(msg[1])
            if pair:
                pair[msg[2]].muted = msg[3]
        elif kind == "unbridge":
            self.unbridge(msg[1])
        elif kind == "stop":
            for pid in list(self.pairs):
                self.unbridge(pid)
            return False
        return True

    def bridge(self, pid: int, specs: list[dict[str, Any]], fds: list[int]) -> None:
        if not self.preloading:  # G.711 (numpy) in a thread: forwarding starts meanwhile
            self.preloading = True
            threading.Thread(target=_codecs, name="preload", daemon=True).start()
        legs = []
        for i, (spec, fd) in enumerate(zip(specs, fds, strict=True)):
            sock = socket.socket(fileno=fd)
            sock.setblocking(False)
            wav = Path(spec["wav"]) if spec.get("wav") else None
            leg = _Leg(sock, tuple(spec["remote"]), spec["latched"], spec["pt"],
                       spec["dtmf_pt"], spec["muted"], wav, pair=pid, index=i,
                       last_rx=spec["last_rx"])
            if wav is not None:
                try:
                    leg.writer = AppendWav(wav)
                except OSError:
                    leg.writer = None
            legs.append(leg)
        a, b = legs
        a.partner, b.partner = b, a
        self.pairs[pid] = (a, b)
        for leg in legs:
            self.sel.register(leg.sock, selectors.EVENT_READ, leg)

    def unbridge(self, pid: int) -> None:
        pair = self.pairs.pop(pid, None)
        if pair is None:
            self._reply(("unbridged", pid, None))
            return
        states = []
        for leg in pair:
            with contextlib.suppress(KeyError, ValueError):
                self.sel.unregister(leg.sock)
            self._drain(leg)  # what already waits in the socket belongs to this bridge
            self._flush(leg)
            if leg.writer is not None:
                leg.writer.close()
            leg.sock.close()
            states.append({"remote": leg.remote, "latched": leg.latched, "rx": leg.rx,
                           "last_rx": leg.last_rx, "gaps": leg.gaps.tobytes()})
        self._reply(("unbridged", pid, states))

    def stats(self) -> None:
        legs = {pid: (a.last_rx, b.last_rx, a.rx, b.rx) for pid, (a, b) in self.pairs.items()}
        self._reply(("stats", legs, dict(self.counters)))

    # --- media --------------------------------------------------------------------------

    def _drain(self, leg: _Leg) -> None:
        while True:
            try:
                data, addr = leg.sock.recvfrom(2048)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            self.packet(leg, data, addr)

    def packet(self, leg: _Leg, data: bytes, addr: tuple[str, int]) -> None:
        pt = media_payload_type(data)
        if pt is None:  # not RTP media (RTCP multiplexed on the RTP port: ignored)
            return
        now = time.monotonic()
        leg.last_rx = now
        leg.rx += 1
        if not leg.latched:
            leg.remote, leg.latched = addr, True
        if pt == leg.dtmf_pt:
            self.counters["dtmf"] += 1  # not forwarded (as in the gateway's own relay)
            return
        if pt != leg.pt:
            self.counters["other"] += 1
            return
        if leg.prev_rx and len(leg.gaps) < MAX_GAPS:
            leg.gaps.append(now - leg.prev_rx)
        leg.prev_rx = now
        cc = data[0] & 0x0F
        offset = 12 + 4 * cc
        if data[0] & 0x10 and len(data) >= offset + 4:
            offset += 4 + 4 * struct.unpack_from("!H", data, offset + 2)[0]
        partner = leg.partner
        if partner is not None:
            if leg.muted or partner.muted:
                self.counters["muted"] += 1
            else:
                out = data
                if partner.pt != leg.pt:  # different G.711 laws: re-encode the payload
                    out = data[:offset] + encode(partner.pt, decode(leg.pt, data[offset:]))
                    out = out[:1] + bytes([(out[1] & 0x80) | partner.pt]) + out[2:]
                    self.counters["transcoded"] += 1
                try:
                    partner.sock.sendto(out, partner.remote)
                    self.counters["forwarded"] += 1
                except OSError:
                    self.counters["send_errors"] += 1
        if leg.writer is not None:
            if leg.pending and pt != leg.pending_pt:
                self._flush(leg)
            leg.pending_pt = pt
            leg.pending += data[offset:]
            self.counters["recorded"] += 1
            if len(leg.pending) >= FLUSH_BYTES:
                self._flush(leg)

    def _flush(self, leg: _Leg) -> None:
        if leg.pending and leg.writer is not None:
            try:
                leg.writer.append(decode(leg.pending_pt, bytes(leg.pending)))
            except OSError:
                leg.writer = None
        leg.pending.clear()

    def run(self) -> None:
        next_stats = time.monotonic() + STATS_EVERY
        while True:
            timeout = max(0.0, next_stats - time.monotonic())
            for key, _ in self.sel.select(timeout):
                if key.data is None:
                    if not self.control_ready():
                        for pid in list(self.pairs):
                            self.unbridge(pid)
                        return
                else:
                    self._drain(key.data)
            if time.monotonic() >= next_stats:
                self.stats()
                next_stats = time.monotonic() + STATS_EVERY


def main(argv: list[str]) -> int:
    # Ctrl+C in a terminal and a service manager's SIGTERM reach the whole process group: the
    # relay outlives them until the gateway, which ends its calls first, closes the control
    # socket (or exits); then it closes the recordings and exits.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    control = socket.socket(fileno=int(argv[1]))
    control.settimeout(5.0)  # replies wait at most this long for a gateway that stopped reading
    Relay(control).run()
    return 0



# --- the gateway's side -------------------------------------------------------------------


class MediaRelay:
    """The gateway's handle on its relay process: started on the first bridge, started again
    at the next bridge after it died; `RtpLeg.partner` decides when a pair goes there."""

    def __init__(self, on_gaps: Callable[[list[float]], None] | None = None) -> None:
        self.on_gaps = on_gaps
        self.proc: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None
        self.pairs: dict[int, tuple[RtpLeg, RtpLeg]] = {}
        self.returning: set[int] = set()  # unbridged, the relay's answer not back yet
        self.counters: dict[str, int] = {}
        self.starts = 0
        self.deaths = 0
        self.bridged_total = 0
        self._next = 0
        self._outbox: deque[tuple[bytes, list[socket.socket], Future[None] | None]] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._settled = asyncio.Event()
        self._settled.set()
        self._closing = False

    # --- the process --------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self.sock is not None and self.proc is not None and self.proc.poll() is None

    def start(self) -> bool:
        """Start the relay now (the gateway does at its start: the child's imports take a
        second on a loaded machine, which the first bridge would otherwise wait for)."""
        return self.alive or self._start()

    def _start(self) -> bool:
        self._loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.proc = subprocess.Popen(  # noqa: S603 (our own module, this interpreter)
                [sys.executable, "-m", "dasan.voice.media.relay", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),), close_fds=True)
        except OSError:
            log.exception("the media relay could not start: bridging in the event loop")
            ours.close()
            return False
        finally:
            theirs.close()
        ours.setblocking(False)
        self.sock = ours
        self.starts += 1
        self._loop.add_reader(ours.fileno(), self._readable)
        return True

    def _died(self, expected: bool = False) -> None:
        """The relay is gone: every leg it held comes back to the gateway's loop (the calls
        go on, relayed in-process); the next bridge starts a new relay."""
        sock, self.sock = self.sock, None
        if sock is None:
            return
        if not (expected or self._closing):
            self.deaths += 1
            log.error("the media relay process ended: %d bridged pairs back in the event loop",
                      len(self.pairs))
        with contextlib.suppress(Exception):
            assert self._loop is not None
            self._loop.remove_reader(sock.fileno())
        sock.close()
        self._outbox.clear()
        for pid in list(self.pairs):
            self._returned(pid, None)
        self.returning.clear()
        self._settled.set()
        if self.proc is not None:
            with contextlib.suppress(Exception):
                self.proc.kill()
            self.proc.wait()

    async def close(self) -> None:
        """Stop the relay: it hands every leg back (recordings closed) and exits."""
        if self.sock is None:
            return
        for pid in list(self.pairs):
            self.unbridge(pid)
        await self.settled(5.0)
        self._closing = True  # its end of file now is no death
        self._send(("stop",))
        proc = self.proc
        if proc is not None:
            try:
                await asyncio.to_thread(proc.wait, 5.0)
            except subprocess.TimeoutExpired:
                proc.kill()
        self._died(expected=True)
        self._closing = False

    async def settled(self, timeout: float = 10.0) -> bool:
        """Every unbridged pair is back (its recordings closed by the relay)."""
        try:
            await asyncio.wait_for(self._settled.wait(), timeout)
        except TimeoutError:
            return False
        return True

    # --- control ------------------------------------------------------------------------

    def _send(self, msg: tuple[Any, ...], socks: list[socket.socket] | None = None,
              after: Future[None] | None = None) -> None:
        self._outbox.append((pickle.dumps(msg), socks or [], after))
        self._pump()

    def _pump(self) -> None:
        while self._outbox and self.sock is not None:
            data, socks, after = self._outbox[0]
            if after is not None and not after.done():
                loop = self._loop
                assert loop is not None
                after.add_done_callback(functools.partial(_wake, loop, self._pump))
                return
            try:
                if socks:
                    socket.send_fds(self.sock, [data], [s.fileno() for s in socks])
                else:
                    self.sock.send(data)
            except BlockingIOError:
                assert self._loop is not None
                self._loop.call_later(0.005, self._pump)  # the relay is behind: retry soon
                return
            except OSError:
                self._died()
                return
            self._outbox.popleft()

    def _readable(self) -> None:
        while self.sock is not None:
            try:
                data = self.sock.recv(MAX_MSG)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:
                self._died()
                return
            msg = pickle.loads(data)  # noqa: S301 (our own child, over a private socket pair)
            if msg[0] == "stats":
                for pid, (a_rx, b_rx, a_n, b_n) in msg[1].items():
                    pair = self.pairs.get(pid)
                    if pair is not None and pid not in self.returning:
                        for leg, last, n in ((pair[0], a_rx, a_n), (pair[1], b_rx, b_n)):
                            leg.last_rx = max(leg.last_rx, last)
                            leg.rx_packets = leg.relay_rx + n
                self.counters = msg[2]
            elif msg[0] == "unbridged":
                self._returned(msg[1], msg[2])

    # --- pairs --------------------------------------------------------------------------

    def bridge(self, a: RtpLeg, b: RtpLeg) -> bool:
        """Hand the pair to the relay; False (the loop relays it) when either leg has work
        the relay does not do (a live transcription tap, a conference mixer)."""
        if not (a.relayable() and b.relayable()):
            return False
        if not self.alive:
            if self.sock is not None:
                self._died()
            if not self._start():
                return False
        self._next += 1
        pid = self._next
        specs, socks, waits = [], [], []
        for i, leg in enumerate((a, b)):
            sock, spec, wait = leg.hand_over(self, pid, i)
            specs.append(spec)
            socks.append(sock)
            if wait is not None:
                waits.append(wait)
        after: Future[None] | None = None
        if waits:
            after = waits[0] if len(waits) == 1 else _all_done(waits)
        self.pairs[pid] = (a, b)
        self.bridged_total += 1
        self._send(("bridge", pid, specs), socks, after)
        return True

    def mute(self, pid: int, index: int, muted: bool) -> None:
        if pid in self.pairs and pid not in self.returning:
            self._send(("mute", pid, index, muted))

    def unbridge(self, pid: int) -> None:
        if pid not in self.pairs or pid in self.returning:
            return
        self.returning.add(pid)
        self._settled.clear()
        for leg in self.pairs[pid]:
            leg.relay_pair = None  # from now on the leg is the gateway's again (sending)
        self._send(("unbridge", pid))

    def _returned(self, pid: int, states: list[dict[str, Any]] | None) -> None:
        pair = self.pairs.pop(pid, None)
        self.returning.discard(pid)
        if not self.returning:
            self._settled.set()
        if pair is None:
            return
        for i, leg in enumerate(pair):
            state = states[i] if states else None
            if state is not None and self.on_gaps is not None:
                gaps = array.array("f")
                gaps.frombytes(state["gaps"])
                if len(gaps) > 2:
                    self.on_gaps(list(gaps))
            leg.take_back(state)


def _wake(loop: asyncio.AbstractEventLoop, pump: Callable[[], None], _f: object) -> None:
    loop.call_soon_threadsafe(pump)


def _all_done(futures: list[Future[None]]) -> Future[None]:
    done: Future[None] = Future()
    left = [len(futures)]

    def one(_f: Future[None]) -> None:
        left[0] -= 1
        if left[0] == 0 and not done.done():
            done.set_result(None)

    for f in futures:
        f.add_done_callback(one)
    return done


if __name__ == "__main__":
    sys.exit(main(sys.argv))
