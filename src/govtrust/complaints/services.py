"""Every change to a complaint: validate, write, append the timeline event, audit — in one transaction.

    received ─accept→ accepted ─assign→ assigned ─handle→ handling ─reply→ replied ─close→ closed ─visit→ visited
        └─decline→ declined            │    ↑                 │                                    │
                                       │    └── reassign ── returned ←─return_case─┘               │
                                       └──────────── reopen (visit: unsatisfied) ←─────────────────┘
    any state before the reply ─merge→ merged (the case it joined answers for it)

Deadlines (working days, core.calendar, under the `DeadlineRule` in force on the day the complaint was
received): entering a state sets `current_due` from the day it was entered — accept, assign, handle (per
category: inquiries 3, complaints 13 by default), reassign after a return, close after the reply, visit after
closing — so a case that re-enters a state (reassigned, reopened) gets its deadline recomputed. The calendar
schedules the computation used are stored beside it (`calendar_basis`).

Who: the credit office (COMPLAINTS_MANAGE) accepts, declines, assigns, reassigns, merges, closes, visits,
supervises and flags serious cases; the assigned organization (COMPLAINTS_HANDLE) signs for, returns and
replies. Intake is in intake.py. A case closed as found true writes a ledger record of category 投诉举报查实
(`complaint_substantiated`) about the body, through the ledger's writer, and links it; closed again as
unfounded after a reopening, that record is revoked through ledger.services.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from govtrust.commitments.notices import notify_many
from govtrust.commitments.rectification_scan import level_above
from govtrust.core import access, audit, tracking
from govtrust.core.access import Perm
from govtrust.core.calendar import UnknownCalendarYear, WorkingCalendar
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, invalid
from govtrust.ledger import services as ledger
from govtrust.ledger.bulk import Entry, Writer
from govtrust.ledger.models import LIVE_STATUSES, Category, Polarity, Record, RevisionKind
from govtrust.ledger.regimes import PeriodError, RegimeBook
from govtrust.ledger.schema import check_fields
from govtrust.subjects.models import Organization

from . import routing
from .models import (
    FOUND_TRUE,
    HANDLING_STATUSES,
    Complaint,
    ComplaintEvent,
    DeadlineRule,
    EventKind,
    Finding,
    LimitClass,
    NotAcceptedMatter,
    Rating,
    Status,
)

RECORD_CATEGORY = "complaint_substantiated"  # 投诉举报查实 in the ledger catalog
DOCUMENT_PREFIX = "GT-TS-"  # the ledger record's document number: the platform's own, per complaint
# Kept out of the audit trail: ciphertexts and the extraction code's hash (masked copies are kept instead).
AUDIT_EXCLUDED = {"name_encrypted", "contact_encrypted", "code_hash"}
AUDITED = ("status", "current_due", "handle_due", "assignee", "finding", "rating", "reopen_count", "merged_into",
           "serious", "ledger_record", "overdue")
# The notice kinds written to the console inbox (commitments.Notice): self-describing labels.
NOTICE_ASSIGNED = "投诉举报派单"
NOTICE_SUPERVISED = "投诉举报督办"
NOTICE_SERIOUS = "重大投诉举报报告"
BEFORE_REPLY = (Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED, Status.RETURNED, Status.HANDLING)


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def rule_in_force(day: dt.date) -> DeadlineRule:
    """The time-limit rule in force on `day`: the latest in force by then, or the earliest for older days."""
    rules = list(DeadlineRule.objects.order_by("in_force_from"))
    if not rules:
        raise Conflict("尚未配置投诉举报办理时限规则", "no complaint time-limit rule is configured")
    found = [r for r in rules if r.in_force_from <= day]
    return found[-1] if found else rules[0]


def stage_days(c: Complaint, status: str) -> int | None:
    """The working days the rule gives the state `status` (None: no deadline runs in it)."""
    r = c.rule
    return {Status.RECEIVED: r.accept_working_days, Status.ACCEPTED: r.assign_working_days,
            Status.ASSIGNED: r.handle_days(c.category), Status.RETURNED: r.reassign_working_days,
            Status.REPLIED: r.close_working_days, Status.CLOSED: r.visit_working_days}.get(status)


def due_after(start: dt.date, days: int) -> tuple[dt.date, dict[str, Any]]:
    """The n-th working day after `start`, with the schedules (source, revision, basis) it rests on."""
    cal = WorkingCalendar()
    due = cal.add_working_days(start, days)
    return due, {"start": start.isoformat(), "working_days": days, "calendar": [s.reference() for s in cal.used()]}


def enter(c: Complaint, status: str, day: dt.date, count: Any = due_after) -> None:
    """Put the case in `status` from `day`: its deadline is that state's, counted afresh from `day`.

    `count(start, n)` counts the working days (the demo passes a precomputed calendar of the same data)."""
    c.status, c.stage_on, c.overdue, c.reminded_for = status, day, False, None
    days = stage_days(c, status)
    if days is None:
        c.current_due, c.calendar_basis = None, {}
        return
    if status == Status.ASSIGNED:
        c.assigned_on, c.on_time = day, None
    try:
        c.current_due, basis = count(day, days)
    except UnknownCalendarYear as err:
        # The deadline falls in a year whose holiday schedule is not entered yet: the case is kept (nothing a
        # complainant sends is refused for it) and the daily scan counts the deadline once the year is entered.
        c.current_due, c.calendar_basis = None, {"pending": True, "start": day.isoformat(), "working_days": days,
                                                 "rule": c.rule.code, "status": status, "reason": err.message}
        if status == Status.ASSIGNED:
            c.handle_due = None
        return
    c.calendar_basis = basis | {"rule": c.rule.code, "status": status}
    if status == Status.ASSIGNED:
        c.handle_due = c.current_due


def count_pending(today: dt.date) -> int:
    """Count the deadlines that were waiting for a year's schedule, now that it may be entered (daily scan)."""
    done = 0
    for c in Complaint.objects.select_for_update().filter(calendar_basis__pending=True).select_related("rule"):
        start = dt.date.fromisoformat(c.calendar_basis["start"])
        try:
            due, basis = due_after(start, c.calendar_basis["working_days"])
        except UnknownCalendarYear:
            continue
        c.current_due, c.calendar_basis = due, basis | {"rule": c.rule.code, "status": c.status}
        if c.status == Status.ASSIGNED:
            c.handle_due = due
        if c.status == Status.RECEIVED:
            c.accept_due = due
        c.save(update_fields=["current_due", "calendar_basis", "handle_due", "accept_due", "updated_at"])
        done += 1
    return done


