"""Analytics API and pages on SQLite (and PostgreSQL when DASAN_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dasan.analytics.engine import reset_engines
from dasan.config import get_settings
from dasan.db.models import AuditLog, Consultation
from dasan.demo import write_history


@pytest.fixture
def history(db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    monkeypatch.setenv("DASAN_ANALYTICS_DIR", str(tmp_path / "analytics"))
    get_settings.cache_clear()  # settings are read once per process: take the new folder
    reset_engines()
    n = write_history(db, date(2024, 5, 6), 4, seed=3, daily_average=220.0)
    db.commit()
    yield n
    reset_engines()


def _count(db: Session, **where: Any) -> int:
    q = select(func.count(Consultation.id))
    for k, v in where.items():
        q = q.where(getattr(Consultation, k) == v)
    return int(db.scalar(q) or 0)


def test_roles_and_district_scope(client: Any, login: Any, db: Session, history: int) -> None:
    assert client.get("/api/analytics/kpi/channels").status_code == 401
    login("agent1")
    assert client.get("/api/analytics/kpi/channels").status_code == 403
    login("district")  # 금천구 officer
    r = client.get("/api/analytics/kpi/channels")
    assert r.status_code == 200, r.text
    total = r.json()["tables"][0]["rows"][-1]["2024"]
    assert total == _count(db, district_code="11545") < history
    r = client.get("/api/analytics/drill", params={"district": "11680"})
    assert r.status_code == 403
    denied = db.scalars(select(AuditLog).where(AuditLog.action == "analytics.other_district"))
    assert [a.outcome for a in denied] == ["denied"]
    login("analyst")
    r = client.get("/api/analytics/kpi/channels")
    assert r.json()["tables"][0]["rows"][-1]["2024"] == history


def test_kpis_and_drill_down_agree(client: Any, login: Any, db: Session, history: int) -> None:
    login("supervisor")
    r = client.get("/api/analytics/kpi/response", params={"by": "day"})
    assert r.status_code == 200
    rows = r.json()["rows"]
    assert sum(x["total_inflow"] for x in rows) == _count(db, channel="phone")
    first, drill = rows[0], r.json()["drill"][0]
    d = client.get("/api/analytics/drill", params={**drill, "limit": 5}).json()
    assert d["count"] == first["total_inflow"] and len(d["rows"]) == 5
    r = client.get("/api/analytics/kpi/service", params={"by": "team"})
    assert r.status_code == 200 and r.json()["rows"]
    assert client.get("/api/analytics/kpi/service", params={"by": "moon"}).status_code == 400
    assert client.get("/api/analytics/drill", params={"start": "2024-99-01"}).status_code == 400


def test_reports_and_audited_exports(client: Any, login: Any, db: Session,
                                     history: int) -> None:
    login("analyst")
    r = client.get("/api/analytics/voc", params={"period": "2024-05"})
    assert r.status_code == 200 and r.json()["headline"]["total"] == history
    assert client.get("/api/analytics/voc", params={"period": "May"}).status_code == 400
    r = client.get("/api/analytics/voc", params={"period": "2024-05", "format": "xlsx"})
    assert r.status_code == 200
    assert load_workbook(io.BytesIO(r.content)).sheetnames
    r = client.get("/api/analytics/policy", params={"start": "2024-05-01", "end": "2024-05-31",
                                                    "program": "기후동행카드"})
    assert r.status_code == 200
    assert r.json()["count"] == _count(db, program="기후동행카드")
    assert client.get("/api/analytics/policy", params={"start": "2024-05-01",
                                                       "end": "2024-05-31"}).status_code == 400
    r = client.get("/api/analytics/export.csv", params={"channel": "phone"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert len(r.text.strip().splitlines()) == _count(db, channel="phone") + 1
    db.expire_all()
    exports = list(db.scalars(select(AuditLog).where(AuditLog.action == "analytics.export")))
    assert {e.detail["format"] for e in exports} == {"xlsx", "csv"}


def test_pages_render(client: Any, login: Any, history: int) -> None:
    r = client.get("/reports", follow_redirects=False)
    assert r.status_code == 303
    login("analyst")
    for path in ("/reports", "/reports/voc?period=2024-05",
                 "/reports/policy?program=기후동행카드&start=2024-05-01&end=2024-05-31",
                 "/reports/drill?channel=phone", "/reports?lang=en"):
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        assert "<svg" in r.text or "drill" in path
    assert client.get("/reports/voc?period=2024-13").status_code == 400
    # the grouping picker names each grouping in the page's language, never by its code
    ko, en = client.get("/reports?lang=ko").text, client.get("/reports?lang=en").text
    assert 'value="queue" selected>대기열</option>' in ko and ">queue</option>" not in ko
    assert '<option value="hour" >Hour</option>' in en
    # the drill-down names its filters in words, not as query-string codes
    drill = client.get("/reports/drill?lang=ko&channel=phone&outcome=answered&hour=9").text
    assert "채널: 전화" in drill and "처리결과: 응대 완료" in drill and "시간대: 9시" in drill
    assert ">channel=phone<" not in drill and ">outcome=answered<" not in drill
    drill_en = client.get("/reports/drill?lang=en&channel=phone").text
    assert "Channel: Phone" in drill_en


def test_alert_scan_and_list(client: Any, login: Any, history: int) -> None:
    login("supervisor")
    r = client.post("/api/analytics/alerts/scan", params={"at": "2024-05-09T11:00:00"})
    assert r.status_code == 200, r.text
    assert r.json()["alerts"] == []  # under three weeks of history: no baseline, no alerts
    assert client.get("/api/analytics/alerts").json() == []
    login("district")
    assert client.post("/api/analytics/alerts/scan").status_code == 403


def test_report_pages_send_visitors_to_login_and_refuse_other_roles(client: Any, login: Any) -> None:
    for path in ("/reports", "/reports/voc", "/reports/policy", "/reports/drill"):
        client.cookies.clear()
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={path}", path
    login("agent1")
    assert client.get("/reports").status_code == 403


def test_survey_figures_in_the_kpi_and_voc_reports_and_their_xlsx(
        client: Any, login: Any, db: Session, history: int) -> None:
    """Survey answers land in the report pages and exports: per month and channel, responses
    out of the consultations an agent answered (ADR 0004), mean and the 1-5 distribution."""
    from dasan.consultations.outcomes import ABANDONED_OUTCOMES
    from dasan.db.models_quality import SurveyAnswer

    answered = list(db.scalars(select(Consultation).where(
        Consultation.channel == "phone", Consultation.answered_at.is_not(None),
        Consultation.outcome.not_in(ABANDONED_OUTCOMES)).order_by(Consultation.id)))
    scores = [5, 4, 4, 2, 1, 5, 3]
    for c, score in zip(answered, scores, strict=False):
        db.add(SurveyAnswer(consultation_id=c.id, channel="call", score=score))
    db.commit()
    login("supervisor")
    r = client.get("/api/analytics/kpi/survey", params={"start": "2024-05-01",
                                                       "end": "2024-05-31"})
    assert r.status_code == 200, r.text
    rows = {(x["month"], x["channel"]): x for x in r.json()["rows"]}
    phone = rows[("2024-05", "전화")]
    assert phone["answered"] == len(answered) and phone["responses"] == len(scores)
    assert phone["response_rate"] == round(len(scores) / len(answered), 4)
    assert phone["mean"] == round(sum(scores) / len(scores), 2)
    assert [phone[f"s{n}"] for n in range(1, 6)] == [1, 1, 1, 2, 2]
    assert rows[("합계", "전체")]["responses"] == len(scores)
    # The KPI page and the VOC page show the table; the XLSX exports carry it (audited).
    page = client.get("/reports", params={"start": "2024-05-01", "end": "2024-05-31"})
    assert page.status_code == 200 and "시민 만족도 조사" in page.text
    assert "/api/analytics/kpi/survey?format=xlsx" in page.text
    voc = client.get("/reports/voc?period=2024-05")
    assert voc.status_code == 200 and "시민 만족도 조사" in voc.text
    for url in ("/api/analytics/voc?period=2024-05&format=xlsx",
                "/api/analytics/kpi/survey?format=xlsx&start=2024-05-01&end=2024-05-31"):
        x = client.get(url)
        assert x.status_code == 200, url
        wb = load_workbook(io.BytesIO(x.content))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                 for c in row if c is not None]
        assert any("만족도" in str(c) for c in cells), url
        assert len(scores) in cells and len(answered) in cells
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "analytics.export", AuditLog.object_id == "survey")) == 1
