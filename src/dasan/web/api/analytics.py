"""Analytics API: KPI tables, VOC and policy-issue reports, drill-down, exports, alerts.

Analysts, supervisors and admins see the whole city; a district officer sees only their own
district (asking for another one is refused with 403 and audited). Every export (CSV, XLSX,
PDF) leaves an `analytics.export` row in the audit log.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from dasan import access, audit
from dasan.analytics import alerter, drill, kpi, surveys
from dasan.analytics.engine import AnalyticsEngine, get_engine
from dasan.analytics.export_pdf import FontMissing
from dasan.analytics.exports import MEDIA_TYPES, export_policy, export_tables, export_voc
from dasan.analytics.policy import policy_report
from dasan.analytics.voc import voc_report
from dasan.config import get_settings
from dasan.db.models import Alert, User
from dasan.errors import DomainError
from dasan.timeutil import to_local, to_naive_utc
from dasan.web.deps import get_db, require_roles
from dasan.web.errors import http_error
from dasan.web.filters import scoped_filters

router = APIRouter(prefix="/api/analytics", tags=["analytics"])
READERS = access.ANALYTICS_READERS
SCANNERS = access.ALERT_SCANNERS

def engine_dep() -> AnalyticsEngine:
    """The analytics engine for the configured database, refreshed at most every 5 s."""
    try:
        return get_engine(get_settings().database_url, max_age=5.0)
    except ValueError as exc:
        raise http_error(503, f"analytics unavailable: {exc}") from exc


def _file(db: Session, user: User, request: Request, data: bytes, fmt: str, name: str,
          detail: dict[str, Any]) -> Response:
    audit.record(db, user, "analytics.export", object_type="report", object_id=name,
                 detail={"format": fmt, **detail},
                 ip=request.client.host if request.client else None)
    db.commit()
    return Response(data, media_type=MEDIA_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _render(fn: Any, *args: Any) -> bytes:
    try:
        return bytes(fn(*args))
    except FontMissing as exc:
        raise http_error(503, str(exc)) from exc


@router.get("/kpi/channels")
def kpi_channels(
    request: Request, db: Session = Depends(get_db),
    user: User = Depends(require_roles(*READERS)), engine: AnalyticsEngine = Depends(engine_dep),
) -> dict[str, Any]:
    """채널별 연간 건수와 일평균 (consultations per year per channel, daily averages)."""
    f = scoped_filters(request, db, user)
    return {"tables": [kpi.channel_year_table(engine, f).as_dict(),
                       kpi.channel_daily_average_table(engine, f).as_dict()]}


@router.get("/kpi/response")
def kpi_response(
    request: Request, by: str = Query("year", pattern="^(year|month|day)$"),
    db: Session = Depends(get_db), user: User = Depends(require_roles(*READERS)),
    engine: AnalyticsEngine = Depends(engine_dep),
) -> dict[str, Any]:
    """전화 총 인입·인입·응대·응답률 (response rate both ways)."""
    f = scoped_filters(request, db, user)
    return kpi.phone_response_table(engine, f, by=by).as_dict()


@router.get("/kpi/service")
def kpi_service(
    request: Request,
    by: str = Query("interval"),
    threshold: float = Query(20.0, gt=0, le=3600),
    interval: int = Query(30),
    fmt: str | None = Query(None, alias="format", pattern="^(xlsx|pdf)$"),
    db: Session = Depends(get_db), user: User = Depends(require_roles(*READERS)),
    engine: AnalyticsEngine = Depends(engine_dep),
) -> Any:
    """서비스레벨·ASA·포기율·AHT (per interval, hour, day, month, queue, team, agent, channel)."""
    f = scoped_filters(request, db, user)
    table = kpi.service_table(engine, f, by=by, threshold_seconds=threshold,
                              interval_minutes=interval)
    if fmt:
        data = _render(export_tables, "서비스 지표 (service KPIs)", [table], fmt)
        return _file(db, user, request, data, fmt, f"service-{by}", {"filters": f.to_params()})
    return table.as_dict()


@router.get("/kpi/survey")
def kpi_survey(
    request: Request,
    fmt: str | None = Query(None, alias="format", pattern="^(xlsx|pdf)$"),
    db: Session = Depends(get_db), user: User = Depends(require_roles(*READERS)),
) -> Any:
    """시민 만족도: 월·채널별 응답 수, 응답률(응답/상담사 응대), 평균 점수, 1-5점 분포."""
    f = scoped_filters(request, db, user)
    table = surveys.survey_table(db, f)
    if fmt:
        data = _render(export_tables, "시민 만족도 조사 (citizen satisfaction survey)", [table],
                       fmt)
        return _file(db, user, request, data, fmt, "survey", {"filters": f.to_params()})
    return table.as_dict()


@router.get("/voc")
def voc(
    request: Request,
    period: str = Query(..., description="YYYY or YYYY-MM"),
    fmt: str | None = Query(None, alias="format", pattern="^(xlsx|pdf)$"),
    db: Session = Depends(get_db), user: User = Depends(require_roles(*READERS)),
    engine: AnalyticsEngine = Depends(engine_dep),
) -> Any:
    """월간·연간 VOC 보고서 (JSON, or `format=xlsx|pdf`)."""
    base = scoped_filters(request, db, user)
    report = voc_report(engine, period, base.with_(start=None, end=None))
    surveys.add_to_voc(db, report)
    if fmt:
        data = _render(export_voc, report, fmt)
        return _file(db, user, request, data, fmt, f"voc-{period}",
                     {"period": period, "filters": base.to_params()})
    return report.as_dict()


@router.get("/policy")
def policy(
    request: Request,
    start: date,
    end: date,
    program: str | None = None,
    keyword: str | None = None,
    fmt: str | None = Query(None, alias="format", pattern="^(xlsx|pdf)$"),
    db: Session = Depends(get_db), user: User = Depends(require_roles(*READERS)),
    engine: AnalyticsEngine = Depends(engine_dep),
) -> Any:
    """정책 이슈 분석 (count, type breakdown, main questions) for a program or keyword."""
    base = scoped_filters(request, db, user)
    report = policy_report(engine, start, end, program=program, keyword=keyword,
                           base=base.with_(program=None, keyword=None))
    if fmt:
        data = _render(export_policy, report, fmt)
        return _file(db, user, request, data, fmt, "policy",
                     {"filters": report.filters.to_params()})
    return report.as_dict()


@router.get("/drill")
def drill_down(
    request: Request,
    limit: int = Query(100, ge=1, le=drill.MAX_PAGE),
    offset: int = Query(0, ge=0, le=10_000_000),
    db: Session = Depends(get_db), user: User = Depends(require_roles(*READERS)),
    engine: AnalyticsEngine = Depends(engine_dep),
) -> dict[str, Any]:
    """The consultations behind a figure (same filters as the figure), newest first."""
    f = scoped_filters(request, db, user)
    return {"filters": f.to_params(), "count": drill.count(engine, f),
            "rows": drill.page(engine, f, limit=limit, offset=offset)}


@router.get("/export.csv")
def export_csv(
    request: Request,
    db: Session = Depends(get_db), user: User = Depends(require_roles(*READERS)),
    engine: AnalyticsEngine = Depends(engine_dep),
) -> StreamingResponse:
    """CSV, one row per consultation (questions and summaries masked); audited."""
    f = scoped_filters(request, db, user)
    n = drill.count(engine, f)
    audit.record(db, user, "analytics.export", object_type="consultations",
                 detail={"format": "csv", "rows": n, "filters": f.to_params()},
                 ip=request.client.host if request.client else None)
    db.commit()
    stamp = to_local(datetime.now(UTC)).strftime("%Y%m%d-%H%M")
    return StreamingResponse(
        drill.csv_chunks(engine, f), media_type=MEDIA_TYPES["csv"],
        headers={"Content-Disposition": f'attachment; filename="consultations-{stamp}.csv"'},
    )


@router.get("/alerts")
def list_alerts(
    limit: int = Query(20, ge=1, le=200),
    db: Session = Depends(get_db), _user: User = Depends(require_roles(*READERS)),
) -> list[dict[str, Any]]:
    """최근 이슈 알림 (newest issue alerts)."""
    return [alerter.alert_payload(a) for a in alerter.recent_alerts(db, limit)]


@router.post("/alerts/scan")
def scan_alerts(
    at: datetime | None = None,
    db: Session = Depends(get_db), user: User = Depends(require_roles(*SCANNERS)),
    engine: AnalyticsEngine = Depends(engine_dep),
) -> dict[str, Any]:
    """Run the alerter now (or as of `at`), store alerts and post them to the webhook."""
    engine.refresh()
    found = alerter.scan(engine, to_naive_utc(at))
    stored = alerter.persist(db, found)
    db.commit()
    webhook: dict[str, Any] | None = None
    url = get_settings().alert_webhook_url
    if url and stored:
        try:
            webhook = {"url": url, "status": alerter.send_webhook(url, stored)}
        except (alerter.WebhookError, DomainError) as exc:
            webhook = {"url": url, "error": str(exc)}
    return {"alerts": [alerter.alert_payload(a) for a in stored], "webhook": webhook,
            "scanned_by": user.username}


@router.post("/alerts/{alert_id}/ack")
def ack_alert(
    alert_id: int,
    db: Session = Depends(get_db), user: User = Depends(require_roles(*SCANNERS)),
) -> dict[str, Any]:
    row = db.get(Alert, alert_id)
    if row is None:
        raise http_error(404, f"no alert {alert_id}")
    row.acknowledged = True
    audit.record(db, user, "analytics.alert_ack", object_type="alert", object_id=alert_id)
    db.commit()
    return alerter.alert_payload(row)
