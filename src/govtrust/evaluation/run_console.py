"""Console pages for runs: the runs and the form that evaluates a period; one run's ranking per group (scores,
grades, dimension scores, the rank range under the sensitivity step, coverage) with its chart and the sensitivity
and coverage tables; one indicator in a run (formula, example, assumptions, coverage, distribution, every
subject's raw inputs); and a body's evaluation page (score history, strongest and weakest indicators, what
drove the change since the previous run)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.console.views.base import console_view
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import NotFound, ServiceError
from govtrust.subjects.models import Organization

from . import queries, runs, tree
from .console import normalization
from .models import Run, RunScore, RunStatus
from .sources import SOURCES


class RunForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("评价期"), max_length=16,
                             help_text=gettext_lazy("如 2026Q3、2026-09、2026、2026-09R12（截至9月的12个月）"))
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=500)


@console_view(Perm.EVALUATION_VIEW)
def run_list(request: HttpRequest) -> HttpResponse:
    return _list(request, RunForm())


def _list(request: HttpRequest, form: RunForm, error: ServiceError | None = None, status: int = 200) -> HttpResponse:
    return render(request, "evaluation/console/run_list.html", {
        "runs": queries.visible_runs(request.user)[:100], "form": form, "error": error,
        "can_manage": access.can(request.user, Perm.EVALUATION_MANAGE)}, status=status)


@console_view(Perm.EVALUATION_MANAGE)
def run_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("console:evaluation_runs")
    form = RunForm(request.POST)
    if not form.is_valid():
        return _list(request, form, status=400)
    try:
        run = runs.create_run(request.user, period=form.cleaned_data["period"], note=form.cleaned_data["note"])
    except ServiceError as err:
        return _list(request, form, error=err, status=err.status)
    messages.success(request, _("已完成评价（待发布）。请核对排名、指标覆盖和敏感性后发布。"))
    return redirect("console:evaluation_run", pk=run.pk)


def _chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ranked = [r for r in rows if r["rank"] is not None]
    return {"name": _("得分"), "labels": [r["name"] for r in ranked], "values": [r["score"] for r in ranked]}


@console_view(Perm.EVALUATION_VIEW)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = queries.get_run(request.user, pk)
    groups = queries.groups(run)
    group = request.GET.get("group") or (groups[0][0] if groups else "")
    rows = queries.ranking(run, group) if group else []
    visible = set(access.restrict(request.user, Organization.objects.filter(
        pk__in=[r["subject_id"] for r in rows]), Perm.SUBJECTS_VIEW).values_list("pk", flat=True))
    rows = [r for r in rows if r["subject_id"] in visible]
    return render(request, "evaluation/console/run_detail.html", {
        "run": run, "groups": groups, "group": group, "rows": rows, "dims": queries.dimensions(run),
        "chart": _chart(rows), "indicators": queries.indicators(run),
        "sensitivity": queries.sensitivity(run),
        "can_publish": run.status == RunStatus.DRAFT and access.can(request.user, Perm.EVALUATION_MANAGE)})


@console_view(Perm.EVALUATION_MANAGE)
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = queries.get_run(request.user, pk)
    if request.method == "POST":
        try:
            runs.publish_run(request.user, run)
            messages.success(request, _("评价结果已发布，此后不再改变；如需更正请重新评价。"))
        except ServiceError as err:
            messages.error(request, err.message)
    return redirect("console:evaluation_run", pk=pk)


def indicator_context(run: Run, code: str, scores: list[RunScore]) -> dict[str, Any]:
    """One leaf of a run: its specification in words, its coverage and distribution, the subjects' inputs."""
    found = next(((p, leaf) for p, leaf in tree.leaves(run.system.content) if leaf["code"] == code), None)
    if found is None:
        raise NotFound("指标", "Indicator")
    path, leaf = found
    stats = (run.summary.get("indicators") or {}).get(code, {})
    subjects = sorted(({"name": s.subject.name, "group": queries.group_label(s.group), **s.values.get(code, {})}
                       for s in scores), key=lambda r: (r.get("score") is None, -(r.get("score") or 0), r["name"]))
    return {"run": run, "leaf": leaf, "path": path, "source": SOURCES.get(leaf["source"]), "stats": stats,
            "normalization": normalization(leaf["normalize"], leaf.get("direction", "higher")),
            "subjects": subjects, "chart": {"name": _("主体数"), "labels": [f"{10 * i}–{10 * i + 10}" for i in range(10)],
                                            "values": stats.get("histogram") or []}}


@console_view(Perm.EVALUATION_VIEW)
def run_indicator(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    run = queries.get_run(request.user, pk)
    scores = list(access.restrict(request.user, RunScore.objects.filter(run=run).select_related("subject"),
                                  Perm.SUBJECTS_VIEW))
    return render(request, "evaluation/console/run_indicator.html", indicator_context(run, code, scores))


def body_context(subject: Organization) -> dict[str, Any]:
    """A body's evaluation in published runs: its history, and in its latest run its strongest and weakest
    indicators and the drivers of its change since the run before."""
    history = queries.history(subject)
    latest = history[-1] if history else None
    context: dict[str, Any] = {"subject": subject, "history": history, "latest": latest,
                               "trend": {"labels": [h["period"] for h in history],
                                         "series": [{"name": _("得分"), "values": [h["score"] for h in history]}]}}
    if latest:
        run = Run.objects.select_related("system").get(pk=latest["run_id"])
        previous = history[-2] if len(history) > 1 else None
        names = {d["code"]: d["name"] for d in queries.dimensions(run)}
        leaf_rows = [{"name": leaf["name"], "code": leaf["code"], "dimension": names.get(path.split("/")[0], ""),
                      **latest["values"].get(leaf["code"], {})} for path, leaf in tree.leaves(run.system.content)]
        context |= {"run": run, "previous": previous, **queries.strengths(run, latest["values"]),
                    "leaf_rows": leaf_rows,
                    "drivers": queries.drivers(run, latest["values"], previous["values"] if previous else None),
                    "dimension_rows": [{"name": names.get(c, c), "score": s,
                                        "before": (previous or {}).get("dimensions", {}).get(c)}
                                       for c, s in latest["dimensions"].items()]}
    return context


@console_view(Perm.EVALUATION_VIEW)
def body_page(request: HttpRequest, pk: int) -> HttpResponse:
    subject = access.get_visible(request.user, Organization.objects.select_related("region"), Perm.SUBJECTS_VIEW,
                                 pk=pk)
    access.require(request.user, Perm.EVALUATION_VIEW)
    return render(request, "evaluation/console/body.html", body_context(subject))
