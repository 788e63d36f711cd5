"""Server-side inline SVG charts for the report pages (no JavaScript, no CDN)."""

from __future__ import annotations

from html import escape

from dasan.analytics.voc import Series

WIDTH = 720
BLUE = "#0b4ea2"


def _num(v: float) -> str:
    if v >= 10_000:
        return f"{v / 1000:,.0f}k"
    return f"{v:,.0f}"


def svg(series: Series, width: int = WIDTH) -> str:
    """One chart as an accessible inline SVG (title + a data table fallback in the page)."""
    if not series.labels:
        return ""
    values = next(iter(series.values.values()))
    top = max(values) if values and max(values) > 0 else 1.0
    title = escape(series.ko)
    if series.kind == "hbar":
        row = 22
        label_w = 150
        height = row * len(values) + 30
        parts = [f'<svg class="chart" role="img" aria-label="{title}" viewBox="0 0 {width} '
                 f'{height}" width="100%"><title>{title}</title>']
        for i, (lab, v) in enumerate(zip(series.labels, values, strict=True)):
            y = 10 + i * row
            w = (width - label_w - 80) * v / top
            parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" '
                         f'font-size="12">{escape(str(lab))[:22]}</text>')
            parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" '
                         f'fill="{BLUE}"><title>{escape(str(lab))}: {v:,.0f}</title></rect>')
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="11">'
                         f'{_num(v)}</text>')
        parts.append("</svg>")
        return "".join(parts)
    height = 220
    left, bottom, right, top_pad = 50, 40, 30, 20
    plot_w = float(width - left - right)
    plot_h = height - bottom - top_pad
    n = len(values)
    parts = [f'<svg class="chart" role="img" aria-label="{title}" viewBox="0 0 {width} {height}"'
             f' width="100%"><title>{title}</title>']
    for frac in (0.0, 0.5, 1.0):
        gy = top_pad + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{gy:.1f}" y2="{gy:.1f}" '
                     f'stroke="#d9dee5"/><text x="{left - 4}" y="{gy + 4:.1f}" '
                     f'text-anchor="end" font-size="10">{_num(top * frac)}</text>')
    step = max(1, n // 12)
    if series.kind == "line":
        pts = " ".join(
            f"{left + plot_w * (i / max(n - 1, 1)):.1f},{top_pad + plot_h * (1 - v / top):.1f}"
            for i, v in enumerate(values)
        )
        parts.append(f'<polyline fill="none" stroke="{BLUE}" stroke-width="2" points="{pts}"/>')
        xs = [left + plot_w * (i / max(n - 1, 1)) for i in range(n)]
    else:
        bw = plot_w / n
        xs = []
        for i, (lab, v) in enumerate(zip(series.labels, values, strict=True)):
            h = plot_h * v / top
            x = left + i * bw
            xs.append(x + bw / 2)
            parts.append(f'<rect x="{x + 1:.1f}" y="{top_pad + plot_h - h:.1f}" '
                         f'width="{max(bw - 2, 1):.1f}" height="{h:.1f}" fill="{BLUE}">'
                         f'<title>{escape(str(lab))}: {v:,.0f}</title></rect>')
    for i in range(0, n, step):
        parts.append(f'<text x="{xs[i]:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                     f'font-size="10">{escape(str(series.labels[i]))[:10]}</text>')
    parts.append("</svg>")
    return "".join(parts)
