"""Reading rectification cases: the staff list's filters (the console and the API share them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from govtrust.core import access
from govtrust.core.access import Perm

from .models import CaseStatus, RectificationCase


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    body: int | None = None
    overdue: bool | None = None  # a running deadline that has passed


def filter_cases(principal: Any, f: CaseFilters, today: dt.date | None = None) -> QuerySet[RectificationCase]:
    today = today or timezone.localdate()
    qs = access.restrict(principal, RectificationCase.objects.all(), Perm.RECTIFICATION_VIEW)
    if f.status in CaseStatus.values:
        qs = qs.filter(status=f.status)
    if f.body is not None:
        qs = qs.filter(body_id=f.body)
    late = Q(current_due__lt=today)
    if f.overdue is True:
        qs = qs.filter(late)
    elif f.overdue is False:
        qs = qs.exclude(late)
    return qs.order_by("current_due", "-opened_on", "-id")
