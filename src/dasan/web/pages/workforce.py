"""Workforce pages for supervisors: Erlang calculator, forecast, shift plan, simulator,
validation on real call records. Charts are inline SVG drawn on the server."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session

from dasan import access
from dasan.db.models import User
from dasan.errors import DomainError
from dasan.labels import label
from dasan.web.deps import get_db, require_page_roles
from dasan.web.templating import request_language, templates
from dasan.workforce import erlang as erl
from dasan.workforce import forecast as fc
from dasan.workforce.charts import Line, chart
from dasan.workforce.payloads import (
    ErlangIn,
    ForecastIn,
    PlanIn,
    SimulateIn,
    erlang_payload,
    forecast_payload,
    plan_payload,
    simulate_payload,
    validation_payload,
)
from dasan.workforce.shifts import slot_label

router = APIRouter(include_in_schema=False)
SLOTS = [slot_label(s) for s in range(48)]


def _render(request: Request, name: str, user: User, **ctx: Any) -> Response:
    return templates.TemplateResponse(request, f"workforce/{name}", {
        "user": user, "scenario_name": lambda n: _scenario(request, n), **ctx})


def _error(request: Request, user: User, page: str, message: str, **ctx: Any) -> Response:
    response = _render(request, page, user, error=message, **ctx)
    response.status_code = 400
    return response


def _svg(markup: str) -> Markup:
    return Markup(markup)  # noqa: S704 - every label is escaped in charts.chart()


def _ko(request: Request, ko: str, en: str) -> str:
    return en if request_language(request) == "en" else ko


def _code(request: Request, table: str, code: str) -> str:
    """A code (channel, routing mode) named in the page's language, for chart legends."""
    return label(table, code, request_language(request))


def _scenario(request: Request, name: str) -> str:
    """A simulation scenario ("omni", "omni +10") with its routing mode named."""
    head, _, rest = name.partition(" ")
    return _code(request, "routing", head) + (f" {rest}" if rest else "")


def _observed_vs_simulated(
    hours: list[dict[str, Any]], labels: list[str], key: str, titles: tuple[str, str, str]
) -> str:
    """One validation chart: the observed series solid, the simulated one dashed."""
    observed, simulated, title = titles
    return chart(
        [
            Line(observed, [h[f"observed_{key}"] for h in hours]),
            Line(simulated, [h[f"simulated_{key}"] for h in hours], dashed=True),
        ],
        labels,
        title,
        label_every=1,
    )


def _float(params: dict[str, str], key: str, default: float | None) -> float | None:
    raw = params.get(key, "")
    if raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"{key}: not a number ({raw!r})") from None


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    if isinstance(exc, HTTPException):
        return str(exc.detail)
    return str(exc)


@router.get("/workforce", response_class=HTMLResponse)
def workforce_home(
    request: Request, user: User = Depends(require_page_roles(*access.PLANNERS))
) -> Response:
    return _render(request, "index.html", user)


