"""Credit repair (信用修复): whether a record can be repaired, the application, and the decision.

    received ─accept→ accepted ─approve→ approved (record repaired) | ─refuse→ refused
        └─decline→ declined (not admissible)       (approve and refuse also straight from received)

Repairability (`repairability`), from the record and its regime (REFERENCE §2): only a negative record still
live; not a category excluded from repair (RepairExclusion, data with its basis); not while an objection about
it is open; from the end of its minimum disclosure period (`Record.repair_from`), or — for a minor record under
a regime that lets minor records go undisclosed (2026) — as soon as its obligations are fulfilled.

Approval does three things at once, in one transaction (2026 regime: 终止公示、停止共享和使用、解除惩戒): the
record gets a repair revision (so the portal stops disclosing it, sharing and exports leave it out, and the
check stops citing it: each reads the record's status), a linked 双公示 decision's disclosure ends, and the
checks that restricted on it are reported to the systems that asked. The signed commitment becomes a
commitment (commitments app, kind credit_repair) running until the record's maximum disclosure end (or, for a
record without one, for the rule's `repair_commitment_months`). The
result is shared at once (the platform's consumers read the status), recorded against the sharing deadline.
A refused applicant may apply again later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from govtrust.commitments import services as commitments
from govtrust.core.access import Perm
from govtrust.core.errors import Conflict, FieldError, invalid
from govtrust.ledger import services as ledger
from govtrust.ledger.models import LIVE_STATUSES, Polarity, Record, RecordStatus, RevisionKind, Severity
from govtrust.ledger.regimes import add_months
from govtrust.publicity import services as publicity

from . import casework, undo
from .casework import Applicant, event, locked
from .filing import Filing, check, console_record, public_record
from .models import OPEN_STATUSES, Case, Channel, EventKind, Kind, RepairExclusion, Status

COMMITMENT_KIND = "credit_repair"  # in the commitments catalog


@dataclass(frozen=True)
class Repairability:
    repairable: bool  # now
    from_date: dt.date | None  # when it can be (or could be) applied for; None when never
    reason: str
    reason_en: str

    def as_dict(self) -> dict[str, Any]:
        return {"repairable": self.repairable, "from": self.from_date.isoformat() if self.from_date else None,
                "reason": self.reason, "reason_en": self.reason_en}


def repairability(record: Record, today: dt.date | None = None) -> Repairability:
    """Whether and from when the record can be repaired, with the reason in Chinese and English."""
    today = today or timezone.localdate()
    if record.category.polarity != Polarity.NEGATIVE:
        return Repairability(False, None, "仅失信记录适用信用修复", "only negative records are repaired")
    if record.status == RecordStatus.REPAIRED:
        return Repairability(False, None, "该记录已修复", "the record has been repaired")
    if record.status not in LIVE_STATUSES:
        return Repairability(False, None, f"该记录已{record.get_status_display()}，无需修复",
                             f"the record is {record.status}; there is nothing to repair")
    excluded = RepairExclusion.objects.filter(category_id=record.category_id).first()
    if excluded is not None:
        return Repairability(False, None, f"{record.category.name}不适用信用修复：{excluded.reason}（{excluded.legal_basis}）",
                             f"{record.category.name_en} records are not repaired by credit repair")
    start = _repair_from(record)
    if record.status == RecordStatus.DISPUTED or Case.objects.filter(
            record=record, kind=Kind.OBJECTION, status__in=OPEN_STATUSES).exists():
        return Repairability(False, start, "该记录异议处理中，异议办结后方可申请修复",
                             "an objection about the record is open; apply once it is decided")
    if start > today:
        return Repairability(False, start, f"最短公示期未满，可于{start:%Y年%m月%d日}起申请修复",
                             f"the minimum disclosure period has not ended; apply from {start.isoformat()}")
    if record.severity == Severity.MINOR and _minor_on_fulfilment(record):
        return Repairability(True, start, "轻微失信记录，履行相关义务后即可申请修复",
                             "a minor record: repairable once its obligations are fulfilled")
    return Repairability(True, start, "最短公示期已满，纠正失信行为、履行义务并作出信用承诺后可申请修复",
                         "the minimum period has ended: repairable after correction, performance and a commitment")


def _minor_on_fulfilment(record: Record) -> bool:
    rule = record.regime_rule
    return rule is not None and rule.may_be_undisclosed


def _repair_from(record: Record) -> dt.date:
    if record.severity == Severity.MINOR and _minor_on_fulfilment(record):
        return record.decision_date
    return record.repair_from or record.disclosure_start


def _eligible(record: Record, day: dt.date) -> None:
    r = repairability(record, day)
    if not r.repairable:
        raise invalid([FieldError("record", r.reason, r.reason_en)], "该记录目前不能申请信用修复",
                      "The record cannot be repaired now")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _create(channel: str, record: Record, applicant: Applicant, f: Filing, day: dt.date, public: bool
            ) -> tuple[Case, str]:
    _eligible(record, day)
    files = check(Kind.REPAIR, record, f, public=public)
    return casework.create(Kind.REPAIR, channel, record, applicant, day, files, grounds=f.grounds.strip(),
                           requested=(f.requested or "").strip(), pledge=f.pledge.strip(),
                           pledge_signer=f.pledge_signer.strip(), pledged_at=timezone.now())


@transaction.atomic
def apply(principal: Any, record_id: Any, f: Filing, *, channel: str = Channel.CONSOLE,
          today: dt.date | None = None) -> tuple[Case, str]:
    """A repair application by the subject's unit (or the credit office on its behalf)."""
    record, capacity = console_record(principal, Kind.REPAIR, record_id)
    return _create(channel, record, Applicant(capacity, getattr(principal, "organization", None), f.name, f.contact),
                   f, _today(today), public=False)


