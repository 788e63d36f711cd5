"""Workforce API: Erlang C, demand forecast, staffing plan, simulation, validation (JSON).
The figures come from the room (`dasan.workforce.payloads`); this module only translates."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from dasan import access
from dasan.db.models import User
from dasan.web.deps import get_db, require_roles
from dasan.workforce.payloads import (
    ErlangIn,
    ForecastIn,
    PlanIn,
    SimulateIn,
    clean,
    erlang_payload,
    forecast_payload,
    plan_payload,
    simulate_payload,
    validation_payload,
)

router = APIRouter(prefix="/api/workforce", tags=["workforce"])
PLANNERS = access.PLANNERS


@router.post("/erlang")
def erlang_endpoint(body: ErlangIn, user: User = Depends(require_roles(*PLANNERS))) -> Any:
    """Agents per interval for a target (Erlang C, or Erlang A with a mean patience)."""
    return clean(erlang_payload(body))


@router.post("/forecast")
def forecast_endpoint(
    body: ForecastIn,
    db: Session = Depends(get_db),
    user: User = Depends(require_roles(*PLANNERS)),
) -> Any:
    """Contacts per 30-minute interval and channel, with holdout MAPE."""
    return clean(forecast_payload(body, db))


@router.post("/plan")
def plan_endpoint(body: PlanIn, user: User = Depends(require_roles(*PLANNERS))) -> Any:
    """Least-cost shifts (CP-SAT) covering the requirement; coverage vs requirement."""
    return clean(plan_payload(body))


@router.post("/simulate")
def simulate_endpoint(body: SimulateIn, user: User = Depends(require_roles(*PLANNERS))) -> Any:
    """Simulate a Seoul-120-like center; what-ifs: routing, extra agents at lunch, callbacks."""
    return clean(simulate_payload(body))


@router.get("/validate")
def validate_endpoint(
    replications: int = 3,
    patience: str = "exponential",
    user: User = Depends(require_roles(*PLANNERS)),
) -> Any:
    """Simulated vs observed waits and abandonment per hour on the Anonymous Bank records."""
    return clean(validation_payload(replications, patience))
