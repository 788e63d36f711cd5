"""VOC and policy-issue reports, drill-down and CSV export on the seeded history."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from dasan.analytics import drill
from dasan.analytics.engine import AnalyticsEngine
from dasan.analytics.filters import Filters
from dasan.analytics.policy import policy_report
from dasan.analytics.voc import voc_report
from dasan.errors import DomainError


def test_voc_month_report_adds_up(engine: AnalyticsEngine,
                                  raw_rows: list[dict[str, object]]) -> None:
    r = voc_report(engine, "2024-03")
    march = [x for x in raw_rows if str(x["started_local"]).startswith("2024-03")]
    assert r.headline["total"] == len(march)
    assert r.headline["previous_total"] == 0 and r.headline["change"] is None
    assert sum(row["count"] for row in r.table("trend").rows) == len(march)
    assert sum(row["count"] for row in r.table("channels").rows) == len(march)
    assert sum(row["count"] for row in r.table("districts").rows) == len(march)
    assert len(r.table("districts").rows) == 25
    cats = r.table("categories").rows
    assert cats == sorted(cats, key=lambda c: -c["count"])
    # every figure drills down to exactly the consultations it counts
    for table in ("channels", "categories", "districts"):
        t = r.table(table)
        for row, f in list(zip(t.rows, t.drill, strict=True))[:3]:
            assert f is not None and drill.count(engine, f) == row["count"]


def test_voc_notable_cases_are_masked(engine: AnalyticsEngine) -> None:
    r = voc_report(engine, "2024-03")
    crisis = [c for c in r.notable if "crisis" in c["reason"]]
    assert crisis, "the crisis call must be a notable case"
    text = " ".join(c["subject"] for c in r.notable)
    assert "2345-6789" not in text and "010-" in text


def test_voc_for_one_district_and_a_year(engine: AnalyticsEngine,
                                         raw_rows: list[dict[str, object]]) -> None:
    r = voc_report(engine, "2024", Filters(district="11545"))
    assert r.kind == "year"
    assert r.headline["total"] == sum(1 for x in raw_rows if x["district_code"] == "11545")
    assert [d["district_code"] for d in r.table("districts").rows] == ["11545"]
    with pytest.raises(DomainError):
        voc_report(engine, "March")


def test_policy_report_type_breakdown(engine: AnalyticsEngine,
                                      raw_rows: list[dict[str, object]]) -> None:
    r = policy_report(engine, date(2024, 3, 12), date(2024, 3, 12), keyword="기후 동행카드")
    rows = [x for x in raw_rows if str(x["started_local"]).startswith("2024-03-12")
            and "기후동행카드" in str(x["subject"] or "").replace(" ", "")]
    assert r.count == len(rows)
    types = {t["type_code"]: t["count"] for t in r.types.rows}
    assert types["refund"] == sum(1 for x in rows if "환불" in str(x["subject"])) == 7
    assert types["loss"] == 3
    assert sum(types.values()) == r.count
    assert sum(t["share"] for t in r.types.rows) == pytest.approx(1.0)
    for row, f in zip(r.types.rows, r.types.drill, strict=True):
        assert f is not None and drill.count(engine, f) == row["count"]
    with pytest.raises(DomainError, match="program"):
        policy_report(engine, date(2024, 3, 1), date(2024, 3, 2))


def test_drill_page_and_csv_export(engine: AnalyticsEngine) -> None:
    f = Filters(start=date(2024, 3, 12), end=date(2024, 3, 12), district="11545")
    n = drill.count(engine, f)
    page = drill.page(engine, f, limit=10)
    assert 0 < len(page) <= 10 and all(p["district"] == "금천구" for p in page)
    text = "".join(drill.csv_chunks(engine, f))
    assert text.startswith("\ufeff상담번호")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == n + 1
    assert "2345-6789" not in text  # the crisis caller's number is masked
    with pytest.raises(DomainError):
        drill.page(engine, f, limit=0)
