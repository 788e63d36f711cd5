"""Workforce payloads: the figures the API and the pages show (Erlang, forecast, plan,
simulation, validation), computed here so that pages import the room, never an API module."""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from dasan.config import get_settings
from dasan.errors import BadRequest, NotFound
from dasan.timeutil import local_today
from dasan.workforce import erlang as erl
from dasan.workforce import forecast as fc
from dasan.workforce import shifts as sh
from dasan.workforce import simulate as sim

MAX_INTERVALS = 48 * 62


def clean(o: Any) -> Any:
    """JSON-safe: NaN/inf become None, numpy scalars become Python numbers."""
    if isinstance(o, dict):
        return {k: clean(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [clean(v) for v in o]
    if isinstance(o, np.generic):
        o = o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


class ErlangIn(BaseModel):
    calls: float | list[float] = Field(..., description="calls offered per interval")
    aht_seconds: float = Field(180.0, gt=0)
    interval_seconds: float = Field(1800.0, gt=0)
    service_level: float | None = Field(0.8, description="share answered within answer_within")
    answer_within: float = Field(20.0, ge=0)
    response_rate: float | None = Field(None, description="answered / offered (Erlang A)")
    patience_seconds: float | None = Field(None, gt=0, description="mean patience: Erlang A")
    max_asa: float | None = Field(None, gt=0)
    max_occupancy: float | None = Field(None, gt=0, le=1)
    shrinkage: float = Field(0.0, ge=0, lt=1)
    agents: int | None = Field(None, ge=0, description="evaluate this many agents instead")


def erlang_payload(body: ErlangIn) -> dict[str, Any]:
    calls = body.calls if isinstance(body.calls, list) else [body.calls]
    if not calls:
        raise BadRequest("calls must not be empty")
    if len(calls) > MAX_INTERVALS:
        raise BadRequest(f"at most {MAX_INTERVALS} intervals per request")
    if body.agents is not None:
        out = []
        for c in calls:
            a = erl.offered_traffic(c, body.aht_seconds, body.interval_seconds)
            if body.patience_seconds is None:
                m = erl.erlang_c_metrics(body.agents, a, body.aht_seconds, body.answer_within)
            else:
                m = erl.erlang_a_metrics(
                    body.agents, a, body.aht_seconds, body.patience_seconds, body.answer_within
                )
            out.append(m.to_dict())
        return {
            "model": "erlang_c" if body.patience_seconds is None else "erlang_a",
            "intervals": out,
        }
    target = erl.StaffingTarget(
        service_level=body.service_level,
        answer_within=body.answer_within,
        response_rate=body.response_rate,
        max_asa=body.max_asa,
        max_occupancy=body.max_occupancy,
        patience_seconds=body.patience_seconds,
        shrinkage=body.shrinkage,
    )
    res = erl.staffing_plan(calls, body.aht_seconds, target, body.interval_seconds)
    return {
        "model": target.model,
        "intervals": [r.to_dict() for r in res],
        "total_scheduled_agent_hours": sum(r.scheduled_agents for r in res)
        * body.interval_seconds
        / 3600.0,
    }


class ForecastIn(BaseModel):
    source: Literal["db", "demo"] = "db"
    start: date | None = Field(None, description="history start (db); default: 120 days back")
    end: date | None = Field(None, description="history end, exclusive (db; a local day); "
                                               "default: today in the city")
    days: int = Field(7, ge=1, le=62)
    holdout_days: int = Field(7, ge=0, le=60)
    channels: list[str] | None = None


def forecast_payload(body: ForecastIn, db: Session) -> dict[str, Any]:
    if body.source == "demo":
        history = fc.synthetic_history(
            date(2024, 1, 1), 180, 10000, ("phone", "chat"), (0.85, 0.15), 0.1, seed=7
        )
    else:
        end = body.end or local_today()
        start = body.start or end - timedelta(days=120)
        if (end - start).days > 3 * 366:
            raise BadRequest("history is limited to three years per request")
        history = fc.load_counts(db, start, end, body.channels)
    accuracy = []
    if body.holdout_days:
        accuracy = [a.to_dict() for a in fc.evaluate(history, body.holdout_days)]
    pred = fc.forecast(history, days=body.days)
    return {
        "history": {
            "start": history.start.date().isoformat(),
            "days": history.days,
            "channels": history.channels,
            "total": float(history.counts.sum()),
        },
        "accuracy": accuracy,
        "forecast": {
            "start": pred.start.isoformat(),
            "interval_minutes": fc.SLOT_MINUTES,
            "channels": pred.channels,
            "counts": pred.counts.round(2).tolist(),
            "daily": [
                {
                    "date": d.isoformat(),
                    "holiday": fc.is_holiday(d),
                    "totals": pred.daily()[i].sum(axis=0).round(1).tolist(),
                }
                for i, d in enumerate(pred.dates)
            ],
        },
    }


class PlanIn(BaseModel):
    requirement: list[int] | None = Field(None, description="agents per half-hour (48 x days)")
    calls: list[float] | None = Field(None, description="or: calls per half-hour, staffed here")
    aht_seconds: float = Field(180.0, gt=0)
    service_level: float = Field(0.8, gt=0, lt=1)
    answer_within: float = Field(20.0, ge=0)
    patience_seconds: float | None = Field(90.0, gt=0)
    shrinkage: float = Field(0.3, ge=0, lt=1)
    afternoon: Literal["11-20", "13-22"] = "11-20"
    max_remote: int = Field(215, ge=0)
    max_short: int | None = Field(None, ge=0)
    time_limit: float = Field(10.0, gt=0, le=60)


def plan_payload(body: PlanIn) -> dict[str, Any]:
    if (body.requirement is None) == (body.calls is None):
        raise BadRequest("give either requirement or calls")
    if body.requirement is not None:
        req = body.requirement
    else:
        assert body.calls is not None
        target = erl.StaffingTarget(
            service_level=body.service_level,
            answer_within=body.answer_within,
            patience_seconds=body.patience_seconds,
            shrinkage=body.shrinkage,
        )
        req = [r.scheduled_agents for r in erl.staffing_plan(body.calls, body.aht_seconds, target)]
    if len(req) > 48 * 14:
        raise BadRequest("plan at most 14 days at once")
    caps = {"remote": body.max_remote}
    if body.max_short is not None:
        caps["short"] = body.max_short
    plan = sh.plan_shifts(
        req, sh.default_templates(afternoon=body.afternoon), caps, time_limit=body.time_limit
    )
    return plan.to_dict()


class SimulateIn(BaseModel):
    days: int = Field(7, ge=1, le=31)
    calls_per_year: float = Field(3.7e6, gt=0, le=2e7)
    routing: Literal["omni", "skills"] = "omni"
    agents_scale: float = Field(1.0, gt=0, le=5)
    omni_aht_factor: float | None = Field(None, gt=0, le=3)
    callback_share: float = Field(0.0, ge=0, le=1)
    extra_lunch: int = Field(0, ge=0, le=500, description="what-if: extra agents 11:30-13:30")
    compare_routing: bool = Field(False, description="also run the other routing")
    seed: int = 0


def simulate_payload(body: SimulateIn) -> dict[str, Any]:
    def build(routing: sim.Routing) -> sim.CenterConfig:
        cfg = sim.seoul_center(
            body.days,
            body.calls_per_year,
            agents_scale=body.agents_scale,
            routing=routing,
            seed=body.seed,
        )
        if routing == "omni" and body.omni_aht_factor is not None:
            cfg.omni_aht_factor = body.omni_aht_factor
        cfg.callback_share = body.callback_share
        return cfg

    scenarios: dict[str, sim.CenterConfig] = {body.routing: build(body.routing)}
    if body.compare_routing:
        other: sim.Routing = "skills" if body.routing == "omni" else "omni"
        scenarios[other] = build(other)
    if body.extra_lunch:
        base = scenarios[body.routing]
        scenarios[f"{body.routing} +{body.extra_lunch}"] = sim.with_extra_agents(
            base, body.extra_lunch, "11:30", "13:30"
        )
    out: dict[str, Any] = {"scenarios": {}}
    for name, cfg in scenarios.items():
        res = sim.simulate(cfg)
        rows = res.per_interval()
        by_slot = []
        for s in range(48):
            sel = [r for r in rows if r["interval"] % 48 == s]
            off = sum(r["offered"] for r in sel)
            ans = sum(r["answered"] for r in sel)
            by_slot.append(
                {
                    "slot": sh.slot_label(s),
                    "offered": off / len(sel),
                    "agents": sum(r["agents"] for r in sel) / len(sel),
                    "response_rate": ans / off if off else 1.0,
                    "service_level": (
                        sum(r["service_level"] * r["offered"] for r in sel) / off if off else 1.0
                    ),
                }
            )
        out["scenarios"][name] = {"summary": res.summary(), "by_half_hour": by_slot}
    return out


@lru_cache(maxsize=4)
def _validation(folder: str, replications: int, patience: str) -> dict[str, Any]:
    from pathlib import Path

    from dasan.workforce import bankdata

    return bankdata.validate(Path(folder), replications=replications, patience=patience).to_dict()


def validation_payload(replications: int = 3, patience: str = "exponential") -> dict[str, Any]:
    folder = get_settings().shared_data / "anonymous-bank-callcenter"
    if not folder.is_dir():
        raise NotFound(f"Anonymous Bank records not found at {folder}")
    if patience not in ("exponential", "km"):
        raise BadRequest('patience must be "exponential" or "km"')
    if not 1 <= replications <= 20:
        raise BadRequest("replications must be between 1 and 20")
    return _validation(str(folder), replications, patience)
