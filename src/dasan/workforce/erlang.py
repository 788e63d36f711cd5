"""Erlang C (M/M/n) and Erlang A (M/M/n+M, Palm) queueing formulas and staffing search.

Everything is computed with recurrences or in log space so that hundreds (or thousands) of
agents stay numerically stable:

* Erlang B by the recurrence ``B(k) = a B(k-1) / (k + a B(k-1))``;
* Erlang C from Erlang B, ``C = n B / (n - a (1 - B))``;
* Erlang A from the birth-death stationary distribution of the M/M/n+M queue, summed in log
  space and truncated once the tail is negligible (Garnett, Mandelbaum and Reiman 2002). The
  service level (probability of being answered within ``t``) is computed exactly for FCFS:
  a caller who finds ``j`` people waiting moves forward at rate ``n mu + i theta`` with ``i``
  people ahead and abandons at rate ``theta``; the resulting small pure-death chain is solved by
  uniformisation.

Units: times in seconds, arrival rates per second unless a function says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from dasan.errors import BadRequest

Target = Literal["service_level", "response_rate", "asa"]


def _check_load(traffic: float) -> None:
    if not math.isfinite(traffic) or traffic < 0:
        raise BadRequest(f"offered traffic must be a finite number >= 0, got {traffic!r}")


def _check_agents(agents: int) -> None:
    if int(agents) != agents or agents < 0:
        raise BadRequest(f"number of agents must be a whole number >= 0, got {agents!r}")


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of M/M/n/n with offered traffic ``traffic`` Erlangs."""
    _check_agents(agents)
    _check_load(traffic)
    b = 1.0
    for k in range(1, int(agents) + 1):
        b = traffic * b / (k + traffic * b)
    return b


def erlang_b_series(max_agents: int, traffic: float) -> np.ndarray:
    """Erlang B for 0..max_agents agents in one pass (index = number of agents)."""
    _check_agents(max_agents)
    _check_load(traffic)
    out = np.empty(int(max_agents) + 1)
    b = 1.0
    out[0] = b
    for k in range(1, int(max_agents) + 1):
        b = traffic * b / (k + traffic * b)
        out[k] = b
    return out


