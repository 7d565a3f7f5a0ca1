"""Changing one record, and reading the ledger as it stood: every change is a new revision.

Bulk intake writes through ledger.bulk; the functions here are for one record at a time — the
corrections, objection outcomes, repairs and revocations that the remedies and the console make — and
for the scheduled expiry. Each appends a Revision with the whole content, sets the record's current
state, and writes an audit event, in one transaction. `ledger_as_of` answers "what did the ledger say
about this subject on date D" from the revisions alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, invalid

from .models import LIVE_STATUSES, Polarity, Record, RecordStatus, Revision, RevisionKind, Severity
from .queries import visible_records
from .regimes import PeriodError, RegimeBook
from .schema import check_fields, parse_date

# Which status each kind of change may start from, and the status it leaves.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str | None]] = {
    RevisionKind.DISPUTE: ((RecordStatus.ACTIVE, RecordStatus.CORRECTED), RecordStatus.DISPUTED),
    RevisionKind.OBJECTION: ((RecordStatus.DISPUTED,), None),  # upheld → active; corrected → corrected
    RevisionKind.CORRECT: (LIVE_STATUSES, RecordStatus.CORRECTED),
    RevisionKind.REVOKE: (LIVE_STATUSES, RecordStatus.REVOKED),
    RevisionKind.REPAIR: (LIVE_STATUSES, RecordStatus.REPAIRED),
    RevisionKind.EXPIRE: (LIVE_STATUSES, RecordStatus.EXPIRED),
}
CORRECTABLE = ("severity", "facts", "authority", "decision_date", "legal_basis", "data")


def current_content(record: Record) -> dict[str, Any]:
    return Revision.objects.filter(record=record, number=record.revision).values_list("content", flat=True).get()


def _append(record: Record, kind: str, status: str, content: dict[str, Any], reason: str) -> Revision:
    ctx = current()
    number = record.revision + 1
    now = timezone.now()
    revision = Revision.objects.create(record=record, number=number, kind=kind, status=status, content=content,
                                       reason=reason, actor=ctx.actor_label, channel=ctx.channel, recorded_at=now)
    before = {"status": record.status, "revision": record.revision}
    # content_hash stays: it is what the source last sent, so a re-sent file does not undo this change.
    record.status, record.revision, record.updated_at = status, number, now
    record.save()
    audit.record(kind, record, before=before, after={"status": status, "revision": number}, reason=reason)
    return revision


def _transition(principal: Any, record: Record, kind: str, reason: str, perm: str = Perm.LEDGER_CHANGE) -> Record:
    access.require(principal, perm, record)
    if not (reason or "").strip():
        raise invalid([FieldError("reason", "必须填写理由", "a reason is required")])
    record = Record.objects.select_for_update().get(pk=record.pk)
    allowed, _ = TRANSITIONS[kind]
    if record.status not in allowed:
        raise Conflict(f"记录当前状态为“{record.get_status_display()}”，不能{RevisionKind(kind).label}",
                       f"the record is {record.status}; it cannot take a {kind} revision")
    return record


@transaction.atomic
def change_status(principal: Any, record: Record, kind: str, *, reason: str) -> Revision:
    """Dispute, revoke, repair or expire a record: a new revision with the same content and a new status."""
    if kind not in (RevisionKind.DISPUTE, RevisionKind.REVOKE, RevisionKind.REPAIR, RevisionKind.EXPIRE):
        raise invalid([FieldError("kind", "不支持的变更类型", f"unsupported change {kind!r}")])
    record = _transition(principal, record, kind, reason)
    return _append(record, kind, TRANSITIONS[kind][1] or record.status, current_content(record), reason)


@transaction.atomic
def correct(principal: Any, record: Record, *, reason: str, objection: bool = False, **changes: Any) -> Revision:
    """Correct a record's content (a new revision; the natural key never changes).

    With `objection=True` the correction concludes an objection: the record must be disputed.
    """
    kind = RevisionKind.OBJECTION if objection else RevisionKind.CORRECT
    record = _transition(principal, record, kind, reason)
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise invalid([FieldError(f, "不能更正此项", "cannot be corrected") for f in unknown])
    content = dict(current_content(record))
    errors: list[FieldError] = []
    if "decision_date" in changes:
        day = parse_date(str(changes["decision_date"]))
        if day is None or day > timezone.localdate():
            errors.append(FieldError("decision_date", "决定日期无效或晚于今天", "invalid or future decision date"))
        else:
            changes["decision_date"] = day.isoformat()
    if "data" in changes:
        data, field_errors = check_fields(record.category.fields, {k: str(v) for k, v in changes["data"].items()})
        errors += field_errors
        changes["data"] = data
    for name in ("facts", "authority"):
        if name in changes and not str(changes[name]).strip():
            errors.append(FieldError(name, "不能为空", "is required"))
    negative = record.category.polarity == Polarity.NEGATIVE
    if "severity" in changes and (changes["severity"] not in Severity.values if negative else changes["severity"]):
        errors.append(FieldError("severity", "失信记录的失信程度应为轻微、一般或严重；其他记录不填",
                                 "a negative record's severity is minor, general or serious; others have none"))
    if errors:
        raise invalid(errors)
    if negative and ("severity" in changes or "decision_date" in changes):
        changes |= _periods(record, changes)
    content.update(changes)
    for name in ("severity", "facts", "authority", "legal_basis", "data"):
        if name in changes:
            setattr(record, name, changes[name])
    if "decision_date" in changes:
        record.decision_date = record.disclosure_start = dt.date.fromisoformat(changes["decision_date"])
    if "regime_rule" in changes:
        record.regime_rule_id = changes["regime_rule"]
        record.repair_from = dt.date.fromisoformat(changes["repair_from"])
        record.disclosure_end = dt.date.fromisoformat(changes["disclosure_end"])
    return _append(record, kind, RecordStatus.CORRECTED, content, reason)


def _periods(record: Record, changes: dict[str, Any]) -> dict[str, Any]:
    """A corrected severity or decision date moves the disclosure periods: the regime in force on the (new)
    decision date decides, as at intake."""
    decided = dt.date.fromisoformat(changes.get("decision_date") or record.decision_date.isoformat())
    severity = changes.get("severity", record.severity)
    try:
        p = RegimeBook().periods(decided, severity, record.category.domain)
    except PeriodError as exc:
        raise invalid([exc.field_error("decision_date")]) from None
    return {"regime_rule": p.rule_id, "disclosure_start": decided.isoformat(),
            "repair_from": p.repair_from.isoformat(), "disclosure_end": p.disclosure_end.isoformat()}


@transaction.atomic
def uphold(principal: Any, record: Record, *, reason: str) -> Revision:
    """An objection rejected: the disputed record returns to active, unchanged."""
    record = _transition(principal, record, RevisionKind.OBJECTION, reason)
    return _append(record, RevisionKind.OBJECTION, RecordStatus.ACTIVE, current_content(record), reason)


def due_for_expiry(today: dt.date) -> QuerySet[Record]:
    """Live records whose maximum disclosure period has ended by `today`."""
    return Record.objects.filter(status__in=LIVE_STATUSES, disclosure_end__isnull=False, disclosure_end__lte=today)


def expire_due(principal: Any, today: dt.date, limit: int | None = None) -> int:
    """The scheduled job: each record past its maximum period leaves disclosure with an expiry revision.

    One transaction per record keeps the job restartable: killed half-way, the next run does the rest.
    """
    access.require(principal, Perm.LEDGER_CHANGE)
    done = 0
    ids = list(due_for_expiry(today).order_by("id").values_list("id", flat=True)[:limit])
    for record in Record.objects.filter(pk__in=ids).order_by("id").iterator():
        reason = f"最长公示期限已满（截止{record.disclosure_end.isoformat()}），自动终止公示"
        with transaction.atomic():
            _append(_transition(principal, record, RevisionKind.EXPIRE, reason), RevisionKind.EXPIRE,
                    RecordStatus.EXPIRED, current_content(record), reason)
        done += 1
    return done


@dataclass(frozen=True)
class AsOf:
    record: Record
    revision: Revision


def ledger_as_of(principal: Any, subject_key: str, when: dt.date | dt.datetime) -> list[AsOf]:
    """The subject's records as the ledger stated them at the end of `when` (a date) or at `when`.

    Records created later do not appear; for the others, the last revision recorded by then gives the
    status and content the ledger showed. Only records the principal may read now appear
    (`queries.visible_records`): a record repaired, revoked or expired since has left sharing, and its past
    states are not shared either with a principal without Perm.LEDGER_HISTORY.
    """
    if isinstance(when, dt.datetime):
        cutoff = when
    else:
        cutoff = timezone.make_aware(dt.datetime.combine(when + dt.timedelta(days=1), dt.time()))
    records = visible_records(principal, Record.objects.filter(subject_key=subject_key))
    latest = Revision.objects.filter(record=OuterRef("record"), recorded_at__lt=cutoff).order_by("-number")
    revisions = (Revision.objects.filter(record__in=records, recorded_at__lt=cutoff)
                 .filter(number=Subquery(latest.values("number")[:1]))
                 .select_related("record", "record__category").order_by("-record__decision_date", "record_id"))
    return [AsOf(r.record, r) for r in revisions]
