"""The remedies' daily deadline scan (registered in scans.py; `govtrust deadlines scan` runs it).

- deadlines that waited for a year's holiday schedule are counted once it is entered;
- a case whose running deadline (`current_due`) falls within the rule's `remind_before_days` working days gets
  one reminder for that deadline, with a notice to whoever holds the case (the organization it was forwarded
  to, else the credit office over the record's subject);
- a case past its deadline is marked overdue once, with an 逾期督办 event and a notice to the same.
Idempotent: the flags are set in the transaction that selects on them, and a deadline recomputed when the
case enters a new state clears them (casework.enter).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from govtrust.commitments.notices import notify_many
from govtrust.core import access, audit, calendar
from govtrust.core.access import Perm
from govtrust.core.calendar import UnknownCalendarYear
from govtrust.core.context import current

from . import casework, offices
from .models import OPEN_STATUSES, Case, CaseEvent, EventKind, Kind

NOTICE_REMINDED = "异议与修复临期提醒"
NOTICE_OVERDUE = "异议与修复逾期督办"
LABEL = Case._meta.label_lower


@dataclass(frozen=True)
class ScanResult:
    reminded: int
    overdue: int

    def summary(self) -> str:
        return (f"异议与信用修复：临期提醒{self.reminded}件，逾期督办{self.overdue}件 / "
                f"objections and repairs: {self.reminded} reminded, {self.overdue} overdue")


def _mark(cases: list[Case], kind: str, text: Any, day: dt.date) -> None:
    now, actor = timezone.now(), current().actor_label
    CaseEvent.objects.bulk_create([CaseEvent(case=c, kind=kind, actor=actor, reason=text(c), day=day,
                                             due=c.current_due, at=now) for c in cases])
    audit.record_many(audit.Change(kind, LABEL, str(c.pk), c.serial, None,
                                   {"current_due": c.current_due.isoformat(), "day": day.isoformat()}, text(c))
                      for c in cases)
    notify_many([(offices.holder(c), NOTICE_OVERDUE if kind == EventKind.OVERDUE else NOTICE_REMINDED,
                  f"{Kind(c.kind).label}申请{c.serial}{text(c)}", casework.link(c)) for c in cases])


@transaction.atomic
def scan(principal: Any, today: dt.date) -> ScanResult:
    access.require(principal, Perm.REMEDIES_DECIDE)
    casework.count_pending(today)
    live = access.restrict(principal, Case.objects.filter(status__in=OPEN_STATUSES, current_due__isnull=False),
                           Perm.REMEDIES_VIEW).select_related("rule", "record__unit__region", "forwarded_to")
    late = list(live.select_for_update(of=("self",)).filter(current_due__lt=today, overdue=False))
    Case.objects.filter(pk__in=[c.pk for c in late]).update(overdue=True, updated_at=timezone.now())
    _mark(late, EventKind.OVERDUE, lambda c: f"已超过期限{c.current_due.isoformat()}（截至{today.isoformat()}），请立即办理",
          today)
    waiting = list(live.select_for_update(of=("self",)).filter(current_due__gte=today).filter(
        Q(reminded_for__isnull=True) | ~Q(reminded_for=F("current_due"))))
    horizons: dict[int, dt.date] = {}
    for n in {c.rule.remind_before_days for c in waiting}:
        try:
            horizons[n] = calendar.add_working_days(today, n)
        except UnknownCalendarYear:
            continue
    soon = [c for c in waiting if c.rule.remind_before_days in horizons
            and c.current_due <= horizons[c.rule.remind_before_days]]
    Case.objects.filter(pk__in=[c.pk for c in soon]).update(reminded_for=F("current_due"), updated_at=timezone.now())
    _mark(soon, EventKind.REMINDED, lambda c: f"将于{c.current_due.isoformat()}到期，请及时办理", today)
    return ScanResult(len(soon), len(late))
