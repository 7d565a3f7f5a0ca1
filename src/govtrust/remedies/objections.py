"""Objections (异议) to a ledger record: filing, acceptance, forwarding, decision — each step one transaction.

    received ─accept→ accepted ─decide→ upheld (record corrected or revoked) | rejected (record stands)
        └─decline→ declined   └─forward→ forwarded ─decide (source organization)→ upheld | rejected

Time limits (REFERENCE §3, configurable defaults in RemedyRule, working days): the record is marked disputed
(异议中) when the objection is accepted, within 1 working day of receipt; the credit office decides within
5 working days of acceptance where it can correct the record itself, or forwards to the source organization
within 2, which decides within 5 of receiving it.

Who: the credit office (REMEDIES_DECIDE) accepts, declines, forwards and decides; the organization a case is
forwarded to (OBJECTIONS_SOURCE, its own cases only) decides it. The ledger change is written through
ledger.services in the same transaction; for a source organization's decision the platform writes it (the
source may not change the ledger directly), and the revision names the actor from the request context.

An upheld objection undoes what the record did (remedy.undo): checks that blocked or warned on it are
reported to the systems that asked, a linked 双公示 decision is withdrawn with a public note, and a public
statement is published where the record had been disclosed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from govtrust.core import access
from govtrust.core.access import SYSTEM, Perm
from govtrust.core.errors import FieldError, PermissionDenied, invalid
from govtrust.ledger import services as ledger
from govtrust.ledger.models import RevisionKind
from govtrust.subjects.models import Organization

from . import casework, undo
from .casework import Applicant, event, locked
from .filing import Filing, check, console_record, public_record
from .models import Case, Channel, EventKind, Kind, Outcome, Status


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


@transaction.atomic
def file(principal: Any, record_id: Any, f: Filing, *, channel: str = Channel.CONSOLE,
         today: dt.date | None = None) -> tuple[Case, str]:
    """An objection from a console user or another system about a record it reaches."""
    record, capacity = console_record(principal, Kind.OBJECTION, record_id)
    files = check(Kind.OBJECTION, record, f, public=False)
    org = getattr(principal, "organization", None)
    return casework.create(Kind.OBJECTION, channel, record, Applicant(capacity, org, f.name, f.contact),
                           _today(today), files, grounds=f.grounds.strip(), requested=(f.requested or "").strip())


@transaction.atomic
def file_public(f: Filing, *, record_id: Any = None, resident_id: str = "", document_number: str = "",
                today: dt.date | None = None) -> tuple[Case, str]:
    """An objection from the portal (no login); returns the case and its extraction code (shown once)."""
    record, capacity = public_record(record_id, resident_id, document_number)
    files = check(Kind.OBJECTION, record, f, public=True)
    return casework.create(Kind.OBJECTION, Channel.PORTAL, record, Applicant(capacity, None, f.name, f.contact),
                           _today(today), files, grounds=f.grounds.strip(), requested=(f.requested or "").strip())


@transaction.atomic
def accept(principal: Any, case: Case, *, today: dt.date | None = None) -> Case:
    """Accept the objection: the record shows 异议中 from now, and the decision deadline runs."""
    c = locked(principal, case, Perm.REMEDIES_DECIDE, (Status.RECEIVED,))
    day, before = _today(today), casework.state(c)
    ledger.change_status(principal, c.record, RevisionKind.DISPUTE, reason=f"收到异议申请{c.serial}，核查处理中")
    c.accepted_on = day
    casework.enter(c, Status.ACCEPTED, day)
    c.decide_due = c.current_due
    c.forward_due, basis = casework.count(day, c.rule.objection_forward_days)
    c.calendar_basis["forward"] = basis
    casework.save(c, "accept", before, "受理异议并标注异议中")
    event(c, EventKind.ACCEPTED, "已受理，正在核查", day, due=c.current_due)
    event(c, EventKind.DISPUTED, "该记录已标注为“异议中”", day)
    return c


@transaction.atomic
def decline(principal: Any, case: Case, *, reason: str, today: dt.date | None = None) -> Case:
    """Not accepted (e.g. the applicant is not the subject nor a user of the record): with the reason."""
    c = locked(principal, case, Perm.REMEDIES_DECIDE, (Status.RECEIVED,))
    reason = _required(reason, "reason", "请填写不予受理的理由", "a reason is required")
    day, before = _today(today), casework.state(c)
    c.decision = reason
    casework.decided(c, Status.DECLINED, day)
    casework.save(c, "decline", before, reason)
    event(c, EventKind.DECLINED, reason, day)
    undo.tell_applicant(c, f"您的异议申请{c.serial}不予受理：{reason}")
    return c


@transaction.atomic
def forward(principal: Any, case: Case, *, organization: Organization | None = None, note: str = "",
            today: dt.date | None = None) -> Case:
    """Forward to the source organization (or another named one), which then decides within its limit."""
    c = locked(principal, case, Perm.REMEDIES_DECIDE, (Status.ACCEPTED,))
    target = organization or c.record.source
    day, before = _today(today), casework.state(c)
    c.forwarded_to, c.forwarded_on = target, day
    casework.enter(c, Status.FORWARDED, day)
    c.decide_due = c.current_due
    casework.save(c, "forward", before, f"转{target.name}核查")
    late = "" if c.forward_due is None or day <= c.forward_due else f"（超过转送期限{c.forward_due.isoformat()}）"
    event(c, EventKind.FORWARDED, f"已转数据来源单位核查{late}{('：' + note) if note else ''}", day, due=c.current_due)
    undo.notify(target.pk, casework.NOTICE_FORWARDED,
                f"异议申请{c.serial}（{c.record.subject_name} {c.record.document_number}）请于{c.current_due}前核查处理",
                c)
    return c


@transaction.atomic
def decide(principal: Any, case: Case, *, upheld: bool, reason: str, outcome: str = "",
           changes: dict[str, Any] | None = None, today: dt.date | None = None) -> Case:
    """The decision: upheld (the record corrected with `changes`, or revoked) or rejected (it stands)."""
    c = Case.objects.select_related("forwarded_to").get(pk=case.pk)
    if c.status == Status.FORWARDED and not access.can(principal, Perm.REMEDIES_DECIDE):
        org = getattr(principal, "organization", None)
        if org is None or not c.forwarded_to.path.startswith(org.path):
            raise PermissionDenied("该异议未转交本单位核查", "the objection was not forwarded to your organization")
        c = locked(principal, c, Perm.OBJECTIONS_SOURCE, (Status.FORWARDED,))
        writer: Any = SYSTEM  # the source organization decides; the platform writes the ledger for it
    else:
        c = locked(principal, c, Perm.REMEDIES_DECIDE, (Status.ACCEPTED, Status.FORWARDED))
        writer = principal
    reason = _required(reason, "reason", "请填写处理结果及理由", "the decision and its reasons are required")
    if upheld and outcome not in Outcome.values:
        raise invalid([FieldError("outcome", "异议成立时须选择更正记录或撤销记录",
                                  "an upheld objection corrects or revokes the record")])
    if upheld and outcome == Outcome.CORRECTED and not changes:
        raise invalid([FieldError("changes", "更正记录时须填写更正内容", "a correction needs the changed fields")])
    day, before, record = _today(today), casework.state(c), c.record
    public_before = undo.was_public(record, day)
    if not upheld:
        ledger.uphold(writer, record, reason=f"异议不成立（{c.serial}）：{reason}")
    elif outcome == Outcome.REVOKED:
        ledger.change_status(writer, record, RevisionKind.REVOKE, reason=f"异议成立，撤销记录（{c.serial}）：{reason}")
    else:
        ledger.correct(writer, record, reason=f"异议成立，更正记录（{c.serial}）：{reason}", objection=True,
                       **(changes or {}))
    c.outcome, c.changes, c.decision = (outcome if upheld else ""), (changes or {} if upheld else {}), reason
    casework.decided(c, Status.UPHELD if upheld else Status.REJECTED, day)
    if upheld:
        c.lifted_checks = undo.lift(c, record)
    casework.save(c, "decide", before, reason)
    event(c, EventKind.UPHELD if upheld else EventKind.REJECTED, reason, day)
    if upheld:
        undo.after_upheld(writer, c, record, public_before, day)
    undo.tell_applicant(c, f"您的异议申请{c.serial}已办结：{'异议成立' if upheld else '异议不成立'}。{reason}")
    return c


def _required(text: str, name: str, message: str, message_en: str) -> str:
    text = (text or "").strip()
    if not text:
        raise invalid([FieldError(name, message, message_en)])
    return text
