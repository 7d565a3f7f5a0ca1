"""The commitments' deadline scan: overdue marking and warnings before the due date, in working days.

`scan(principal, today)`:
- an in-progress commitment whose due date is before `today` is marked overdue, with an `overdue` event;
- an in-progress commitment due within the next N working days (N = settings.COMMITMENT_WARN_WORKING_DAYS,
  counted with core.calendar, so holidays and adjusted working days count as the law counts them) gets one
  `warned` event for that due date.
Each also leaves a notice in the unit's console inbox (notices.py). Both are set-based (one UPDATE and one bulk insert of events per kind) and idempotent: the flags
(`overdue`, `warned_for`) are set in the same UPDATE that selects on them, so a second run the same day —
or a concurrent one — finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from govtrust.core import access, audit, calendar
from govtrust.core.access import Perm
from govtrust.core.context import current

from .models import Commitment, CommitmentEvent, EventKind, NoticeKind, Status
from .notices import notify_many


@dataclass(frozen=True)
class ScanResult:
    overdue: int
    warned: int
    horizon: dt.date  # warned: due on or before this working day

    def summary(self) -> str:
        return (f"承诺：逾期{self.overdue}项，到期提醒{self.warned}项（{self.horizon.isoformat()}前到期） / "
                f"commitments: {self.overdue} overdue, {self.warned} warned")


def _mark(ids: list[int], kind: str, reason: Any, day: dt.date, actor: str) -> None:
    now = timezone.now()
    found = list(Commitment.objects.filter(pk__in=ids).only("pk", "due_date", "subject_name", "title", "unit_id"))
    CommitmentEvent.objects.bulk_create([CommitmentEvent(commitment=c, kind=kind, actor=actor, reason=reason(c),
                                                         day=day, at=now) for c in found])
    audit.record_many(audit.Change.of(kind, c, after={"due_date": c.due_date.isoformat(), "day": day.isoformat()},
                                      reason=reason(c)) for c in found)
    notice = NoticeKind.COMMITMENT_OVERDUE if kind == EventKind.OVERDUE else NoticeKind.COMMITMENT_WARNED
    notify_many((c.unit_id, notice, f"承诺“{c.title}”（{c.subject_name}）{reason(c)}",
                 reverse("console:commitment", args=[c.pk])) for c in found)


@transaction.atomic
def scan(principal: Any, today: dt.date) -> ScanResult:
    access.require(principal, Perm.COMMITMENTS_REVIEW)
    days = settings.COMMITMENT_WARN_WORKING_DAYS
    horizon = calendar.add_working_days(today, days)
    actor = current().actor_label
    live = access.restrict(principal, Commitment.objects.filter(status=Status.IN_PROGRESS), Perm.COMMITMENTS_VIEW)

    late = live.select_for_update(of=("self",)).filter(due_date__lt=today, overdue=False)
    late_ids = list(late.values_list("pk", flat=True))
    Commitment.objects.filter(pk__in=late_ids).update(overdue=True, updated_at=timezone.now())
    _mark(late_ids, EventKind.OVERDUE, lambda c: f"已超过履行期限{c.due_date.isoformat()}（截至{today.isoformat()}）",
          today, actor)

    soon = live.select_for_update(of=("self",)).filter(due_date__gte=today, due_date__lte=horizon).filter(
        Q(warned_for__isnull=True) | ~Q(warned_for=F("due_date")))
    soon_ids = list(soon.values_list("pk", flat=True))
    Commitment.objects.filter(pk__in=soon_ids).update(warned_for=F("due_date"), updated_at=timezone.now())
    _mark(soon_ids, EventKind.WARNED, lambda c: f"将于{c.due_date.isoformat()}到期（{days}个工作日内），请及时提交践诺材料",
          today, actor)
    return ScanResult(len(late_ids), len(soon_ids), horizon)

