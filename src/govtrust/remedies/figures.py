"""Remedy figures over the cases received in a period and visible to the caller, per kind.

- volume: received, still open, overdue now;
- outcomes: declined, upheld (corrected / revoked), rejected; approved, refused;
- on-time rate = decided on or before the result deadline / decided (None when none decided);
- handling time: the mean and the maximum working days from receipt to the result, over the decided cases
  (core.calendar; a case whose span crosses a year without a holiday schedule is left out and counted).
Example: decided 4, of which 3 on time → 0.75.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q

from govtrust.core import access, calendar
from govtrust.core.access import Perm
from govtrust.core.calendar import UnknownCalendarYear

from .models import DECIDED_STATUSES, OPEN_STATUSES, Case, Kind, Outcome, Status

COUNTS = {
    "received": Count("pk"),
    "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    "overdue": Count("pk", filter=Q(status__in=OPEN_STATUSES, overdue=True)),
    "declined": Count("pk", filter=Q(status=Status.DECLINED)),
    "corrected": Count("pk", filter=Q(status=Status.UPHELD, outcome=Outcome.CORRECTED)),
    "revoked": Count("pk", filter=Q(status=Status.UPHELD, outcome=Outcome.REVOKED)),
    "rejected": Count("pk", filter=Q(status=Status.REJECTED)),
    "approved": Count("pk", filter=Q(status=Status.APPROVED)),
    "refused": Count("pk", filter=Q(status=Status.REFUSED)),
    "forwarded": Count("pk", filter=Q(forwarded_on__isnull=False)),
    "decided": Count("pk", filter=Q(on_time__isnull=False, status__in=DECIDED_STATUSES)),
    "on_time": Count("pk", filter=Q(on_time=True, status__in=DECIDED_STATUSES)),
}


def figures(principal: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Per kind (objection, repair): the counts above, the on-time rate and the handling time."""
    qs = access.restrict(principal, Case.objects.filter(received_on__gte=start, received_on__lte=end),
                         Perm.REMEDIES_VIEW)
    rows = {r["kind"]: r for r in qs.values("kind").annotate(**COUNTS)}
    spans: dict[str, list[int]] = {k: [] for k in Kind.values}
    unknown: dict[str, int] = dict.fromkeys(Kind.values, 0)
    for kind, received, decided in qs.filter(status__in=DECIDED_STATUSES, decided_on__isnull=False).values_list(
            "kind", "received_on", "decided_on"):
        try:
            spans[kind].append(calendar.working_days_between(received, decided))
        except UnknownCalendarYear:
            unknown[kind] += 1
    out = {}
    for kind in Kind.values:
        row = {name: 0 for name in COUNTS} | {k: v for k, v in rows.get(kind, {}).items() if k != "kind"}
        days = spans[kind]
        out[kind] = row | {
            "on_time_rate": round(row["on_time"] / row["decided"], 4) if row["decided"] else None,
            "mean_working_days": round(sum(days) / len(days), 1) if days else None,
            "max_working_days": max(days) if days else None, "uncounted_spans": unknown[kind]}
    return {"from": start.isoformat(), "to": end.isoformat(), "kinds": out}
