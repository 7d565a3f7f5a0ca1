"""Mitigation (从轻 / 免于惩戒) for a civil servant's self-correction (自我纠错、主动自新的关爱机制).

A civil servant who recovered the loss, removed the adverse effect or stopped the harm in time may have the
measures that rest on one record reduced (从轻: a block becomes a warning, a warning a notice) or waived
(免于惩戒). `record_correction` keeps the facts and evidence; `decide` grants (naming each measure and its
relief) or refuses, with reasons; a grant becomes sanctions.Relief rows in the same transaction, which the
screening check reads for that record; `lift` withdraws a granted decision. Who: those who decide on
civil servants' sanctions — the credit office, the organization department, discipline inspectors
(MITIGATION_DECIDE).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from govtrust.commitments.files import store
from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, NotFound, invalid
from govtrust.ledger.models import LIVE_STATUSES, Polarity, Record
from govtrust.sanctions.relief import grant_relief, lift_relief

from .filing import evidence
from .models import Correction, Mitigation, MitigationFile, MitigationStatus

AUDITED = ("status", "reliefs", "decision", "decided_by", "decided_on")


def _record(principal: Any, record_id: Any) -> Record:
    access.require(principal, Perm.MITIGATION_DECIDE)
    try:
        pk = int(record_id)
    except (TypeError, ValueError):
        raise invalid([FieldError("record", "请指定信用记录", "a record id is required")]) from None
    record = access.restrict(principal, Record.objects.select_related("category", "person"), Perm.LEDGER_VIEW).filter(
        pk=pk).first()
    if record is None:
        raise NotFound("信用记录", "Record")
    if record.person_id is None:
        raise invalid([FieldError("record", "从轻或免于惩戒仅适用于公务员的记录", "mitigation applies to civil servants' records")])
    if record.category.polarity != Polarity.NEGATIVE or record.status not in LIVE_STATUSES:
        raise invalid([FieldError("record", "仅对有效的失信记录适用", "only a live negative record can be mitigated")])
    return record


@transaction.atomic
def record_correction(principal: Any, record_id: Any, *, corrections: list[str], facts: str,
                      files: list[Any]) -> Mitigation:
    """Record the self-correction with its evidence; the decision follows."""
    record = _record(principal, record_id)
    errors: list[FieldError] = []
    unknown = [c for c in corrections if c not in Correction.values]
    if not corrections or unknown:
        errors.append(FieldError("corrections", "请选择纠错情形：主动挽回损失、消除不良影响或有效阻止危害结果发生",
                                 "choose recovered_loss, removed_effect or stopped_harm"))
    if not (facts or "").strip():
        errors.append(FieldError("facts", "请填写纠错事实", "the facts of the self-correction are required"))
    checked = evidence(files, errors)
    if errors:
        raise invalid(errors)
    if Mitigation.objects.filter(record=record, status=MitigationStatus.RECORDED).exists():
        raise Conflict("该记录已有待决定的纠错情况", "a self-correction about this record awaits its decision")
    now = timezone.now()
    m = Mitigation.objects.create(record=record, person_name=record.subject_name, corrections=sorted(set(corrections)),
                                  facts=facts.strip(), created_by=current().actor_label, created_at=now, updated_at=now)
    store(checked, lambda **kw: MitigationFile(mitigation=m, **kw), "从轻或免于惩戒", f"mitigation:{m.pk}")
    audit.record("create", m, after=audit.snapshot(m), reason="登记公务员自我纠错情况")
    return m


def _locked(principal: Any, m: Mitigation, status: str) -> Mitigation:
    access.require(principal, Perm.MITIGATION_DECIDE, m)
    found = Mitigation.objects.select_for_update().select_related("record").get(pk=m.pk)
    if found.status != status:
        raise Conflict(f"该事项当前为“{found.get_status_display()}”，不能办理此操作",
                       f"the mitigation is {found.status}; this step is not possible")
    return found


@transaction.atomic
def decide(principal: Any, mitigation: Mitigation, *, grant: bool, decision: str, reliefs: dict[str, str] | None = None,
           today: dt.date | None = None) -> Mitigation:
    """Grant (the measures reduced or waived, honoured by the check from now) or refuse, with reasons."""
    m = _locked(principal, mitigation, MitigationStatus.RECORDED)
    decision = (decision or "").strip()
    if not decision:
        raise invalid([FieldError("decision", "请填写决定及理由", "the decision and its reasons are required")])
    if grant and not reliefs:
        raise invalid([FieldError("reliefs", "请指定从轻或免于惩戒的措施", "name the measures reduced or waived")])
    before = audit.snapshot(m, AUDITED)
    day = today or timezone.localdate()
    if grant:
        grant_relief(principal, m.record, dict(reliefs or {}), basis=decision, reference=m.reference, today=day)
    m.status = MitigationStatus.GRANTED if grant else MitigationStatus.REFUSED
    m.reliefs, m.decision = (dict(reliefs or {}) if grant else {}), decision
    m.decided_by, m.decided_on, m.updated_at = current().actor_label, day, timezone.now()
    m.save()
    audit.record("decide", m, before=before, after=audit.snapshot(m, AUDITED), reason=decision)
    return m


@transaction.atomic
def lift(principal: Any, mitigation: Mitigation, *, reason: str) -> Mitigation:
    """Withdraw a granted decision (e.g. the self-correction proved untrue): the measures apply again."""
    m = _locked(principal, mitigation, MitigationStatus.GRANTED)
    reason = (reason or "").strip()
    if not reason:
        raise invalid([FieldError("reason", "请填写撤销决定的理由", "a reason is required")])
    before = audit.snapshot(m, AUDITED)
    lift_relief(principal, m.reference, reason=reason)
    m.status, m.updated_at = MitigationStatus.LIFTED, timezone.now()
    m.save()
    audit.record("lift", m, before=before, after=audit.snapshot(m, AUDITED), reason=reason)
    return m