def snapshot(c: Complaint) -> dict[str, Any]:
    names = [f.name for f in Complaint._meta.concrete_fields if f.name not in AUDIT_EXCLUDED]
    return audit.snapshot(c, names)


def _state(c: Complaint) -> dict[str, Any]:
    return audit.snapshot(c, AUDITED)


def event(c: Complaint, kind: str, reason: str, day: dt.date, organization: Organization | None = None,
          due: dt.date | None = None) -> ComplaintEvent:
    return ComplaintEvent.objects.create(complaint=c, kind=kind, actor=current().actor_label, reason=reason, day=day,
                                         organization=organization, due=due, at=timezone.now())


def _locked(principal: Any, complaint: Complaint, perm: str, allowed: tuple[str, ...]) -> Complaint:
    access.require(principal, perm, complaint)
    c = Complaint.objects.select_for_update(of=("self",)).select_related("rule", "category", "body", "assignee").get(
        pk=complaint.pk)
    if c.status not in allowed:
        raise Conflict(f"投诉举报当前为“{c.get_status_display()}”，不能办理此操作",
                       f"the complaint is {c.status}; this action is not possible")
    return c


def _save(c: Complaint, action: str, before: dict[str, Any], kind: str, reason: str, day: dt.date,
          organization: Organization | None = None) -> Complaint:
    c.updated_at = timezone.now()
    c.save()
    event(c, kind, reason, day, organization, c.current_due)
    audit.record(action, c, before=before, after=_state(c), reason=reason or EventKind(kind).label)
    return c


