"""Console pages for indicator systems: the versions, one version's tree with every indicator's definition
(what it counts, its data source and sample, direction, normalization, example, assumptions, minimum sample
and missing-data rule) and what publication would refuse; a new draft, and publishing it. Editing a draft's
tree is done through the API (JSON or a flat table) — the page shows the result and its problems."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govtrust.console.views.base import console_view
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import ServiceError

from . import services, tree
from .models import IndicatorSystem, SystemStatus
from .sources import SOURCES


def normalization(spec: dict[str, Any], direction: str = "higher") -> str:
    """The normalization in words, as the indicator pages and the report annex state it."""
    method = spec.get("method")
    if method == "linear":
        try:
            low, high = sorted((float(spec["lo"]), float(spec["hi"])))
        except (KeyError, TypeError, ValueError):
            return str(spec)
        worst, best = (high, low) if direction == "lower" else (low, high)
        return _("线性：%(worst)g → 0分，%(best)g → 100分（超出截断）") % {"worst": worst, "best": best}
    if method == "thresholds":
        steps = "; ".join(_("≥%(min)s 得%(score)s分") % {"min": s.get("min"), "score": s.get("score")}
                          for s in spec.get("steps") or [])
        return _("阈值分段：%(steps)s") % {"steps": steps}
    if method == "rank":
        return _("按排名：最好100分，最差0分")
    return str(method)


def _rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The tree as rows for a table: each dimension, then its indicators with their definitions."""
    rows = []

    def walk(nodes: list[dict[str, Any]], depth: int, path: str) -> None:
        for n in nodes:
            code = f"{path}{n.get('code')}"
            leaf = not n.get("children")
            source = SOURCES.get(str(n.get("source"))) if leaf else None
            words = normalization(n.get("normalize") or {}, n.get("direction", "higher")) if leaf else ""
            rows.append({"node": n, "depth": depth, "path": code, "leaf": leaf, "source": source,
                         "normalization": words})
            if not leaf:
                walk(n["children"], depth + 1, code + "/")

    walk(content.get("children") or [], 1, "")
    return rows


@console_view(Perm.EVALUATION_VIEW)
def system_list(request: HttpRequest) -> HttpResponse:
    systems = access.restrict(request.user, IndicatorSystem.objects.all(), Perm.EVALUATION_VIEW)
    return render(request, "evaluation/console/system_list.html", {
        "systems": systems, "can_manage": access.can(request.user, Perm.EVALUATION_MANAGE)})


def _detail(request: HttpRequest, s: IndicatorSystem, error: ServiceError | None = None,
            status: int = 200) -> HttpResponse:
    return render(request, "evaluation/console/system_detail.html", {
        "s": s, "rows": _rows(s.content), "grades": s.content.get("grades") or [],
        "problems": tree.check(s.content) if s.status == SystemStatus.DRAFT else [], "error": error,
        "can_manage": access.can(request.user, Perm.EVALUATION_MANAGE)}, status=status)


@console_view(Perm.EVALUATION_VIEW)
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.get_visible(request.user, IndicatorSystem.objects.all(), Perm.EVALUATION_VIEW,
                                               pk=pk))


@console_view(Perm.EVALUATION_MANAGE)
def system_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """POST draft (a new draft from this version) or publish (this draft)."""
    s = access.get_visible(request.user, IndicatorSystem.objects.all(), Perm.EVALUATION_VIEW, pk=pk)
    if request.method != "POST" or action not in ("draft", "publish"):
        return redirect("console:indicator_system", pk=pk)
    try:
        if action == "draft":
            done = services.create_draft(request.user, code=s.code, note=request.POST.get("note", ""))
            messages.success(request, _("已新建草稿，可通过接口修改指标树后发布。"))
        else:
            done = services.publish(request.user, s)
            messages.success(request, _("已发布。已发布的版本不再修改。"))
    except ServiceError as err:
        return _detail(request, s, error=err, status=err.status)
    return redirect("console:indicator_system", pk=done.pk)
