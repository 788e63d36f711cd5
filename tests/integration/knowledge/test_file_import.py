"""A city's own export: CSV / XLSX / JSONL, bad rows reported one by one, the rest imported."""

import json

from sqlalchemy import select

from dasan.db.models import KbEntry
from dasan.knowledge.file_import import import_file

HEADER = "external_id,title,question_variants,answer,category,owner,valid_to\n"
ROWS = [
    "A1,기후동행카드 충전 방법,기동카 충전|기후동행카드 어디서 충전,지하철역 무인충전기와 앱에서 충전합니다.,교통,"
    "city-transport,",
    "A2,,,질문이 없는 답변,교통,city-transport,",  # no question
    "A1,중복 번호,,중복,교통,city-transport,",  # duplicate external id
    'A3,스크립트,,"<script>alert(1)</script>",교통,city-transport,',  # script tag
    "A4,소관 오류,,답변,교통,no-such-agency,",  # unknown owner
    "A5,날짜 오류,,답변,교통,city-transport,2025-13-40",  # bad date
    "A6,따릉이 정기권 환불,,,교통,city-transport,",  # no answer yet: a draft
]


def test_csv_import_reports_bad_rows_and_imports_the_rest(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "kb.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    report = import_file(db, path)
    db.commit()
    assert report.created == 2 and report.rows == 7
    errors = dict(report.errors)
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "question" in errors[3] and "duplicate" in errors[4] and "script" in errors[5]
    assert "owner" in errors[6] and "date" in errors[7]
    a1 = db.scalar(select(KbEntry).where(KbEntry.external_id == "file:A1"))
    assert a1.status == "published" and a1.question_variants == ["기동카 충전", "기후동행카드 어디서 충전"]
    a6 = db.scalar(select(KbEntry).where(KbEntry.external_id == "file:A6"))
    assert a6.status == "draft" and a6.needs_answer
    again = import_file(db, path)
    assert again.created == 0 and again.unchanged == 2


def test_jsonl_and_xlsx_exports(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    jl = tmp_path / "kb.jsonl"
    jl.write_text("\n".join([
        json.dumps({"external_id": "J1", "title": "여권 발급 준비물", "answer": "사진과 신분증",
                    "question_variants": ["여권 서류"]}, ensure_ascii=False),
        "{not json", json.dumps(["a list"])]) + "\n", encoding="utf-8")
    report = import_file(db, jl)
    assert report.created == 1 and [n for n, _ in report.errors] == [2, 3]
    wb = Workbook()
    ws = wb.active
    ws.append(["외부ID", "제목", "답변", "분류"])
    ws.append(["X1", "수도 요금 납부 방법", "은행과 인터넷 지로로 납부합니다.", "환경"])
    ws.append(["X2", "", "제목 없음", "환경"])
    xl = tmp_path / "kb.xlsx"
    wb.save(xl)
    report = import_file(db, xl)
    db.commit()
    assert report.created == 1 and [n for n, _ in report.errors] == [3]
    assert db.scalar(select(KbEntry.title).where(KbEntry.external_id == "file:X1")) == \
        "수도 요금 납부 방법"


def test_the_demo_knowledge_base_imports_cleanly(db) -> None:  # type: ignore[no-untyped-def]
    """`dasan demo` without ../shared/data loads the project's own small KB."""
    from dasan.db.models_kbquality import KbAnswerability
    from dasan.knowledge.file_import import DEMO_KB

    report = import_file(db, DEMO_KB)
    db.commit()
    assert report.errors == [] and report.created == report.rows >= 100
    entries = list(db.scalars(select(KbEntry).where(KbEntry.external_id.like("file:demo-%"))))
    assert len(entries) == report.rows
    assert all(e.owner_agency_id and e.question_variants and e.answer for e in entries)
    verdicts = list(db.scalars(select(KbAnswerability.verdict)))
    assert verdicts.count("standard") >= 0.85 * len(entries)
