"""Changing decisions after publication, and what the public may read.

Withdrawal (撤下) is how a revoked or changed decision leaves the listing: it stays visible with its public
note (the public sees why it was removed), and its ledger record, if it has one, gets a revoke revision in
the same transaction. A month with no decisions is declared, so that it is told apart from silence.
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


@transaction.atomic
def withdraw(principal: Any, decision: Decision, *, note: str) -> Decision:
    """Take a decision off the listing with a public note; revoke its ledger record when there is one."""
    access.require(principal, Perm.PUBLICITY_CHANGE, decision)
    note = (note or "").strip()
    if not note:
        raise invalid([FieldError("note", "必须填写撤下说明（将向社会公开）", "a public note is required")])
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == Status.WITHDRAWN:
        raise Conflict("该决定已撤下", "the decision has already been withdrawn")
    before = {"status": decision.status}
    decision.status, decision.withdrawn_note, decision.withdrawn_at = Status.WITHDRAWN, note, timezone.now()
    decision.save(update_fields=["status", "withdrawn_note", "withdrawn_at"])
    audit.record("withdraw", decision, before=before, after={"status": decision.status, "note": note}, reason=note)
    if decision.ledger_record_id:
        record = Record.objects.get(pk=decision.ledger_record_id)
        if record.status in LIVE_STATUSES:
            ledger_services.change_status(principal, record, RevisionKind.REVOKE, reason=f"双公示撤下：{note}")
    return decision


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
    """What the public listing shows: published or withdrawn (with the note) decisions still in their period."""
    today = today or timezone.localdate()
    return (Decision.objects.filter(status__in=(Status.PUBLISHED, Status.WITHDRAWN))
            .filter(Q(disclosure_end__isnull=True) | Q(disclosure_end__gte=today))
            .select_related("authority", "source"))
