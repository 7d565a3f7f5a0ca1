"""Reading warnings: the filtered list in scope, a body's warnings, and the open counts (console home, the quarterly
report and the body pages). Everything goes through the access layer under WARNINGS_VIEW."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.subjects.models import Organization

from .models import LEVEL_ORDER, OPEN_STATUSES, Level, Warning

SELECTED = ("rule", "body", "body__region")


@dataclass(frozen=True)
class Filters:
    status: str = ""  # a WarningStatus value, or "open" for open and acknowledged
    level: str = ""
    rule: str = ""  # the rule's code
    body: int | None = None
    period: str = ""


def visible(principal: Any) -> QuerySet[Warning]:
    return access.restrict(principal, Warning.objects.select_related(*SELECTED), Perm.WARNINGS_VIEW)


def filter_warnings(principal: Any, f: Filters | None = None) -> QuerySet[Warning]:
    f = f or Filters()
    qs = visible(principal)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.rule:
        qs = qs.filter(rule__code=f.rule)
    if f.body is not None:
        qs = qs.filter(body_id=f.body)
    if f.period:
        qs = qs.filter(period=f.period)
    return qs.order_by("-triggered_at", "-id")


def get(principal: Any, pk: int) -> Warning:
    return access.get_visible(principal, Warning.objects.select_related(*SELECTED), Perm.WARNINGS_VIEW, pk=pk)


def for_body(principal: Any, org: Organization, include_closed: bool = True) -> QuerySet[Warning]:
    """The warnings about one body the principal may see, newest first (empty when the body is out of scope)."""
    qs = visible(principal).filter(body=org)
    if not include_closed:
        qs = qs.exclude(status="closed")
    return qs.order_by("-triggered_at", "-id")


def open_counts(principal: Any, org: Organization | None = None) -> dict[str, int]:
    """Open (not yet actioned) warnings in scope by level — red, orange, yellow, each present — for one body or all."""
    qs = visible(principal).filter(status__in=OPEN_STATUSES)
    if org is not None:
        qs = qs.filter(body=org)
    counts = dict(qs.values_list("level").annotate(n=Count("id")).order_by())
    return {level: counts.get(level, 0) for level in sorted(Level.values, key=lambda v: LEVEL_ORDER[v])}


def count_for(principal: Any) -> int:
    """How many open warnings concern the principal (the console home); 0 without the permission."""
    if not access.can(principal, Perm.WARNINGS_VIEW):
        return 0
    return sum(open_counts(principal).values())
