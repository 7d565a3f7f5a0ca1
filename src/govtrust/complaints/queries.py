"""Reading complaints: the queues per role and the list's filters, always within the caller's scope.

Queues: `office` — what the credit office must act on (accept, assign, reassign after a return, close, visit);
`mine` — what the caller's organization holds (assigned or being handled); `open` — every case not finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from govtrust.core import access
from govtrust.core.access import Perm

from .models import HANDLING_STATUSES, OPEN_STATUSES, Complaint, Status

OFFICE_QUEUE = (Status.RECEIVED, Status.ACCEPTED, Status.RETURNED, Status.REPLIED, Status.CLOSED)
QUEUES = ("office", "mine", "open")


@dataclass(frozen=True)
class QueueFilters:
    queue: str = ""
    status: str = ""
    category: str = ""
    body: int | None = None
    overdue: bool | None = None
    serious: bool | None = None
    q: str = ""


def filter_complaints(principal: Any, f: QueueFilters) -> QuerySet[Complaint]:
    qs = access.restrict(principal, Complaint.objects.all(), Perm.COMPLAINTS_VIEW)
    if f.queue == "office":
        qs = qs.filter(status__in=OFFICE_QUEUE)
    elif f.queue == "mine":
        org_id = getattr(principal, "organization_id", None)
        qs = qs.filter(assignee_id=org_id, status__in=HANDLING_STATUSES) if org_id else qs.none()
    elif f.queue == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    if f.status in Status.values:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category__code=f.category)
    if f.body is not None:
        qs = qs.filter(body_id=f.body)
    if f.overdue is not None:
        qs = qs.filter(overdue=f.overdue)
    if f.serious is not None:
        qs = qs.filter(serious=f.serious)
    text = f.q.strip()
    if text:
        qs = qs.filter(Q(serial__iexact=text) | Q(hotline_number=text) | Q(body__name__icontains=text))
    return qs.order_by(F("current_due").asc(nulls_last=True), "-received_on", "-id")
