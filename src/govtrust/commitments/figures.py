"""Fulfilment figures (践诺率) per body, region and kind over a period: set-based aggregates.

The commitments counted are those due in the period (start ≤ due date ≤ end) and visible to the caller.
Per group: total; fulfilled; breached; changed (依法变更, left out of the rate); overdue (still in progress
and past due on `today`); pending (in progress, not yet past due).

    fulfilment rate = fulfilled / (fulfilled + breached + overdue)

i.e. of the commitments that fell due and were not changed by law, the share kept; None when there are
none. Example: 3 fulfilled, 1 breached, 1 overdue, 1 changed by law → 3 / 5 = 0.6.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import FieldError, invalid

from .models import Commitment, Status

GROUPS = {
    "by_body": ("unit_id", "unit__name", "unit__region__code"),
    "by_region": ("unit__region__code", "unit__region__name"),
    "by_kind": ("kind__code", "kind__name"),
}


def _counts(today: dt.date) -> dict[str, Any]:
    return {
        "total": Count("pk"),
        "fulfilled": Count("pk", filter=Q(status=Status.FULFILLED)),
        "breached": Count("pk", filter=Q(status=Status.BREACHED)),
        "changed": Count("pk", filter=Q(status=Status.CHANGED)),
        "overdue": Count("pk", filter=Q(status=Status.IN_PROGRESS, due_date__lt=today)),
        "pending": Count("pk", filter=Q(status=Status.IN_PROGRESS, due_date__gte=today)),
    }


def _rate(row: dict[str, Any]) -> dict[str, Any]:
    due = row["fulfilled"] + row["breached"] + row["overdue"]
    return row | {"rate": round(row["fulfilled"] / due, 4) if due else None}


def in_period(principal: Any, start: dt.date, end: dt.date) -> QuerySet[Commitment]:
    if end < start:
        raise invalid([FieldError("end", "结束日期不能早于开始日期", "the end is before the start")])
    qs = access.restrict(principal, Commitment.objects.all(), Perm.COMMITMENTS_VIEW)
    return qs.filter(due_date__gte=start, due_date__lte=end)


def report(principal: Any, start: dt.date, end: dt.date, today: dt.date) -> dict[str, Any]:
    qs = in_period(principal, start, end).order_by()
    counts = _counts(today)
    out: dict[str, Any] = {"start": start, "end": end, "today": today,
                           "total": _rate(qs.aggregate(**counts))}
    for name, fields in GROUPS.items():
        rows = qs.values(*fields).annotate(**counts).order_by(*fields)
        out[name] = [_rate(dict(r)) for r in rows]
    return out
