"""A report's content as one HTML document, and that document as a PDF.

The same document (templates/reports/document.html: its own print styles, inline SVG charts, no scripts, no
external resources) is served as the HTML version, previewed in the console and printed by WeasyPrint
(core.pdf) — so the HTML and the PDF say the same thing, and a published report's stored HTML is complete.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from govtrust.core import pdf

from . import charts

RANKING_BARS = 30  # a kind with more ranked bodies shows the top and bottom 15 in its chart


def _ranking_chart(ranking: dict[str, Any], grades: list[dict[str, Any]]) -> str:
    rows = [r for r in ranking["rows"] if r["score"] is not None and r["rank"] is not None]  # ranked bodies only
    if len(rows) > RANKING_BARS:
        half = RANKING_BARS // 2
        rows = rows[:half] + rows[-half:]
    boundary = float(grades[-2]["min"]) if len(grades) >= 2 else None
    return charts.bar_chart([(f"{r['rank']}. {r['name']}", r["score"]) for r in rows], highlight_below=boundary)


def chart_svgs(content: dict[str, Any]) -> dict[str, Any]:
    grades = content.get("grades") or []
    trend = content.get("trend") or {}
    has_trend = any(v is not None for s in trend.get("series") or [] for v in s["values"])
    return {
        "rankings": [mark_safe(_ranking_chart(r, grades)) for r in content.get("rankings") or []],
        "dimensions": mark_safe(charts.bar_chart(
            [(d["name"], d["mean_score"]) for d in content.get("dimensions") or []], title=_("各一级指标平均得分"),
            label_chars=10)),
        "trend": mark_safe(charts.line_chart(
            trend.get("periods") or [], [(s["label"], s["values"]) for s in trend.get("series") or []],
            title=_("近几个季度平均得分"))) if has_trend else "",
    }


def render_html(content: dict[str, Any], *, narrative: str, status: str, published_at: str = "",
                published_by: str = "") -> str:
    """The whole report as a standalone HTML document."""
    svgs = chart_svgs(content)
    rankings = [{**r, "chart": svgs["rankings"][i]} for i, r in enumerate(content.get("rankings") or [])]
    return render_to_string("reports/document.html", {
        "c": content, "m": content["meta"], "rankings": rankings, "charts": svgs, "narrative": narrative,
        "draft": status != "published", "published_at": published_at, "published_by": published_by,
        "title": _("%(region)s%(period)s政务诚信季度监测报告") % {"region": content["meta"]["region"]["name"],
                                                          "period": content["meta"]["period"]},
    })


def render_pdf(html: str) -> bytes:
    return pdf.render(html)
