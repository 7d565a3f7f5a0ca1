"""Rectification (整改) of breach records: every change to a case — validate, write, append the event, audit —
in one transaction. Cases are opened by the `rectification-open` scan (rectification_scan.py).

    awaiting_explanation ─explain→ explained ─set_deadline→ rectifying ─submit→ submitted ─accept→ accepted
                                                              ↑                     └─return_case→ returned
                                                              └──────── submit (resubmitted) ───────┘
    any open state ─close (the ledger record was repaired or revoked)→ closed_by_repair_or_revocation

- `explain`: the body's written explanation (书面说明), due `rule.explanation_working_days` after the
  record's creation date.
- `set_deadline`: the credit office sets the rectification deadline as working days from today or as a
  date (not before today); without either, the rule's default period.
- `submit_report`: the body's report and evidence files; a second identical submission changes nothing.
- `accept`: the credit office accepts the rectification (整改到位).
- `return_case`: the credit office returns the report with a required reason; the case reopens with its
  deadline recomputed from the return date (same number of working days), `reopen_count` + 1.
- `close`: the record is no longer live (repaired, revoked, expired): the case closes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from govtrust.core import access, audit, calendar
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, invalid
from govtrust.subjects.models import Organization

from .files import read_checked
from .models import CaseEvent, CaseEventKind, CaseEvidence, CaseStatus, RectificationCase, RectificationRule

# The subjects whose breach records open a case: government bodies and public institutions.
BODY_KINDS = (Organization.Kind.GOVERNMENT, Organization.Kind.DEPARTMENT, Organization.Kind.TOWNSHIP,
              Organization.Kind.SUBDISTRICT, Organization.Kind.PUBLIC_INSTITUTION)
MAX_WORKING_DAYS = 250
AUDITED = ("status", "explanation_due", "explained_on", "rectification_days", "rectification_due", "current_due",
           "submitted_on", "returned_on", "accepted_on", "closed_on", "escalation_level", "reopen_count")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def rules() -> list[RectificationRule]:
    return list(RectificationRule.objects.order_by("in_force_from"))


def rule_in_force(day: dt.date, available: list[RectificationRule] | None = None) -> RectificationRule:
    """The rule in force on `day`: the latest in force by then, or the earliest for older days."""
    available = rules() if available is None else available
    if not available:
        raise Conflict("尚未配置整改期限规则", "no rectification rule is configured")
    found = [r for r in available if r.in_force_from <= day]
    return found[-1] if found else available[0]


def _state(c: RectificationCase) -> dict[str, Any]:
    return {f: getattr(c, f) for f in AUDITED}


def event(c: RectificationCase, kind: str, reason: str, day: dt.date) -> CaseEvent:
    return CaseEvent.objects.create(case=c, kind=kind, actor=current().actor_label, reason=reason, day=day,
                                    at=timezone.now())


def _locked(principal: Any, case: RectificationCase, perm: str, allowed: tuple[str, ...]) -> RectificationCase:
    access.require(principal, perm, case)
    c = RectificationCase.objects.select_for_update().get(pk=case.pk)
    if c.status not in allowed:
        raise Conflict(f"整改案件当前为“{c.get_status_display()}”，不能办理此操作",
                       f"the case is {c.status}; this action is not possible")
    return c


def _save(c: RectificationCase, action: str, before: dict[str, Any], kind: str, reason: str, day: dt.date,
          note: str = "") -> RectificationCase:
    c.updated_at = timezone.now()
    c.save()
    event(c, kind, reason, day)
    audit.record(action, c, before=before, after=_state(c), reason=note or reason or CaseEventKind(kind).label)
    return c


def _new_deadline(c: RectificationCase, due: dt.date | None) -> None:
    """A new running deadline: the reminder and escalation about the old one no longer apply."""
    c.current_due, c.escalation_level = due, 0


# --------------------------------------------------------------------------------------------- explain

@transaction.atomic
def explain(principal: Any, case: RectificationCase, *, text: str, today: dt.date | None = None) -> RectificationCase:
    """The body's written explanation of the breach (书面说明原因)."""
    text = (text or "").strip()
    if not text:
        access.require(principal, Perm.RECTIFICATION_ACT, case)
        raise invalid([FieldError("explanation", "必须填写书面说明", "the written explanation is required")])
    if case.status == CaseStatus.EXPLAINED and case.explanation == text:
        access.require(principal, Perm.RECTIFICATION_ACT, case)
        return case  # the same explanation sent twice
    c = _locked(principal, case, Perm.RECTIFICATION_ACT, (CaseStatus.AWAITING_EXPLANATION,))
    day, before = _today(today), _state(c)
    c.status, c.explanation, c.explained_on = CaseStatus.EXPLAINED, text, day
    _new_deadline(c, None)
    late = f"（逾期，期限为{c.explanation_due.isoformat()}）" if day > c.explanation_due else ""
    return _save(c, "explain", before, CaseEventKind.EXPLAINED, text + late, day, note=f"书面说明{late}")


# -------------------------------------------------------------------------------------------- deadline

