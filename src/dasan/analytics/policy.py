"""Policy-issue analysis: one program or keyword over a period.

Count, daily trend, a type breakdown by keyword rules on the question text (충전 charging,
발급 issuance, 환불 refund, ...), channels, districts and the main questions — the analysis the
city published for 기후동행카드 (61,562 consultations, charging 56.8%, issuance 35.9%).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dasan.analytics.engine import AnalyticsEngine
from dasan.analytics.filters import Column, Filters, Table, keyword_pattern
from dasan.analytics.qtypes import TYPE_LABELS, type_case_sql
from dasan.analytics.voc import Series, top_questions
from dasan.consultations.channels import CHANNEL_BY_CODE
from dasan.consultations.districts import DISTRICT_BY_CODE
from dasan.errors import BadRequest


@dataclass
class PolicyReport:
    topic: str
    filters: Filters
    count: int
    days: int
    first: date | None
    last: date | None
    types: Table
    tables: list[Table] = field(default_factory=list)
    charts: list[Series] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "filters": self.filters.to_params(),
            "count": self.count,
            "days": self.days,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "types": self.types.as_dict(),
            "tables": [t.as_dict() for t in self.tables],
            "charts": [s.__dict__ for s in self.charts],
        }


def policy_filters(base: Filters, program: str | None, keyword: str | None) -> Filters:
    if not program and not keyword:
        raise BadRequest("give a program (사업명) or a keyword")
    if keyword:
        keyword_pattern(keyword)  # validates
    return base.with_(program=program or None, keyword=keyword or None)


def policy_report(
    engine: AnalyticsEngine,
    start: date,
    end: date,
    program: str | None = None,
    keyword: str | None = None,
    base: Filters | None = None,
) -> PolicyReport:
    f = policy_filters((base or Filters()).with_(start=start, end=end), program, keyword)
    where, params = f.where()
    head = engine.rows(
        f"SELECT count(*), count(DISTINCT CAST(c.started_local AS DATE)), "
        f"min(CAST(c.started_local AS DATE)), max(CAST(c.started_local AS DATE)) "
        f"FROM consultations c WHERE {where}", params,
    )[0]
    count = int(head[0])
    topic = program or keyword or ""
    types = Table("types", "유형별 상담", "Consultations per type", [
        Column("type", "유형", "Type"),
        Column("count", "건수", "Count", "int"),
        Column("share", "비중", "Share", "pct"),
    ], note="유형은 질문의 핵심어 규칙으로 분류 (types come from keyword rules on the question)")
    type_rows = engine.rows(
        f"SELECT {type_case_sql()} AS t, count(*) FROM consultations c WHERE {where} "
        f"GROUP BY 1 ORDER BY 2 DESC, 1", params,
    )
    for code, n in type_rows:
        ko, _en = TYPE_LABELS[code]
        types.rows.append({"type": ko, "type_code": code, "count": int(n),
                           "share": n / count if count else None})
        types.drill.append(f.with_(qtype=code))
    report = PolicyReport(topic, f, count, int(head[1]), head[2], head[3], types)
    report.charts.append(Series("types", "유형별 비중", "Type breakdown",
                                [r["type"] for r in types.rows],
                                {"건수": [float(r["count"]) for r in types.rows]}, "hbar"))
    trend = engine.rows(
        f"SELECT CAST(c.started_local AS DATE) AS d, count(*) FROM consultations c WHERE {where} "
        f"GROUP BY 1 ORDER BY 1", params,
    )
    report.charts.append(Series("trend", "일별 추이", "Daily trend",
                                [d.isoformat() for d, _n in trend],
                                {"건수": [float(n) for _d, n in trend]}, "line"))
    report.tables.append(top_questions(engine, f, 15))
    channels = Table("channels", "채널별", "Per channel", [
        Column("channel", "채널", "Channel"), Column("count", "건수", "Count", "int"),
        Column("share", "비중", "Share", "pct")])
    for ch, n in engine.rows(f"SELECT c.channel, count(*) FROM consultations c WHERE {where} "
                             f"GROUP BY 1 ORDER BY 2 DESC", params):
        channels.rows.append({"channel": CHANNEL_BY_CODE[ch].name_ko if ch in CHANNEL_BY_CODE
                              else ch, "count": int(n), "share": n / count if count else None})
        channels.drill.append(f.with_(channels=(ch,)))
    report.tables.append(channels)
    districts = Table("districts", "자치구별", "Per district", [
        Column("district", "자치구", "District"), Column("count", "건수", "Count", "int"),
        Column("share", "비중", "Share", "pct")])
    for code, n in engine.rows(f"SELECT c.district_code, count(*) FROM consultations c "
                               f"WHERE {where} AND c.district_code IS NOT NULL "
                               f"GROUP BY 1 ORDER BY 2 DESC", params):
        d = DISTRICT_BY_CODE.get(code)
        districts.rows.append({"district": d.name_ko if d else code, "count": int(n),
                               "share": n / count if count else None})
        districts.drill.append(f.with_(district=code) if d else None)
    report.tables.append(districts)
    return report