@transaction.atomic
def apply_public(f: Filing, *, record_id: Any = None, resident_id: str = "", document_number: str = "",
                 today: dt.date | None = None) -> tuple[Case, str]:
    """A repair application from the portal; returns the case and its extraction code (shown once)."""
    record, capacity = public_record(record_id, resident_id, document_number)
    return _create(Channel.PORTAL, record, Applicant(capacity, None, f.name, f.contact), f, _today(today), public=True)


@transaction.atomic
def accept(principal: Any, case: Case, *, today: dt.date | None = None) -> Case:
    c = locked(principal, case, Perm.REMEDIES_DECIDE, (Status.RECEIVED,))
    day, before = _today(today), casework.state(c)
    c.accepted_on = day
    casework.enter(c, Status.ACCEPTED, day)
    casework.save(c, "accept", before, "受理信用修复申请")
    event(c, EventKind.ACCEPTED, "已受理，正在审核", day, due=c.current_due)
    return c


@transaction.atomic
def decline(principal: Any, case: Case, *, reason: str, today: dt.date | None = None) -> Case:
    return _close(principal, case, Status.DECLINED, EventKind.DECLINED, reason, today, (Status.RECEIVED,),
                  "不予受理")


@transaction.atomic
def refuse(principal: Any, case: Case, *, reason: str, today: dt.date | None = None) -> Case:
    """Not repaired, with the reasons; the applicant may apply again once they are met."""
    return _close(principal, case, Status.REFUSED, EventKind.REFUSED, reason, today, (Status.RECEIVED, Status.ACCEPTED),
                  "不予修复")


def _close(principal: Any, case: Case, status: str, kind: str, reason: str, today: dt.date | None,
           allowed: tuple[str, ...], label: str) -> Case:
    c = locked(principal, case, Perm.REMEDIES_DECIDE, allowed)
    reason = (reason or "").strip()
    if not reason:
        raise invalid([FieldError("reason", f"请填写{label}的理由", "a reason is required")])
    day, before = _today(today), casework.state(c)
    c.decision = reason
    casework.decided(c, status, day)
    casework.save(c, status, before, reason)
    event(c, kind, reason, day)
    undo.tell_applicant(c, f"您的信用修复申请{c.serial}{label}：{reason}")
    return c


@transaction.atomic
def approve(principal: Any, case: Case, *, reason: str, today: dt.date | None = None) -> Case:
    """Repair the record: disclosure, sharing and sanctions end together, with the commitment registered."""
    c = locked(principal, case, Perm.REMEDIES_DECIDE, (Status.RECEIVED, Status.ACCEPTED))
    reason = (reason or "").strip()
    if not reason:
        raise invalid([FieldError("reason", "请填写准予修复的意见", "the reasons for the repair are required")])
    day, before = _today(today), casework.state(c)
    record = Record.objects.select_related("category", "regime_rule", "organization", "person").get(pk=c.record_id)
    if Case.objects.filter(record=record, kind=Kind.OBJECTION, status__in=OPEN_STATUSES).exists():
        raise Conflict("该记录有正在办理的异议，异议办结后再作修复决定",
                       "an objection about the record is open; decide the repair after it")
    _eligible(record, day)
    ledger.change_status(principal, record, RevisionKind.REPAIR, reason=f"准予信用修复（{c.serial}）：{reason}")
    ended = publicity.end_for_repair(principal, record, reason=f"信用修复（{c.serial}）")
    c.commitment = commitments.create(
        principal, subject=record.organization or record.person, kind=COMMITMENT_KIND,
        title=f"信用修复承诺（{record.document_number}）", content=c.pledge, start_date=day,
        due_date=record.disclosure_end if record.disclosure_end and record.disclosure_end > day
        else add_months(day, c.rule.repair_commitment_months), today=day)
    c.decision = reason
    casework.decided(c, Status.APPROVED, day)
    c.share_due, basis = casework.count(day, c.rule.repair_share_days)
    c.calendar_basis["share"] = basis
    c.shared_on = day
    c.lifted_checks = undo.lift(c, record)
    casework.save(c, "approve", before, reason)
    event(c, EventKind.APPROVED, reason, day)
    also = f"，{ended}条双公示信息同时终止公示" if ended else ""
    event(c, EventKind.SHARED, f"修复结果已共享：门户网站终止公示，停止共享和使用，比对不再引用{also}", day)
    undo.tell_applicant(c, f"您的信用修复申请{c.serial}准予修复：{reason}")
    return c
