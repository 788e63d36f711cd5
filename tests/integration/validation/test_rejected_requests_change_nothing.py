"""A rejected request changes nothing, and one odd row never takes a report or search down."""

from __future__ import annotations

from datetime import date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from dasan.db.models import KbEntry


def _entry(c: TestClient) -> dict:  # type: ignore[type-arg]
    r = c.post("/api/knowledge/entries", json={
        "title": "따릉이 대여 방법", "answer": "앱에서 대여합니다.", "category": "교통",
        "question_variants": ["따릉이 어떻게 빌려요"], "status": "published"})
    assert r.status_code == 201, r.text
    return r.json()


def test_null_question_variants_is_refused_and_saves_nothing(
        client: TestClient, login, db: Session) -> None:  # type: ignore[no-untyped-def]
    c = login("kbeditor")
    entry = _entry(c)
    for field in ("question_variants", "title", "answer", "status"):
        r = c.patch(f"/api/knowledge/entries/{entry['id']}",
                    json={field: None, "answer": "바뀐 답변"} if field != "answer"
                    else {field: None})
        assert r.status_code == 400, (field, r.text)
    db.expire_all()
    row = db.get(KbEntry, entry["id"])
    assert row is not None and row.version == 1 and row.answer == "앱에서 대여합니다."
    assert row.question_variants == ["따릉이 어떻게 빌려요"]
    # Search that includes the entry still works for everyone.
    c = login("agent1")
    r = c.get("/api/knowledge/search", params={"q": "따릉이 대여"})
    assert r.status_code == 200, r.text


def test_a_consultation_with_an_unknown_category_does_not_break_the_voc_report(
        client: TestClient, login, db: Session) -> None:  # type: ignore[no-untyped-def]
    from dasan.consultations.service import ConsultationIn, ingest

    today = date.today()
    ingest(db, [ConsultationIn(channel="phone", started_at=datetime(today.year, today.month, 1, 10),
                               category="기타", subject="분류되지 않은 문의",
                               district_code="11545")])
    db.commit()
    c = login("analyst")
    r = c.get("/api/analytics/voc", params={"period": f"{today:%Y-%m}"})
    assert r.status_code == 200, r.text
    assert "기타/미분류" in r.text
    assert db.scalar(select(KbEntry.id)) is None  # nothing else was touched
