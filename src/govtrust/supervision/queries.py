"""Set-based figures per body for the evaluation: one grouped SQL query per kind of input, over a period
[start, end] (both inclusive). Each function answers {body id: {figure: value}}, for the bodies with anything in
the period; `bodies` (ids or an Organization queryset) narrows it. Figures count only what was known by `end`:
an answer or a performance after the period's end does not count for it.

- proposals: received (交办 in the period), answered (by `end`), answered_on_time (by the deadline), rated,
  satisfied (满意 or 基本满意), unsatisfied;
- litigation: filed (立案 in the period), cases (裁判 in the period: the concluded cases), lost, head_appeared
  (of the concluded cases);
- judgments: due (deadline in the period), performed_on_time (of those), performed_late (of those, after the
  deadline but by `end`), unperformed_overdue (any judgment of the body whose deadline passed before `end` and
  that was not performed by `end` — older ones still outstanding included);
- inspections: count (督查 in the period), scored, mean_score;
- assessments: those whose period lies within [start, end]: third_party_count, third_party_mean, self_count,
  self_mean.

Means are Decimals rounded to two places; None when nothing was scored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet

from .models import (
    SATISFIED,
    Assessment,
    AssessmentKind,
    Inspection,
    Judgment,
    LitigationCase,
    Outcome,
    Proposal,
)

Figures = dict[int, dict[str, Any]]
CENT = Decimal("0.01")


def _narrow(qs: QuerySet[Any], bodies: Iterable[int] | QuerySet[Any] | None) -> QuerySet[Any]:
    return qs if bodies is None else qs.filter(body__in=bodies)


def _per_body(qs: QuerySet[Any], means: tuple[str, ...] = ()) -> Figures:
    result: Figures = {}
    for row in qs:
        body = row.pop("body_id")
        for name in means:
            row[name] = None if row[name] is None else Decimal(str(row[name])).quantize(CENT)
        result[body] = row
    return result


def proposal_figures(start: dt.date, end: dt.date, bodies: Any = None) -> Figures:
    answered = Q(answered_on__isnull=False, answered_on__lte=end)
    rated = answered & ~Q(satisfaction="")
    qs = _narrow(Proposal.objects.filter(received_on__gte=start, received_on__lte=end), bodies)
    return _per_body(qs.values("body_id").order_by("body_id").annotate(
        received=Count("id"),
        answered=Count("id", filter=answered),
        answered_on_time=Count("id", filter=answered & Q(answered_on__lte=F("due_on"))),
        rated=Count("id", filter=rated),
        satisfied=Count("id", filter=rated & Q(satisfaction__in=SATISFIED)),
        unsatisfied=Count("id", filter=rated & ~Q(satisfaction__in=SATISFIED)),
    ))


def litigation_figures(start: dt.date, end: dt.date, bodies: Any = None) -> Figures:
    filed = Q(filed_on__gte=start, filed_on__lte=end)
    concluded = Q(judged_on__gte=start, judged_on__lte=end)
    qs = _narrow(LitigationCase.objects.filter(filed | concluded), bodies)
    return _per_body(qs.values("body_id").order_by("body_id").annotate(
        filed=Count("id", filter=filed),
        cases=Count("id", filter=concluded),
        lost=Count("id", filter=concluded & Q(outcome=Outcome.LOST)),
        head_appeared=Count("id", filter=concluded & Q(head_appeared=True)),
    ))


def judgment_figures(start: dt.date, end: dt.date, bodies: Any = None) -> Figures:
    due = Q(due_on__gte=start, due_on__lte=end)
    performed = Q(performed_on__isnull=False, performed_on__lte=end)
    overdue = Q(due_on__lt=end) & ~performed
    qs = _narrow(Judgment.objects.filter(due | overdue), bodies)
    return _per_body(qs.values("body_id").order_by("body_id").annotate(
        due=Count("id", filter=due),
        performed_on_time=Count("id", filter=due & performed & Q(performed_on__lte=F("due_on"))),
        performed_late=Count("id", filter=due & performed & Q(performed_on__gt=F("due_on"))),
        unperformed_overdue=Count("id", filter=overdue),
    ))


def inspection_figures(start: dt.date, end: dt.date, bodies: Any = None) -> Figures:
    qs = _narrow(Inspection.objects.filter(inspected_on__gte=start, inspected_on__lte=end), bodies)
    return _per_body(qs.values("body_id").order_by("body_id").annotate(
        count=Count("id"), scored=Count("score"), mean_score=Avg("score"),
    ), means=("mean_score",))


def assessment_figures(start: dt.date, end: dt.date, bodies: Any = None) -> Figures:
    third, own = Q(kind=AssessmentKind.THIRD_PARTY), Q(kind=AssessmentKind.SELF)
    qs = _narrow(Assessment.objects.filter(period_start__gte=start, period_end__lte=end), bodies)
    return _per_body(qs.values("body_id").order_by("body_id").annotate(
        third_party_count=Count("id", filter=third), third_party_mean=Avg("score", filter=third),
        self_count=Count("id", filter=own), self_mean=Avg("score", filter=own),
    ), means=("third_party_mean", "self_mean"))
