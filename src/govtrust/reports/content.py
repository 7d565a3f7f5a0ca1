"""What a quarterly monitoring report says, assembled from one published evaluation run.

`build(run)` returns plain JSON-able data (stored whole when the report is published, so the published
report never changes): the run it rests on (indicator system version, data cut-off, input fingerprint), a
summary (subjects evaluated and ranked, mean score, grade distribution, rank sensitivity), rankings per kind
of body, findings per dimension (mean, best and worst bodies, each indicator's mean score and coverage), the
warnings of the quarter, the bodies that improved and declined since the previous quarter's published run,
the trend of mean scores over recent quarters, and an annex defining every indicator.

The figures come from the run's stored results (RunScore), never from the ledger directly: the report says
what the run found, and the run names what it rests on. Charts are drawn from this data at render time
(render.py, charts.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from statistics import mean
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govtrust.evaluation import periods, tree
from govtrust.evaluation import queries as evaluation_queries
from govtrust.evaluation.models import Run, RunScore, RunStatus
from govtrust.evaluation.sources import SOURCES
from govtrust.subjects.models import Organization, Region

CHANGES_SHOWN = 10  # bodies listed as improved / declined
TREND_QUARTERS = 6  # quarters in the trend chart, this one included
BEST_WORST = 3  # bodies named as best and worst per dimension
WARNINGS_SHOWN = 200  # the newest warnings of the quarter listed in the report


def latest_published_run(period: str, region: Region) -> Run | None:
    """The run a report of `period` for `region` rests on: the latest published one (a corrected run supersedes
    the old one when it is published, so there is at most one, but the latest wins in any case)."""
    return (Run.objects.filter(period=period, region=region, status=RunStatus.PUBLISHED)
            .select_related("system", "region").order_by("-published_at", "-id").first())


def _f(x: Decimal | float | None) -> float | None:
    return None if x is None else round(float(x), 2)


def _kind_label(kind: str) -> str:
    try:
        return str(Organization.Kind(kind).label)
    except ValueError:
        return kind


LEVEL_ORDER = {level: i for i, level in enumerate(Region.Level.values)}


KIND_ORDER = {kind: i for i, kind in enumerate(Organization.Kind.values)}


def _group_key(group: str, _kinds: list[str] | None = None) -> tuple[int, int, str]:
    """Governments before departments, higher levels before lower (the order of the choices)."""
    kind, _sep, level = group.partition(":")
    return (KIND_ORDER.get(kind, len(KIND_ORDER)), LEVEL_ORDER.get(level, -1), group)


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _normalization(spec: dict[str, Any]) -> str:
    method = spec.get("method")
    if method == "linear":
        return _("线性：%(lo)s → 0分，%(hi)s → 100分（超出截断）") % {"lo": spec.get("lo"), "hi": spec.get("hi")}
    if method == "thresholds":
        steps = "；".join(_("≥%(min)s 得%(score)s分") % {"min": s.get("min"), "score": s.get("score")}
                         for s in spec.get("steps") or [])
        return _("阈值分段：%(steps)s") % {"steps": steps}
    if method == "rank":
        return _("按排名：最好100分，最差0分")
    return str(method or "")


def _scores(run: Run) -> list[dict[str, Any]]:
    rows = (RunScore.objects.filter(run=run).select_related("subject", "subject__region")
            .order_by("kind", "rank", "subject__name"))
    return [{"subject_id": s.subject_id, "name": s.subject.name, "region": s.subject.region.name, "kind": s.kind,
             "group": getattr(s, "group", "") or s.kind,
             "score": _f(s.score), "grade": s.grade, "rank": s.rank, "rank_best": s.rank_best,
             "rank_worst": s.rank_worst, "coverage": round(float(s.coverage), 4), "dimensions": s.dimensions or {},
             "values": s.values or {}} for s in rows]


def _meta(run: Run) -> dict[str, Any]:
    system = run.system
    return {
        "period": run.period, "period_start": run.period_start.isoformat(), "period_end": run.period_end.isoformat(),
        "region": {"code": run.region.code, "name": run.region.name},
        "system": {"code": system.code, "name": system.name, "version": system.version, "basis": system.basis},
        "run": {"id": run.pk, "fingerprint": run.fingerprint, "cutoff": _local(run.cutoff),
                "published_at": _local(run.published_at), "published_by": run.published_by, "note": run.note},
        "kinds": [{"code": k, "label": _kind_label(k)} for k in run.kinds or []],
    }


def _summary(run: Run, scores: list[dict[str, Any]], content: dict[str, Any]) -> dict[str, Any]:
    ranked = [s for s in scores if s["rank"] is not None and s["score"] is not None]
    grades = [g["grade"] for g in content.get("grades") or []]
    counts = defaultdict(int)
    for s in ranked:
        counts[s["grade"]] += 1
    sensitivity = [{"scenario": f"{s['name']} {s['change']}", "moved": s["moved"], "max_shift": s["max_shift"]}
                   for s in evaluation_queries.sensitivity(run)]
    by_group = defaultdict(list)
    for s in ranked:
        by_group[s["group"]].append(s["score"])
    return {
        "subjects": len(scores), "ranked": len(ranked),
        "mean_score": round(mean(s["score"] for s in ranked), 2) if ranked else None,
        "grades": [{"grade": g, "min": b.get("min"), "count": counts.get(g, 0),
                    "share": round(counts.get(g, 0) / len(ranked), 4) if ranked else 0.0}
                   for g, b in zip(grades, content.get("grades") or [], strict=False)],
        "by_kind": [{"kind": g, "label": evaluation_queries.group_label(g), "ranked": len(by_group[g]),
                     "mean_score": round(mean(by_group[g]), 2)}
                    for g in sorted(by_group, key=lambda g: _group_key(g, list(run.kinds or [])))],
        "unranked": [s["name"] for s in scores if s["rank"] is None],
        "sensitivity": sensitivity,
        "stable": all(s["moved"] == 0 for s in sensitivity),
        "sensitivity_step": run.sensitivity_step,
    }


def _rankings(run: Run, scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One table per ranking group (a kind at a region level): runs rank like with like."""
    kinds = list(run.kinds or [])
    out = []
    for group in sorted({s["group"] for s in scores}, key=lambda g: _group_key(g, kinds)):
        rows = [s for s in scores if s["group"] == group]
        rows.sort(key=lambda s: (s["rank"] is None, s["rank"] or 0, s["name"]))
        out.append({"kind": group.replace(":", "-"), "label": evaluation_queries.group_label(group), "rows": [
            {k: s[k] for k in ("name", "region", "score", "grade", "rank", "rank_best", "rank_worst", "coverage")}
            for s in rows]})
    return out


