"""Report -> file: XLSX or PDF bytes for a VOC report, a policy-issue report or KPI tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dasan.analytics.export_pdf import build_pdf
from dasan.analytics.export_xlsx import build_xlsx
from dasan.analytics.filters import Table
from dasan.analytics.policy import PolicyReport
from dasan.analytics.voc import Series, VocReport
from dasan.errors import BadRequest

FORMATS = ("xlsx", "pdf")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


def voc_headline(r: VocReport) -> list[tuple[str, Any]]:
    h = r.headline
    rows: list[tuple[str, Any]] = [
        ("기간 Period", f"{r.filters.start} ~ {r.filters.end}"),
        ("총 상담 Total", h["total"]),
        ("일평균 Daily average", h["daily_average"]),
        ("전기 대비 vs previous %", h["change"]),
        ("전화 총 인입 Phone total inflow", h["phone_total_inflow"]),
        ("전화 상담사 인입 Phone inflow", h["phone_inflow"]),
        ("응대 Answered", h["phone_answered"]),
        ("응답률(응대/인입) Response rate %", h["response_rate_inflow"]),
        ("응답률(응대/총인입) Response rate (total) %", h["response_rate_total"]),
    ]
    if "change_last_year" in h:
        rows.insert(4, ("전년 동월 대비 vs last year %", h["change_last_year"]))
    if r.filters.district:
        rows.insert(1, ("자치구 District", r.filters.district))
    return rows


def policy_headline(r: PolicyReport) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        ("주제 Topic", r.topic),
        ("기간 Period", f"{r.filters.start} ~ {r.filters.end}"),
        ("상담 건수 Consultations", r.count),
        ("일수 Days with data", r.days),
    ]
    for row in r.types.rows[:6]:
        rows.append((f"{row['type']} %", row["share"]))
    return rows


def render(fmt: str, title: str, headline: Sequence[tuple[str, Any]], tables: Sequence[Table],
           charts: Sequence[Series] = (), notable: Sequence[dict[str, Any]] = ()) -> bytes:
    if fmt == "xlsx":
        return build_xlsx(title, headline, tables, charts)
    if fmt == "pdf":
        return build_pdf(title, headline, tables, charts, notable)
    raise BadRequest(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")


def export_voc(r: VocReport, fmt: str) -> bytes:
    title = f"{r.label} VOC 보고서 (VOC report)"
    return render(fmt, title, voc_headline(r), r.tables, r.charts, r.notable)


def export_policy(r: PolicyReport, fmt: str) -> bytes:
    title = f"정책 이슈 분석: {r.topic} (policy-issue report)"
    return render(fmt, title, policy_headline(r), [r.types, *r.tables], r.charts)


def export_tables(title: str, tables: Sequence[Table], fmt: str) -> bytes:
    return render(fmt, title, [], tables)
