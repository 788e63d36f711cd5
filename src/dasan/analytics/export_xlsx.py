"""XLSX export of a report: one sheet of headline figures and charts, one sheet per table."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from dasan.analytics.filters import Table
from dasan.analytics.voc import Series

_FORMATS = {"int": "#,##0", "float": "#,##0.0", "pct": "0.0%", "sec": "#,##0.0"}


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "sheet"
    name, i = base, 2
    while name in used:
        name = f"{base[:25]} {i}"
        i += 1
    used.add(name)
    return name


def build_xlsx(title: str, headline: Sequence[tuple[str, Any]], tables: Sequence[Table],
               charts: Sequence[Series] = ()) -> bytes:
    """The workbook as bytes."""
    out = io.BytesIO()
    import xlsxwriter  # loaded by the first XLSX export, not with the web app

    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    fmts = {k: wb.add_format({"num_format": v}) for k, v in _FORMATS.items()}
    used: set[str] = set()

    summary = wb.add_worksheet(_sheet_name("요약 Summary", used))
    summary.write(0, 0, title, title_fmt)
    for i, (label, value) in enumerate(headline, start=2):
        summary.write(i, 0, label, bold)
        if isinstance(value, float) and label.endswith("%"):
            summary.write_number(i, 1, value, fmts["pct"])
        elif isinstance(value, int | float):
            summary.write_number(i, 1, value, fmts["float" if isinstance(value, float) else "int"])
        else:
            summary.write(i, 1, "" if value is None else str(value))
    summary.set_column(0, 0, 28)
    summary.set_column(1, 1, 18)

    # chart data on a helper sheet, charts on the summary sheet
    data = wb.add_worksheet(_sheet_name("차트데이터 Chart data", used))
    col = 0
    chart_row = 2
    for s in charts:
        if not s.labels:
            continue
        data.write(0, col, s.ko, bold)
        for r, lab in enumerate(s.labels, start=1):
            data.write(r, col, lab)
        kind = {"line": "line", "hbar": "bar", "bar": "column"}.get(s.kind, "column")
        chart = wb.add_chart({"type": kind})
        for j, (name, values) in enumerate(s.values.items(), start=1):
            data.write(0, col + j, name, bold)
            for r, num in enumerate(values, start=1):
                data.write_number(r, col + j, num)
            chart.add_series({
                "name": name,
                "categories": [data.name, 1, col, len(s.labels), col],
                "values": [data.name, 1, col + j, len(s.labels), col + j],
            })
        chart.set_title({"name": s.ko})
        chart.set_legend({"none": len(s.values) == 1})
        summary.insert_chart(chart_row, 3, chart, {"x_scale": 1.3, "y_scale": 1.1})
        chart_row += 18
        col += len(s.values) + 2

    for t in tables:
        ws = wb.add_worksheet(_sheet_name(t.ko, used))
        ws.write(0, 0, f"{t.ko} ({t.en})", title_fmt)
        for j, c in enumerate(t.columns):
            ws.write(2, j, c.ko, bold)
            ws.set_column(j, j, 14 if c.kind != "text" else 24)
        for i, row in enumerate(t.rows, start=3):
            for j, c in enumerate(t.columns):
                v = row.get(c.key)
                if v is None:
                    ws.write_blank(i, j, None)
                elif c.kind in _FORMATS and isinstance(v, int | float):
                    ws.write_number(i, j, float(v), fmts[c.kind])
                else:
                    ws.write(i, j, str(v))
        if t.note:
            ws.write(len(t.rows) + 4, 0, t.note)
    wb.close()
    return out.getvalue()
