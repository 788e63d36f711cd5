"""Small server-side SVG charts (no JavaScript, no CDN) for the workforce pages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#0b4ea2", "#d9480f", "#2b8a3e", "#862e9c", "#c92a2a", "#5c940d")


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float]
    kind: str = "line"  # line | bar | step
    color: str | None = None
    dashed: bool = False


def _nice_max(v: float) -> float:
    if v <= 0 or not math.isfinite(v):
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp


def chart(
    lines: Sequence[Line],
    x_labels: Sequence[str],
    title: str,
    y_label: str = "",
    width: int = 900,
    height: int = 260,
    y_max: float | None = None,
    label_every: int | None = None,
) -> str:
    """An SVG chart with a shared x axis; bars first, then lines, with a legend.

    The chart carries a ``<title>`` and ``role="img"`` with an aria-label for screen readers.
    """
    n = len(x_labels)
    if n == 0:
        return f'<p class="hint">{escape(title)}: -</p>'
    pad_l, pad_r, pad_t, pad_b = 52, 12, 28, 42
    w = width - pad_l - pad_r
    h = height - pad_t - pad_b
    finite = [
        float(v) for ln in lines for v in ln.values if v is not None and math.isfinite(float(v))
    ]
    top = y_max if y_max is not None else _nice_max(max(finite) if finite else 1.0)
    step = w / n

    def x(i: float) -> float:
        return pad_l + step * (i + 0.5)

    def y(v: float) -> float:
        v = min(max(float(v), 0.0), top)
        return pad_t + h - h * v / top

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="{pad_l}" y="{pad_t}" width="{w}" height="{h}" fill="#fff" stroke="#d9dee5"/>',
    ]
    for k in range(5):
        v = top * k / 4
        yy = y(v)
        label = f"{v:.0f}" if top >= 10 else f"{v:.2f}"
        parts.append(
            f'<line x1="{pad_l}" x2="{pad_l + w}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#eef2f7"/>'
            f'<text x="{pad_l - 4}" y="{yy + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#5b6470">{label}</text>'
        )
    every = label_every or max(1, math.ceil(n / 16))
    for i in range(0, n, every):
        parts.append(
            f'<text x="{x(i):.1f}" y="{pad_t + h + 14}" font-size="10" text-anchor="middle" '
            f'fill="#5b6470">{escape(str(x_labels[i]))}</text>'
        )
    if y_label:
        parts.append(
            f'<text x="12" y="{pad_t + h / 2:.1f}" font-size="11" fill="#5b6470" '
            f'transform="rotate(-90 12 {pad_t + h / 2:.1f})" text-anchor="middle">'
            f"{escape(y_label)}</text>"
        )
    bars = [ln for ln in lines if ln.kind == "bar"]
    bar_w = step * 0.8 / max(1, len(bars))
    for b_i, ln in enumerate(bars):
        color = ln.color or PALETTE[lines.index(ln) % len(PALETTE)]
        for i, v in enumerate(ln.values[:n]):
            if v is None or not math.isfinite(float(v)):
                continue
            x0 = pad_l + step * i + step * 0.1 + b_i * bar_w
            y0 = y(v)
            parts.append(
                f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{max(bar_w - 0.5, 0.5):.1f}" '
                f'height="{pad_t + h - y0:.1f}" fill="{color}" opacity="0.55"/>'
            )
    for ln in lines:
        if ln.kind == "bar":
            continue
        color = ln.color or PALETTE[lines.index(ln) % len(PALETTE)]
        pts: list[str] = []
        for i, v in enumerate(ln.values[:n]):
            if v is None or not math.isfinite(float(v)):
                continue
            if ln.kind == "step":
                pts.append(f"{pad_l + step * i:.1f},{y(v):.1f}")
                pts.append(f"{pad_l + step * (i + 1):.1f},{y(v):.1f}")
            else:
                pts.append(f"{x(i):.1f},{y(v):.1f}")
        dash = ' stroke-dasharray="5 3"' if ln.dashed else ""
        parts.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2"{dash} '
            f'points="{" ".join(pts)}"/>'
        )
    lx = pad_l
    for i, ln in enumerate(lines):
        color = ln.color or PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{lx}" y="8" width="12" height="12" fill="{color}"/>'
            f'<text x="{lx + 16}" y="18" font-size="12" fill="#1b1f24">{escape(ln.label)}</text>'
        )
        lx += 28 + 7 * len(ln.label) + (7 * sum(1 for ch in ln.label if ord(ch) > 0x1100))
    parts.append("</svg>")
    return "".join(parts)
