"""What objections and repair applications share: the rule in force, deadlines, the timeline, filing, tracking.

`enter(case, status, day)` puts a case in a state with that state's deadline, counted in working days
(core.calendar) from `day` under the case's `RemedyRule`; the calendar schedules used are stored beside it.
A deadline that falls in a year whose holiday schedule is not entered yet is not guessed: the case waits
with its deadline pending, and the daily scan counts it once the year is entered (`count_pending`).

`create` writes a new case with its serial number and extraction code (core.tracking), its evidence files
and its first timeline event, audited; `locked` re-reads a case under a row lock for a transition and checks
the principal may act on it and that the state allows the step.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from govtrust.commitments.files import Checked, store
from govtrust.commitments.notices import notify_many
from govtrust.complaints.services import due_after
from govtrust.core import access, audit, crypto, tracking
from govtrust.core.calendar import UnknownCalendarYear
from govtrust.core.context import current
from govtrust.core.errors import Conflict, ServiceError

from . import offices
from .models import Case, CaseEvent, CaseFile, Channel, EventKind, Kind, RemedyRule, Status

NAMESPACE = "remedy"
SERIAL_PREFIX = {Kind.OBJECTION: "YY", Kind.REPAIR: "XF"}
AUDIT_EXCLUDED = {"name_encrypted", "contact_encrypted", "code_hash"}
AUDITED = ("status", "current_due", "decide_due", "forward_due", "forwarded_to", "outcome", "overdue", "on_time",
           "shared_on", "commitment")
# The notice kinds written to the console inbox (commitments.Notice).
NOTICE_DECIDED = "异议与修复办理结果"
NOTICE_FORWARDED = "异议转送核查"
NOTICE_LIFTED = "失信惩戒解除通知"
NOTICE_FILED = "新的异议与修复申请"


def link(c: Case) -> str:
    return reverse("console:remedies_case", args=[c.pk])


def rule_in_force(day: dt.date) -> RemedyRule:
    """The rule in force on `day`: the latest in force by then, or the earliest for older days."""
    rules = list(RemedyRule.objects.order_by("in_force_from"))
    if not rules:
        raise Conflict("尚未配置异议与修复时限规则", "no objection and repair time-limit rule is configured")
    found = [r for r in rules if r.in_force_from <= day]
    return found[-1] if found else rules[0]


def stage_days(c: Case, status: str) -> int | None:
    """The working days the rule gives the state `status` (None: no deadline runs in it)."""
    r = c.rule
    if c.kind == Kind.OBJECTION:
        return {Status.RECEIVED: r.objection_accept_days, Status.ACCEPTED: r.objection_decide_days,
                Status.FORWARDED: r.source_decide_days}.get(status)
    return {Status.RECEIVED: r.repair_accept_days, Status.ACCEPTED: None}.get(status)


def count(start: dt.date, days: int) -> tuple[dt.date | None, dict[str, Any]]:
    """The n-th working day after `start` with its basis, or (None, pending basis) when the year is unknown."""
    try:
        return due_after(start, days)
    except UnknownCalendarYear as err:
        return None, {"pending": True, "start": start.isoformat(), "working_days": days, "reason": err.message}


def enter(c: Case, status: str, day: dt.date) -> None:
    """Put the case in `status` from `day`, with that state's deadline counted afresh from `day`."""
    c.status, c.stage_on, c.overdue, c.reminded_for = status, day, False, None
    days = stage_days(c, status)
    if days is None:
        c.current_due = c.decide_due if status == Status.ACCEPTED else None
        return
    c.current_due, basis = count(day, days)
    c.calendar_basis = {**c.calendar_basis, status: basis}


def count_pending(today: dt.date) -> int:
    """Count the deadlines that waited for a year's holiday schedule, now that it may be entered."""
    done = 0
    for c in Case.objects.filter(current_due__isnull=True, status__in=(Status.RECEIVED, Status.ACCEPTED,
                                                                       Status.FORWARDED)).select_related("rule"):
        pending = c.calendar_basis.get(c.status, {})
        if not pending.get("pending"):
            continue
        due, basis = count(dt.date.fromisoformat(pending["start"]), pending["working_days"])
        if due is not None:
            c.current_due, c.calendar_basis = due, {**c.calendar_basis, c.status: basis}
            c.save(update_fields=["current_due", "calendar_basis", "updated_at"])
            done += 1
    return done


