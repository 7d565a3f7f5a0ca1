"""Server-rendered SVG charts for the reports: a horizontal bar chart (scores, rankings, dimension means) and a
line chart (trends over quarters). Pure Python producing SVG text; no JavaScript, no network.

The same SVG goes into the HTML report and the PDF (ADR 0014): WeasyPrint does not run JavaScript, so an
ECharts chart would be blank in print, and a published report is frozen as it was published — an inline SVG
is part of the document itself. Labels are escaped; text uses the report's CJK font.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

FONT = "Noto Sans CJK SC, sans-serif"
BAR = "#2f6fb3"
BAR_LOW = "#c0392b"
AXIS = "#888888"
GRID = "#e3e3e3"
PALETTE = ("#2f6fb3", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#16a085")


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _attr(text: str) -> str:
    return escape(str(text), {'"': "&quot;"})


def _clip(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(items: Sequence[tuple[str, float | None]], *, title: str = "", max_value: float = 100.0,
              width: int = 640, bar_height: int = 16, label_chars: int = 14, highlight_below: float | None = None,
              ) -> str:
    """Horizontal bars, one per (label, value), in the given order; a None value is drawn as “—”.
    Bars under `highlight_below` are drawn in red (e.g. the lowest grade's boundary)."""
    label_w = 12 * label_chars + 8
    plot_w = width - label_w - 48
    gap = 6
    top = 24 if title else 8
    height = top + len(items) * (bar_height + gap) + 22
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11" role="img" '
           f'aria-label="{_attr(title)}">']
    if title:
        out.append(f'<text x="0" y="14" font-size="12" font-weight="bold">{escape(title)}</text>')
    axis_y = top + len(items) * (bar_height + gap)
    for tick in range(0, 101, 20):
        x = label_w + plot_w * tick / 100
        out.append(f'<line x1="{_num(x)}" y1="{top - 2}" x2="{_num(x)}" y2="{axis_y}" stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{_num(x)}" y="{axis_y + 14}" text-anchor="middle" fill="{AXIS}">'
                   f'{_num(max_value * tick / 100)}</text>')
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_height + gap)
        out.append(f'<text x="{label_w - 6}" y="{y + bar_height - 4}" text-anchor="end">'
                   f'<title>{escape(str(label))}</title>{escape(_clip(label, label_chars))}</text>')
        if value is None:
            out.append(f'<text x="{label_w + 4}" y="{y + bar_height - 4}" fill="{AXIS}">—</text>')
            continue
        share = max(0.0, min(1.0, float(value) / max_value)) if max_value else 0.0
        colour = BAR_LOW if highlight_below is not None and float(value) < highlight_below else BAR
        out.append(f'<rect x="{label_w}" y="{y}" width="{_num(plot_w * share)}" height="{bar_height}" '
                   f'fill="{colour}"/>')
        out.append(f'<text x="{_num(label_w + plot_w * share + 4)}" y="{y + bar_height - 4}">{_num(float(value))}</text>')
    out.append(f'<line x1="{label_w}" y1="{top - 2}" x2="{label_w}" y2="{axis_y}" stroke="{AXIS}" stroke-width="1"/>')
    out.append("</svg>")
    return "".join(out)


def line_chart(x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *, title: str = "",
               width: int = 640, height: int = 220, y_min: float = 0.0, y_max: float = 100.0) -> str:
    """Lines over the x labels (e.g. quarters), one per (name, values); a None value breaks the line."""
    left, right, top, bottom = 40, 32, 24 if title else 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(x_labels)
    span = (y_max - y_min) or 1.0

    def px(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def py(v: float) -> float:
        return top + plot_h * (1 - (max(y_min, min(y_max, v)) - y_min) / span)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="{FONT}" font-size="11" role="img" '
           f'aria-label="{_attr(title)}">']
    if title:
        out.append(f'<text x="0" y="14" font-size="12" font-weight="bold">{escape(title)}</text>')
    for k in range(5):
        v = y_min + span * k / 4
        y = py(v)
        out.append(f'<line x1="{left}" y1="{_num(y)}" x2="{width - right}" y2="{_num(y)}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 4}" y="{_num(y + 4)}" text-anchor="end" fill="{AXIS}">{_num(v)}</text>')
    for i, label in enumerate(x_labels):
        out.append(f'<text x="{_num(px(i))}" y="{top + plot_h + 14}" text-anchor="middle" fill="{AXIS}">'
                   f'{escape(str(label))}</text>')
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        segment: list[str] = []
        segments = []
        for i, v in enumerate(values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_num(px(i))},{_num(py(float(v)))}")
            out.append(f'<circle cx="{_num(px(i))}" cy="{_num(py(float(v)))}" r="3" fill="{colour}"/>')
            if len(series) <= 2:  # more lines: values would overlap; the report's tables give them
                out.append(f'<text x="{_num(px(i))}" y="{_num(py(float(v)) - 6)}" text-anchor="middle" '
                           f'font-size="10">{_num(float(v))}</text>')
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                out.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        lx = left + 110 * s
        out.append(f'<rect x="{lx}" y="{height - 14}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{lx + 14}" y="{height - 5}">{escape(_clip(name, 8))}</text>')
    out.append("</svg>")
    return "".join(out)
