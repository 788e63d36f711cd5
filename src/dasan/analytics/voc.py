"""VOC (voice of the citizen) report for a month or a year.

Volumes and trend, channels, top categories, programs and questions, the 25 districts, rising
programs against the previous period, and notable cases (crisis flags, forced terminations,
the longest consultations), with every free text masked for personal data.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dasan.analytics.engine import AnalyticsEngine
from dasan.analytics.filters import Column, Filters, Table, month_range, year_range
from dasan.analytics.kpi import phone_response_table, summary
from dasan.consultations.channels import CATEGORIES, CHANNEL_BY_CODE, CHANNELS
from dasan.consultations.districts import DISTRICT_BY_CODE, DISTRICTS
from dasan.text.record_clean import for_record, with_termination
from dasan.timeutil import local_midnight

TOP_N = 15


@dataclass
class Series:
    """One chart: labels and one or more named value lists."""

    key: str
    ko: str
    en: str
    labels: list[str]
    values: dict[str, list[float]]
    kind: str = "bar"  # bar | line | hbar


@dataclass
class VocReport:
    kind: str  # month | year
    label: str
    filters: Filters
    headline: dict[str, Any]
    tables: list[Table] = field(default_factory=list)
    charts: list[Series] = field(default_factory=list)
    notable: list[dict[str, Any]] = field(default_factory=list)

    def table(self, key: str) -> Table:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "filters": self.filters.to_params(),
            "headline": {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                         for k, v in self.headline.items()},
            "tables": [t.as_dict() for t in self.tables],
            "charts": [s.__dict__ for s in self.charts],
            "notable": self.notable,
        }


def period_of(spec: str) -> tuple[str, date, date]:
    """`2024` -> a year report, `2024-03` -> a month report."""
    spec = spec.strip()
    if len(spec) == 4:
        start, end = year_range(spec)
        return "year", start, end
    start, end = month_range(spec)
    return "month", start, end


def _previous(kind: str, start: date) -> tuple[date, date]:
    if kind == "year":
        return year_range(start.year - 1)
    prev_end = start - timedelta(days=1)
    return month_range(f"{prev_end.year}-{prev_end.month:02d}")


def _change(now: int, before: int) -> float | None:
    return (now - before) / before if before else None


def _counts(engine: AnalyticsEngine, filters: Filters, column: str) -> dict[Any, int]:
    where, params = filters.where()
    return {k: int(n) for k, n in engine.rows(
        f"SELECT {column}, count(*) FROM consultations c WHERE {where} GROUP BY 1", params
    )}


def _ranked_table(
    key: str, ko: str, en: str, label: Column, now: dict[Any, int], before: dict[Any, int],
    total: int, filters: Filters, field_name: str, limit: int = TOP_N,
) -> Table:
    table = Table(key, ko, en, [
        label,
        Column("count", "건수", "Count", "int"),
        Column("share", "비중", "Share", "pct"),
        Column("change", "전기 대비", "vs previous period", "pct"),
    ])
    ranked = sorted(((k, n) for k, n in now.items() if k not in (None, "")),
                    key=lambda kv: (-kv[1], str(kv[0])))[:limit]
    for k, n in ranked:
        table.rows.append({label.key: k, "count": n, "share": n / total if total else None,
                           "change": _change(n, before.get(k, 0))})
        # An unclassified bucket has no filter of its own: no drill-down for that row.
        table.drill.append(None if k == UNCLASSIFIED else filters.with_(**{field_name: k}))
    return table


UNCLASSIFIED = "기타/미분류"


def fold_unknown(counts: dict[Any, int], known: Collection[str]) -> dict[Any, int]:
    """Counts with every value outside `known` (and empty ones) summed into "기타/미분류", so
    one odd row never takes a report down."""
    out: dict[Any, int] = {}
    for k, n in counts.items():
        key = k if k in known else UNCLASSIFIED
        out[key] = out.get(key, 0) + n
    return out


def voc_report(engine: AnalyticsEngine, spec: str, base: Filters | None = None) -> VocReport:
    """Build the VOC report for `spec` (`YYYY` or `YYYY-MM`), optionally within `base` filters
    (a district officer's report is the same report restricted to the district)."""
    kind, start, end = period_of(spec)
    base = base or Filters()
    f = base.with_(start=start, end=end)
    p_start, p_end = _previous(kind, start)
    prev = base.with_(start=p_start, end=p_end)
    head = summary(engine, f)
    prev_total = summary(engine, prev)["total"]
    head["previous_total"] = prev_total
    head["change"] = _change(head["total"], prev_total)
    if kind == "month":
        ly_start, ly_end = month_range(f"{start.year - 1}-{start.month:02d}")
        ly_total = summary(engine, base.with_(start=ly_start, end=ly_end))["total"]
        head["last_year_total"] = ly_total
        head["change_last_year"] = _change(head["total"], ly_total)
    label = f"{start.year}년" if kind == "year" else f"{start.year}년 {start.month}월"
    report = VocReport(kind, label, f, head)
    total = head["total"]

    # trend: per day (month report) or per month (year report), split by channel
    where, params = f.where()
    bucket = "strftime(c.started_local, '%Y-%m')" if kind == "year" else \
        "strftime(c.started_local, '%m-%d')"
    trend_rows = engine.rows(
        f"SELECT {bucket} AS b, c.channel, count(*) FROM consultations c WHERE {where} "
        f"GROUP BY ALL ORDER BY 1", params,
    )
    labels = sorted({r[0] for r in trend_rows})
    idx = {b: i for i, b in enumerate(labels)}
    by_channel: dict[str, list[float]] = {}
    for b, ch, n in trend_rows:
        name = CHANNEL_BY_CODE[ch].name_ko if ch in CHANNEL_BY_CODE else ch
        by_channel.setdefault(name, [0.0] * len(labels))[idx[b]] = float(n)
    totals = [sum(v[i] for v in by_channel.values()) for i in range(len(labels))]
    report.charts.append(Series("trend", "상담 추이", "Volume trend", labels,
                                {"합계": totals}, "line"))
    trend = Table("trend", "기간별 상담 건수", "Volume per period",
                  [Column("period", "기간", "Period"), Column("count", "건수", "Count", "int")])
    for b, n in zip(labels, totals, strict=True):
        trend.rows.append({"period": b, "count": int(n)})
        if kind == "year":
            s, e = month_range(b)
        else:
            s = e = date(start.year, int(b[:2]), int(b[3:]))
        trend.drill.append(f.with_(start=s, end=e))
    report.tables.append(trend)

    # channels
    now_ch = _counts(engine, f, "c.channel")
    prev_ch = _counts(engine, prev, "c.channel")
    ch_table = Table("channels", "채널별 상담 건수", "Consultations per channel", [
        Column("channel", "채널", "Channel"),
        Column("count", "건수", "Count", "int"),
        Column("share", "비중", "Share", "pct"),
        Column("change", "전기 대비", "vs previous period", "pct"),
    ])
    for ch in CHANNELS:
        n = now_ch.get(ch.code, 0)
        if not n and not prev_ch.get(ch.code):
            continue
        ch_table.rows.append({"channel": ch.name_ko, "count": n,
                              "share": n / total if total else None,
                              "change": _change(n, prev_ch.get(ch.code, 0))})
        ch_table.drill.append(f.with_(channels=(ch.code,)))
    report.tables.append(ch_table)
    report.charts.append(Series("channels", "채널별 비중", "Channel mix",
                                [r["channel"] for r in ch_table.rows],
                                {"건수": [float(r["count"]) for r in ch_table.rows]}, "hbar"))
    report.tables.append(phone_response_table(engine, f, by="month" if kind == "year" else "day"))

    # categories, programs, questions
    cat = _ranked_table("categories", "분야별 상담 (상위)", "Top categories",
                        Column("category", "분야", "Category"),
                        fold_unknown(_counts(engine, f, "c.category"), CATEGORIES),
                        fold_unknown(_counts(engine, prev, "c.category"), CATEGORIES),
                        total, f, "category")
    report.tables.append(cat)
    report.charts.append(Series("categories", "분야별 상담", "Top categories",
                                [r["category"] for r in cat.rows],
                                {"건수": [float(r["count"]) for r in cat.rows]}, "hbar"))
    now_prog = _counts(engine, f, "c.program")
    prev_prog = _counts(engine, prev, "c.program")
    report.tables.append(_ranked_table(
        "programs", "사업별 상담 (상위)", "Top programs", Column("program", "사업", "Program"),
        now_prog, prev_prog, total, f, "program"))
    report.tables.append(top_questions(engine, f, TOP_N + 5))
    report.tables.append(rising_programs(now_prog, prev_prog, f))

    # districts
    now_d = _counts(engine, f, "c.district_code")
    dist = Table("districts", "자치구별 상담", "Consultations per district", [
        Column("district", "자치구", "District"),
        Column("count", "건수", "Count", "int"),
        Column("share", "비중", "Share", "pct"),
        Column("per_10k", "인구 1만명당", "Per 10k residents", "float"),
    ])
    for d in sorted(DISTRICTS, key=lambda d: -now_d.get(d.code, 0)):
        if base.district and d.code != base.district:
            continue
        n = now_d.get(d.code, 0)
        dist.rows.append({"district": d.name_ko, "district_code": d.code, "count": n,
                          "share": n / total if total else None,
                          "per_10k": n / (d.population_k / 10)})
        dist.drill.append(f.with_(district=d.code))
    report.tables.append(dist)
    report.charts.append(Series("districts", "자치구별 상담", "Per district",
                                [r["district"] for r in dist.rows],
                                {"건수": [float(r["count"]) for r in dist.rows]}, "bar"))
    if now_ch.get("smart_report"):
        report.tables.append(field_complaints_table(engine, f))
    report.notable = notable_cases(engine, f)
    return report


def field_complaints_table(engine: AnalyticsEngine, f: Filters) -> Table:
    """The field-complaint (스마트 불편신고) section: reports per district with their SLA shares,
    read from the complaints room over the operational database (the mirror holds only the
    consultation side)."""
    from dasan.complaints.sla import district_figures
    from dasan.db.session import session_scope

    table = Table("field_complaints", "스마트 불편신고 (자치구별 처리·기한 준수)",
                  "Field complaints per district (handling and SLA)", [
                      Column("district", "자치구", "District"),
                      Column("count", "신고 건수", "Reports", "int"),
                      Column("open", "처리 중", "Open", "int"),
                      Column("closed", "처리 완료", "Closed", "int"),
                      Column("escalated", "기한 초과 보고", "Escalated", "int"),
                      Column("ack_within_sla", "접수 확인 기한 준수율", "Acknowledged in time",
                             "pct"),
                      Column("resolved_within_sla", "처리 기한 준수율", "Resolved in time", "pct"),
                  ])
    if f.channels and "smart_report" not in f.channels:
        return table
    start = local_midnight(f.start) if f.start else datetime(1970, 1, 1, tzinfo=UTC)
    end = local_midnight(f.end + timedelta(days=1)) if f.end else None
    with session_scope(engine.database_url) as session:
        figures = district_figures(session, start, f.district, until=end)
    for fig in figures:
        table.rows.append({"district": fig.district_name, "district_code": fig.district_code,
                           "count": fig.total, "open": fig.open, "closed": fig.closed,
                           "escalated": fig.escalated, "ack_within_sla": fig.ack_within_sla,
                           "resolved_within_sla": fig.resolved_within_sla})
        table.drill.append(f.with_(district=fig.district_code, channels=("smart_report",)))
    return table


def top_questions(engine: AnalyticsEngine, f: Filters, limit: int = 20) -> Table:
    where, params = f.where()
    rows = engine.rows(
        f"SELECT c.subject, any_value(c.program), count(*) AS n FROM consultations c "
        f"WHERE {where} AND c.subject IS NOT NULL AND c.subject <> '' "
        f"GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?", [*params, limit],
    )
    total = sum(int(r[2]) for r in rows)
    table = Table("questions", "주요 질문 (상위)", "Top questions", [
        Column("question", "질문", "Question"),
        Column("program", "사업", "Program"),
        Column("count", "건수", "Count", "int"),
        Column("share", "상위 질문 중 비중", "Share of top questions", "pct"),
    ])
    for subject, program, n in rows:
        table.rows.append({"question": for_record(str(subject)), "program": program or "",
                           "count": int(n), "share": n / total if total else None})
        # subjects are stored masked; the drill-down matches the question text itself
        table.drill.append(f.with_(keyword=str(subject)))
    return table


def rising_programs(now: dict[Any, int], before: dict[Any, int], f: Filters,
                    min_count: int = 20, limit: int = 10) -> Table:
    table = Table("rising", "급증 사업 (전기 대비)", "Rising programs (vs previous period)", [
        Column("program", "사업", "Program"),
        Column("count", "건수", "Count", "int"),
        Column("previous", "전기", "Previous", "int"),
        Column("change", "증가율", "Change", "pct"),
    ])
    cand = []
    for k, n in now.items():
        if not k or n < min_count:
            continue
        b = before.get(k, 0)
        growth = (n - b) / max(b, 1)
        cand.append((growth, k, n, b))
    for growth, k, n, b in sorted(cand, key=lambda x: (-x[0], str(x[1])))[:limit]:
        if growth <= 0.1:
            break
        table.rows.append({"program": k, "count": n, "previous": b, "change": growth})
        table.drill.append(f.with_(program=k))
    return table


def notable_cases(engine: AnalyticsEngine, f: Filters, limit: int = 12) -> list[dict[str, Any]]:
    """Crisis-flagged and forcibly terminated consultations, then the longest ones."""
    where, params = f.where()
    rows = engine.dicts(
        f"SELECT c.id, c.started_local AS started_at, c.channel, c.district_code, c.category, "
        f"c.program, c.subject, c.summary, c.outcome, c.crisis, c.handle_seconds, "
        f"CASE WHEN c.crisis THEN 0 WHEN c.outcome = 'forced_terminated' THEN 1 ELSE 2 END AS r "
        f"FROM consultations c WHERE {where} AND (c.crisis OR c.outcome = 'forced_terminated' "
        f"OR c.handle_seconds IS NOT NULL) "
        f"ORDER BY r, c.handle_seconds DESC NULLS LAST, c.id LIMIT ?", [*params, limit],
    )
    out = []
    for r in rows:
        reason = {0: "위기 신호 (crisis)", 1: "강제 종료 (forced termination)",
                  2: "장시간 상담 (long consultation)"}[int(r.pop("r"))]
        d = DISTRICT_BY_CODE.get(r["district_code"] or "")
        out.append({
            "id": r["id"],
            "started_at": r["started_at"].isoformat(sep=" ", timespec="minutes"),
            "channel": CHANNEL_BY_CODE[r["channel"]].name_ko
            if r["channel"] in CHANNEL_BY_CODE else r["channel"],
            "district": d.name_ko if d else "",
            "category": r["category"] or "",
            "program": r["program"] or "",
            "subject": for_record(r["subject"]),
            "summary": with_termination(for_record(r["summary"]), r["outcome"]),
            "outcome": r["outcome"],
            "handle_seconds": r["handle_seconds"],
            "reason": reason,
        })
    return out
