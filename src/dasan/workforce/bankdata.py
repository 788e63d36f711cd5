"""The Anonymous Bank call records (Technion SEE-Lab, Feb 1999): parse, fit, validate.

The file is a TSV with CRLF line endings; one row per call (see PROVENANCE.md). A call reaches
the agents' queue when it leaves the VRU: it is either answered at once (``q_start`` is
``0:00:00``, outcome AGENT), waits and is answered (AGENT), or waits and hangs up (HANG with a
queue start). HANG without a queue start left in the VRU; PHANTOM rows are dropped.

Fitting:
* arrivals: mean calls offered to the queue per half-hour on working days (Sunday-Thursday in
  Israel), per half-hour of the day;
* service: empirical distribution of ``ser_time`` of answered calls (plus a lognormal summary);
* patience: censored - an abandoning caller's wait is their patience, an answered caller's wait
  is a lower bound. The exponential MLE is abandons / total time waited; the Kaplan-Meier
  estimator gives the distribution without a parametric form;
* staffing: distinct agents serving in each half-hour of each day.

Validation simulates every working day with its own staffing and compares, per hour, the mean
wait and the abandonment share with the observed ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from dasan.errors import BadRequest
from dasan.workforce.simulate import CallType, CenterConfig, Dist, simulate

FILE_NAME = "data_anonymous_bank_february.txt"
SLOT = 1800.0
SLOTS = 48
WRAP_UP_GRID: tuple[float, ...] = tuple(float(x) for x in range(0, 181, 10))
COLUMNS = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)


def _seconds(hms: str) -> float:
    h, m, s = hms.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


@dataclass
class BankCalls:
    """Calls offered to the agents' queue, as arrays (one entry per call)."""

    day: np.ndarray  # date ordinal
    entry: np.ndarray  # seconds since midnight the call reached the queue
    wait: np.ndarray  # seconds in queue (patience for abandoners)
    answered: np.ndarray  # bool
    service: np.ndarray  # seconds (answered calls; 0 otherwise)
    server: list[str]
    priority: np.ndarray
    vru_abandoned: int = 0
    phantom: int = 0
    skipped: int = 0

    @property
    def size(self) -> int:
        return int(self.entry.size)

    def days(self) -> list[date]:
        return [date.fromordinal(int(d)) for d in np.unique(self.day)]

    def select(self, mask: np.ndarray) -> BankCalls:
        return BankCalls(
            self.day[mask],
            self.entry[mask],
            self.wait[mask],
            self.answered[mask],
            self.service[mask],
            [s for s, m in zip(self.server, mask.tolist(), strict=True) if m],
            self.priority[mask],
        )


def bank_file(data_dir: Path) -> Path:
    path = Path(data_dir)
    if path.is_dir():
        cand = path / FILE_NAME
        if not cand.exists():
            cand = path / "anonymous-bank-callcenter" / FILE_NAME
        path = cand
    if not path.exists():
        raise ValueError(f"Anonymous Bank call records not found at {path}")
    return path


def load(path: Path) -> BankCalls:
    """Parse the TSV (CRLF). Raises ValueError on a file with the wrong header."""
    path = bank_file(path)
    with path.open("r", encoding="ascii", errors="replace", newline="") as fh:
        lines = fh.read().splitlines()
    if not lines:
        raise ValueError(f"{path} is empty")
    header = lines[0].split("\t")
    if tuple(h.strip() for h in header) != COLUMNS:
        raise ValueError(f"{path}: unexpected header {header[:5]}...")
    day: list[int] = []
    entry: list[float] = []
    wait: list[float] = []
    answered: list[bool] = []
    service: list[float] = []
    server: list[str] = []
    prio: list[int] = []
    vru_ab = phantom = skipped = 0
    for line in lines[1:]:
        if not line.strip():
            continue
        f = line.split("\t")
        if len(f) != len(COLUMNS):
            skipped += 1
            continue
        try:
            outcome = f[12].strip()
            queued = f[9] != "0:00:00"
            d = date(
                1900 + int(f[5][:2]) + (100 if int(f[5][:2]) < 50 else 0),
                int(f[5][2:4]),
                int(f[5][4:6]),
            )
            if outcome == "PHANTOM":
                phantom += 1
                continue
            if outcome == "HANG" and not queued:
                vru_ab += 1
                continue
            if outcome not in ("AGENT", "HANG"):
                skipped += 1
                continue
            t_entry = _seconds(f[9]) if queued else _seconds(f[7])
            day.append(d.toordinal())
            entry.append(float(t_entry))
            wait.append(float(f[11]) if queued else 0.0)
            answered.append(outcome == "AGENT")
            service.append(float(f[15]) if outcome == "AGENT" else 0.0)
            server.append(f[16].strip())
            prio.append(int(f[3]))
        except (ValueError, IndexError):
            skipped += 1
    if not entry:
        raise ValueError(f"{path}: no calls reached the queue")
    return BankCalls(
        np.asarray(day),
        np.asarray(entry),
        np.asarray(wait),
        np.asarray(answered),
        np.asarray(service),
        server,
        np.asarray(prio),
        vru_ab,
        phantom,
        skipped,
    )


