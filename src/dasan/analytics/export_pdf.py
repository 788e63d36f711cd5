"""PDF export of a report with charts and Korean text (NanumGothic from Debian `fonts-nanum`)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dasan.analytics.filters import Table, fmt
from dasan.analytics.voc import Series

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/nanum"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
)
FONT_FILES = ("NanumGothic.ttf", "NotoSansCJK-Regular.ttc", "NotoSansKR-Regular.ttf")


class FontMissing(RuntimeError):
    """No Korean font is installed (install the Debian package fonts-nanum)."""


def korean_font() -> Path:
    """Path of a Korean TTF: `DASAN_PDF_FONT`, else NanumGothic or Noto CJK."""
    from dasan.config import get_settings

    env = get_settings().pdf_font
    if env:
        if not Path(env).is_file():
            raise FontMissing(f"DASAN_PDF_FONT={env} does not exist")
        return Path(env)
    for d in FONT_DIRS:
        for name in FONT_FILES:
            if (d / name).is_file():
                return d / name
    raise FontMissing("no Korean font found: install the Debian package fonts-nanum "
                      "(/usr/share/fonts/truetype/nanum/NanumGothic.ttf) or set DASAN_PDF_FONT")


def chart_png(series: Series, font: Path) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font_manager.fontManager.addfont(str(font))
    family = font_manager.FontProperties(fname=str(font)).get_name()
    with plt.rc_context({"font.family": family, "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(7.5, 3.2), dpi=110)
        labels = series.labels
        for name, values in series.values.items():
            if series.kind == "line":
                ax.plot(range(len(labels)), values, label=name, color="#1f5fa8")
            elif series.kind == "hbar":
                ax.barh(range(len(labels)), values, label=name, color="#1f5fa8")
            else:
                ax.bar(range(len(labels)), values, label=name, color="#1f5fa8")
        step = max(1, len(labels) // 16)
        ticks = list(range(0, len(labels), step))
        if series.kind == "hbar":
            ax.set_yticks(ticks, [labels[i] for i in ticks], fontsize=8)
            ax.invert_yaxis()
        else:
            ax.set_xticks(ticks, [labels[i] for i in ticks], fontsize=7, rotation=45,
                          ha="right")
        ax.set_title(series.ko, fontsize=10)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    return buf.getvalue()


def build_pdf(title: str, headline: Sequence[tuple[str, Any]], tables: Sequence[Table],
              charts: Sequence[Series] = (), notable: Sequence[dict[str, Any]] = ()) -> bytes:
    import logging

    from fpdf import FPDF

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    font = korean_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_font("ko", fname=str(font))
    bold = font.with_name(font.stem + "Bold" + font.suffix)
    pdf.add_font("ko", style="B", fname=str(bold if bold.is_file() else font))
    pdf.add_page()
    pdf.set_font("ko", size=16)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("ko", size=10)
    for label, value in headline:
        text = fmt(value, "pct") if label.endswith("%") and isinstance(value, float) else (
            fmt(value, "int") if isinstance(value, int) else
            fmt(value, "float") if isinstance(value, float) else str(value or "-"))
        pdf.cell(95, 6, str(label))
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    for s in charts:
        if not s.labels:
            continue
        pdf.ln(2)
        pdf.image(io.BytesIO(chart_png(s, font)), w=180)
    for t in tables:
        if not t.rows:
            continue
        pdf.ln(3)
        pdf.set_font("ko", size=12)
        pdf.multi_cell(0, 7, f"{t.ko} ({t.en})", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("ko", size=8)
        widths = [3 if c.kind == "text" else 1.4 for c in t.columns]
        with pdf.table(col_widths=widths, line_height=5, text_align="LEFT") as tbl:
            head = tbl.row()
            for c in t.columns:
                head.cell(c.ko)
            for row in t.rows[:40]:
                r = tbl.row()
                for c in t.columns:
                    r.cell(fmt(row.get(c.key), c.kind)[:60])
        if t.note:
            pdf.set_font("ko", size=7)
            pdf.multi_cell(0, 4, t.note, new_x="LMARGIN", new_y="NEXT")
    if notable:
        pdf.ln(3)
        pdf.set_font("ko", size=12)
        pdf.multi_cell(0, 7, "주목할 상담 (개인정보 마스킹) / Notable cases (masked)",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("ko", size=8)
        for case in notable:
            pdf.multi_cell(0, 4.5, f"#{case['id']} {case['started_at']} {case['channel']} "
                                   f"{case['district']} [{case['reason']}] {case['subject']} "
                                   f"{case.get('summary') or ''}",
                           new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
