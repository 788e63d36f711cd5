"""Issue 12: XLSX, PDF and CSV exports carry no personal data and no verbatim profanity, and a
forced-terminated consultation's row says so."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dasan.analytics import drill
from dasan.analytics.engine import AnalyticsEngine
from dasan.analytics.export_pdf import FontMissing, korean_font
from dasan.analytics.exports import export_voc
from dasan.analytics.filters import Filters
from dasan.analytics.voc import voc_report
from dasan.text.record_clean import FORCED_TERMINATION_KO

from .conftest import add_rows, build_history

RAW = ("850412-1234567", "010-7788-9900", "4518-4420-1234-5678", "씨발", "개새끼")


@pytest.fixture(scope="module")
def engine_with_pii(tmp_path_factory: pytest.TempPathFactory) -> AnalyticsEngine:
    path = tmp_path_factory.mktemp("pii-export") / "ops.db"
    build_history(path, days=7, daily_average=30.0, start=date(2024, 3, 4))
    t0 = datetime(2024, 3, 6, 11, 0)
    add_rows(path, [
        {"channel": "chatbot", "started_at": t0, "ended_at": t0 + timedelta(minutes=4),
         "outcome": "forced_terminated", "district_code": "11545", "category": "교통",
         "handle_seconds": 240.0, "crisis": 1,
         "subject": "씨발 주민번호 850412-1234567 카드 4518-4420-1234-5678 환불 안돼요?",
         "summary": "이 개새끼야 010-7788-9900 으로 연락해"},
    ])
    e = AnalyticsEngine(f"sqlite:///{path}", tmp_path_factory.mktemp("m") / "m.duckdb")
    e.refresh()
    return e


def _clean(text: str) -> None:
    for raw in RAW:
        assert raw not in text, raw


def test_xlsx_export_is_masked(engine_with_pii: AnalyticsEngine) -> None:
    report = voc_report(engine_with_pii, "2024-03")
    wb = load_workbook(io.BytesIO(export_voc(report, "xlsx")))
    cells = " ".join(str(v) for ws in wb.worksheets
                     for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    assert "010-****-9900" in cells or "850412-1******" in cells  # the case is in it, masked
    _clean(cells)


def test_pdf_export_is_masked(engine_with_pii: AnalyticsEngine) -> None:
    try:
        korean_font()
    except FontMissing as exc:
        pytest.skip(str(exc))
    report = voc_report(engine_with_pii, "2024-03")
    text = " ".join(p.extract_text() or "" for p in PdfReader(
        io.BytesIO(export_voc(report, "pdf"))).pages)
    assert "강제" in text  # the notable case is listed ...
    assert "****" in text  # ... with its numbers masked
    _clean(text)


def test_csv_drill_rows_are_masked_and_say_forced_termination(
        engine_with_pii: AnalyticsEngine, tmp_path: Path) -> None:
    out = tmp_path / "d.csv"
    drill.write_csv(engine_with_pii, Filters(outcome="forced_terminated"), str(out))
    text = out.read_text(encoding="utf-8-sig")
    _clean(text)
    assert FORCED_TERMINATION_KO in text


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_policy_export_is_masked(engine_with_pii: AnalyticsEngine, fmt: str) -> None:
    from dasan.analytics.exports import export_policy
    from dasan.analytics.policy import policy_report

    if fmt == "pdf":
        try:
            korean_font()
        except FontMissing as exc:
            pytest.skip(str(exc))
    report = policy_report(engine_with_pii, date(2024, 3, 4), date(2024, 3, 10), keyword="환불")
    data = export_policy(report, fmt)
    if fmt == "xlsx":
        wb = load_workbook(io.BytesIO(data))
        text = " ".join(str(v) for ws in wb.worksheets
                        for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    else:
        text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    assert "환불" in text and "****" in text  # the question is in the main questions, masked
    _clean(text)
