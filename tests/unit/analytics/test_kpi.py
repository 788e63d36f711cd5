"""KPI arithmetic against plain-Python computations on the same rows."""

from __future__ import annotations

from collections import Counter
from statistics import mean

import pytest

from dasan.analytics import kpi
from dasan.analytics.engine import AnalyticsEngine
from dasan.analytics.filters import Filters
from dasan.consultations.channels import CHANNEL_BY_CODE
from dasan.consultations.outcomes import ABANDONED_OUTCOMES
from dasan.errors import DomainError


def _answered(r: dict[str, object]) -> bool:
    return r["answered_at"] is not None and r["outcome"] not in ABANDONED_OUTCOMES


def test_channel_year_table_counts_every_channel(engine: AnalyticsEngine,
                                                 raw_rows: list[dict[str, object]]) -> None:
    table = kpi.channel_year_table(engine)
    expected = Counter(str(r["channel"]) for r in raw_rows)
    got = {r["channel_code"]: r["2024"] for r in table.rows if r["channel_code"]}
    assert got == dict(expected)
    total = table.rows[-1]
    assert total["channel"] == "합계" and total["2024"] == len(raw_rows)
    assert sum(r["share"] for r in table.rows[:-1]) == pytest.approx(1.0)
    # rows follow the official channel order and carry Korean names
    assert table.rows[0]["channel"] == CHANNEL_BY_CODE["phone"].name_ko


def test_daily_average_divides_by_days_with_data(engine: AnalyticsEngine,
                                                 raw_rows: list[dict[str, object]]) -> None:
    table = kpi.channel_daily_average_table(engine)
    days = {str(r["started_local"])[:10] for r in raw_rows}
    phone = sum(1 for r in raw_rows if r["channel"] == "phone")
    row = next(r for r in table.rows if r["channel_code"] == "phone")
    assert row["2024"] == pytest.approx(phone / len(days))


def test_daily_average_counts_only_the_filtered_days_and_fills_every_column(
        engine: AnalyticsEngine, raw_rows: list[dict[str, object]]) -> None:
    f = Filters.from_params({"start": "2024-03-11", "end": "2024-03-17"})
    week = [r for r in raw_rows if "2024-03-11" <= str(r["started_local"])[:10] <= "2024-03-17"]
    days = len({str(r["started_local"])[:10] for r in week})
    assert 0 < days < len({str(r["started_local"])[:10] for r in raw_rows})
    table = kpi.channel_daily_average_table(engine, f)
    counts = Counter(str(r["channel"]) for r in week)
    for row in table.rows:
        expected = counts[row["channel_code"]] if row["channel_code"] else len(week)
        assert row["2024"] == pytest.approx(expected / days), row
    # what a page or an export shows: Korean headings, and a value under every column
    assert table.ko == "채널별 일평균 상담 건수"
    assert [(c.key, c.ko, c.kind) for c in table.columns] == [
        ("channel", "채널", "text"), ("2024", "2024년", "float")]
    assert all(c.key in row for row in table.rows for c in table.columns)
    assert table.note and "일평균" in table.note


def test_response_rate_is_reported_both_ways(engine: AnalyticsEngine,
                                             raw_rows: list[dict[str, object]]) -> None:
    table = kpi.phone_response_table(engine, by="year")
    phone = [r for r in raw_rows if r["channel"] == "phone"]
    inflow = [r for r in phone if r["queued_at"] is not None]
    answered = [r for r in phone if _answered(r)]
    (row,) = table.rows
    assert row["total_inflow"] == len(phone)
    assert row["inflow"] == len(inflow)
    assert row["answered"] == len(answered)
    assert row["rate_inflow"] == pytest.approx(len(answered) / len(inflow))
    assert row["rate_total"] == pytest.approx(len(answered) / len(phone))
    # the ARS-only calls make total inflow larger than inflow, so the two rates differ
    assert row["total_inflow"] > row["inflow"]