def _required(name: str, value: str, message: str, message_en: str) -> list[FieldError]:
    return [] if (value or "").strip() else [FieldError(name, message, message_en)]


def _link(c: Complaint) -> str:
    return reverse("console:complaint", args=[c.pk])


# ----------------------------------------------------------------------------------------- accept / decline

@transaction.atomic
def accept(principal: Any, complaint: Complaint, *, note: str = "", today: dt.date | None = None) -> Complaint:
    """受理: the complaint is within the platform's remit; it now waits to be assigned."""
    c = _locked(principal, complaint, Perm.COMPLAINTS_MANAGE, (Status.RECEIVED,))
    day, before = _today(today), _state(c)
    c.accepted_on = day
    enter(c, Status.ACCEPTED, day)
    return _save(c, "accept", before, EventKind.ACCEPTED, (note or "").strip() or "受理", day)


@transaction.atomic
def decline(principal: Any, complaint: Complaint, *, matter: str | NotAcceptedMatter | None, reason: str = "",
            today: dt.date | None = None) -> Complaint:
    """不予受理, naming the entry of the published list of matters not accepted that applies."""
    access.require(principal, Perm.COMPLAINTS_MANAGE, complaint)
    if isinstance(matter, str) or matter is None:
        found = NotAcceptedMatter.objects.filter(code=matter or "", active=True).first()
        if found is None:
            raise invalid([FieldError("matter", "请从不予受理事项清单中选择理由", "choose a reason from the list of matters "
                                                                    "not accepted")])
        matter = found
    c = _locked(principal, complaint, Perm.COMPLAINTS_MANAGE, (Status.RECEIVED, Status.ACCEPTED))
    day, before = _today(today), _state(c)
    c.decline_matter, c.decline_reason = matter, (reason or "").strip()
    enter(c, Status.DECLINED, day)
    text = f"{matter.text}" + (f"：{c.decline_reason}" if c.decline_reason else "")
    return _save(c, "decline", before, EventKind.DECLINED, text, day)


# ---------------------------------------------------------------------------------------- assign / reassign

def _assignable(org: Organization | None, field: str = "organization") -> Organization:
    if org is None:
        raise invalid([FieldError(field, "必须选择承办单位", "the handling organization is required")])
    if org.status != Organization.Status.ACTIVE:
        raise invalid([FieldError(field, f"“{org.name}”已{org.get_status_display()}，不能承办",
                                  f"{org.name} is {org.status} and cannot handle complaints")])
    return org


def _to(c: Complaint, org: Organization, day: dt.date) -> None:
    c.assignee, c.handled_on, c.returned_by = org, None, None
    enter(c, Status.ASSIGNED, day)
    notify_many([(org.pk, NOTICE_ASSIGNED, f"投诉举报{c.serial}（{c.category.name}，{c.body.name}）已派至本单位，"
                                           f"请于{c.handle_due.isoformat()}前办理答复", _link(c))])


@transaction.atomic
def assign(principal: Any, complaint: Complaint, *, organization: Organization | None = None, note: str = "",
           today: dt.date | None = None) -> Complaint:
    """派单: to `organization`, or — without one — to whom the routing table names for the category and the
    body's region (the body itself when the table has no entry)."""
    c = _locked(principal, complaint, Perm.COMPLAINTS_MANAGE, (Status.ACCEPTED,))
    day, before = _today(today), _state(c)
    entry = None
    if organization is None:
        organization, entry = routing.route(c.category, c.body, day)
    c.routing_entry = entry
    _to(c, _assignable(organization), day)
    how = f"按派单规则第{entry.pk}条" if entry else ("指定" if note else "派单规则未覆盖，由被投诉单位办理")
    reason = f"派至{organization.name}（{how}），办理期限{c.handle_due.isoformat()}" + (f"：{note.strip()}" if note else "")
    return _save(c, "assign", before, EventKind.ASSIGNED, reason, day, organization)