def _dimensions(scores: list[dict[str, Any]], content: dict[str, Any], summary: dict[str, Any]) -> list[dict[str, Any]]:
    indicators = summary.get("indicators") or {}
    out = []
    for d in content.get("children") or []:
        code = d["code"]
        have = [(s, float(s["dimensions"][code])) for s in scores if s["dimensions"].get(code) is not None]
        have.sort(key=lambda pair: (-pair[1], pair[0]["name"]))
        leaves = []
        for _path, leaf in tree.leaves({"children": [d]}):
            lscores = [float(s["values"][leaf["code"]]["score"]) for s in scores
                       if (s["values"].get(leaf["code"]) or {}).get("score") is not None]
            info = indicators.get(leaf["code"]) or {}
            leaves.append({"code": leaf["code"], "name": leaf["name"], "weight": leaf.get("weight"),
                           "mean_score": round(mean(lscores), 2) if lscores else None,
                           "with_data": info.get("with_data", len(lscores)), "subjects": info.get("subjects", len(scores))})
        scored = [x for x in leaves if x["mean_score"] is not None]
        weakest = min(scored, key=lambda x: x["mean_score"]) if scored else None

        def named(pairs: list[tuple[dict[str, Any], float]]) -> list[dict[str, Any]]:
            return [{"name": s["name"], "kind": evaluation_queries.group_label(s["group"]), "score": round(v, 2)} for s, v in pairs]

        out.append({"code": code, "name": d["name"], "weight": d.get("weight"), "with_data": len(have),
                    "mean_score": round(mean(v for _s, v in have), 2) if have else None,
                    "best": named(have[:min(BEST_WORST, (len(have) + 1) // 2)]),
                    "worst": named(list(reversed(have[len(have) - min(BEST_WORST, len(have) // 2):]))),
                    "indicators": leaves, "weakest": weakest["name"] if weakest else ""})
    return out


def _changes(run: Run, scores: list[dict[str, Any]]) -> dict[str, Any]:
    previous = periods.parse(run.period).previous
    prev_run = latest_published_run(previous.label, run.region)
    result: dict[str, Any] = {"previous_period": previous.label, "previous_run": None, "same_system": True,
                              "improved": [], "declined": [], "compared": 0}
    if prev_run is None:
        return result
    result["previous_run"] = {"id": prev_run.pk, "system_version": prev_run.system.version,
                              "fingerprint": prev_run.fingerprint}
    result["same_system"] = (prev_run.system.code, prev_run.system.version) == (run.system.code, run.system.version)
    before = {s.subject_id: s for s in RunScore.objects.filter(run=prev_run)}
    moves = []
    for s in scores:
        old = before.get(s["subject_id"])
        if old is None or old.score is None or s["score"] is None:
            continue
        delta = round(s["score"] - float(old.score), 2)
        moves.append({"name": s["name"], "kind": evaluation_queries.group_label(s["group"]), "before": _f(old.score), "after": s["score"],
                      "delta": delta, "rank_before": old.rank, "rank_after": s["rank"],
                      "grade_before": old.grade, "grade_after": s["grade"]})
    result["compared"] = len(moves)
    result["improved"] = sorted((m for m in moves if m["delta"] > 0), key=lambda m: (-m["delta"], m["name"]))[:CHANGES_SHOWN]
    result["declined"] = sorted((m for m in moves if m["delta"] < 0), key=lambda m: (m["delta"], m["name"]))[:CHANGES_SHOWN]
    return result


def _trend(run: Run, scores: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean ranked score per ranking group over the last TREND_QUARTERS quarters (this one last); a quarter
    without a published run is a gap."""
    labels: list[str] = []
    period = periods.parse(run.period)
    runs: list[Run | None] = []
    for _i in range(TREND_QUARTERS):
        labels.insert(0, period.label)
        runs.insert(0, run if period.label == run.period else latest_published_run(period.label, run.region))
        period = period.previous
    by_run: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    ids = [r.pk for r in runs if r is not None]
    for s in RunScore.objects.filter(run_id__in=ids, rank__isnull=False, score__isnull=False):
        by_run[s.run_id][getattr(s, "group", "") or s.kind].append(float(s.score))
    groups = sorted({s["group"] for s in scores}, key=lambda g: _group_key(g, list(run.kinds or [])))
    series = []
    for group in groups:
        values = [round(mean(by_run[r.pk][group]), 2) if r is not None and by_run[r.pk][group] else None
                  for r in runs]
        series.append({"kind": group, "label": evaluation_queries.group_label(group), "values": values})
    return {"periods": labels, "series": series}


def _annex(run: Run, content: dict[str, Any]) -> list[dict[str, Any]]:
    indicators = (run.summary or {}).get("indicators") or {}
    dims = {d["code"]: d for d in content.get("children") or []}
    out = []
    for path, leaf in tree.leaves(content):
        dim = dims.get(path.split("/", 1)[0], {})
        source = SOURCES.get(str(leaf.get("source")))
        info = indicators.get(leaf["code"]) or {}
        out.append({
            "path": path, "code": leaf["code"], "name": leaf.get("name", ""), "dimension": dim.get("name", ""),
            "weight": leaf.get("weight"),
            "effective_weight": round(float(dim.get("weight", 0)) * float(leaf.get("weight", 0)) / 100, 2),
            "source": source.name if source else str(leaf.get("source")), "source_code": str(leaf.get("source")),
            "counts": source.counts if source else "", "sample": source.sample if source else "",
            "direction": _("越高越好") if leaf.get("direction") == "higher" else _("越低越好"),
            "normalize": _normalization(leaf.get("normalize") or {}), "min_sample": leaf.get("min_sample", 0),
            "missing": _("无数据计0分") if leaf.get("missing") == "zero" else _("无数据为不适用（权重分摊给同级指标）"),
            "definition": leaf.get("definition", ""), "example": leaf.get("example", ""),
            "assumptions": leaf.get("assumptions", ""),
            "with_data": info.get("with_data"), "subjects": info.get("subjects"),
        })
    return out


# ------------------------------------------------------------------------------------------ warnings

WarningsProvider = Callable[[Run], list[dict[str, Any]] | None]


def monitoring_warnings(run: Run) -> list[dict[str, Any]] | None:
    """The early warnings (监测预警) of the run's quarter and region from govtrust.monitoring, or None when that
    app is not installed (the section then says so). Reads its Warning model: rule, body, level, summary,
    triggered_at, status."""
    from django.apps import apps

    if not apps.is_installed("govtrust.monitoring"):
        return None
    try:
        model = apps.get_model("monitoring", "Warning")
    except LookupError:
        return None
    start = timezone.make_aware(dt.datetime.combine(run.period_start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(run.period_end + dt.timedelta(days=1), dt.time.min))
    in_quarter = Q(triggered_at__gte=start, triggered_at__lt=end)
    if any(f.name == "period" for f in model._meta.get_fields()):
        in_quarter |= Q(period=run.period)  # a warning about the quarter raised after it ended (a score drop)
    rows = (model.objects.filter(in_quarter, body__region__path__startswith=run.region.path)
            .select_related("body", "rule").order_by("-triggered_at", "-id")[:WARNINGS_SHOWN])
    out = []
    for w in rows:
        level, status, rule = getattr(w, "level", ""), getattr(w, "status", ""), getattr(w, "rule", "")
        out.append({
            "rule": str(getattr(rule, "name", rule)),
            "body": str(getattr(w.body, "name", w.body)),
            "level": str(w.get_level_display()) if hasattr(w, "get_level_display") else str(level),
            "summary": str(getattr(w, "summary", "")),
            "triggered_at": _local(getattr(w, "triggered_at", None)),
            "status": str(w.get_status_display()) if hasattr(w, "get_status_display") else str(status),
        })
    return out


# Replaceable (tests, a deployment without the monitoring app): how the warnings section is filled.
warnings_provider: WarningsProvider = monitoring_warnings


def build(run: Run) -> dict[str, Any]:
    """Everything the report shows, from the run (see the module docstring)."""
    content = run.system.content or {}
    scores = _scores(run)
    warnings = warnings_provider(run)
    return {
        "version": 1,
        "meta": _meta(run),
        "summary": _summary(run, scores, content),
        "rankings": _rankings(run, scores),
        "dimensions": _dimensions(scores, content, run.summary or {}),
        "warnings": {"available": warnings is not None, "items": warnings or []},
        "changes": _changes(run, scores),
        "trend": _trend(run, scores),
        "annex": _annex(run, content),
        "grades": content.get("grades") or [],
    }