def test_service_kpis_per_queue(engine: AnalyticsEngine,
                                raw_rows: list[dict[str, object]]) -> None:
    table = kpi.service_table(engine, by="queue", threshold_seconds=20)
    assert table.rows
    for row in table.rows:
        q = [r for r in raw_rows if r["channel"] == "phone" and r["queue_id"] == row["key"]
             and r["queued_at"] is not None]
        ans = [r for r in q if _answered(r)]
        within = [r for r in ans if float(r["wait_seconds"]) <= 20]  # type: ignore[arg-type]
        aband = [r for r in q if r["outcome"] in ABANDONED_OUTCOMES]
        assert row["offered"] == len(q)
        assert row["answered"] == len(ans)
        assert row["service_level"] == pytest.approx(len(within) / len(q))
        assert row["abandon_rate"] == pytest.approx(len(aband) / len(q))
        assert row["asa"] == pytest.approx(mean(float(r["wait_seconds"]) for r in ans))  # type: ignore[arg-type]
        assert row["aht"] == pytest.approx(mean(float(r["handle_seconds"]) for r in ans))  # type: ignore[arg-type]


def test_service_kpis_per_team_and_agent_add_up(engine: AnalyticsEngine,
                                                raw_rows: list[dict[str, object]]) -> None:
    by_team = kpi.service_table(engine, by="team")
    by_agent = kpi.service_table(engine, by="agent")
    phone_answered = sum(1 for r in raw_rows if r["channel"] == "phone"
                         and r["queued_at"] is not None and _answered(r))
    assert sum(r["answered"] for r in by_team.rows) == phone_answered
    assert sum(r["answered"] for r in by_agent.rows) == phone_answered
    team1 = next(r for r in by_team.rows if r["key"] == 1)
    assert team1["answered"] == sum(1 for r in raw_rows if r["channel"] == "phone"
                                    and r["team_id"] == 1 and _answered(r))


def test_service_kpis_per_channel_name_each_channel_in_korean(
        engine: AnalyticsEngine, raw_rows: list[dict[str, object]]) -> None:
    table = kpi.service_table(engine, by="channel")
    assert table.rows
    for row in table.rows:
        assert row["label"] == CHANNEL_BY_CODE[row["key"]].name_ko
        assert row["offered"] == sum(1 for r in raw_rows if r["channel"] == row["key"]
                                     and r["queued_at"] is not None)


def test_intervals_and_filters(engine: AnalyticsEngine,
                               raw_rows: list[dict[str, object]]) -> None:
    table = kpi.service_table(engine, by="interval", interval_minutes=30)
    assert len(table.rows) <= 48
    assert all(r["label"][-2:] in ("00", "30") for r in table.rows)
    f = Filters.from_params({"district": "금천구", "start": "2024-03-11", "end": "2024-03-17"})
    s = kpi.summary(engine, f)
    expected = sum(1 for r in raw_rows if r["district_code"] == "11545"
                   and "2024-03-11" <= str(r["started_local"])[:10] <= "2024-03-17")
    assert s["total"] == expected


def test_bad_arguments_are_rejected(engine: AnalyticsEngine) -> None:
    with pytest.raises(DomainError, match="by must be"):
        kpi.service_table(engine, by="weather")
    with pytest.raises(DomainError, match="threshold"):
        kpi.service_table(engine, threshold_seconds=0)
    with pytest.raises(DomainError, match="interval"):
        kpi.service_table(engine, interval_minutes=7)


def test_summary_headline_response_rates(engine: AnalyticsEngine,
                                         raw_rows: list[dict[str, object]]) -> None:
    """The report summary's two headline rates: answered over inflow (queued calls) and
    answered over every phone call (ARS-only calls included)."""
    s = kpi.summary(engine)
    phone = [r for r in raw_rows if r["channel"] == "phone"]
    inflow = [r for r in phone if r["queued_at"] is not None]
    answered = [r for r in phone if r["queued_at"] is not None and _answered(r)]
    assert s["total"] == len(raw_rows)
    assert s["phone_total_inflow"] == len(phone) and s["phone_inflow"] == len(inflow)
    assert s["phone_answered"] == len(answered)
    assert s["response_rate_inflow"] == pytest.approx(len(answered) / len(inflow))
    assert s["response_rate_total"] == pytest.approx(len(answered) / len(phone))
    assert s["response_rate_total"] < s["response_rate_inflow"]


