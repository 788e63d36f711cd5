"""A fast discrete-event simulator of the contact center.

Contacts flow: arrival (non-homogeneous Poisson, piecewise constant per interval) -> ARS
(a share is resolved by self-service; the rest spend the ARS time before queueing) -> queue
(FCFS) -> agent, or abandonment when the caller's patience runs out. Abandoned callers may be
called back later (an outbound call served by the same agents). Chat is a separate pool where an
agent holds up to ``chat_concurrency`` sessions at once.

Routing:
* ``skills`` - each call type has its own queue and dedicated agents (staff split by offered
  load), as the center worked until Sept 2024;
* ``omni`` ("전방위") - one queue, every agent takes every type, optionally with a handling-time
  penalty (``omni_aht_factor``) for agents handling unfamiliar topics.

The engine exploits FCFS: with identical agents, the caller who reaches the head of the queue
takes the agent who becomes free first, so one pass over the callers in queue-entry order with a
heap of agent free-times (the Kiefer-Wolfowitz workload vector) reproduces the event-by-event
dynamics exactly; a caller whose wait would exceed their patience leaves without consuming an
agent. Staffing changes at interval boundaries: extra agents are added from the boundary on
(one interval ahead, so callers already waiting can take them), and when staff is cut the agents
who become free first leave. That is one heap operation per contact, so a Seoul year (3.7 M
calls) runs in seconds.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from dasan.errors import BadRequest

Routing = Literal["skills", "omni"]
INF = math.inf


@dataclass(frozen=True)
class Dist:
    """A non-negative duration distribution (seconds).

    kind: ``exponential`` (mean), ``lognormal`` (mean, cv), ``gamma`` (mean, cv),
    ``deterministic`` (mean), ``empirical`` (values: resampled), ``none`` (infinite: never
    abandons).
    """

    kind: str = "exponential"
    mean: float = 180.0
    cv: float = 1.0
    values: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        kinds = ("exponential", "lognormal", "gamma", "deterministic", "empirical", "none")
        if self.kind not in kinds:
            raise BadRequest(f"unknown distribution {self.kind!r}; use one of {kinds}")
        if self.kind == "empirical":
            if not self.values:
                raise BadRequest("an empirical distribution needs values")
            if min(self.values) < 0:
                raise BadRequest("empirical durations must be >= 0")
        elif self.kind != "none":
            if not (self.mean > 0 and math.isfinite(self.mean)):
                raise BadRequest(f"mean duration must be > 0 seconds, got {self.mean!r}")
            if self.kind in ("lognormal", "gamma") and not self.cv > 0:
                raise BadRequest("coefficient of variation must be > 0")

    @property
    def expected(self) -> float:
        if self.kind == "none":
            return INF
        if self.kind == "empirical":
            return float(np.mean(self.values))
        return self.mean

    def sample(self, rng: np.random.Generator, n: int, scale: float = 1.0) -> np.ndarray:
        if self.kind == "none":
            return np.full(n, INF)
        if self.kind == "exponential":
            return rng.exponential(self.mean * scale, n)
        if self.kind == "deterministic":
            return np.full(n, self.mean * scale)
        if self.kind == "lognormal":
            s2 = math.log(1 + self.cv**2)
            mu = math.log(self.mean * scale) - s2 / 2
            return rng.lognormal(mu, math.sqrt(s2), n)
        if self.kind == "gamma":
            k = 1 / self.cv**2
            return rng.gamma(k, self.mean * scale / k, n)
        vals = np.asarray(self.values, dtype=float)
        return vals[rng.integers(0, vals.size, n)] * scale

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "mean": self.expected}
        if self.kind in ("lognormal", "gamma"):
            d["cv"] = self.cv
        if self.kind == "empirical":
            d["n_values"] = len(self.values)
        return d


@dataclass(frozen=True)
class CallType:
    """A skill / topic: its share of phone arrivals and its own handling-time distribution."""

    name: str
    share: float
    service: Dist


@dataclass
class CenterConfig:
    """One simulated run. ``arrivals`` and ``agents`` are per interval (same length)."""

    arrivals: np.ndarray  # expected phone calls per interval (reaching the ARS)
    agents: np.ndarray  # phone agents on the phones per interval
    interval_seconds: float = 1800.0
    call_types: list[CallType] = field(
        default_factory=lambda: [CallType("일반", 1.0, Dist("lognormal", 180.0, 1.0))]
    )
    routing: Routing = "omni"
    omni_aht_factor: float = 1.0
    patience: Dist = field(default_factory=lambda: Dist("exponential", 120.0))
    answer_within: float = 20.0
    ars_self_service: float = 0.0  # share resolved in the ARS without an agent
    ars_seconds: Dist = field(default_factory=lambda: Dist("deterministic", 1e-9))
    callback_share: float = 0.0  # share of abandoned callers who get a callback
    callback_delay: float = 900.0
    callback_reach: float = 0.8
    callback_attempt_seconds: float = 30.0
    chat_arrivals: np.ndarray | None = None
    chat_agents: np.ndarray | None = None
    chat_concurrency: int = 3
    chat_service: Dist = field(default_factory=lambda: Dist("lognormal", 600.0, 0.8))
    chat_patience: Dist = field(default_factory=lambda: Dist("exponential", 300.0))
    seed: int = 0

    def __post_init__(self) -> None:
        self.arrivals = np.asarray(self.arrivals, dtype=float)
        self.agents = np.asarray(self.agents)
        if self.arrivals.ndim != 1 or self.arrivals.size == 0:
            raise BadRequest("arrivals must be a non-empty 1-D sequence (calls per interval)")
        if self.agents.shape != self.arrivals.shape:
            raise BadRequest(
                f"agents ({self.agents.size}) and arrivals ({self.arrivals.size}) must have one "
                "value per interval each"
            )
        if np.any(~np.isfinite(self.arrivals)) or np.any(self.arrivals < 0):
            raise BadRequest("arrivals must be finite and >= 0")
        if np.any(self.agents < 0) or np.any(self.agents != np.round(self.agents)):
            raise BadRequest("agents must be whole numbers >= 0")
        self.agents = self.agents.astype(int)
        if self.interval_seconds <= 0:
            raise BadRequest("interval length must be > 0 seconds")
        if not self.call_types:
            raise BadRequest("at least one call type is needed")
        if any(c.share < 0 for c in self.call_types) or sum(c.share for c in self.call_types) <= 0:
            raise BadRequest("call-type shares must be >= 0 and not all zero")
        if self.routing not in ("skills", "omni"):
            raise BadRequest('routing must be "skills" or "omni"')
        if self.omni_aht_factor <= 0:
            raise BadRequest("omni AHT factor must be > 0")
        for name in ("ars_self_service", "callback_share", "callback_reach"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise BadRequest(f"{name} must be in [0, 1], got {v!r}")
        if self.answer_within < 0 or self.callback_delay < 0:
            raise BadRequest("times must be >= 0")
        if self.chat_concurrency < 1:
            raise BadRequest("chat concurrency must be >= 1")
        if (self.chat_arrivals is None) != (self.chat_agents is None):
            raise BadRequest("give both chat arrivals and chat agents, or neither")
        if self.chat_arrivals is not None and self.chat_agents is not None:
            self.chat_arrivals = np.asarray(self.chat_arrivals, dtype=float)
            self.chat_agents = np.asarray(self.chat_agents).astype(int)
            if self.chat_arrivals.shape != self.arrivals.shape:
                raise BadRequest("chat arrivals need one value per interval")
            if self.chat_agents.shape != self.arrivals.shape:
                raise BadRequest("chat agents need one value per interval")
            if np.any(self.chat_arrivals < 0) or np.any(self.chat_agents < 0):
                raise BadRequest("chat arrivals and agents must be >= 0")

    @property
    def intervals(self) -> int:
        return int(self.arrivals.size)


# --- the engine ---------------------------------------------------------------------------


@dataclass
class PoolOutcome:
    """Per contact of one pool: queue entry, start of service (nan: abandoned), service time."""

    entry: np.ndarray
    start: np.ndarray
    service: np.ndarray
    patience: np.ndarray
    # callbacks: time queued, start (nan: not served within the horizon), service time
    cb_entry: np.ndarray
    cb_start: np.ndarray
    cb_service: np.ndarray
    cb_reached: np.ndarray


def _effective_staff(agents: np.ndarray) -> tuple[list[int], list[int]]:
    """Per interval: agents to hold, and the interval from which they are really available
    (an interval without staff holds the next staffed interval's agents, available later)."""
    k = agents.size
    eff = [0] * k
    avail_from = [0] * k
    nxt = -1
    for i in range(k - 1, -1, -1):
        if agents[i] > 0:
            nxt = i
        if nxt >= 0:
            eff[i] = int(agents[nxt])
            avail_from[i] = nxt
        else:
            eff[i] = 0
            avail_from[i] = i
    return eff, avail_from


def run_pool(
    entry: np.ndarray,
    service: np.ndarray,
    patience: np.ndarray,
    agents: np.ndarray,
    interval_seconds: float,
    callback: tuple[float, float, float, float] | None = None,
    rng: np.random.Generator | None = None,
    cb_service: Dist | None = None,
) -> PoolOutcome:
    """FCFS multi-server queue with abandonment and time-varying staff.

    ``entry`` must be sorted. ``callback`` = (share, delay, reach, attempt_seconds) turns on
    callbacks for abandoned callers.
    """
    n = entry.size
    k_count = agents.size
    eff, avail_from = _effective_staff(agents)
    bounds = np.searchsorted(entry, np.arange(k_count + 1) * interval_seconds, side="left")
    bounds[-1] = n
    arr = entry.tolist()
    svc = service.tolist()
    pat = patience.tolist()
    start = [math.nan] * n
    heap: list[float] = []
    cur = 0
    L = interval_seconds
    hreplace = heapq.heapreplace
    hpush = heapq.heappush
    hpop = heapq.heappop
    cb_on = callback is not None and callback[0] > 0
    cbq: list[tuple[float, int]] = []
    cb_entry: list[float] = []
    cb_start: list[float] = []
    cb_svc: list[float] = []
    cb_hit: list[bool] = []
    if cb_on:
        assert callback is not None and rng is not None and cb_service is not None
        share, delay, reach, attempt = callback
        draws = rng.random(n).tolist()
        reached = rng.random(n).tolist()
        cb_times = cb_service.sample(rng, n).tolist()

    def serve_callback() -> None:
        """Dial the earliest due callback: the next free agent takes it (or nobody can)."""
        t_cb, j = hpop(cbq)
        hit = reached[j] < reach
        s_cb = cb_times[j] if hit else attempt
        cb_hit.append(hit)
        cb_entry.append(t_cb)
        cb_svc.append(s_cb)
        if heap:
            f = heap[0]
            st = f if f > t_cb else t_cb
            cb_start.append(st)
            hreplace(heap, st + s_cb)
        else:
            cb_start.append(math.nan)
    for k in range(k_count):
        target = eff[k]
        if cur > target:
            for _ in range(cur - target):
                hpop(heap)
            cur = target
        elif cur < target:
            t0 = avail_from[k] * L
            for _ in range(target - cur):
                hpush(heap, t0)
            cur = target
        # Look one interval ahead: agents joining at the next boundary can take callers who are
        # still waiting then.
        if k + 1 < k_count and eff[k + 1] > cur:
            t1 = avail_from[k + 1] * L
            for _ in range(eff[k + 1] - cur):
                hpush(heap, t1)
            cur = eff[k + 1]
        lo, hi = int(bounds[k]), int(bounds[k + 1])
        if not cb_on:
            if not heap:
                continue  # nobody to answer: everyone abandons (start stays nan)
            for i in range(lo, hi):
                a = arr[i]
                f = heap[0]
                if f <= a:
                    start[i] = a
                    hreplace(heap, a + svc[i])
                elif f - a <= pat[i]:
                    start[i] = f
                    hreplace(heap, f + svc[i])
            continue
        for i in range(lo, hi):
            a = arr[i]
            while cbq and cbq[0][0] <= a:
                serve_callback()
            if not heap:
                if draws[i] < share:
                    hpush(cbq, (a + pat[i] + delay, i))
                continue
            f = heap[0]
            if f <= a:
                start[i] = a
                hreplace(heap, a + svc[i])
            elif f - a <= pat[i]:
                start[i] = f
                hreplace(heap, f + svc[i])
            elif draws[i] < share:
                hpush(cbq, (a + pat[i] + delay, i))
    horizon = k_count * L
    if cb_on:
        while cbq and cbq[0][0] < horizon:
            serve_callback()
    return PoolOutcome(
        entry,
        np.asarray(start, dtype=float),
        service,
        patience,
        np.asarray(cb_entry, dtype=float),
        np.asarray(cb_start, dtype=float),
        np.asarray(cb_svc, dtype=float),
        np.asarray(cb_hit, dtype=bool),
    )


def _arrivals(rng: np.random.Generator, rates: np.ndarray, interval_seconds: float) -> np.ndarray:
    counts = rng.poisson(rates)
    base = np.repeat(np.arange(rates.size) * interval_seconds, counts)
    times = base + rng.random(base.size) * interval_seconds
    times.sort()
    return times


def _busy_per_interval(
    start: np.ndarray, service: np.ndarray, k_count: int, interval_seconds: float
) -> np.ndarray:
    """Agent-seconds busy in each interval from [start, start + service) spans."""
    busy = np.zeros(k_count + 1)
    ok = ~np.isnan(start)
    s = start[ok]
    e = s + service[ok]
    horizon = k_count * interval_seconds
    s = np.minimum(s, horizon)
    e = np.minimum(e, horizon)
    k = np.minimum((s // interval_seconds).astype(int), k_count)
    while s.size:
        boundary = (k + 1) * interval_seconds
        seg_end = np.minimum(e, boundary)
        np.add.at(busy, k, seg_end - s)
        more = e > boundary
        s, e, k = boundary[more], e[more], k[more] + 1
    return busy[:k_count]


def _split_agents(total: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split agents per interval over skills in proportion to weights (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    out = np.zeros((total.size, w.size), dtype=int)
    for i, n in enumerate(total.tolist()):
        raw = n * w
        base = np.floor(raw).astype(int)
        rest = int(n - base.sum())
        if rest:
            order = np.argsort(-(raw - base), kind="stable")
            base[order[:rest]] += 1
        out[i] = base
    return out


# --- results ---------------------------------------------------------------------------------


@dataclass
class IntervalStats:
    offered: np.ndarray  # reaching the agents' queue, by arrival interval
    answered: np.ndarray
    abandoned: np.ndarray
    answered_within: np.ndarray
    wait_answered: np.ndarray  # sum of waits of answered calls
    wait_abandoned: np.ndarray  # sum of time abandoned callers waited before hanging up
    busy_seconds: np.ndarray
    agent_seconds: np.ndarray

    @staticmethod
    def empty(k: int) -> IntervalStats:
        return IntervalStats(*(np.zeros(k) for _ in range(8)))

    def add(self, other: IntervalStats) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name)[:] += getattr(other, name)


@dataclass
class SimResult:
    config: CenterConfig
    phone: IntervalStats
    inflow: int  # all calls reaching the ARS
    ars_resolved: int
    callbacks_requested: int
    callbacks_answered: int  # reached and served within the horizon
    chat: IntervalStats | None = None
    waits: np.ndarray | None = None  # waits of answered phone calls (s), for distributions
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def simulated_contacts(self) -> int:
        n = self.inflow + self.callbacks_requested
        if self.chat is not None:
            n += int(self.chat.offered.sum())
        return n

    def summary(self) -> dict[str, Any]:
        p = self.phone
        offered = float(p.offered.sum())
        answered = float(p.answered.sum())
        out: dict[str, Any] = {
            "routing": self.config.routing,
            "inflow": self.inflow,
            "ars_resolved": self.ars_resolved,
            "offered": int(offered),
            "answered": int(answered),
            "abandoned": int(p.abandoned.sum()),
            # The audit's two ways: answered / inflow to agents, answered / total inflow.
            "response_rate": answered / offered if offered else 1.0,
            "response_rate_total": answered / self.inflow if self.inflow else 1.0,
            "response_rate_with_callbacks": (
                (answered + self.callbacks_answered) / offered if offered else 1.0
            ),
            "service_level": float(p.answered_within.sum()) / offered if offered else 1.0,
            "answer_within": self.config.answer_within,
            "asa": float(p.wait_answered.sum()) / answered if answered else 0.0,
            "occupancy": (
                float(p.busy_seconds.sum()) / float(p.agent_seconds.sum())
                if p.agent_seconds.sum()
                else 0.0
            ),
            "callbacks_requested": self.callbacks_requested,
            "callbacks_answered": self.callbacks_answered,
            "agent_hours": float(p.agent_seconds.sum()) / 3600.0,
        }
        if self.chat is not None:
            c = self.chat
            co = float(c.offered.sum())
            ca = float(c.answered.sum())
            out["chat"] = {
                "offered": int(co),
                "answered": int(ca),
                "response_rate": ca / co if co else 1.0,
                "service_level": float(c.answered_within.sum()) / co if co else 1.0,
                "asa": float(c.wait_answered.sum()) / ca if ca else 0.0,
                "occupancy": (
                    float(c.busy_seconds.sum()) / float(c.agent_seconds.sum())
                    if c.agent_seconds.sum()
                    else 0.0
                ),
            }
        if self.by_type:
            out["by_type"] = self.by_type
        return out

    def per_interval(self) -> list[dict[str, float]]:
        p = self.phone
        rows = []
        for k in range(p.offered.size):
            off = float(p.offered[k])
            ans = float(p.answered[k])
            rows.append(
                {
                    "interval": k,
                    "offered": off,
                    "answered": ans,
                    "abandoned": float(p.abandoned[k]),
                    "response_rate": ans / off if off else 1.0,
                    "service_level": float(p.answered_within[k]) / off if off else 1.0,
                    "asa": float(p.wait_answered[k]) / ans if ans else 0.0,
                    "occupancy": (
                        float(p.busy_seconds[k]) / float(p.agent_seconds[k])
                        if p.agent_seconds[k]
                        else 0.0
                    ),
                    "agents": float(p.agent_seconds[k]) / self.config.interval_seconds,
                }
            )
        return rows


def _stats(
    out: PoolOutcome,
    k_count: int,
    interval_seconds: float,
    answer_within: float,
    agents: np.ndarray,
    slots_per_agent: int = 1,
) -> IntervalStats:
    k = np.minimum((out.entry // interval_seconds).astype(int), k_count - 1)
    served = ~np.isnan(out.start)
    wait = np.where(served, out.start - out.entry, 0.0)
    st = IntervalStats.empty(k_count)
    st.offered = np.bincount(k, minlength=k_count).astype(float)
    st.answered = np.bincount(k, weights=served.astype(float), minlength=k_count)
    st.abandoned = st.offered - st.answered
    within = served & (wait <= answer_within + 1e-9)
    st.answered_within = np.bincount(k, weights=within.astype(float), minlength=k_count)
    st.wait_answered = np.bincount(k, weights=wait, minlength=k_count)
    horizon = k_count * interval_seconds
    gave_up = np.where(served, 0.0, np.minimum(out.patience, horizon - out.entry))
    st.wait_abandoned = np.bincount(k, weights=np.maximum(gave_up, 0.0), minlength=k_count)
    busy = _busy_per_interval(out.start, out.service, k_count, interval_seconds)
    if out.cb_start.size:
        busy += _busy_per_interval(out.cb_start, out.cb_service, k_count, interval_seconds)
    st.busy_seconds = busy / slots_per_agent
    st.agent_seconds = agents.astype(float) * interval_seconds
    return st


def simulate(cfg: CenterConfig) -> SimResult:
    """Run one replication of the center described by ``cfg``."""
    rng = np.random.default_rng(cfg.seed)
    k_count = cfg.intervals
    L = cfg.interval_seconds
    inflow_times = _arrivals(rng, cfg.arrivals, L)
    inflow = int(inflow_times.size)
    # ARS: self-service share leaves; the rest reach the queue after the ARS time.
    to_agent = rng.random(inflow) >= cfg.ars_self_service
    ars_resolved = int(inflow - to_agent.sum())
    entry = inflow_times[to_agent] + cfg.ars_seconds.sample(rng, int(to_agent.sum()))
    entry.sort()
    n = entry.size
    shares = np.array([c.share for c in cfg.call_types], dtype=float)
    shares /= shares.sum()
    types = rng.choice(len(shares), size=n, p=shares) if len(shares) > 1 else np.zeros(n, dtype=int)
    factor = cfg.omni_aht_factor if cfg.routing == "omni" else 1.0
    service = np.empty(n)
    for j, ct in enumerate(cfg.call_types):
        sel = types == j
        service[sel] = ct.service.sample(rng, int(sel.sum()), factor)
    patience = cfg.patience.sample(rng, n)
    cb = (
        (cfg.callback_share, cfg.callback_delay, cfg.callback_reach, cfg.callback_attempt_seconds)
        if cfg.callback_share > 0
        else None
    )
    phone = IntervalStats.empty(k_count)
    cb_req = 0
    cb_ans = 0
    waits: list[np.ndarray] = []
    by_type: dict[str, dict[str, float]] = {}
    pools: list[tuple[np.ndarray, np.ndarray]]  # (mask of calls, agents per interval)
    if cfg.routing == "omni" or len(cfg.call_types) == 1:
        pools = [(np.ones(n, dtype=bool), cfg.agents)]
    else:
        load = np.array(
            [s * c.service.expected for s, c in zip(shares, cfg.call_types, strict=True)]
        )
        split = _split_agents(cfg.agents, load)
        pools = [(types == j, split[:, j]) for j in range(len(cfg.call_types))]
    outcomes: list[PoolOutcome] = []
    for mask, agents in pools:
        cb_dist = (
            Dist("empirical", values=tuple(service[mask][:10000].tolist()))
            if (cb is not None and mask.any())
            else None
        )
        # A pool without calls has no callbacks to place (and no service sample to draw from).
        out = run_pool(entry[mask], service[mask], patience[mask], agents, L,
                       cb if cb_dist is not None else None, rng, cb_dist)
        outcomes.append(out)
        phone.add(_stats(out, k_count, L, cfg.answer_within, agents))
        cb_req += int(out.cb_entry.size)
        cb_ans += int(np.sum(~np.isnan(out.cb_start) & out.cb_reached))
        served = ~np.isnan(out.start)
        waits.append(out.start[served] - out.entry[served])
    for j, ct in enumerate(cfg.call_types):
        sel = types == j
        if not sel.any():
            continue
        started = np.full(n, np.nan)
        for (mask, _), out in zip(pools, outcomes, strict=True):
            started[mask] = out.start
        s = started[sel]
        ok = ~np.isnan(s)
        w = s[ok] - entry[sel][ok]
        by_type[ct.name] = {
            "offered": float(sel.sum()),
            "response_rate": float(ok.mean()),
            "service_level": float((w <= cfg.answer_within + 1e-9).sum() / sel.sum()),
            "asa": float(w.mean()) if w.size else 0.0,
        }
    chat_stats = None
    if cfg.chat_arrivals is not None and cfg.chat_agents is not None:
        c_entry = _arrivals(rng, cfg.chat_arrivals, L)
        c_svc = cfg.chat_service.sample(rng, c_entry.size)
        c_pat = cfg.chat_patience.sample(rng, c_entry.size)
        slots = cfg.chat_agents * cfg.chat_concurrency
        c_out = run_pool(c_entry, c_svc, c_pat, slots, L)
        chat_stats = _stats(
            c_out, k_count, L, cfg.answer_within, cfg.chat_agents, cfg.chat_concurrency
        )
    return SimResult(
        cfg,
        phone,
        inflow,
        ars_resolved,
        cb_req,
        cb_ans,
        chat_stats,
        np.concatenate(waits) if waits else np.zeros(0),
        by_type,
    )


# --- scenarios and what-ifs --------------------------------------------------------------------


def with_extra_agents(cfg: CenterConfig, extra: int, start: str, end: str) -> CenterConfig:
    """A copy with ``extra`` more phone agents every day between ``start`` and ``end`` (HH:MM)."""
    from dasan.workforce.shifts import _slot

    s, e = _slot(start), _slot(end)
    if e <= s:
        raise BadRequest("the end of the window must be after its start")
    per_day = round(86400 / cfg.interval_seconds)
    slot = np.arange(cfg.intervals) % per_day
    slot_len_min = cfg.interval_seconds / 60
    slot_30 = (slot * slot_len_min // 30).astype(int)
    mask = (slot_30 >= s) & (slot_30 < e)
    agents = cfg.agents.copy()
    agents[mask] = np.maximum(0, agents[mask] + int(extra))
    return replace(cfg, agents=agents)


def compare(scenarios: dict[str, CenterConfig], replications: int = 1) -> dict[str, dict[str, Any]]:
    """Summaries of several scenarios with common random numbers (same seeds)."""
    if not scenarios:
        raise BadRequest("no scenarios to compare")
    if replications < 1:
        raise BadRequest("replications must be >= 1")
    out: dict[str, dict[str, Any]] = {}
    keys = ("response_rate", "service_level", "asa", "occupancy", "response_rate_total")
    for name, cfg in scenarios.items():
        runs = [simulate(replace(cfg, seed=cfg.seed + r)).summary() for r in range(replications)]
        summary = dict(runs[0])
        for key in keys:
            summary[key] = float(np.mean([r[key] for r in runs]))
        summary["replications"] = replications
        out[name] = summary
    return out


SEOUL_CALL_TYPES: tuple[CallType, ...] = (
    CallType("교통", 0.30, Dist("lognormal", 150.0, 0.9)),
    CallType("행정·민원", 0.35, Dist("lognormal", 200.0, 0.9)),
    CallType("복지·생활", 0.20, Dist("lognormal", 240.0, 0.9)),
    CallType("외국어", 0.05, Dist("lognormal", 300.0, 0.9)),
    CallType("기타", 0.10, Dist("lognormal", 170.0, 0.9)),
)


def seoul_center(
    days: int = 7,
    calls_per_year: float = 3.7e6,
    staffing_sl: float = 0.8,
    agents_scale: float = 1.0,
    routing: Routing = "omni",
    seed: int = 0,
    start: Any = None,
) -> CenterConfig:
    """A Seoul-120-like center: the yearly phone volume spread over Korean weekday/holiday and
    half-hour patterns, staffed by Erlang A for ``staffing_sl`` (scaled by ``agents_scale``)."""
    from datetime import date

    from dasan.workforce.erlang import StaffingTarget, staffing_plan
    from dasan.workforce.forecast import synthetic_rates

    if days <= 0:
        raise BadRequest("days must be > 0")
    first = start or date(2024, 1, 1)
    rates = synthetic_rates(first, days, daily_mean=calls_per_year / 365.0)
    types = list(SEOUL_CALL_TYPES)
    aht = float(sum(c.share * c.service.expected for c in types) / sum(c.share for c in types))
    patience = Dist("exponential", 90.0)
    target = StaffingTarget(service_level=staffing_sl, answer_within=20.0, patience_seconds=90.0)
    # Staff from the hourly load pattern, computed once per distinct (rounded) rate.
    cache: dict[int, int] = {}
    agents = np.zeros(rates.size, dtype=int)
    for i, r in enumerate(np.round(rates).astype(int).tolist()):
        if r not in cache:
            cache[r] = staffing_plan([float(r)], aht, target)[0].raw_agents
        agents[i] = max(1, round(cache[r] * agents_scale))
    return CenterConfig(
        arrivals=rates,
        agents=agents,
        call_types=types,
        routing=routing,
        omni_aht_factor=1.05 if routing == "omni" else 1.0,
        patience=patience,
        ars_self_service=0.1,
        ars_seconds=Dist("deterministic", 25.0),
        seed=seed,
    )


def sequence_or_scalar(value: float | Sequence[float], k: int, name: str) -> np.ndarray:
    """Broadcast a scalar or a per-interval list to k values (for CLI/API inputs)."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return np.full(k, float(arr))
    if arr.shape != (k,):
        raise BadRequest(f"{name} needs one value or {k} values, got {arr.size}")
    return arr
