"""Reading runs: the runs a principal may see, a run's ranking per group, a body's score history, and the
published results the portal shows. Reads go through the access layer (EVALUATION_VIEW, region scope);
the portal reads only published runs and superseded ones labelled as such."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.subjects.models import Organization, Region

from . import tree
from .models import Run, RunScore, RunStatus

LEVELS = dict(Region.Level.choices)
KINDS = dict(Organization.Kind.choices)


def visible_runs(principal: Any) -> QuerySet[Run]:
    return access.restrict(principal, Run.objects.select_related("system", "region"), Perm.EVALUATION_VIEW)


def get_run(principal: Any, pk: int) -> Run:
    return access.get_visible(principal, Run.objects.select_related("system", "region"), Perm.EVALUATION_VIEW, pk=pk)


def published_runs() -> QuerySet[Run]:
    """What the portal publishes: published runs (a superseded run stays listed, marked as corrected)."""
    return Run.objects.select_related("system", "region").filter(
        status__in=(RunStatus.PUBLISHED, RunStatus.SUPERSEDED))


def group_label(group: str) -> str:
    """“county-level governments” from "government:county"."""
    kind, _sep, level = group.partition(":")
    return _("%(level)s%(kind)s") % {"level": LEVELS.get(level, level), "kind": KINDS.get(kind, kind)}


def dimensions(run: Run) -> list[dict[str, Any]]:
    return [{"code": d["code"], "name": d["name"], "weight": d["weight"]} for d in run.system.content["children"]]


def sensitivity(run: Run) -> list[dict[str, Any]]:
    """The run's sensitivity scenarios (a dimension's weight ± the system's step) with the dimension's name."""
    names = {d["code"]: d["name"] for d in dimensions(run)}
    return [s | {"name": names.get(s["dimension"], s["dimension"])} for s in run.summary.get("sensitivity") or []]


def indicators(run: Run) -> list[dict[str, Any]]:
    """Every leaf with its dimension and this run's coverage and distribution."""
    out = []
    for path, leaf in tree.leaves(run.system.content):
        stats = (run.summary.get("indicators") or {}).get(leaf["code"], {})
        out.append({"path": path, "dimension": path.split("/")[0], **leaf, "stats": stats})
    return out


def ranking(run: Run, group: str | None = None) -> list[dict[str, Any]]:
    """The run's rows in rank order per group (unranked subjects last), with the subject's name and region."""
    qs = RunScore.objects.filter(run=run).select_related("subject__region").order_by("group", "rank", "subject__name")
    if group:
        qs = qs.filter(group=group)
    rows, dims = [], [d["code"] for d in run.system.content["children"]]
    for s in qs:
        rows.append({"subject_id": s.subject_id, "name": s.subject.name, "region": s.subject.region.name,
                     "group": s.group, "group_label": group_label(s.group), "kind": s.kind,
                     "score": None if s.score is None else float(s.score), "grade": s.grade, "rank": s.rank,
                     "rank_best": s.rank_best, "rank_worst": s.rank_worst, "coverage": float(s.coverage),
                     "dimensions": s.dimensions, "dimension_cells": [s.dimensions.get(d) for d in dims],
                     "values": s.values})
    rows.sort(key=lambda r: (r["group"], r["rank"] is None, r["rank"] or 0, r["name"]))
    return rows


def groups(run: Run) -> list[tuple[str, str]]:
    keys = RunScore.objects.filter(run=run).order_by("group").values_list("group", flat=True).distinct()
    return [(k, group_label(k)) for k in keys]


def history(subject: Organization) -> list[dict[str, Any]]:
    """The subject's results in published runs, oldest first, in one series: the system code and the region of
    its latest published run (a department evaluated by its county and by its city has two series; the latest
    evaluator's is shown)."""
    qs = (RunScore.objects.filter(subject=subject, run__status=RunStatus.PUBLISHED)
          .select_related("run__system", "run__region").order_by("run__period_end", "run_id"))
    rows = [{"run_id": s.run_id, "period": s.run.period, "code": s.run.system.code, "region": s.run.region_id,
             "system": f"{s.run.system.name} v{s.run.system.version}", "region_name": s.run.region.name,
             "score": None if s.score is None else float(s.score), "grade": s.grade, "rank": s.rank,
             "group": s.group, "group_label": group_label(s.group), "dimensions": s.dimensions, "values": s.values}
            for s in qs]
    if not rows:
        return []
    last = rows[-1]
    return [r for r in rows if (r["code"], r["region"]) == (last["code"], last["region"])]


def strengths(run: Run, values: dict[str, dict[str, Any]], top: int = 3) -> dict[str, list[dict[str, Any]]]:
    """A subject's strongest and weakest indicators in a run (those with a score), by score."""
    names = {leaf["code"]: leaf["name"] for _, leaf in tree.leaves(run.system.content)}
    scored = sorted(((v["score"], code) for code, v in values.items() if v.get("score") is not None),
                    key=lambda t: (t[0], t[1]))
    pick = [{"code": c, "name": names.get(c, c), "score": s, "value": values[c]["value"]} for s, c in scored]
    return {"strongest": list(reversed(pick[-top:])), "weakest": pick[:top]}


def drivers(run: Run, values: dict[str, dict[str, Any]], before: dict[str, dict[str, Any]] | None,
            top: int = 5) -> list[dict[str, Any]]:
    """What moved a subject's score since the previous run: each indicator's change in score, weighted by its
    share of the total weight (its contribution in points), largest first; NA on either side is said as such."""
    if before is None:
        return []
    out = []
    for path, leaf in tree.leaves(run.system.content):
        share = _share(run.system.content, path)
        now, then = values.get(leaf["code"], {}).get("score"), before.get(leaf["code"], {}).get("score")
        if now is None or then is None:
            if now != then:
                out.append({"code": leaf["code"], "name": leaf["name"], "points": None,
                            "note": _("本期不适用") if now is None else _("上期不适用")})
            continue
        if now != then:
            out.append({"code": leaf["code"], "name": leaf["name"], "points": round((now - then) * share, 2),
                        "from": then, "to": now})
    out.sort(key=lambda d: -abs(d["points"]) if d["points"] is not None else 0)
    return out[:top]


def _share(content: dict[str, Any], path: str) -> float:
    share, nodes = 1.0, content["children"]
    for code in path.split("/"):
        node = next(n for n in nodes if n["code"] == code)
        share *= float(node["weight"]) / sum(float(n["weight"]) for n in nodes)
        nodes = node.get("children") or []
    return share
