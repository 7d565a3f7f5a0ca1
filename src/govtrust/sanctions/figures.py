"""Figures per measure and scene: how often each measure was applied in checks, and what the callers say
they did with it (实施反馈: applied, not applied, no feedback yet).

One grouped query over CheckHit, each hit paired with the feedback for its measure, or failing that the
feedback for the check as a whole; scoped to the checks the principal may see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery

from govtrust.core import access
from govtrust.core.access import Perm

from .models import CheckHit, Feedback, Measure, Outcome, Scene


def feedback_figures(principal: Any, start: dt.date | None = None, end: dt.date | None = None) -> list[dict[str, Any]]:
    hits = access.restrict(principal, CheckHit.objects.all(), Perm.CHECKS_VIEW)
    if start:
        hits = hits.filter(check_ref__asked_at__date__gte=start)
    if end:
        hits = hits.filter(check_ref__asked_at__date__lte=end)
    outcome = Feedback.objects.filter(Q(measure=OuterRef("measure")) | Q(measure=""),
                                      check_ref=OuterRef("check_ref")).order_by("-measure").values("outcome")[:1]
    rows = (hits.annotate(outcome=Subquery(outcome)).values("measure", "scene")
            .annotate(hits=Count("id"),
                      applied=Count("id", filter=Q(outcome=Outcome.APPLIED)),
                      not_applied=Count("id", filter=Q(outcome=Outcome.NOT_APPLIED)),
                      blocked=Count("id", filter=Q(effect="block")))
            .order_by("measure", "scene"))
    names = dict(Measure.objects.values_list("code", "name"))
    scenes = dict(Scene.objects.values_list("code", "name"))
    out = []
    for r in rows:
        answered = r["applied"] + r["not_applied"]
        out.append({**r, "measure_name": names.get(r["measure"], r["measure"]),
                    "scene_name": scenes.get(r["scene"], r["scene"]), "no_feedback": r["hits"] - answered,
                    "applied_rate": round(r["applied"] / answered, 4) if answered else None})
    return out
