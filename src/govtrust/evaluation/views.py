"""Portal pages: the published rankings (评价结果公布), one published run per group with every dimension's
score and the trend of the group's bodies over the published periods, an indicator's page, and a body's
evaluation page. Only published runs are shown; a superseded run stays readable, marked as corrected."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from govtrust.portal import queries as portal_queries

from . import queries
from .models import Run, RunScore, RunStatus
from .run_console import body_context, indicator_context

TREND_BODIES = 8  # bodies drawn in a group's trend chart: the top of the latest ranking


def _published(pk: int) -> Run:
    run = queries.published_runs().filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def rankings(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/portal/rankings.html", {"runs": queries.published_runs()[:200]})


def trend(run: Run, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The group's top bodies over the published runs of the same system code and region, oldest first."""
    series_runs = list(Run.objects.filter(system__code=run.system.code, region=run.region, kinds=run.kinds,
                                          status=RunStatus.PUBLISHED, period_end__lte=run.period_end)
                       .order_by("period_end", "id"))
    top = [r["subject_id"] for r in rows if r["rank"] is not None][:TREND_BODIES]
    scores = {(s.run_id, s.subject_id): s.score for s in RunScore.objects.filter(run__in=series_runs,
                                                                                  subject_id__in=top)}
    names = {r["subject_id"]: r["name"] for r in rows}
    return {"labels": [r.period for r in series_runs],
            "series": [{"name": names[s], "values": [None if scores.get((r.pk, s)) is None
                                                     else float(scores[(r.pk, s)]) for r in series_runs]}
                       for s in top]}


def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    run = _published(pk)
    groups = queries.groups(run)
    group = request.GET.get("group") or (groups[0][0] if groups else "")
    if group and group not in dict(groups):
        raise Http404
    rows = queries.ranking(run, group) if group else []
    return render(request, "evaluation/portal/ranking.html", {
        "run": run, "groups": groups, "group": group, "rows": rows, "dims": queries.dimensions(run),
        "indicators": queries.indicators(run), "trend": trend(run, rows), "portal": True})


def indicator(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    run = _published(pk)
    context = indicator_context(run, code, list(RunScore.objects.filter(run=run).select_related("subject")))
    return render(request, "evaluation/portal/indicator.html", context)


def body(request: HttpRequest, pk: int) -> HttpResponse:
    subject = portal_queries.public_organizations().filter(pk=pk).first()
    if subject is None:
        raise Http404
    return render(request, "evaluation/portal/body.html", body_context(subject) | {"portal": True})
