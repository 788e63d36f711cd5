"""Report pages: overview KPIs, VOC report, policy-issue report, drill-down (HTML)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from dasan import access
from dasan.analytics import alerter, drill, kpi, surveys
from dasan.analytics.charts import svg
from dasan.analytics.engine import get_engine
from dasan.analytics.filters import Filters, Table, fmt
from dasan.analytics.policy import policy_report
from dasan.analytics.qtypes import TYPE_LABELS
from dasan.analytics.voc import Series, voc_report
from dasan.config import get_settings
from dasan.consultations import outcomes
from dasan.consultations.channels import CHANNEL_BY_CODE
from dasan.consultations.districts import DISTRICT_BY_CODE
from dasan.db.models import User
from dasan.errors import DomainError
from dasan.timeutil import local_today
from dasan.web.deps import get_db, require_page_roles
from dasan.web.filters import scoped_filters
from dasan.web.templating import request_language, templates

router = APIRouter(include_in_schema=False)


def _drill_href(f: Filters | None) -> str | None:
    return None if f is None else "/reports/drill?" + urlencode(f.to_params())


def _view(t: Table) -> dict[str, Any]:
    """A table ready for the template: formatted cells and a drill link per row."""
    return {
        "ko": t.ko, "en": t.en, "note": t.note,
        "columns": t.columns,
        "rows": [{"cells": [(fmt(r.get(c.key), c.kind), c.kind != "text") for c in t.columns],
                  "href": _drill_href(d)}
                 for r, d in zip(t.rows, t.drill + [None] * (len(t.rows) - len(t.drill)),
                                 strict=True)],
    }


def _charts(series: list[Series]) -> list[Markup]:
    """Each chart in a figure with a visible caption (svg() escapes every label)."""
    return [Markup(f'<figure class="report-chart"><figcaption><strong>{escape(s.ko)}</strong> '
                   f'<span class="hint">{escape(s.en)}</span></figcaption>{svg(s)}</figure>')
            for s in series if s.labels]


def _engine() -> Any:
    return get_engine(get_settings().database_url, max_age=5.0)


def _render(request: Request, name: str, user: User, **ctx: Any) -> Response:
    return templates.TemplateResponse(request, f"analytics/{name}", {"user": user, **ctx})


def _error(request: Request, user: User, message: str, status: int = 400) -> Response:
    response = _render(request, "error.html", user, message=message)
    response.status_code = status
    return response


@router.get("/reports", response_class=HTMLResponse)
def reports_home(
    request: Request,
    by: str = Query("queue"),
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.ANALYTICS_READERS)),
) -> Response:
    try:
        f = scoped_filters(request, db, user)
        engine = _engine()
        tables = [kpi.channel_year_table(engine, f), kpi.channel_daily_average_table(engine, f),
                  kpi.phone_response_table(engine, f, by="month"),
                  kpi.service_table(engine, f, by=by), surveys.survey_table(db, f)]
        head = kpi.summary(engine, f)
    except (ValueError, DomainError) as exc:
        return _error(request, user, str(exc))
    latest = head["last"].date() if head["last"] else local_today()
    month = latest.strftime("%Y-%m")
    alerts = alerter.recent_alerts(db, 10)
    channel_series = Series("ch", "채널별 상담 건수", "Per channel",
                            [r["channel"] for r in tables[0].rows[:-1]],
                            {"n": [float(sum(v for k, v in r.items() if k.isdigit()))
                                   for r in tables[0].rows[:-1]]}, "hbar")
    return _render(request, "index.html", user, head=head, tables=[_view(t) for t in tables],
                   charts=_charts([channel_series]), alerts=alerts, by=by, month=month,
                   params=f.to_params(), year=latest.year,
                   policy_start=(latest - timedelta(days=60)).isoformat(),
                   policy_end=latest.isoformat(),
                   groups=kpi.GROUPS, export_qs=urlencode(f.to_params()))


@router.get("/reports/voc", response_class=HTMLResponse)
def voc_page(
    request: Request,
    period: str = Query(""),
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.ANALYTICS_READERS)),
) -> Response:
    period = period or local_today().strftime("%Y-%m")
    try:
        base = scoped_filters(request, db, user)
        report = voc_report(_engine(), period, base.with_(start=None, end=None))
        surveys.add_to_voc(db, report)
    except (ValueError, DomainError) as exc:
        return _error(request, user, str(exc))
    qs = urlencode({"period": period, **({"district": base.district} if base.district else {})})
    return _render(request, "voc.html", user, report=report, period=period,
                   tables=[_view(t) for t in report.tables], charts=_charts(report.charts),
                   qs=qs, csv_qs=urlencode(report.filters.to_params()))


@router.get("/reports/policy", response_class=HTMLResponse)
def policy_page(
    request: Request,
    start: str = Query(""),
    end: str = Query(""),
    program: str = Query(""),
    keyword: str = Query(""),
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.ANALYTICS_READERS)),
) -> Response:
    form = {"start": start, "end": end, "program": program, "keyword": keyword}
    report = None
    if program or keyword:
        try:
            base = scoped_filters(request, db, user, {k: v for k, v in request.query_params.items()
                                                      if k == "district"})
            report = policy_report(_engine(), date.fromisoformat(start), date.fromisoformat(end),
                                   program=program or None, keyword=keyword or None, base=base)
        except (ValueError, DomainError) as exc:
            return _error(request, user, str(exc))
    return _render(request, "policy.html", user, form=form, report=report,
                   types=_view(report.types) if report else None,
                   tables=[_view(t) for t in report.tables] if report else [],
                   charts=_charts(report.charts) if report else [],
                   qs=urlencode({k: v for k, v in form.items() if v}),
                   csv_qs=urlencode(report.filters.to_params()) if report else "")


# What the drill-down's filters are called on the page (their values in words where the code
# has a name: channels, districts, outcomes, question types, hours).
FILTER_NAMES = {"start": ("시작일", "From"), "end": ("종료일", "To"),
                "channel": ("채널", "Channel"), "district": ("자치구", "District"),
                "category": ("분야", "Category"),
                "program": ("사업", "Programme"), "keyword": ("핵심어", "Keyword"),
                "outcome": ("처리결과", "Outcome"), "queue_id": ("대기열", "Queue"),
                "team_id": ("팀", "Team"), "agent_id": ("상담사", "Agent"),
                "hour": ("시간대", "Hour"), "qtype": ("질문 유형", "Question type")}


def describe_filters(params: dict[str, str], lang: str) -> list[str]:
    """The drill-down's filters as "name: value" in the page's language."""
    en = lang == "en"

    def value(key: str, v: str) -> str:
        if key == "channel":
            return ", ".join((CHANNEL_BY_CODE[c].name_en if en else CHANNEL_BY_CODE[c].name_ko)
                             if c in CHANNEL_BY_CODE else c for c in v.split(","))
        if key == "district" and v in DISTRICT_BY_CODE:
            d = DISTRICT_BY_CODE[v]
            return d.name_en if en else d.name_ko
        if key == "outcome" and v in outcomes.LABELS_KO:
            return outcomes.LABELS_EN[v] if en else outcomes.LABELS_KO[v]
        if key == "qtype" and v in TYPE_LABELS:
            return TYPE_LABELS[v][1 if en else 0]
        if key == "hour":
            return f"{v}:00" if en else f"{v}시"
        if key.endswith("_id"):
            return f"#{v}"
        return v

    out = []
    for key, v in params.items():
        ko, en_name = FILTER_NAMES.get(key, (key, key))
        out.append(f"{en_name if en else ko}: {value(key, v)}")
    return out


@router.get("/reports/drill", response_class=HTMLResponse)
def drill_page(
    request: Request,
    offset: int = Query(0, ge=0),
    db: Session = Depends(get_db),
    user: User = Depends(require_page_roles(*access.ANALYTICS_READERS)),
) -> Response:
    try:
        f = scoped_filters(request, db, user)
        engine = _engine()
        total = drill.count(engine, f)
        rows = drill.page(engine, f, limit=100, offset=offset)
    except (ValueError, DomainError) as exc:
        return _error(request, user, str(exc))
    params = f.to_params()
    nxt = urlencode({**params, "offset": offset + 100}) if offset + 100 < total else None
    prev = urlencode({**params, "offset": max(offset - 100, 0)}) if offset else None
    return _render(request, "drill.html", user, rows=rows, total=total, params=params,
                   described=describe_filters(params, request_language(request)),
                   offset=offset, next_qs=nxt, prev_qs=prev, csv_qs=urlencode(params),
                   columns=drill.EXPORT_COLUMNS)
