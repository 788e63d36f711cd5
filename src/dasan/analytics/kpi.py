"""KPI tables in the layouts the city publishes.

Definitions (one place, used by every table, the drill-down and the tests):

* total inflow (총 인입): every phone consultation row, i.e. every call that reached the ARS;
* inflow (상담사 인입): calls that were queued to agents (`queued_at` set);
* answered (응대): an agent actually answered (`answered_at` set: first agent message or call
  answer) and the outcome is not an abandonment; defined in `dasan.consultations.outcomes`
  (ADR 0004), the one definition chat, KPIs, VOC and workforce inputs share;
* response rate (응답률), both ways the city's audit asked for: answered / inflow and
  answered / total inflow;
* service level: answered within N seconds of queueing / inflow (offered);
* ASA: mean wait of answered contacts; abandonment: abandoned / inflow;
* AHT: mean handle time (talk + wrap-up) of answered contacts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dasan.analytics.engine import AnalyticsEngine
from dasan.analytics.filters import Column, Filters, Table
from dasan.consultations import outcomes
from dasan.consultations.channels import CHANNEL_BY_CODE, CHANNELS
from dasan.errors import BadRequest

ANSWERED = outcomes.ANSWERED_SQL
INFLOW = outcomes.INFLOW_SQL
ABANDONED = outcomes.ABANDONED_SQL

GROUPS = ("interval", "hour", "day", "month", "queue", "team", "agent", "channel")


def _channel_row_label(code: str) -> str:
    ch = CHANNEL_BY_CODE.get(code)
    return ch.name_ko if ch else code


def channel_year_table(engine: AnalyticsEngine, filters: Filters | None = None) -> Table:
    """Consultations per year per channel (rows: the nine channels and a total)."""
    filters = filters or Filters()
    where, params = filters.where()
    rows = engine.rows(
        f"SELECT year(c.started_local) AS y, c.channel, count(*) FROM consultations c "
        f"WHERE {where} GROUP BY ALL ORDER BY 1", params,
    )
    years = sorted({int(r[0]) for r in rows})
    counts: dict[tuple[str, int], int] = {(r[1], int(r[0])): int(r[2]) for r in rows}
    table = Table(
        "channel_year", "채널별 연간 상담 건수", "Consultations per year per channel",
        [Column("channel", "채널", "Channel")]
        + [Column(str(y), f"{y}년", str(y), "int") for y in years]
        + [Column("share", "비중(최근 연도)", "Share (latest year)", "pct")],
    )
    latest_total = sum(v for (_ch, y), v in counts.items() if years and y == years[-1])
    for ch in CHANNELS:
        if not any((ch.code, y) in counts for y in years):
            continue
        row: dict[str, Any] = {"channel": ch.name_ko, "channel_code": ch.code}
        for y in years:
            row[str(y)] = counts.get((ch.code, y), 0)
        last = counts.get((ch.code, years[-1]), 0) if years else 0
        row["share"] = last / latest_total if latest_total else None
        table.rows.append(row)
        table.drill.append(filters.with_(channels=(ch.code,)))
    total: dict[str, Any] = {"channel": "합계", "channel_code": None}
    for y in years:
        total[str(y)] = sum(v for (_ch, yy), v in counts.items() if yy == y)
    total["share"] = 1.0 if latest_total else None
    table.rows.append(total)
    table.drill.append(filters)
    return table


def channel_daily_average_table(engine: AnalyticsEngine, filters: Filters | None = None) -> Table:
    """Daily average consultations per channel and year (count / days with any consultation)."""
    filters = filters or Filters()
    where, params = filters.where()
    days = {int(y): int(n) for y, n in engine.rows(
        f"SELECT year(c.started_local), count(DISTINCT CAST(c.started_local AS DATE)) "
        f"FROM consultations c WHERE {where} GROUP BY 1", params,
    )}
    year_table = channel_year_table(engine, filters)
    years = sorted(days)
    table = Table(
        "channel_daily_average", "채널별 일평균 상담 건수", "Daily average per channel",
        [Column("channel", "채널", "Channel")]
        + [Column(str(y), f"{y}년", str(y), "float") for y in years],
        note="일평균 = 연간 건수 / 상담이 있었던 일수 (daily average = count / days with data)",
    )
    for row, drill in zip(year_table.rows, year_table.drill, strict=True):
        out: dict[str, Any] = {"channel": row["channel"], "channel_code": row["channel_code"]}
        for y in years:
            out[str(y)] = row.get(str(y), 0) / days[y] if days[y] else None
        table.rows.append(out)
        table.drill.append(drill)
    return table


def phone_response_table(
    engine: AnalyticsEngine, filters: Filters | None = None, by: str = "year"
) -> Table:
    """Phone total inflow, inflow, answered and response rate (both ways) per year or month."""
    if by not in ("year", "month", "day"):
        raise BadRequest("by must be year, month or day")
    filters = (filters or Filters()).with_(channels=("phone",))
    where, params = filters.where()
    period = {"year": "strftime(c.started_local, '%Y')",
              "month": "strftime(c.started_local, '%Y-%m')",
              "day": "strftime(c.started_local, '%Y-%m-%d')"}[by]
    rows = engine.rows(
        f"SELECT {period} AS p, count(*) AS total_inflow, count(*) FILTER ({INFLOW}) AS inflow, "
        f"count(*) FILTER ({ANSWERED}) AS answered, min(CAST(c.started_local AS DATE)), "
        f"max(CAST(c.started_local AS DATE)) "
        f"FROM consultations c WHERE {where} GROUP BY 1 ORDER BY 1", params,
    )
    table = Table(
        "phone_response", "전화 인입·응대·응답률", "Phone inflow, answered and response rate",
        [
            Column("period", "기간", "Period"),
            Column("total_inflow", "총 인입호", "Total inflow (ARS)", "int"),
            Column("inflow", "상담사 인입호", "Inflow (to agents)", "int"),
            Column("answered", "응대호", "Answered", "int"),
            Column("rate_inflow", "응답률(응대/인입)", "Response rate (answered/inflow)", "pct"),
            Column("rate_total", "응답률(응대/총인입)", "Response rate (answered/total inflow)",
                   "pct"),
        ],
    )
    for p, total, inflow, answered, first, last in rows:
        table.rows.append({
            "period": p,
            "total_inflow": int(total),
            "inflow": int(inflow),
            "answered": int(answered),
            "rate_inflow": answered / inflow if inflow else None,
            "rate_total": answered / total if total else None,
        })
        table.drill.append(filters.with_(start=max_date(filters.start, first),
                                         end=min_date(filters.end, last)))
    return table


def max_date(a: date | None, b: date) -> date:
    return b if a is None else max(a, b)


def min_date(a: date | None, b: date) -> date:
    return b if a is None else min(a, b)


def service_table(
    engine: AnalyticsEngine,
    filters: Filters | None = None,
    by: str = "interval",
    threshold_seconds: float = 20.0,
    interval_minutes: int = 30,
) -> Table:
    """Service level, ASA, abandonment and AHT per interval, hour, day, queue, team or agent.

    Counts live contacts that were queued; without a channel filter, phone only.
    """
    if by not in GROUPS:
        raise BadRequest(f"by must be one of {', '.join(GROUPS)}")
    if threshold_seconds <= 0:
        raise BadRequest("service-level threshold must be positive")
    if interval_minutes not in (15, 30, 60):
        raise BadRequest("interval must be 15, 30 or 60 minutes")
    filters = filters or Filters()
    if not filters.channels:
        filters = filters.with_(channels=("phone",))
    where, params = filters.where()
    joins = ""
    if by == "interval":
        key = (f"strftime(time_bucket(INTERVAL '{interval_minutes} minutes', c.started_local), "
               f"'%H:%M')")
        label = key
    elif by == "hour":
        key = label = "hour(c.started_local)"
    elif by == "day":
        key = label = "strftime(c.started_local, '%Y-%m-%d')"
    elif by == "month":
        key = label = "strftime(c.started_local, '%Y-%m')"
    elif by == "queue":
        joins = "LEFT JOIN queues q ON q.id = c.queue_id"
        key, label = "c.queue_id", "coalesce(q.name, '(없음)')"
    elif by == "team":
        joins = "LEFT JOIN agents a ON a.id = c.agent_id LEFT JOIN teams t ON t.id = a.team_id"
        key, label = "a.team_id", "coalesce(t.name, '(미배정)')"
    elif by == "agent":
        joins = "LEFT JOIN agents a ON a.id = c.agent_id"
        key, label = "c.agent_id", "coalesce(a.name || ' (' || a.employee_no || ')', '(미배정)')"
    else:
        key = label = "c.channel"
    sql = (
        f"SELECT {key} AS k, any_value({label}) AS label, "
        f"count(*) FILTER ({INFLOW}) AS offered, "
        f"count(*) FILTER ({INFLOW} AND {ANSWERED}) AS answered, "
        f"count(*) FILTER ({INFLOW} AND {ABANDONED}) AS abandoned, "
        f"count(*) FILTER ({INFLOW} AND {ANSWERED} AND c.wait_seconds <= ?) AS within, "
        f"avg(c.wait_seconds) FILTER ({INFLOW} AND {ANSWERED}) AS asa, "
        f"avg(c.handle_seconds) FILTER ({INFLOW} AND {ANSWERED}) AS aht "
        f"FROM consultations c {joins} WHERE {where} GROUP BY 1 ORDER BY 1 NULLS LAST"
    )
    rows = engine.rows(sql, [threshold_seconds, *params])
    n = int(threshold_seconds) if float(threshold_seconds).is_integer() else threshold_seconds
    table = Table(
        f"service_{by}", f"서비스 지표 ({_GROUP_KO[by]}별)", f"Service KPIs per {by}",
        [
            Column("label", _GROUP_KO[by], by.capitalize()),
            Column("offered", "인입", "Offered", "int"),
            Column("answered", "응대", "Answered", "int"),
            Column("abandoned", "포기", "Abandoned", "int"),
            Column("service_level", f"서비스레벨({n}초)", f"Service level ({n}s)", "pct"),
            Column("asa", "평균응답속도", "ASA", "sec"),
            Column("abandon_rate", "포기율", "Abandonment", "pct"),
            Column("aht", "평균처리시간", "AHT", "sec"),
        ],
    )
    for k, lab, offered, answered, abandoned, within, asa, aht in rows:
        if not offered:
            continue
        table.rows.append({
            "key": k,
            "label": str(lab) if by != "channel" else _channel_row_label(str(lab)),
            "offered": int(offered),
            "answered": int(answered),
            "abandoned": int(abandoned),
            "service_level": within / offered,
            "asa": asa,
            "abandon_rate": abandoned / offered,
            "aht": aht,
        })
        table.drill.append(_drill_for(filters, by, k))
    return table


_GROUP_KO = {"interval": "시간대", "hour": "시각", "day": "일자", "month": "월", "queue": "큐",
             "team": "팀", "agent": "상담사", "channel": "채널"}


def _drill_for(filters: Filters, by: str, key: Any) -> Filters | None:
    if key is None:
        return None
    if by == "hour":
        return filters.with_(hour=int(key))
    if by == "interval":
        return filters.with_(hour=int(str(key)[:2]))
    if by == "day":
        d = date.fromisoformat(str(key))
        return filters.with_(start=d, end=d)
    if by == "queue":
        return filters.with_(queue_id=int(key))
    if by == "team":
        return filters.with_(team_id=int(key))
    if by == "agent":
        return filters.with_(agent_id=int(key))
    if by == "channel":
        return filters.with_(channels=(str(key),))
    return None


def summary(engine: AnalyticsEngine, filters: Filters | None = None) -> dict[str, Any]:
    """Headline figures for a period (used by the reports page and the CLI)."""
    filters = filters or Filters()
    where, params = filters.where()
    row = engine.rows(
        f"SELECT count(*), count(*) FILTER (c.channel = 'phone'), "
        f"count(*) FILTER (c.channel = 'phone' AND {INFLOW}), "
        f"count(*) FILTER (c.channel = 'phone' AND {ANSWERED}), "
        f"min(c.started_local), max(c.started_local), "
        f"count(DISTINCT CAST(c.started_local AS DATE)) "
        f"FROM consultations c WHERE {where}", params,
    )[0]
    total, phone_total, phone_inflow, phone_answered, first, last, days = row
    return {
        "total": int(total),
        "days": int(days),
        "daily_average": total / days if days else None,
        "phone_total_inflow": int(phone_total),
        "phone_inflow": int(phone_inflow),
        "phone_answered": int(phone_answered),
        "response_rate_inflow": phone_answered / phone_inflow if phone_inflow else None,
        "response_rate_total": phone_answered / phone_total if phone_total else None,
        "first": first,
        "last": last,
    }