def test_drilling_into_a_service_row_shows_that_rows_contacts(
        engine: AnalyticsEngine) -> None:
    """A row's drill-down (the link behind each figure) selects exactly the contacts the row
    counts: the same table over the drill filters has that row alone, with the same figures."""
    every_channel = Filters(channels=tuple(CHANNEL_BY_CODE))
    for by in ("hour", "day", "queue", "team", "agent", "channel"):
        table = kpi.service_table(engine, every_channel if by == "channel" else None, by=by)
        assert len(table.drill) == len(table.rows) and len(table.rows) > 1, by
        for row, drill in zip(table.rows, table.drill, strict=True):
            if row["key"] is None:  # "(없음)" / "(미배정)": nothing to filter on
                assert drill is None
                continue
            assert drill is not None, (by, row)
            (again,) = kpi.service_table(engine, drill, by=by).rows
            assert again == row, (by, row)
    table = kpi.service_table(engine, by="interval", interval_minutes=60)
    for row, drill in zip(table.rows, table.drill, strict=True):
        assert drill is not None and drill.hour == int(row["label"][:2])
        (again,) = kpi.service_table(engine, drill, by="interval", interval_minutes=60).rows
        assert again == row
    (month,) = kpi.service_table(engine, by="month").rows
    assert month["label"] == "2024-03"  # the four-digit year, as in the daily labels
    assert kpi.service_table(engine, by="month").drill == [None]
    # the smallest thresholds and intervals the page offers are accepted
    assert kpi.service_table(engine, by="month", threshold_seconds=1).rows
    assert kpi.service_table(engine, by="month", threshold_seconds=0.5).rows
    assert kpi.service_table(engine, by="interval", interval_minutes=15).rows


def test_contacts_without_a_queue_or_agent_get_a_row_of_their_own(
        engine: AnalyticsEngine, raw_rows: list[dict[str, object]]) -> None:
    """The queued crisis call has no queue and no agent: it is counted under "(없음)" and
    "(미배정)", last, rather than dropped."""
    unqueued = [r for r in raw_rows if r["channel"] == "phone" and r["queued_at"] is not None
                and r["queue_id"] is None]
    assert unqueued
    last = kpi.service_table(engine, by="queue").rows[-1]
    assert (last["key"], last["label"], last["offered"]) == (None, "(없음)", len(unqueued))
    no_agent = [r for r in raw_rows if r["channel"] == "phone" and r["queued_at"] is not None
                and r["agent_id"] is None]
    for by in ("team", "agent"):
        last = kpi.service_table(engine, by=by).rows[-1]
        assert (last["key"], last["label"], last["offered"]) == (None, "(미배정)", len(no_agent))
    agent = kpi.service_table(engine, by="agent").rows[0]
    assert agent["label"].endswith(" (A0001)")


def test_service_table_headings_show_the_threshold_and_each_columns_kind(
        engine: AnalyticsEngine, raw_rows: list[dict[str, object]]) -> None:
    table = kpi.service_table(engine, by="queue")  # the city's default threshold: 20 s
    assert (table.key, table.ko, table.en) == ("service_queue", "서비스 지표 (큐별)",
                                               "Service KPIs per queue")
    assert [(c.key, c.ko, c.en, c.kind) for c in table.columns] == [
        ("label", "큐", "Queue", "text"), ("offered", "인입", "Offered", "int"),
        ("answered", "응대", "Answered", "int"), ("abandoned", "포기", "Abandoned", "int"),
        ("service_level", "서비스레벨(20초)", "Service level (20s)", "pct"),
        ("asa", "평균응답속도", "ASA", "sec"), ("abandon_rate", "포기율", "Abandonment", "pct"),
        ("aht", "평균처리시간", "AHT", "sec")]
    assert all(c.key in row for row in table.rows for c in table.columns)
    # a threshold that is not a whole number of seconds is shown as given, and counts so
    half = kpi.service_table(engine, by="channel", threshold_seconds=7.5)
    assert half.columns[4].ko == "서비스레벨(7.5초)" and half.ko == "서비스 지표 (채널별)"
    (phone,) = half.rows
    q = [r for r in raw_rows if r["channel"] == "phone" and r["queued_at"] is not None]
    within = [r for r in q if _answered(r) and float(r["wait_seconds"]) <= 7.5]  # type: ignore[arg-type]
    assert phone["service_level"] == pytest.approx(len(within) / len(q))
    assert phone["abandoned"] == sum(1 for r in q if r["outcome"] in ABANDONED_OUTCOMES)


