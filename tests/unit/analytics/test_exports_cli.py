"""XLSX/PDF exports and the `dasan report` commands."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from dasan.analytics import kpi
from dasan.analytics.charts import svg
from dasan.analytics.cli import app
from dasan.analytics.engine import AnalyticsEngine
from dasan.analytics.export_pdf import FontMissing, korean_font
from dasan.analytics.exports import export_policy, export_tables, export_voc
from dasan.analytics.policy import policy_report
from dasan.analytics.voc import voc_report
from dasan.errors import DomainError


def _font_or_skip() -> None:
    try:
        korean_font()
    except FontMissing as exc:
        pytest.skip(str(exc))


def test_xlsx_holds_every_table_and_charts(engine: AnalyticsEngine) -> None:
    report = voc_report(engine, "2024-03")
    wb = load_workbook(io.BytesIO(export_voc(report, "xlsx")))
    assert len(wb.sheetnames) == len(report.tables) + 2
    channels = wb[next(n for n in wb.sheetnames if n.startswith("채널별"))]
    values = [row for row in channels.iter_rows(min_row=4, values_only=True) if row[0]]
    assert sum(int(r[1]) for r in values) == report.headline["total"]
    assert wb[wb.sheetnames[0]]._charts, "the summary sheet carries charts"


def test_pdf_has_korean_text_and_charts(engine: AnalyticsEngine) -> None:
    _font_or_skip()
    from datetime import date

    report = policy_report(engine, date(2024, 3, 1), date(2024, 3, 24), program="기후동행카드")
    data = export_policy(report, "pdf")
    assert data.startswith(b"%PDF")
    assert b"/Subtype /Image" in data or b"/Subtype/Image" in data
    assert re.search(rb"NanumGothic|Noto", data)
    with pytest.raises(DomainError, match="format"):
        export_tables("x", [kpi.channel_year_table(engine)], "docx")


def test_svg_chart_escapes_labels(engine: AnalyticsEngine) -> None:
    report = voc_report(engine, "2024-03")
    out = svg(report.charts[0])
    assert out.startswith("<svg") and "polyline" in out
    from dasan.analytics.voc import Series

    evil = svg(Series("x", "<b>제목</b>", "t", ["<script>"], {"n": [1.0]}, "bar"))
    assert "<script>" not in evil and "&lt;script&gt;" in evil


def test_cli_reports_and_errors(history_db: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = history_db
    runner = CliRunner()
    common = ["--db", url, "--mirror", str(tmp_path / "m.duckdb")]
    r = runner.invoke(app, ["kpi", "--by", "queue", *common])
    assert r.exit_code == 0, r.output
    assert "응답률(응대/인입)" in r.output and "응답률(응대/총인입)" in r.output
    r = runner.invoke(app, ["voc", "2024-03", "--out", str(tmp_path / "v.xlsx"), *common])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "v.xlsx").stat().st_size > 1000
    r = runner.invoke(app, ["policy", "--start", "2024-03-01", "--end", "2024-03-31",
                            "--program", "기후동행카드", *common])
    assert r.exit_code == 0 and "유형별" in r.output
    r = runner.invoke(app, ["voc", "2024-13", *common])
    assert r.exit_code == 2 and "YYYY-MM" in r.output
    r = runner.invoke(app, ["policy", "--start", "2024-03-01", "--end", "2024-02-01",
                            "--keyword", "x", *common])
    assert r.exit_code == 2
    r = runner.invoke(app, ["kpi", "--district", "없는구", *common])
    assert r.exit_code == 2 and "unknown district" in r.output


def test_cli_csv_export_is_masked_and_audited(history_db: tuple[str, Path],
                                              tmp_path: Path) -> None:
    from sqlalchemy import select

    from dasan.db.models import AuditLog
    from dasan.db.session import session_scope

    url, _ = history_db
    out = tmp_path / "c.csv"
    r = CliRunner().invoke(app, ["export", str(out), "--district", "11545", "--start",
                                 "2024-03-12", "--end", "2024-03-12", "--db", url, "--mirror",
                                 str(tmp_path / "m.duckdb")])
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "2345-6789" not in text and "금천구" in text
    with session_scope(url) as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "analytics.export")).first()
        assert row is not None and row.detail["format"] == "csv"


def test_xlsx_export_carries_no_raw_phone_number(engine: AnalyticsEngine) -> None:
    """The crisis caller's number (010-2345-6789 in the subject) appears masked in every
    sheet of the VOC workbook, never raw."""
    report = voc_report(engine, "2024-03")
    wb = load_workbook(io.BytesIO(export_voc(report, "xlsx")))
    cells = " ".join(str(v) for ws in wb.worksheets
                     for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    assert "너무 힘듭니다" in cells, "the notable crisis case is exported"
    assert "2345-6789" not in cells and "010-" in cells