@transaction.atomic
def reassign(principal: Any, complaint: Complaint, *, organization: Organization | None, note: str = "",
             today: dt.date | None = None) -> Complaint:
    """改派: after a return (or while handling) the credit office sends the case to another organization; the
    handling deadline is recomputed from today."""
    c = _locked(principal, complaint, Perm.COMPLAINTS_MANAGE, (Status.RETURNED, *HANDLING_STATUSES))
    org = _assignable(organization)
    if c.status != Status.RETURNED and org.pk == c.assignee_id:
        raise invalid([FieldError("organization", "改派的承办单位与当前承办单位相同", "that is the current handling "
                                                                       "organization")])
    day, before = _today(today), _state(c)
    c.routing_entry = None
    _to(c, org, day)
    reason = f"改派至{org.name}，办理期限{c.handle_due.isoformat()}" + (f"：{note.strip()}" if note else "")
    return _save(c, "reassign", before, EventKind.REASSIGNED, reason, day, org)


# ----------------------------------------------------------------------------------- handle / return / reply

@transaction.atomic
def handle(principal: Any, complaint: Complaint, *, note: str = "", today: dt.date | None = None) -> Complaint:
    """签收: the assigned organization takes the case; the handling deadline keeps running."""
    c = _locked(principal, complaint, Perm.COMPLAINTS_HANDLE, (Status.ASSIGNED,))
    day, before = _today(today), _state(c)
    c.status, c.handled_on = Status.HANDLING, day
    return _save(c, "handle", before, EventKind.HANDLING, (note or "").strip() or "签收办理", day, c.assignee)


@transaction.atomic
def return_case(principal: Any, complaint: Complaint, *, reason: str, today: dt.date | None = None) -> Complaint:
    """退单: the assigned organization sends the case back with its reasons (not ours to handle, …)."""
    reason = (reason or "").strip()
    if not reason:
        access.require(principal, Perm.COMPLAINTS_HANDLE, complaint)
        raise invalid([FieldError("reason", "退单必须说明理由", "a reason is required to return a case")])
    c = _locked(principal, complaint, Perm.COMPLAINTS_HANDLE, HANDLING_STATUSES)
    day, before = _today(today), _state(c)
    c.returned_by, c.return_reason, c.return_count = c.assignee, reason, c.return_count + 1
    enter(c, Status.RETURNED, day)
    return _save(c, "return", before, EventKind.RETURNED, reason, day, c.assignee)


def _answer_merged(c: Complaint, day: dt.date) -> None:
    """Every complainant of a merged duplicate gets the answer: one timeline entry per duplicate."""
    merged = list(c.merged.all())
    now, actor = timezone.now(), current().actor_label
    ComplaintEvent.objects.bulk_create([ComplaintEvent(complaint=m, kind=EventKind.ANSWERED, actor=actor,
                                                       reason=f"并入{c.serial}，答复：{c.reply}", day=day, at=now)
                                        for m in merged])
    audit.record_many(audit.Change.of("answer", m, after={"root": c.serial, "day": day.isoformat()},
                                      reason=f"并单答复送达（{c.serial}）") for m in merged)


@transaction.atomic
def reply(principal: Any, complaint: Complaint, *, text: str, finding: str = "", today: dt.date | None = None
          ) -> Complaint:
    """答复: the assigned organization's answer and its finding (属实 / 部分属实 / 不属实; inquiries: 不涉及)."""
    text = (text or "").strip()
    access.require(principal, Perm.COMPLAINTS_HANDLE, complaint)
    inquiry = complaint.category.limit_class == LimitClass.INQUIRY
    finding = finding or (Finding.NOT_APPLICABLE if inquiry else "")
    errors = _required("reply", text, "必须填写答复内容", "the reply is required")
    if finding not in Finding.values:
        errors.append(FieldError("finding", "请选择核查结论（属实、部分属实、不属实）", "choose the finding"))
    elif finding == Finding.NOT_APPLICABLE and not inquiry:
        errors.append(FieldError("finding", "投诉举报类诉求须给出核查结论", "a complaint needs a finding"))
    if errors:
        raise invalid(errors)
    c = _locked(principal, complaint, Perm.COMPLAINTS_HANDLE, HANDLING_STATUSES)
    day, before = _today(today), _state(c)
    c.reply, c.finding, c.replied_on = text, finding, day
    c.on_time = c.handle_due is None or day <= c.handle_due
    c.handled_on = c.handled_on or day
    enter(c, Status.REPLIED, day)
    _save(c, "reply", before, EventKind.REPLIED, f"{Finding(finding).label}：{text}", day, c.assignee)
    _answer_merged(c, day)
    return c


