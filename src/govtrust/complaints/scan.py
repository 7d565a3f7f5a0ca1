"""The complaints' daily deadline scan (督办), registered in scans.py; `govtrust deadlines scan` runs it.

`scan(principal, today)`:
- a case whose running deadline (`current_due`) falls within the rule's `remind_before_working_days` working
  days from `today` gets one reminder for that deadline (`reminded_for`), with a notice to the assigned
  organization's inbox while it holds the case;
- a case whose deadline has passed is marked overdue, with one 逾期督办 event and a notice to the assigned
  organization (and to the level above it, for handling deadlines);
- deadlines that waited for a year's holiday schedule are counted once it is entered;
- old anti-flood counters are purged.
Counted in working days with core.calendar: holidays and adjusted working days count as the law counts them.
Set-based and idempotent: the flags are set in the same transaction that selects on them, and a deadline
recomputed when a case re-enters a state clears them (services.enter), so each deadline is reminded and
marked once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from govtrust.commitments.notices import notify_many
from govtrust.commitments.rectification_scan import level_above
from govtrust.core import access, audit, calendar
from govtrust.core.access import Perm
from govtrust.core.calendar import UnknownCalendarYear
from govtrust.core.context import current
from govtrust.subjects.models import Organization

from . import services, throttle
from .models import HANDLING_STATUSES, OPEN_STATUSES, Complaint, ComplaintEvent, EventKind

NOTICE_REMINDED = "投诉举报临期提醒"
NOTICE_OVERDUE = "投诉举报逾期督办"
LABEL = Complaint._meta.label_lower


@dataclass(frozen=True)
class ScanResult:
    reminded: int
    overdue: int

    def summary(self) -> str:
        return (f"投诉举报：临期提醒{self.reminded}件，逾期督办{self.overdue}件 / "
                f"complaints: {self.reminded} reminded, {self.overdue} overdue")


def _mark(rows: list[dict[str, Any]], kind: str, reason: Any, day: dt.date) -> None:
    now, actor = timezone.now(), current().actor_label
    ComplaintEvent.objects.bulk_create([ComplaintEvent(complaint_id=r["pk"], kind=kind, actor=actor, reason=reason(r),
                                                       day=day, due=r["current_due"], at=now) for r in rows])
    audit.record_many(audit.Change(kind, LABEL, str(r["pk"]), r["serial"], None,
                                   {"current_due": r["current_due"].isoformat(), "day": day.isoformat()}, reason(r))
                      for r in rows)


def _horizons(rows: list[dict[str, Any]], today: dt.date) -> dict[int, dt.date]:
    """Per reminder period (a rule's), the last deadline it reaches from today; years without a calendar skipped."""
    out = {}
    for n in {r["rule__remind_before_working_days"] for r in rows}:
        try:
            out[n] = calendar.add_working_days(today, n)
        except UnknownCalendarYear:
            continue
    return out


@transaction.atomic
def scan(principal: Any, today: dt.date) -> ScanResult:
    access.require(principal, Perm.COMPLAINTS_MANAGE)
    services.count_pending(today)
    live = access.restrict(principal, Complaint.objects.filter(status__in=OPEN_STATUSES, current_due__isnull=False),
                           Perm.COMPLAINTS_VIEW)
    fields = ("pk", "serial", "current_due", "status", "assignee_id", "rule__remind_before_working_days")

    late = list(live.select_for_update(of=("self",)).filter(current_due__lt=today, overdue=False).values(*fields))
    Complaint.objects.filter(pk__in=[r["pk"] for r in late]).update(overdue=True, updated_at=timezone.now())

    def late_text(r: dict[str, Any]) -> str:
        return f"已超过期限{r['current_due'].isoformat()}（截至{today.isoformat()}），请立即办理"

    _mark(late, EventKind.OVERDUE, late_text, today)
    base = reverse("console:complaints")  # one reverse for all links: a scan may mark thousands

    def link(r: dict[str, Any]) -> str:
        return f"{base}{r['pk']}/"

    holding = [r for r in late if r["status"] in HANDLING_STATUSES and r["assignee_id"]]
    above = {o.pk: level_above(o) for o in Organization.objects.filter(pk__in={r["assignee_id"] for r in holding})
             .select_related("parent", "region")}
    notify_many([(r["assignee_id"], NOTICE_OVERDUE, f"投诉举报{r['serial']}{late_text(r)}",
                  link(r)) for r in holding]
                + [(getattr(above.get(r["assignee_id"]), "pk", None), NOTICE_OVERDUE,
                    f"下级单位承办的投诉举报{r['serial']}{late_text(r)}", link(r))
                   for r in holding])

    waiting = list(live.filter(current_due__gte=today).filter(Q(reminded_for__isnull=True)
                                                               | ~Q(reminded_for=F("current_due"))).values(*fields))
    horizons = _horizons(waiting, today)
    soon = [r for r in waiting if r["rule__remind_before_working_days"] in horizons
            and r["current_due"] <= horizons[r["rule__remind_before_working_days"]]]
    ids = [r["pk"] for r in soon]
    locked = set(Complaint.objects.select_for_update().filter(pk__in=ids, status__in=OPEN_STATUSES)
                 .values_list("pk", flat=True))
    soon = [r for r in soon if r["pk"] in locked]
    Complaint.objects.filter(pk__in=[r["pk"] for r in soon]).update(reminded_for=F("current_due"),
                                                                     updated_at=timezone.now())

    def soon_text(r: dict[str, Any]) -> str:
        return f"将于{r['current_due'].isoformat()}到期，请及时办理"

    _mark(soon, EventKind.REMINDED, soon_text, today)
    notify_many([(r["assignee_id"], NOTICE_REMINDED, f"投诉举报{r['serial']}{soon_text(r)}",
                  link(r))
                 for r in soon if r["status"] in HANDLING_STATUSES and r["assignee_id"]])
    throttle.purge(timezone.now() - dt.timedelta(days=2))
    return ScanResult(len(soon), len(late))