def _c_from_b(agents: int, traffic: float, b: float) -> float:
    if agents <= traffic:
        return 1.0
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a caller waits (M/M/n). 1.0 when the queue is unstable (n <= a)."""
    if traffic == 0:
        _check_agents(agents)
        return 0.0
    return _c_from_b(int(agents), traffic, erlang_b(agents, traffic))


# More offered load than any contact centre carries (Seoul's 120 has a few hundred agents):
# a bigger figure is a typo, and the staffing search would need memory in proportion to it.
MAX_TRAFFIC_ERLANGS = 20_000.0


def _check_traffic(top: float) -> None:
    if top > MAX_TRAFFIC_ERLANGS:
        raise BadRequest(f"offered traffic {top:,.0f} Erlangs is beyond any contact centre "
                         f"(limit {MAX_TRAFFIC_ERLANGS:,.0f}); check calls and handling time")


def offered_traffic(calls: float, aht_seconds: float, interval_seconds: float) -> float:
    """Offered load in Erlangs: calls per interval times average handling time."""
    if calls < 0 or not math.isfinite(calls):
        raise BadRequest(f"calls must be >= 0, got {calls!r}")
    if aht_seconds <= 0:
        raise BadRequest(f"average handling time must be > 0 seconds, got {aht_seconds!r}")
    if interval_seconds <= 0:
        raise BadRequest(f"interval length must be > 0 seconds, got {interval_seconds!r}")
    traffic = calls * aht_seconds / interval_seconds
    _check_traffic(traffic)
    return traffic


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state performance of one interval with a given number of agents."""

    agents: int
    traffic: float
    p_wait: float  # probability that a caller has to wait at all
    service_level: float  # probability of being answered within the threshold
    asa: float  # mean wait of answered callers (s)
    mean_wait: float  # mean wait over all callers, incl. those who abandon (s)
    p_abandon: float  # probability of abandoning (0 for Erlang C)
    response_rate: float  # answered / offered
    occupancy: float  # busy fraction of the agents

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def erlang_c_metrics(
    agents: int, traffic: float, aht_seconds: float, answer_within: float
) -> QueueMetrics:
    """Erlang C measures. SL = 1 - C exp(-(n - a) t / aht); unstable systems give SL 0."""
    _check_agents(agents)
    _check_load(traffic)
    if aht_seconds <= 0:
        raise BadRequest("average handling time must be > 0 seconds")
    if answer_within < 0:
        raise BadRequest("answer-within threshold must be >= 0 seconds")
    n = int(agents)
    if traffic == 0:
        return QueueMetrics(n, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    if n <= traffic:
        return QueueMetrics(n, traffic, 1.0, 0.0, math.inf, math.inf, 0.0, 1.0, 1.0)
    c = erlang_c(n, traffic)
    sl = 1.0 - c * math.exp(-(n - traffic) * answer_within / aht_seconds)
    asa = c * aht_seconds / (n - traffic)
    return QueueMetrics(n, traffic, c, max(0.0, sl), asa, asa, 0.0, 1.0, traffic / n)


def _erlang_a_distribution(
    n: int, lam: float, mu: float, theta: float, tol: float = 1e-14
) -> tuple[np.ndarray, np.ndarray]:
    """log pi_k (unnormalised) for k = 0..n (servers) and the queue states k = n+1.. .

    Returns (log_p_servers[0..n], log_p_queue[j] for j = 1..J people waiting).
    """
    a = lam / mu
    ks = np.arange(n + 1)
    log_ps = ks * math.log(a) - np.array([math.lgamma(k + 1) for k in ks]) if a > 0 else None
    if log_ps is None:
        log_ps = np.full(n + 1, -np.inf)
        log_ps[0] = 0.0
    log_q: list[float] = []
    cur = float(log_ps[-1])
    peak = max(float(log_ps.max()), cur)
    j = 0
    limit = math.log(tol)
    # Queue states: pi_{n+j} = pi_{n+j-1} * lam / (n mu + j theta). Stop once the terms decrease
    # and sit far below the peak.
    while True:
        j += 1
        cur += math.log(lam) - math.log(n * mu + j * theta)
        log_q.append(cur)
        peak = max(peak, cur)
        ratio = lam / (n * mu + j * theta)
        if ratio < 1 and cur - peak < limit + math.log(max(1e-300, 1 - ratio)):
            break
        if j > 10_000_000:  # pragma: no cover - guarded by theta > 0
            raise ValueError("Erlang A queue distribution did not converge")
    return log_ps, np.asarray(log_q)


def _answered_within(n: int, mu: float, theta: float, weights: np.ndarray, t: float) -> float:
    """Sum_j weights[j] * P(served within t | j people waiting ahead on arrival, FCFS).

    A pure-death chain: with i ahead, the line moves at rate n mu + i theta; the tagged caller
    abandons at rate theta. Solved by uniformisation on the vector of starting positions.
    """
    if t <= 0 or weights.size == 0:
        return 0.0
    m = weights.size
    i = np.arange(m)
    move = n * mu + i * theta
    total = move + theta
    big = float(total.max())
    # Distribution over positions, plus the absorbed "served" mass.
    p = weights.astype(float).copy()
    served = 0.0
    lt = big * t
    # Poisson weights of uniformised jumps.
    k_max = int(lt + 10 * math.sqrt(lt + 1) + 20)
    from scipy import stats  # on the first call, not with the web app

    pois = stats.poisson.pmf(np.arange(k_max + 1), lt)
    cum_served = 0.0
    stay = 1.0 - total / big
    go = move / big
    for k in range(k_max + 1):
        cum_served += pois[k] * served
        if k == k_max:
            break
        moved = p * go
        served += float(moved[0])
        new = p * stay
        new[:-1] += moved[1:]
        p = new
        if p.sum() < 1e-16 and k > lt:
            cum_served += float(pois[k + 1 :].sum()) * served
            break
    return cum_served


def erlang_a_metrics(
    agents: int,
    traffic: float,
    aht_seconds: float,
    patience_seconds: float,
    answer_within: float,
    with_service_level: bool = True,
) -> QueueMetrics:
    """Erlang A (M/M/n+M): Poisson arrivals, exponential service and exponential patience.

    ``with_service_level=False`` skips the (costlier) answered-within-t computation and reports
    NaN for it, for searches that do not need it."""
    _check_agents(agents)
    _check_load(traffic)
    if aht_seconds <= 0:
        raise BadRequest("average handling time must be > 0 seconds")
    if not patience_seconds > 0:
        raise BadRequest("mean patience must be > 0 seconds")
    if answer_within < 0:
        raise BadRequest("answer-within threshold must be >= 0 seconds")
    n = int(agents)
    if traffic == 0:
        return QueueMetrics(n, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    if math.isinf(patience_seconds):
        return erlang_c_metrics(n, traffic, aht_seconds, answer_within)
    mu = 1.0 / aht_seconds
    lam = traffic * mu
    theta = 1.0 / patience_seconds
    if n == 0:
        # Everyone waits and abandons.
        return QueueMetrics(0, traffic, 1.0, 0.0, math.inf, patience_seconds, 1.0, 0.0, 0.0)
    log_ps, log_q = _erlang_a_distribution(n, lam, mu, theta)
    shift = max(float(log_ps.max()), float(log_q.max()) if log_q.size else -np.inf)
    ps = np.exp(log_ps - shift)
    pq = np.exp(log_q - shift)
    z = ps.sum() + pq.sum()
    ps /= z
    pq /= z
    # Arrivals see time averages (PASTA). An arrival waits if all n agents are busy.
    p_wait = float(ps[-1] + pq.sum())
    j = np.arange(1, pq.size + 1)
    mean_queue = float((j * pq).sum())
    mean_wait = mean_queue / lam  # Little's law, all callers
    # Position on arrival: j waiting ahead (state n+j), j = 0..J-1 (a caller arriving in the
    # last truncated state is negligible).
    ahead = np.concatenate(([ps[-1]], pq[:-1])) if pq.size else np.array([ps[-1]])
    if with_service_level:
        sl = float((1.0 - p_wait) + _answered_within(n, mu, theta, ahead, answer_within))
    else:
        sl = math.nan
    busy = float((np.arange(n + 1) * ps).sum() + n * pq.sum())
    # With i callers ahead the tagged caller leaves position i at rate r_i = n mu + i theta +
    # theta; sojourns are independent of how they end, so for a caller who finds j ahead,
    # P(served) = prod_{l<=j} q_l and E[W; served] = P(served) * sum_{i<=j} 1 / r_i, with
    # q_l = (n mu + l theta) / r_l.
    pos = np.arange(ahead.size)
    move = n * mu + pos * theta
    rate = move + theta
    log_s = np.cumsum(np.log(move / rate))
    s_j = np.exp(log_s)
    h_j = np.cumsum(1.0 / rate)
    p_served_wait = float((ahead * s_j).sum())
    p_served = (1.0 - p_wait) + p_served_wait
    wait_served = float((ahead * s_j * h_j).sum())
    asa = wait_served / p_served if p_served > 0 else math.inf
    p_abandon = max(0.0, 1.0 - p_served)
    return QueueMetrics(
        n,
        traffic,
        min(1.0, p_wait),
        max(0.0, min(1.0, sl)) if with_service_level else math.nan,
        asa,
        mean_wait,
        p_abandon,
        p_served,
        min(1.0, busy / n),
    )


@dataclass(frozen=True)
class StaffingTarget:
    """What an interval must achieve. Unset goals are ignored; at least one must be set.

    ``patience_seconds`` switches from Erlang C (None: callers never hang up) to Erlang A.
    """

    service_level: float | None = 0.8  # share answered within ``answer_within`` seconds
    answer_within: float = 20.0
    response_rate: float | None = None  # answered / offered (needs patience, Erlang A)
    max_asa: float | None = None  # seconds
    max_occupancy: float | None = None
    patience_seconds: float | None = None
    shrinkage: float = 0.0  # share of paid time not available for calls (breaks, training...)

    def __post_init__(self) -> None:
        if self.service_level is not None and not 0 < self.service_level < 1:
            raise BadRequest("target service level must be strictly between 0 and 1")
        if self.response_rate is not None and not 0 < self.response_rate < 1:
            raise BadRequest("target response rate must be strictly between 0 and 1")
        if self.answer_within < 0:
            raise BadRequest("answer-within threshold must be >= 0 seconds")
        if self.max_asa is not None and self.max_asa <= 0:
            raise BadRequest("maximum ASA must be > 0 seconds")
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise BadRequest("maximum occupancy must be in (0, 1]")
        if self.patience_seconds is not None and not self.patience_seconds > 0:
            raise BadRequest("mean patience must be > 0 seconds")
        if not 0 <= self.shrinkage < 1:
            raise BadRequest("shrinkage must be in [0, 1)")
        if self.service_level is None and self.response_rate is None and self.max_asa is None:
            raise BadRequest("set at least one goal: service level, response rate or max ASA")
        if self.response_rate is not None and self.patience_seconds is None:
            raise BadRequest(
                "a response-rate goal needs a mean patience (Erlang A); with Erlang C every "
                "caller waits forever and the response rate is always 100%"
            )

    @property
    def model(self) -> str:
        return "erlang_c" if self.patience_seconds is None else "erlang_a"


@dataclass(frozen=True)
class StaffingResult:
    calls: float
    traffic: float
    raw_agents: int  # agents on the phones
    scheduled_agents: int  # after shrinkage
    metrics: QueueMetrics

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["metrics"] = self.metrics.to_dict()
        return d


_IDLE = QueueMetrics(0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0)


def _meets(m: QueueMetrics, target: StaffingTarget) -> bool:
    if target.service_level is not None and m.service_level < target.service_level:
        return False
    if target.response_rate is not None and m.response_rate < target.response_rate:
        return False
    if target.max_asa is not None and not m.asa <= target.max_asa:
        return False
    return not (target.max_occupancy is not None and m.occupancy > target.max_occupancy)


def _required_erlang_c(traffic: float, aht: float, target: StaffingTarget) -> QueueMetrics:
    # Incremental Erlang B: one recurrence step per extra agent, O(n) in all; plain floats in
    # the loop, the metrics object only for the answer.
    n = int(math.floor(traffic)) + 1
    b = 1.0
    for k in range(1, n + 1):
        b = traffic * b / (k + traffic * b)
    sl_goal = target.service_level
    asa_goal = target.max_asa
    occ_goal = target.max_occupancy
    t_over_aht = target.answer_within / aht
    exp = math.exp
    while True:
        c = n * b / (n - traffic * (1.0 - b))
        sl_bad = sl_goal is not None and 1.0 - c * exp(-(n - traffic) * t_over_aht) < sl_goal
        asa_bad = asa_goal is not None and c * aht / (n - traffic) > asa_goal
        occ_bad = occ_goal is not None and traffic / n > occ_goal
        ok = not (sl_bad or asa_bad or occ_bad)
        if ok:
            sl = 1.0 - c * exp(-(n - traffic) * t_over_aht)
            asa = c * aht / (n - traffic)
            return QueueMetrics(n, traffic, c, max(0.0, sl), asa, asa, 0.0, 1.0, traffic / n)
        n += 1
        b = traffic * b / (n + traffic * b)


def _required_erlang_a(traffic: float, aht: float, target: StaffingTarget) -> QueueMetrics:
    assert target.patience_seconds is not None
    patience = target.patience_seconds

    need_sl = target.service_level is not None

    def metrics(n: int) -> QueueMetrics:
        return erlang_a_metrics(n, traffic, aht, patience, target.answer_within, need_sl)

    # Answered share <= n / a (agents cannot serve more than n mu), so any goal on the share of
    # answered calls bounds n from below.
    goal = max(target.service_level or 0.0, target.response_rate or 0.0)
    lo = max(1, int(math.floor(goal * traffic)))
    m_lo = metrics(lo)
    if _meets(m_lo, target):
        return erlang_a_metrics(lo, traffic, aht, patience, target.answer_within)
    step = 1
    hi = lo + step
    m_hi = metrics(hi)
    while not _meets(m_hi, target):
        lo = hi
        step *= 2
        hi = lo + step
        m_hi = metrics(hi)
    while hi - lo > 1:  # invariant: lo fails, hi meets
        mid = (lo + hi) // 2
        m_mid = metrics(mid)
        if _meets(m_mid, target):
            hi, m_hi = mid, m_mid
        else:
            lo = mid
    if not need_sl:
        m_hi = erlang_a_metrics(hi, traffic, aht, patience, target.answer_within)
    return m_hi


def required_agents(
    calls: float,
    aht_seconds: float,
    target: StaffingTarget,
    interval_seconds: float = 1800.0,
) -> StaffingResult:
    """Fewest agents that meet ``target`` for ``calls`` arrivals in one interval."""
    traffic = offered_traffic(calls, aht_seconds, interval_seconds)
    if traffic == 0:
        return StaffingResult(calls, 0.0, 0, 0, _IDLE)
    if target.patience_seconds is None:
        m = _required_erlang_c(traffic, aht_seconds, target)
    else:
        m = _required_erlang_a(traffic, aht_seconds, target)
    scheduled = math.ceil(m.agents / (1.0 - target.shrinkage) - 1e-9)
    return StaffingResult(calls, traffic, m.agents, scheduled, m)


def _staffing_erlang_c_vec(
    traffic: np.ndarray, aht: np.ndarray, target: StaffingTarget
) -> list[QueueMetrics]:
    """Erlang C search for all intervals at once: the Erlang B recurrence runs in lockstep over
    the intervals (a numpy vector per agent count) and the first agent count meeting the goals
    is picked per interval."""
    a = traffic
    top = float(a.max()) if a.size else 0.0
    n_max = int(math.ceil(top + 6.0 * math.sqrt(top) + 20))
    while True:
        n_grid = np.arange(n_max + 1, dtype=float)
        b = np.empty((a.size, n_max + 1))
        cur = np.ones(a.size)
        b[:, 0] = cur
        for k in range(1, n_max + 1):
            cur = a * cur / (k + a * cur)
            b[:, k] = cur
        stable = n_grid[None, :] > a[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            denom = n_grid[None, :] - a[:, None] * (1.0 - b)
            c = np.where(stable, n_grid[None, :] * b / denom, 1.0)
            gap = n_grid[None, :] - a[:, None]
            sl = np.where(stable, 1.0 - c * np.exp(-gap * target.answer_within / aht[:, None]), 0.0)
            asa = np.where(stable, c * aht[:, None] / gap, np.inf)
            occ = np.where(n_grid[None, :] > 0, a[:, None] / n_grid[None, :], np.inf)
        ok = stable.copy()
        if target.service_level is not None:
            ok &= sl >= target.service_level
        if target.max_asa is not None:
            ok &= asa <= target.max_asa
        if target.max_occupancy is not None:
            ok &= occ <= target.max_occupancy
        if ok.any(axis=1).all():
            break
        n_max *= 2
    first = ok.argmax(axis=1)
    rows = np.arange(a.size)
    out = []
    for r, n in zip(rows.tolist(), first.tolist(), strict=True):
        out.append(
            QueueMetrics(
                int(n),
                float(a[r]),
                float(c[r, n]),
                max(0.0, float(sl[r, n])),
                float(asa[r, n]),
                float(asa[r, n]),
                0.0,
                1.0,
                float(occ[r, n]),
            )
        )
    return out


def staffing_plan(
    calls: np.ndarray | list[float],
    aht_seconds: float | np.ndarray | list[float],
    target: StaffingTarget,
    interval_seconds: float = 1800.0,
) -> list[StaffingResult]:
    """``required_agents`` for every interval; ``aht_seconds`` may vary per interval."""
    arr = np.asarray(calls, dtype=float)
    if arr.ndim != 1:
        raise BadRequest("calls must be a 1-D sequence of counts per interval")
    if np.any(~np.isfinite(arr)) or np.any(arr < 0):
        raise BadRequest("calls per interval must be finite and >= 0")
    ahts = np.broadcast_to(np.asarray(aht_seconds, dtype=float), arr.shape)
    if np.any(~(ahts > 0)) or np.any(~np.isfinite(ahts)):
        raise BadRequest("average handling time must be > 0 seconds in every interval")
    if interval_seconds <= 0:
        raise BadRequest(f"interval length must be > 0 seconds, got {interval_seconds!r}")
    if target.patience_seconds is None and arr.size:
        traffic = arr * ahts / interval_seconds
        _check_traffic(float(traffic.max()))
        busy = traffic > 0
        results = [StaffingResult(float(c), 0.0, 0, 0, _IDLE) for c in arr.tolist()]
        if busy.any():
            metrics = _staffing_erlang_c_vec(traffic[busy], np.asarray(ahts[busy]), target)
            for idx, m in zip(np.nonzero(busy)[0].tolist(), metrics, strict=True):
                scheduled = math.ceil(m.agents / (1.0 - target.shrinkage) - 1e-9)
                results[idx] = StaffingResult(float(arr[idx]), m.traffic, m.agents, scheduled, m)
        return results
    return [
        required_agents(float(c), float(h), target, interval_seconds)
        for c, h in zip(arr, ahts, strict=True)
    ]