@router.get("/workforce/erlang", response_class=HTMLResponse)
def erlang_page(request: Request,
                user: User = Depends(require_page_roles(*access.PLANNERS))) -> Response:
    params = dict(request.query_params)
    form = {
        "calls": params.get("calls", "300"),
        "aht": params.get("aht", "180"),
        "sl": params.get("sl", "0.8"),
        "within": params.get("within", "20"),
        "patience": params.get("patience", "90"),
        "shrinkage": params.get("shrinkage", "0.3"),
    }
    try:
        calls = _float(params, "calls", 300.0) or 0.0
        aht = _float(params, "aht", 180.0) or 180.0
        sl = _float(params, "sl", 0.8)
        within = _float(params, "within", 20.0) or 0.0
        patience = _float(params, "patience", 90.0)
        shrinkage = _float(params, "shrinkage", 0.3) or 0.0
        c = erlang_payload(
            ErlangIn(
                calls=calls,
                aht_seconds=aht,
                service_level=sl,
                answer_within=within,
                shrinkage=shrinkage,
            )
        )["intervals"][0]
        a = None
        if patience:
            a = erlang_payload(
                ErlangIn(
                    calls=calls,
                    aht_seconds=aht,
                    service_level=sl,
                    answer_within=within,
                    shrinkage=shrinkage,
                    patience_seconds=patience,
                )
            )["intervals"][0]
        traffic = c["traffic"]
        lo = max(1, int(traffic * 0.8))
        hi = max(lo + 5, int(c["raw_agents"] * 1.25) + 2)
        agents = list(range(lo, hi + 1))
        curve_c = [erl.erlang_c_metrics(n, traffic, aht, within) for n in agents]
        lines = [
            Line(
                _ko(request, "서비스레벨 (얼랑 C)", "Service level (Erlang C)"),
                [m.service_level for m in curve_c],
            )
        ]
        rows = []
        curve_a = None
        if patience:
            curve_a = [erl.erlang_a_metrics(n, traffic, aht, patience, within) for n in agents]
            lines += [
                Line(
                    _ko(request, "서비스레벨 (얼랑 A)", "Service level (Erlang A)"),
                    [m.service_level for m in curve_a],
                ),
                Line(
                    _ko(request, "응답률 (얼랑 A)", "Response rate (Erlang A)"),
                    [m.response_rate for m in curve_a],
                    dashed=True,
                ),
            ]
        for i, n in enumerate(agents):
            rows.append({"agents": n, "c": curve_c[i], "a": curve_a[i] if curve_a else None})
        svg = chart(
            lines,
            [str(n) for n in agents],
            _ko(request, "상담사 수에 따른 서비스 수준", "Service vs number of agents"),
            y_max=1.0,
            label_every=max(1, len(agents) // 15),
        )
    except (ValueError, DomainError, ValidationError, HTTPException) as exc:
        return _error(request, user, "erlang.html", _message(exc), form=form)
    return _render(
        request, "erlang.html", user, form=form, c=c, a=a, rows=rows, svg=_svg(svg), traffic=traffic
    )


@router.get("/workforce/forecast", response_class=HTMLResponse)
def forecast_page(
    request: Request,
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.PLANNERS)),
) -> Response:
    params = dict(request.query_params)
    form = {
        "source": params.get("source", "demo"),
        "start": params.get("start", ""),
        "end": params.get("end", ""),
        "days": params.get("days", "7"),
        "holdout": params.get("holdout", "14"),
    }
    try:
        body = ForecastIn(
            source=form["source"],  # type: ignore[arg-type]
            start=date.fromisoformat(form["start"]) if form["start"] else None,
            end=date.fromisoformat(form["end"]) if form["end"] else None,
            days=int(form["days"]),
            holdout_days=int(form["holdout"]),
        )
        data = forecast_payload(body, db)
    except (ValueError, DomainError, ValidationError, HTTPException) as exc:
        return _error(request, user, "forecast.html", _message(exc), form=form)
    f = data["forecast"]
    counts = f["counts"]
    n = len(counts)
    labels = []
    for i in range(n):
        labels.append(SLOTS[i % 48] if i % 48 else f"{f['daily'][i // 48]['date'][5:]}")
    lines = [Line(_code(request, "forecast_channel", ch), [row[c] for row in counts])
             for c, ch in enumerate(f["channels"])]
    svg = chart(
        lines,
        labels,
        _ko(request, "30분 단위 예측 접수량", "Forecast contacts per 30 min"),
        label_every=24 if n > 96 else 4,
    )
    return _render(request, "forecast.html", user, form=form, data=data, svg=_svg(svg))


@router.get("/workforce/plan", response_class=HTMLResponse)
def plan_page(request: Request,
              user: User = Depends(require_page_roles(*access.PLANNERS))) -> Response:
    params = dict(request.query_params)
    form = {
        "calls_per_day": params.get("calls_per_day", "10000"),
        "aht": params.get("aht", "180"),
        "shrinkage": params.get("shrinkage", "0.3"),
        "afternoon": params.get("afternoon", "11-20"),
        "max_remote": params.get("max_remote", "215"),
        "max_short": params.get("max_short", ""),
        "days": params.get("days", "1"),
    }
    try:
        per_day = _float(params, "calls_per_day", 10000.0) or 0.0
        days = int(form["days"])
        if not 1 <= days <= 7:
            raise ValueError("days must be between 1 and 7")
        rates = fc.synthetic_rates(date(2024, 9, 2), days, per_day)
        body = PlanIn(
            calls=[float(x) for x in rates],
            aht_seconds=_float(params, "aht", 180.0) or 180.0,
            shrinkage=_float(params, "shrinkage", 0.3) or 0.0,
            afternoon=form["afternoon"],  # type: ignore[arg-type]
            max_remote=int(form["max_remote"]),
            max_short=int(form["max_short"]) if form["max_short"] else None,
            time_limit=10.0,
        )
        plan = plan_payload(body)
    except (ValueError, DomainError, ValidationError, HTTPException) as exc:
        return _error(request, user, "plan.html", _message(exc), form=form)
    n = len(plan["requirement"])
    labels = [SLOTS[i % 48] for i in range(n)]
    svg = chart(
        [
            Line(_ko(request, "필요 인원", "Required"), plan["requirement"], kind="bar"),
            Line(
                _ko(request, "배치 인원", "Scheduled"),
                plan["coverage"],
                kind="step",
                color="#d9480f",
            ),
        ],
        labels,
        _ko(request, "30분 단위 필요 인원 대비 배치", "Coverage vs requirement per 30 min"),
        label_every=4 if n <= 48 else 12,
    )
    return _render(request, "plan.html", user, form=form, plan=plan, svg=_svg(svg))