def working_days(calls: BankCalls) -> list[int]:
    """Sunday-Thursday (the Israeli working week) with a full day of traffic."""
    out = []
    for d in np.unique(calls.day).tolist():
        wd = date.fromordinal(d).weekday()  # Mon=0 .. Sun=6
        if wd in (6, 0, 1, 2, 3):
            out.append(int(d))
    return out


def kaplan_meier(wait: np.ndarray, abandoned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Survival of patience: times of abandonment events and S(t) just after each.

    Answered callers who waited are censored at their wait; callers answered at once carry no
    information about patience and are left out.
    """
    w = np.asarray(wait, dtype=float)
    ab = np.asarray(abandoned, dtype=bool)
    keep = (w > 0) | ab
    w, ab = w[keep], ab[keep]
    order = np.argsort(w, kind="stable")
    w, ab = w[order], ab[order]
    times = np.unique(w[ab])
    at_risk = w.size - np.searchsorted(w, times, side="left")
    events = (
        np.array([np.sum(ab & (w == t)) for t in times])
        if times.size < 5000
        else (np.bincount(np.searchsorted(times, w[ab]), minlength=times.size))
    )
    surv = np.cumprod(1.0 - events / at_risk)
    return times, surv


@dataclass
class BankFit:
    rates: np.ndarray  # mean calls per half-hour (working days)
    staff: dict[int, np.ndarray]  # per working day: distinct agents per half-hour
    service_mean: float
    service_cv: float
    service_values: np.ndarray
    patience_mean: float  # exponential MLE
    km_times: np.ndarray
    km_survival: np.ndarray
    days: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        median_idx = np.searchsorted(-self.km_survival, -0.5)
        km_median = (
            float(self.km_times[median_idx]) if median_idx < self.km_times.size else math.inf
        )
        return {
            "working_days": len(self.days),
            "calls_per_day": float(self.rates.sum()),
            "service_mean_s": self.service_mean,
            "service_cv": self.service_cv,
            "patience_mean_s_exponential_mle": self.patience_mean,
            "patience_median_s_kaplan_meier": km_median,
            "mean_agents_by_hour": [
                float(np.mean([s[2 * h : 2 * h + 2].mean() for s in self.staff.values()]))
                for h in range(24)
            ],
        }


def fit(calls: BankCalls, days: list[int] | None = None) -> BankFit:
    sel_days = days if days is not None else working_days(calls)
    if not sel_days:
        raise BadRequest("no working days to fit on")
    mask = np.isin(calls.day, sel_days)
    c = calls.select(mask)
    slot = np.minimum((c.entry // SLOT).astype(int), SLOTS - 1)
    counts = np.zeros((len(sel_days), SLOTS))
    index = {d: i for i, d in enumerate(sel_days)}
    for d, s in zip(c.day.tolist(), slot.tolist(), strict=True):
        counts[index[d], s] += 1
    rates = counts.mean(axis=0)
    real = np.array([s not in ("NO_SERVER", "") for s in c.server])
    svc_ok = c.answered & real & (c.service > 0)
    svc = c.service[svc_ok]
    if svc.size < 10:
        raise BadRequest("too few answered calls to fit service times")
    queued = (c.wait > 0) | ~c.answered
    total_wait = float(c.wait[queued].sum())
    n_ab = int((~c.answered).sum())
    patience_mean = total_wait / n_ab if n_ab else math.inf
    km_t, km_s = kaplan_meier(c.wait, ~c.answered)
    # Staffing: distinct agents with any service overlapping each half-hour.
    staff: dict[int, np.ndarray] = {}
    busy_sets: dict[int, list[set[str]]] = {d: [set() for _ in range(SLOTS)] for d in sel_days}
    starts = c.entry + c.wait
    for d, st, dur, srv, ok in zip(
        c.day.tolist(), starts.tolist(), c.service.tolist(), c.server, svc_ok.tolist(), strict=True
    ):
        if not ok:
            continue
        first = int(st // SLOT)
        last = int((st + dur) // SLOT)
        for s in range(max(0, first), min(SLOTS - 1, last) + 1):
            busy_sets[d][s].add(srv)
    for d in sel_days:
        staff[d] = np.array([len(x) for x in busy_sets[d]], dtype=int)
    return BankFit(
        rates,
        staff,
        float(svc.mean()),
        float(svc.std() / svc.mean()),
        svc,
        patience_mean,
        km_t,
        km_s,
        list(sel_days),
    )


@dataclass
class HourCompare:
    hour: int
    observed_calls: float  # per day
    observed_wait: float  # mean wait of all offered calls (s)
    simulated_wait: float
    observed_abandon: float  # share of offered calls that hang up in the queue
    simulated_abandon: float


@dataclass
class Validation:
    hours: list[HourCompare]
    wait_mae: float  # seconds, weighted by calls
    wait_rel_error: float  # |sim - obs| / obs of the overall mean wait
    abandon_mae: float  # percentage points, weighted by calls
    abandon_overall_observed: float
    abandon_overall_simulated: float
    wait_overall_observed: float
    wait_overall_simulated: float
    wrap_up_seconds: float  # after-call work calibrated on the training days
    train_days: list[str]
    test_days: list[str]
    fit: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "hours": [h.__dict__ for h in self.hours],
            "wait_mae_s": self.wait_mae,
            "wait_rel_error": self.wait_rel_error,
            "abandon_mae_pp": self.abandon_mae,
            "abandon_overall_observed": self.abandon_overall_observed,
            "abandon_overall_simulated": self.abandon_overall_simulated,
            "wait_overall_observed": self.wait_overall_observed,
            "wait_overall_simulated": self.wait_overall_simulated,
            "wrap_up_seconds": self.wrap_up_seconds,
            "train_days": self.train_days,
            "test_days": self.test_days,
            "fit": self.fit,
        }


def _observed(c: BankCalls, days: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per hour over ``days``: calls offered, total wait, abandons."""
    m = np.isin(c.day, days)
    hour = np.minimum((c.entry[m] // 3600).astype(int), 23)
    calls = np.bincount(hour, minlength=24).astype(float)
    wait = np.bincount(hour, weights=c.wait[m], minlength=24)
    ab = np.bincount(hour, weights=(~c.answered[m]).astype(float), minlength=24)
    return calls, wait, ab


def _simulated(
    c: BankCalls,
    f: BankFit,
    days: list[int],
    service: Dist,
    patience: Dist,
    replications: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate each day at its own half-hourly volume with its own staff; per-hour sums."""
    calls = np.zeros(24)
    wait = np.zeros(24)
    ab = np.zeros(24)
    for r in range(replications):
        for i, d in enumerate(days):
            slot = np.minimum((c.entry[c.day == d] // SLOT).astype(int), SLOTS - 1)
            rates = np.bincount(slot, minlength=SLOTS).astype(float)
            cfg = CenterConfig(
                arrivals=rates,
                agents=f.staff[d],
                interval_seconds=SLOT,
                call_types=[CallType("bank", 1.0, service)],
                patience=patience,
                seed=seed + 1000 * r + i,
            )
            p = simulate(cfg).phone
            calls += p.offered.reshape(24, 2).sum(axis=1)
            ab += (p.offered - p.answered).reshape(24, 2).sum(axis=1)
            wait += (p.wait_answered + p.wait_abandoned).reshape(24, 2).sum(axis=1)
    return calls, wait, ab


def validate(
    data_dir: Path,
    replications: int = 5,
    patience: str = "exponential",
    seed: int = 0,
    min_calls_per_hour: float = 20.0,
    wrap_up_grid: tuple[float, ...] = WRAP_UP_GRID,
) -> Validation:
    """Fit on the working days and check the simulator against the held-out ones.

    Working days alternate between a training and a test half. Arrivals, service times,
    patience and per-day staffing come from the data; the one free parameter - after-call work
    per call, which the records do not hold but which keeps agents busy - is chosen on the
    training days from ``wrap_up_grid``. The test days are then simulated (``replications``
    times each, at their own half-hourly volume and staff) and compared per hour with what was
    observed. ``patience`` is ``exponential`` (MLE) or ``km`` (Kaplan-Meier resampling).
    Hours with fewer than ``min_calls_per_hour`` observed calls per day are not scored.
    """
    if replications < 1:
        raise BadRequest("replications must be >= 1")
    if patience not in ("exponential", "km"):
        raise BadRequest('patience must be "exponential" or "km"')
    if not wrap_up_grid or min(wrap_up_grid) < 0:
        raise BadRequest("wrap-up grid must hold values >= 0")
    calls = load(data_dir)
    all_days = working_days(calls)
    if len(all_days) < 4:
        raise BadRequest("need at least 4 working days to validate")
    train, test = all_days[0::2], all_days[1::2]
    f = fit(calls, all_days)
    tf = fit(calls, train)  # service and patience from the training days only
    c = calls.select(np.isin(calls.day, all_days))
    if patience == "exponential":
        pat = Dist("exponential", tf.patience_mean)
    else:
        pat = _km_dist(tf, np.random.default_rng(seed))
    o_calls, o_wait, o_ab = _observed(c, train)
    best = (math.inf, 0.0)
    for wrap in wrap_up_grid:
        service = Dist("empirical", values=tuple((tf.service_values + wrap).tolist()))
        s_calls, s_wait, s_ab = _simulated(c, f, train, service, pat, 1, seed + 7)
        err = abs(s_ab.sum() / s_calls.sum() - o_ab.sum() / o_calls.sum()) / max(
            o_ab.sum() / o_calls.sum(), 1e-9
        ) + abs(s_wait.sum() / s_calls.sum() - o_wait.sum() / o_calls.sum()) / max(
            o_wait.sum() / o_calls.sum(), 1e-9
        )
        if err < best[0]:
            best = (err, wrap)
    wrap = best[1]
    service = Dist("empirical", values=tuple((tf.service_values + wrap).tolist()))
    obs_calls, obs_wait, obs_ab = _observed(c, test)
    sim_calls, sim_wait, sim_ab = _simulated(c, f, test, service, pat, replications, seed)
    n_days = len(test)
    hours = []
    for h in range(24):
        oc = obs_calls[h]
        sc = sim_calls[h]
        hours.append(
            HourCompare(
                h,
                float(oc / n_days),
                float(obs_wait[h] / oc) if oc else 0.0,
                float(sim_wait[h] / sc) if sc else 0.0,
                float(obs_ab[h] / oc) if oc else 0.0,
                float(sim_ab[h] / sc) if sc else 0.0,
            )
        )
    scored = [x for x in hours if x.observed_calls >= min_calls_per_hour]
    if not scored:
        raise BadRequest("no hour has enough calls to score")
    weights = np.array([x.observed_calls for x in scored])
    wait_err = np.array([abs(x.simulated_wait - x.observed_wait) for x in scored])
    ab_err = np.array([abs(x.simulated_abandon - x.observed_abandon) for x in scored])
    w_obs = float(obs_wait.sum() / obs_calls.sum())
    w_sim = float(sim_wait.sum() / sim_calls.sum())
    fit_info = f.to_dict()
    fit_info["patience_model"] = patience
    return Validation(
        hours,
        float((weights * wait_err).sum() / weights.sum()),
        abs(w_sim - w_obs) / w_obs if w_obs else 0.0,
        float((weights * ab_err).sum() / weights.sum()) * 100.0,
        float(obs_ab.sum() / obs_calls.sum()),
        float(sim_ab.sum() / sim_calls.sum()),
        w_obs,
        w_sim,
        wrap,
        [date.fromordinal(d).isoformat() for d in train],
        [date.fromordinal(d).isoformat() for d in test],
        fit_info,
    )


def _km_dist(f: BankFit, rng: np.random.Generator, n: int = 20000) -> Dist:
    """Samples from the Kaplan-Meier patience curve, exponential beyond its last point."""
    u = rng.random(n)
    surv = f.km_survival
    idx = np.searchsorted(-surv, -u, side="left")  # first time with S(t) <= u
    out = np.empty(n)
    inside = idx < surv.size
    out[inside] = f.km_times[idx[inside]]
    tail = ~inside
    if tail.any():
        t_last = float(f.km_times[-1]) if f.km_times.size else 0.0
        out[tail] = t_last + rng.exponential(f.patience_mean, int(tail.sum()))
    return Dist("empirical", values=tuple(out.tolist()))