def snapshot(c: Case) -> dict[str, Any]:
    return audit.snapshot(c, [f.name for f in Case._meta.concrete_fields if f.name not in AUDIT_EXCLUDED])


def state(c: Case) -> dict[str, Any]:
    return audit.snapshot(c, AUDITED)


def event(c: Case, kind: str, reason: str, day: dt.date, due: dt.date | None = None) -> CaseEvent:
    return CaseEvent.objects.create(case=c, kind=kind, actor=current().actor_label, reason=reason, day=day, due=due,
                                    at=timezone.now())


def save(c: Case, action: str, before: dict[str, Any], reason: str) -> None:
    c.updated_at = timezone.now()
    c.save()
    audit.record(action, c, before=before, after=state(c), reason=reason)


def locked(principal: Any, case: Case, perm: str, allowed: tuple[str, ...]) -> Case:
    access.require(principal, perm, case)
    c = Case.objects.select_for_update(of=("self",)).select_related("rule", "record", "record__category").get(
        pk=case.pk)
    if c.status not in allowed:
        raise Conflict(f"该申请当前为“{c.get_status_display()}”，不能办理此操作",
                       f"the case is {c.status}; this step is not possible")
    return c


@dataclass(frozen=True)
class Applicant:
    """Who files: capacity, organization (console filings), and, from the portal, name and contact."""

    capacity: str
    organization: Any = None
    name: str = ""
    contact: str = ""


def create(kind: str, channel: str, record: Any, applicant: Applicant, day: dt.date, files: list[Checked],
           **fields: Any) -> tuple[Case, str]:
    """A new case in `received` with its serial, extraction code (returned, shown once) and evidence."""
    now, code = timezone.now(), tracking.new_code()
    name, contact = applicant.name.strip(), applicant.contact.strip()
    c = Case(kind=kind, channel=channel, record=record, subject_name=record.subject_name, capacity=applicant.capacity,
             applicant_organization=applicant.organization,
             name_encrypted=crypto.encrypt(name) if name else "", name_masked=tracking.mask_name(name),
             contact_encrypted=crypto.encrypt(contact) if contact else "",
             contact_masked=tracking.mask_contact(contact), received_on=day, rule=rule_in_force(day), stage_on=day,
             created_by=current().actor_label, created_at=now, updated_at=now, **fields)
    enter(c, Status.RECEIVED, day)
    if kind == Kind.REPAIR:
        c.decide_due, basis = count(day, c.rule.repair_decide_days)
        c.calendar_basis["decide"] = basis
    for _attempt in range(5):
        c.serial = f"{SERIAL_PREFIX[kind]}{day:%Y%m%d}{secrets.randbelow(10**6):06d}"
        c.code_hash = tracking.code_hash(NAMESPACE, c.serial, code)
        try:
            with transaction.atomic():
                c.save()
            break
        except IntegrityError:
            c.pk = None
    else:  # pragma: no cover - a million serials a day
        raise ServiceError("serial", "编号生成失败，请重试", "could not allocate a serial number; retry", status=503)
    store(files, lambda **kw: CaseFile(case=c, **kw), Kind(kind).label, c.serial)
    event(c, EventKind.FILED, f"{Channel(channel).label}：{record.category.name} {record.document_number}", day,
          due=c.current_due)
    audit.record("create", c, after=snapshot(c), reason=f"{Kind(kind).label}申请（{Channel(channel).label}）")
    notify_many([(offices.credit_office(record.unit.region.path), NOTICE_FILED,
                  f"收到{Kind(kind).label}申请{c.serial}（{record.subject_name} {record.document_number}），"
                  f"请于{c.current_due or '期限待定'}前受理", link(c))])
    return c, code


def track(serial: str, code: str) -> Case | None:
    """The case for a serial number and its extraction code; None when either is wrong (core.tracking.find)."""
    return tracking.find(Case.objects.select_related("record", "record__category"), NAMESPACE, serial, code)


def decided(c: Case, status: str, day: dt.date) -> None:
    """Close the case in a decided state: the result date and whether it came within the result deadline."""
    c.decided_on = day
    due = c.decide_due or c.current_due
    c.on_time = due is None or day <= due
    enter(c, status, day)