# --------------------------------------------------------------------------------------------- close

def record_entry(principal: Any, c: Complaint, category: Category, day: dt.date, book: RegimeBook | None = None,
                 document_number: str = "") -> Entry:
    """The ledger row for a case found true (the demo passes one RegimeBook for all of its rows)."""
    source = getattr(principal, "organization", None) or c.assignee or c.body
    severity = category.default_severity  # a negative category always has one (ledger.catalog.check_category)
    data, errors = check_fields(category.fields, {"complaint_number": c.serial})
    if errors:
        raise invalid(errors, "投诉举报查实记录的专有字段有误", "the record's fields are invalid")
    try:
        periods = (book or RegimeBook()).periods(day, severity, category.domain)
    except PeriodError as exc:
        raise invalid([exc.field_error("today")]) from None
    body = c.body
    return Entry(
        row=0, subject_key=f"o:{body.pk}", organization_id=body.pk, person_id=None, unit_id=body.pk,
        subject_name=body.name, category_id=category.pk, category_version=category.version, severity=severity,
        facts=f"投诉举报{c.serial}（{c.category.name}）经核查{Finding(c.finding).label}：{c.reply}"[:2000],
        document_number=document_number or f"{DOCUMENT_PREFIX}{c.serial}", authority=source.name, decision_date=day,
        legal_basis=c.category.legal_basis, source_id=source.pk, data=data, disclosure_scope=category.disclosure_scope,
        regime_rule_id=periods.rule_id, repair_from=periods.repair_from, disclosure_end=periods.disclosure_end)


def write_record(principal: Any, c: Complaint, day: dt.date) -> Record | None:
    """The 投诉举报查实 ledger record of the body, through the ledger's writer (None when the category is not
    in the catalog or does not cover the body's kind)."""
    category = Category.objects.filter(code=RECORD_CATEGORY, active=True, polarity=Polarity.NEGATIVE).first()
    if category is None or c.body.kind not in category.subject_kinds:
        return None
    number = f"{DOCUMENT_PREFIX}{c.serial}"
    if c.ledger_record_id and c.ledger_record.status not in LIVE_STATUSES:
        # Found true again after the earlier record was revoked: a new record with its own number (the writer
        # would update the revoked one and leave it revoked).
        number = f"{number}-{Record.objects.filter(document_number__startswith=number).count() + 1}"
    entry = record_entry(principal, c, category, day, document_number=number)
    ctx = current()
    Writer(None, ctx.actor_label, ctx.channel, f"投诉举报查实：{c.serial}", timezone.now()).write([entry])
    record = Record.objects.get(source_id=entry.source_id, document_number=entry.document_number,
                                category=category, subject_key=entry.subject_key)
    audit.record("create", record, after={"category": category.code, "complaint": c.serial,
                                          "document_number": record.document_number}, reason=f"投诉举报查实：{c.serial}")
    return record


