"""Reading commitments: the staff list's filters, and what the public may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from govtrust.core import access
from govtrust.core.access import Perm

from .models import Commitment, Status


@dataclass(frozen=True)
class ListFilters:
    status: str = ""
    kind: str = ""
    subject: str = ""  # a subject key (o:12, p:7) or an organization id (its unit and the people in it)
    overdue: bool | None = None  # in progress and past due
    q: str = ""


def filter_commitments(principal: Any, f: ListFilters, today: dt.date | None = None) -> QuerySet[Commitment]:
    today = today or timezone.localdate()
    qs = access.restrict(principal, Commitment.objects.all(), Perm.COMMITMENTS_VIEW)
    if f.status in Status.values:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind__code=f.kind)
    if f.subject:
        qs = qs.filter(unit_id=int(f.subject)) if f.subject.isdigit() else qs.filter(subject_key=f.subject)
    late = Q(status=Status.IN_PROGRESS, due_date__lt=today)
    if f.overdue is True:
        qs = qs.filter(late)
    elif f.overdue is False:
        qs = qs.exclude(late)
    if f.q.strip():
        text = f.q.strip()
        qs = qs.filter(Q(title__icontains=text) | Q(subject_name__icontains=text))
    return qs.order_by("due_date", "id")


def public_commitments() -> QuerySet[Commitment]:
    """What the portal lists: public commitments only, with their status."""
    return Commitment.objects.filter(is_public=True).select_related("kind", "unit", "unit__region")