def test_response_rate_per_day_and_the_period_behind_each_row(
        engine: AnalyticsEngine, raw_rows: list[dict[str, object]]) -> None:
    """Per day: one row a day with phone calls; a row's drill-down covers that day only; the
    year row's covers the days with data inside the asked period, not the asked period."""
    f = Filters.from_params({"start": "2024-03-01", "end": "2024-03-31"})
    daily = kpi.phone_response_table(engine, f, by="day")
    phone = [r for r in raw_rows if r["channel"] == "phone"]
    days = sorted({str(r["started_local"])[:10] for r in phone})
    assert [r["period"] for r in daily.rows] == days
    for row, drill in zip(daily.rows, daily.drill, strict=True):
        assert drill is not None and str(drill.start) == str(drill.end) == row["period"]
        assert row["total_inflow"] == sum(1 for r in phone
                                          if str(r["started_local"])[:10] == row["period"])
    (year,) = kpi.phone_response_table(engine, f, by="year").drill
    assert year is not None and (str(year.start), str(year.end)) == (days[0], days[-1])
    week = Filters.from_params({"start": "2024-03-11", "end": "2024-03-17"})
    (year,) = kpi.phone_response_table(engine, week, by="year").drill
    assert year is not None and (str(year.start), str(year.end)) == ("2024-03-11", "2024-03-17")
    (whole,) = kpi.phone_response_table(engine, f, by="year").rows
    assert whole["period"] == "2024"
    (month,) = kpi.phone_response_table(engine, by="month").rows
    assert month["period"] == "2024-03" and month["total_inflow"] == len(phone)
    with pytest.raises(DomainError, match="by must be"):
        kpi.phone_response_table(engine, by="week")


def test_channel_rows_drill_into_their_channel_and_the_summary_adds_up(
        engine: AnalyticsEngine, raw_rows: list[dict[str, object]]) -> None:
    table = kpi.channel_year_table(engine)
    for row, drill in zip(table.rows, table.drill, strict=True):
        assert drill is not None
        assert kpi.summary(engine, drill)["total"] == row["2024"]
        assert drill.channels == ((row["channel_code"],) if row["channel_code"] else ())
    assert table.rows[-1]["share"] == 1.0
    s = kpi.summary(engine)
    days = {str(r["started_local"])[:10] for r in raw_rows}
    assert s["days"] == len(days)
    assert s["daily_average"] == pytest.approx(len(raw_rows) / len(days))
    assert str(s["first"])[:10] == min(days) and str(s["last"])[:10] == max(days)
    empty = kpi.summary(engine, Filters.from_params({"start": "2023-01-01", "end": "2023-01-31"}))
    assert (empty["total"], empty["daily_average"], empty["response_rate_inflow"],
            empty["response_rate_total"]) == (0, None, None, None)
    nothing = kpi.channel_year_table(
        engine, Filters.from_params({"start": "2023-01-01", "end": "2023-01-31"}))
    assert [(r["channel"], r["share"]) for r in nothing.rows] == [("합계", None)]


def test_phone_response_table_headings_say_which_rate_is_which(engine: AnalyticsEngine) -> None:
    """The audit asked for both response rates side by side: the headings must say which is
    which, in Korean and English, and the rates must be formatted as percentages."""
    table = kpi.phone_response_table(engine)
    assert (table.key, table.ko, table.en) == (
        "phone_response", "전화 인입·응대·응답률", "Phone inflow, answered and response rate")
    assert [(c.key, c.ko, c.en, c.kind) for c in table.columns] == [
        ("period", "기간", "Period", "text"),
        ("total_inflow", "총 인입호", "Total inflow (ARS)", "int"),
        ("inflow", "상담사 인입호", "Inflow (to agents)", "int"),
        ("answered", "응대호", "Answered", "int"),
        ("rate_inflow", "응답률(응대/인입)", "Response rate (answered/inflow)", "pct"),
        ("rate_total", "응답률(응대/총인입)", "Response rate (answered/total inflow)", "pct")]
    assert all(c.key in row for row in table.rows for c in table.columns)


def test_channel_year_table_headings(engine: AnalyticsEngine) -> None:
    """The city's published layout: title, one column a year and the latest year's share."""
    table = kpi.channel_year_table(engine)
    assert (table.key, table.ko, table.en) == (
        "channel_year", "채널별 연간 상담 건수", "Consultations per year per channel")
    assert [(c.key, c.ko, c.en, c.kind) for c in table.columns] == [
        ("channel", "채널", "Channel", "text"), ("2024", "2024년", "2024", "int"),
        ("share", "비중(최근 연도)", "Share (latest year)", "pct")]
    assert all(c.key in row for row in table.rows for c in table.columns)
