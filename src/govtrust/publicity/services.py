"""Changing decisions after publication, and what the public may read.

Withdrawal (撤下) is how a revoked or changed decision leaves the listing: it stays visible with its public
note (the public sees why it was removed), and its ledger record, if it has one, gets a revoke revision in
the same transaction. When the change starts from the ledger instead (the remedies revoke or correct a
record), `withdraw_for_record` withdraws the record's decisions the same way and leaves the record to the
caller. Credit repair (信用修复) ends a penalty's publicity altogether: `end_for_repair` marks the record's
published decisions ENDED, which leave the public listing and the exports without a public note (repair
means the disclosure stops; a note would keep it going) but stay in the console and in the timeliness
figures, since they were published. A month with no decisions is declared, so that it is told apart from
silence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, invalid
from govtrust.ledger import services as ledger_services
from govtrust.ledger.models import LIVE_STATUSES, Record, RevisionKind

from .models import Decision, EmptyMonthDeclaration, Kind, Status


def _public_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise invalid([FieldError("note", "必须填写撤下说明（将向社会公开）", "a public note is required")])
    return note


def _withdraw_locked(decisions: list[Decision], note: str) -> None:
    """Withdraw decisions already locked and checked: status, public note and time, one audit event each.

    The one piece of code behind `withdraw` (one decision) and `withdraw_for_record` (a record's decisions).
    """
    now = timezone.now()
    changes = []
    for d in decisions:
        changes.append(audit.Change.of("withdraw", d, before={"status": d.status},
                                       after={"status": Status.WITHDRAWN, "note": note}, reason=note))
        d.status, d.withdrawn_note, d.withdrawn_at = Status.WITHDRAWN, note, now
    Decision.objects.bulk_update(decisions, ["status", "withdrawn_note", "withdrawn_at"])
    audit.record_many(changes)


def _published_of(record: Record) -> list[Decision]:
    """The record's decisions still published, locked for the change."""
    return list(Decision.objects.select_for_update().filter(ledger_record_id=record.pk, status=Status.PUBLISHED)
                .order_by("pk"))


@transaction.atomic
def withdraw(principal: Any, decision: Decision, *, note: str) -> Decision:
    """Take a decision off the listing with a public note; revoke its ledger record when there is one.

    An ended decision (its record repaired) is not withdrawn: a withdrawn one is listed with its note, which
    would bring back the disclosure that the repair ended.
    """
    access.require(principal, Perm.PUBLICITY_CHANGE, decision)
    note = _public_note(note)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == Status.WITHDRAWN:
        raise Conflict("该决定已撤下", "the decision has already been withdrawn")
    if decision.status == Status.ENDED:
        raise Conflict("该决定关联的信用记录已信用修复，已终止公示，不能撤下",
                       "the decision's record has been repaired and its publicity ended; it cannot be withdrawn")
    _withdraw_locked([decision], note)
    if decision.ledger_record_id:
        record = Record.objects.get(pk=decision.ledger_record_id)
        if record.status in LIVE_STATUSES:
            ledger_services.change_status(principal, record, RevisionKind.REVOKE, reason=f"双公示撤下：{note}")
    return decision


@transaction.atomic
def withdraw_for_record(principal: Any, record: Record, *, note: str) -> int:
    """Withdraw every published decision linked to `record`, with the public note; how many were withdrawn.

    For the remedies, which have just revoked or corrected the record in the same transaction: the record
    is left as it is (withdraw revokes it; here the caller has already changed it). Needs Perm.LEDGER_CHANGE
    over the record, which is what the caller holds to change it.
    """
    access.require(principal, Perm.LEDGER_CHANGE, record)
    note = _public_note(note)
    decisions = _published_of(record)
    _withdraw_locked(decisions, note)
    return len(decisions)


@transaction.atomic
def end_for_repair(principal: Any, record: Record, *, reason: str) -> int:
    """End the publicity of every published decision linked to `record` (credit repair); how many ended.

    ENDED decisions leave the public listing and the exports, with no public note: repair ends disclosure.
    The record is not changed here: the caller (the remedies' repair approval) repairs it in the same
    transaction. Needs Perm.LEDGER_CHANGE over the record, which is what the caller holds to repair it.
    """
    access.require(principal, Perm.LEDGER_CHANGE, record)
    reason = (reason or "").strip()
    if not reason:
        raise invalid([FieldError("reason", "必须填写理由", "a reason is required")])
    decisions = _published_of(record)
    now = timezone.now()
    for d in decisions:
        d.status, d.updated_at = Status.ENDED, now
    Decision.objects.bulk_update(decisions, ["status", "updated_at"])
    audit.record_many(audit.Change.of("end", d, before={"status": Status.PUBLISHED}, after={"status": Status.ENDED},
                                      reason=reason) for d in decisions)
    return len(decisions)


@transaction.atomic
def declare_empty(principal: Any, department: Any, kind: str, month: dt.date, note: str = "") -> EmptyMonthDeclaration:
    """A department states it made no decisions of `kind` in `month`; refused if it has published some."""
    access.require(principal, Perm.PUBLICITY_SUBMIT, department)
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    if Decision.objects.filter(source=department, kind=kind, decision_date__gte=first, decision_date__lt=nxt).exists():
        raise Conflict(f"该部门{first:%Y年%m月}已有{Kind(kind).label}决定，不能申报为无数据",
                       f"the department has {kind} decisions in {first:%Y-%m}; it cannot declare the month empty")
    declaration, _ = EmptyMonthDeclaration.objects.get_or_create(
        department=department, kind=kind, month=first,
        defaults={"note": note, "declared_by": current().actor_label, "declared_at": timezone.now()})
    audit.record("declare_empty", declaration, after={"kind": kind, "month": first.isoformat()}, reason=note)
    return declaration


EXPIRE_CHUNK = 2000


def expire_due(principal: Any, today: dt.date) -> int:
    """Mark published decisions past their disclosure end as expired, with one audit event each.

    Set-based in chunks (one UPDATE and one bulk audit append per chunk, each chunk its own transaction), so
    the scheduled run is restartable; the public listing already hides these items by date.
    """
    access.require(principal, Perm.PUBLICITY_CHANGE)
    done = 0
    while True:
        with transaction.atomic():
            due = list(Decision.objects.select_for_update().filter(
                status=Status.PUBLISHED, disclosure_end__lt=today).order_by("pk").only(
                "pk", "kind", "document_number", "counterparty_name", "disclosure_end")[:EXPIRE_CHUNK])
            if not due:
                return done
            Decision.objects.filter(pk__in=[d.pk for d in due]).update(status=Status.EXPIRED)
            audit.record_many(audit.Change.of(
                "expire", d, before={"status": Status.PUBLISHED}, after={"status": Status.EXPIRED},
                reason=f"公示截止期{d.disclosure_end:%Y-%m-%d}已过（截至{today:%Y-%m-%d}）") for d in due)
            done += len(due)


def public_decisions(today: dt.date | None = None) -> QuerySet[Decision]:
    """What the public listing shows: published or withdrawn (with the note) decisions still in their period.

    Never expired ones, nor those ENDED by the credit repair of their record (whose disclosure has stopped).
    """
    today = today or timezone.localdate()
    return (Decision.objects.filter(status__in=(Status.PUBLISHED, Status.WITHDRAWN))
            .filter(Q(disclosure_end__isnull=True) | Q(disclosure_end__gte=today))
            .select_related("authority", "source"))