@router.get("/workforce/simulate", response_class=HTMLResponse)
def simulate_page(
    request: Request, user: User = Depends(require_page_roles(*access.PLANNERS))
) -> Response:
    params = dict(request.query_params)
    form = {
        "days": params.get("days", "7"),
        "calls_per_year": params.get("calls_per_year", "3700000"),
        "routing": params.get("routing", "omni"),
        "agents_scale": params.get("agents_scale", "0.9"),
        "omni_aht_factor": params.get("omni_aht_factor", "1.05"),
        "callback_share": params.get("callback_share", "0"),
        "extra_lunch": params.get("extra_lunch", "10"),
        "compare": params.get("compare", "1"),
    }
    try:
        body = SimulateIn(
            days=int(form["days"]),
            calls_per_year=_float(params, "calls_per_year", 3.7e6) or 0.0,
            routing=form["routing"],  # type: ignore[arg-type]
            agents_scale=_float(params, "agents_scale", 0.9) or 0.0,
            omni_aht_factor=_float(params, "omni_aht_factor", None),
            callback_share=_float(params, "callback_share", 0.0) or 0.0,
            extra_lunch=int(form["extra_lunch"] or 0),
            compare_routing=form["compare"] in ("1", "on", "true"),
        )
        data = simulate_payload(body)
    except (ValueError, DomainError, ValidationError, HTTPException) as exc:
        return _error(request, user, "simulate.html", _message(exc), form=form)
    scen = data["scenarios"]
    sl_svg = chart(
        [Line(_scenario(request, name), [r["service_level"] for r in s["by_half_hour"]])
         for name, s in scen.items()],
        SLOTS,
        _ko(request, "시간대별 서비스레벨 (20초 내 응답)", "Service level by half-hour (20 s)"),
        y_max=1.0,
        label_every=4,
    )
    first = next(iter(scen.values()))["by_half_hour"]
    load_svg = chart(
        [Line(_ko(request, "평균 인입", "Mean offered"), [r["offered"] for r in first], kind="bar")]
        + [
            Line(
                f"{_scenario(request, name)} " + _ko(request, "상담사", "agents"),
                [r["agents"] for r in s["by_half_hour"]],
                kind="step",
            )
            for name, s in scen.items()
        ],
        SLOTS,
        _ko(request, "시간대별 인입과 상담사", "Offered calls and agents by half-hour"),
        label_every=4,
    )
    return _render(
        request,
        "simulate.html",
        user,
        form=form,
        data=data,
        sl_svg=_svg(sl_svg),
        load_svg=_svg(load_svg),
    )


@router.get("/workforce/validate", response_class=HTMLResponse)
def validate_page(
    request: Request, user: User = Depends(require_page_roles(*access.PLANNERS))
) -> Response:
    patience = request.query_params.get("patience", "exponential")
    try:
        v = validation_payload(3, patience)
    except (ValueError, DomainError, HTTPException) as exc:
        return _error(request, user, "validate.html", _message(exc), patience=patience)
    hours = [h for h in v["hours"] if h["observed_calls"] >= 1]
    labels = [f"{h['hour']:02d}" for h in hours]
    wait_svg = _observed_vs_simulated(
        hours, labels, "wait",
        (_ko(request, "관측 평균 대기(초)", "Observed mean wait (s)"),
         _ko(request, "시뮬레이션 평균 대기(초)", "Simulated mean wait (s)"),
         _ko(request, "시간대별 평균 대기", "Mean wait by hour")),
    )
    ab_svg = _observed_vs_simulated(
        hours, labels, "abandon",
        (_ko(request, "관측 포기율", "Observed abandonment"),
         _ko(request, "시뮬레이션 포기율", "Simulated abandonment"),
         _ko(request, "시간대별 포기율", "Abandonment by hour")),
    )
    return _render(
        request,
        "validate.html",
        user,
        v=v,
        hours=hours,
        patience=patience,
        wait_svg=_svg(wait_svg),
        ab_svg=_svg(ab_svg),
    )
