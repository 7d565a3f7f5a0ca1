"""Rectification figures: 整改到位率 per body and region over a period, and the 失信被执行人 "清零" count.

A case falls in the period when its deadline — the rectification deadline once set, else the written
explanation's — lies in [start, end]. Cases closed because the record was repaired or revoked are counted
(`closed`) but left out of the rate. Per group: total; accepted (整改到位); overdue (still open and past its
deadline on `today`); pending (open, not yet due); closed.

    completion rate (整改到位率) = accepted / (accepted + overdue)

i.e. of the cases that fell due, the share rectified; None when there are none. Example: 3 accepted,
1 overdue, 2 pending, 1 closed → 3 / 4 = 0.75. The target in the seeds is 100%.

清零: the bodies (government bodies and public institutions) in the caller's scope that still have a live
record of category 失信被执行人 (`dishonest_judgment_debtor`) today: "清零" means this count is zero.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import FieldError, invalid
from govtrust.ledger.models import LIVE_STATUSES, Record
from govtrust.subjects.models import Organization

from .models import OPEN_CASE_STATUSES, CaseStatus, RectificationCase
from .rectification import BODY_KINDS

DEBTOR_CATEGORY = "dishonest_judgment_debtor"  # 失信被执行人 in the ledger catalog
GROUPS = {
    "by_body": ("body_id", "body__name", "body__region__code"),
    "by_region": ("body__region__code", "body__region__name"),
}


def in_period(principal: Any, start: dt.date, end: dt.date) -> QuerySet[RectificationCase]:
    if end < start:
        raise invalid([FieldError("end", "结束日期不能早于开始日期", "the end is before the start")])
    qs = access.restrict(principal, RectificationCase.objects.all(), Perm.RECTIFICATION_VIEW)
    return qs.alias(deadline=Coalesce("rectification_due", "explanation_due")).filter(
        deadline__gte=start, deadline__lte=end)


def _counts(today: dt.date) -> dict[str, Any]:
    return {
        "total": Count("pk"),
        "accepted": Count("pk", filter=Q(status=CaseStatus.ACCEPTED)),
        "overdue": Count("pk", filter=Q(status__in=OPEN_CASE_STATUSES, deadline__lt=today)),
        "pending": Count("pk", filter=Q(status__in=OPEN_CASE_STATUSES, deadline__gte=today)),
        "closed": Count("pk", filter=Q(status=CaseStatus.CLOSED)),
    }


def _rate(row: dict[str, Any]) -> dict[str, Any]:
    due = row["accepted"] + row["overdue"]
    return row | {"rate": round(row["accepted"] / due, 4) if due else None}


def debtor_bodies(principal: Any) -> QuerySet[Any]:
    """The bodies in scope still listed as 失信被执行人 (a live record of the category), with their counts."""
    bodies = access.restrict(principal, Organization.objects.filter(kind__in=BODY_KINDS), Perm.RECTIFICATION_VIEW)
    return (Record.objects.filter(category__code=DEBTOR_CATEGORY, status__in=LIVE_STATUSES, person__isnull=True,
                                  organization__in=bodies.values("pk"))
            .order_by().values("organization_id", "organization__name", "organization__region__code")
            .annotate(records=Count("pk")).order_by("organization__region__code", "organization__name"))


def report(principal: Any, start: dt.date, end: dt.date, today: dt.date) -> dict[str, Any]:
    qs = in_period(principal, start, end).order_by()
    counts = _counts(today)
    out: dict[str, Any] = {"start": start, "end": end, "today": today, "total": _rate(qs.aggregate(**counts))}
    for name, fields in GROUPS.items():
        out[name] = [_rate(dict(r)) for r in qs.values(*fields).annotate(**counts).order_by(*fields)]
    listed = [dict(r) for r in debtor_bodies(principal)]
    out["debtors"] = {"category": DEBTOR_CATEGORY, "bodies_listed": len(listed), "cleared": not listed,
                      "bodies": listed}
    return out