@transaction.atomic
def close(principal: Any, complaint: Complaint, *, finding: str = "", note: str = "", today: dt.date | None = None
          ) -> Complaint:
    """办结: the credit office confirms the reply (and may correct its finding). Found true (属实, 部分属实) in a
    category that says so: a ledger record of the body, linked to the case; found untrue after a reopening:
    the earlier record is revoked."""
    if finding and finding not in Finding.values:
        access.require(principal, Perm.COMPLAINTS_MANAGE, complaint)
        raise invalid([FieldError("finding", "核查结论无效", f"unknown finding {finding!r}")])
    c = _locked(principal, complaint, Perm.COMPLAINTS_MANAGE, (Status.REPLIED,))
    day, before = _today(today), _state(c)
    c.finding = finding or c.finding
    note = (note or "").strip()
    recorded, written = "", None
    if c.finding in FOUND_TRUE and c.category.writes_record:
        written = write_record(principal, c, day)
        if written is not None:
            c.ledger_record, recorded = written, f"；生成信用记录{written.document_number}"
    elif c.ledger_record_id and c.ledger_record.status in LIVE_STATUSES:
        ledger.change_status(principal, c.ledger_record, RevisionKind.REVOKE,
                             reason=f"投诉举报{c.serial}重新办理后核查不属实")
        recorded = "；原信用记录已撤销"
    c.closed_on = day
    enter(c, Status.CLOSED, day)
    _save(c, "close", before, EventKind.CLOSED, f"{Finding(c.finding).label}{recorded}" + (f"：{note}" if note else ""),
          day)
    if written is not None:
        event(c, EventKind.RECORDED, written.document_number, day)
    return c


# ------------------------------------------------------------------------------------ follow-up visit

@transaction.atomic
def visit(principal: Any | None, complaint: Complaint, *, rating: str, note: str = "", today: dt.date | None = None
          ) -> Complaint:
    """回访: the complainant's satisfaction. Unsatisfied: the case reopens with the same organization and a
    handling deadline counted afresh. `principal=None` is the complainant rating on the portal (tracking)."""
    if rating not in Rating.values:
        if principal is not None:
            access.require(principal, Perm.COMPLAINTS_MANAGE, complaint)
        raise invalid([FieldError("rating", "请选择满意度（满意、基本满意、不满意）", "choose a rating")])
    if principal is None:
        c = Complaint.objects.select_for_update(of=("self",)).select_related("rule", "category", "body", "assignee").get(
            pk=complaint.pk)
        if c.status != Status.CLOSED:
            raise Conflict("该投诉举报当前不能评价", "the complaint cannot be rated now")
    else:
        c = _locked(principal, complaint, Perm.COMPLAINTS_MANAGE, (Status.CLOSED,))
    day, before = _today(today), _state(c)
    note = (note or "").strip()
    c.rating, c.visited_on = rating, day
    label = Rating(rating).label + (f"：{note}" if note else "")
    if rating != Rating.UNSATISFIED:
        enter(c, Status.VISITED, day)
        return _save(c, "visit", before, EventKind.VISITED, label, day)
    c.save()
    event(c, EventKind.VISITED, label, day)
    c.reopen_count += 1
    c.reply, c.finding, c.replied_on = "", "", None
    _to(c, c.assignee, day)
    return _save(c, "reopen", before, EventKind.REOPENED, f"回访不满意，重新交{c.assignee.name}办理，办理期限"
                                                          f"{c.handle_due.isoformat()}", day, c.assignee)


# ------------------------------------------------------------------------------------------------- merge

@transaction.atomic
def merge(principal: Any, duplicate: Complaint, *, into: Complaint, reason: str = "", today: dt.date | None = None
          ) -> Complaint:
    """并单: a duplicate (same body, same matter) joins another case; its complainant gets that case's answer."""
    access.require(principal, Perm.COMPLAINTS_MANAGE, into)
    target = into.root
    c = _locked(principal, duplicate, Perm.COMPLAINTS_MANAGE, BEFORE_REPLY)
    errors = []
    if target.pk == c.pk:
        errors.append(FieldError("into", "不能与自身并单", "a complaint cannot be merged into itself"))
    elif target.body_id != c.body_id:
        errors.append(FieldError("into", "只能并入同一被投诉单位的投诉举报", "only complaints about the same body can be "
                                                                  "merged"))
    elif target.status in (Status.DECLINED, Status.MERGED):
        errors.append(FieldError("into", f"{target.serial}为“{target.get_status_display()}”，不能并入",
                                 f"{target.serial} is {target.status}"))
    if errors:
        raise invalid(errors)
    day, before = _today(today), _state(c)
    c.merged_into = target
    enter(c, Status.MERGED, day)
    Complaint.objects.filter(merged_into=c).update(merged_into=target)  # its own duplicates follow it
    _save(c, "merge", before, EventKind.MERGED, f"并入{target.serial}" + (f"：{reason.strip()}" if reason else ""), day)
    event(target, EventKind.MERGED, f"{c.serial}并入本件" + (f"：{reason.strip()}" if reason else ""), day)
    if target.replied_on:
        event(c, EventKind.ANSWERED, f"并入{target.serial}，答复：{target.reply}", day)
    return c