def _working_days(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WORKING_DAYS:
        raise invalid([FieldError("working_days", f"整改期限应为1—{MAX_WORKING_DAYS}个工作日",
                                  f"the period must be 1 to {MAX_WORKING_DAYS} working days")])
    return value


@transaction.atomic
def set_deadline(principal: Any, case: RectificationCase, *, working_days: int | None = None,
                 due_date: dt.date | None = None, today: dt.date | None = None) -> RectificationCase:
    """The credit office sets the rectification deadline: N working days after today, or a date (not in the
    past); with neither, the rule's default period."""
    day = _today(today)
    working_days = _working_days(working_days)
    if working_days is not None and due_date is not None:
        access.require(principal, Perm.RECTIFICATION_REVIEW, case)
        raise invalid([FieldError("due_date", "工作日数和截止日期只能填写一项", "give working days or a date, not both")])
    if due_date is not None and due_date < day:
        access.require(principal, Perm.RECTIFICATION_REVIEW, case)
        raise invalid([FieldError("due_date", f"整改期限不能早于今天（{day.isoformat()}）",
                                  f"the deadline is before today ({day.isoformat()})")])
    c = _locked(principal, case, Perm.RECTIFICATION_REVIEW,
                (CaseStatus.AWAITING_EXPLANATION, CaseStatus.EXPLAINED, CaseStatus.RECTIFYING, CaseStatus.RETURNED))
    before = _state(c)
    if due_date is not None:
        days, due = max(1, calendar.working_days_between(day, due_date)), due_date
    else:
        days = working_days or c.rule.rectification_working_days
        due = calendar.add_working_days(day, days)
    c.rectification_days, c.rectification_due, c.deadline_set_on = days, due, day
    if c.status == CaseStatus.EXPLAINED:
        c.status = CaseStatus.RECTIFYING
    if c.status in (CaseStatus.RECTIFYING, CaseStatus.RETURNED):
        _new_deadline(c, due)
    reason = f"整改期限{due.isoformat()}（{days}个工作日）"
    return _save(c, "deadline", before, CaseEventKind.DEADLINE, reason, day)


# ---------------------------------------------------------------------------------------------- submit

@transaction.atomic
def submit_report(principal: Any, case: RectificationCase, *, report: str, files: list[Any] | tuple[Any, ...] = (),
                  today: dt.date | None = None) -> RectificationCase:
    """The body's rectification report with evidence files; resubmission after a return is the same call."""
    report = (report or "").strip()
    access.require(principal, Perm.RECTIFICATION_ACT, case)
    if not report:
        raise invalid([FieldError("report", "必须填写整改报告", "the rectification report is required")])
    checked = [read_checked(f) for f in files]  # every file is checked before anything is stored
    if case.status == CaseStatus.SUBMITTED and case.report == report:
        return case  # a double submission: the first one stands
    c = _locked(principal, case, Perm.RECTIFICATION_ACT, (CaseStatus.RECTIFYING, CaseStatus.RETURNED))
    day, before = _today(today), _state(c)
    resubmitted = c.status == CaseStatus.RETURNED
    stored: list[str] = []
    try:
        for f in checked:
            evidence = CaseEvidence(case=c, original_name=f.name, extension=f.extension, size=len(f.data),
                                    sha256=f.sha256, round=c.reopen_count, uploaded_by=current().actor_label,
                                    uploaded_at=timezone.now())
            evidence.file.save(f"{f.sha256[:20]}.{f.extension}", ContentFile(f.data), save=False)
            stored.append(evidence.file.name)
            evidence.save()
            audit.record("evidence", evidence, after={"case": c.pk, "sha256": f.sha256, "size": len(f.data),
                                                      "name": f.name}, reason=f"整改材料：{f.name}")
        c.status, c.report, c.submitted_on = CaseStatus.SUBMITTED, report, day
        _new_deadline(c, None)
        kind = CaseEventKind.RESUBMITTED if resubmitted else CaseEventKind.SUBMITTED
        return _save(c, "submit", before, kind, report, day, note="报送整改报告")
    except Exception:
        for name in stored:
            CaseEvidence.file.field.storage.delete(name)
        raise


# ------------------------------------------------------------------------------------------ accept/return

@transaction.atomic
def accept(principal: Any, case: RectificationCase, *, note: str = "", today: dt.date | None = None
           ) -> RectificationCase:
    """The credit office accepts the rectification (整改到位)."""
    c = _locked(principal, case, Perm.RECTIFICATION_REVIEW, (CaseStatus.SUBMITTED,))
    day, before = _today(today), _state(c)
    c.status, c.accepted_on = CaseStatus.ACCEPTED, day
    _new_deadline(c, None)
    return _save(c, "accept", before, CaseEventKind.ACCEPTED, (note or "").strip(), day, note="整改到位，验收通过")


@transaction.atomic
def return_case(principal: Any, case: RectificationCase, *, reason: str, today: dt.date | None = None
                ) -> RectificationCase:
    """Return the report with a reason: the case reopens, its deadline recomputed from the return date."""
    reason = (reason or "").strip()
    if not reason:
        access.require(principal, Perm.RECTIFICATION_REVIEW, case)
        raise invalid([FieldError("reason", "退回必须说明理由", "a reason is required to return a report")])
    c = _locked(principal, case, Perm.RECTIFICATION_REVIEW, (CaseStatus.SUBMITTED,))
    day, before = _today(today), _state(c)
    days = c.rectification_days or c.rule.rectification_working_days
    due = calendar.add_working_days(day, days)
    c.status, c.return_reason, c.returned_on = CaseStatus.RETURNED, reason, day
    c.rectification_days, c.rectification_due, c.deadline_set_on = days, due, day
    c.reopen_count += 1
    _new_deadline(c, due)
    return _save(c, "return", before, CaseEventKind.RETURNED, f"{reason}（重新整改期限{due.isoformat()}，{days}个工作日）",
                 day, note=reason)