def duplicates(principal: Any, c: Complaint) -> list[Complaint]:
    """Open complaints about the same body and of the same category: candidates to merge with."""
    qs = access.restrict(principal, Complaint.objects.filter(body_id=c.body_id, category_id=c.category_id,
                                                             status__in=(*BEFORE_REPLY, Status.REPLIED, Status.CLOSED)),
                         Perm.COMPLAINTS_VIEW)
    return list(qs.exclude(pk=c.pk).order_by("received_on", "pk")[:20])


# ---------------------------------------------------------------------------------- supervise / serious

@transaction.atomic
def supervise(principal: Any, complaint: Complaint, *, note: str, today: dt.date | None = None) -> Complaint:
    """督办: the credit office presses the assigned organization (a notice in its inbox)."""
    note = (note or "").strip()
    if not note:
        access.require(principal, Perm.COMPLAINTS_MANAGE, complaint)
        raise invalid([FieldError("note", "必须填写督办意见", "the supervision note is required")])
    c = _locked(principal, complaint, Perm.COMPLAINTS_MANAGE, HANDLING_STATUSES)
    day = _today(today)
    event(c, EventKind.SUPERVISED, note, day, c.assignee, c.current_due)
    audit.record("supervise", c, after={"assignee": c.assignee_id, "day": day.isoformat()}, reason=note)
    notify_many([(c.assignee_id, NOTICE_SUPERVISED, f"投诉举报{c.serial}督办：{note}", _link(c))])
    return c


@transaction.atomic
def flag_serious(principal: Any, complaint: Complaint, *, reason: str, today: dt.date | None = None) -> Complaint:
    """A serious case: flagged, and reported to the level above the body the same day (inbox notice)."""
    reason = (reason or "").strip()
    if not reason:
        access.require(principal, Perm.COMPLAINTS_MANAGE, complaint)
        raise invalid([FieldError("reason", "必须说明重大情形", "describe why the case is serious")])
    c = _locked(principal, complaint, Perm.COMPLAINTS_MANAGE, (*BEFORE_REPLY, Status.REPLIED, Status.CLOSED))
    if c.serious:
        raise Conflict("该投诉举报已标记为重大投诉", "the complaint is already flagged serious")
    day, before = _today(today), _state(c)
    above = level_above(c.body)
    c.serious, c.serious_reason, c.reported_to, c.reported_on = True, reason, above, day
    to = above.name if above else "上级机关"
    _save(c, "serious", before, EventKind.SERIOUS, f"报告{to}：{reason}", day, above)
    notify_many([(getattr(above, "pk", None), NOTICE_SERIOUS,
                  f"重大投诉举报{c.serial}（{c.body.name}，{c.category.name}）：{reason}", _link(c))])
    return c


# ------------------------------------------------------------------------------------------ identity

@transaction.atomic
def reveal_identity(principal: Any, complaint: Complaint, *, purpose: str) -> dict[str, str]:
    """The complainant's name and contact, for those handling the case, for a stated purpose; the read is audited."""
    if complaint.anonymous and (purpose or "").strip():
        access.require(principal, Perm.COMPLAINTS_IDENTITY, complaint)
        raise Conflict("匿名投诉举报，没有投诉人身份信息", "the complaint is anonymous")
    return tracking.reveal_filer(principal, complaint, Perm.COMPLAINTS_IDENTITY, purpose=purpose)
