"""Every change to a commitment: validate, write, append the history event, audit — in one transaction.

- `create`: a body (or the credit office) registers a commitment for a subject in its scope.
- `submit_evidence`: proof of fulfilment (file type and size checked before anything is stored).
- `review`: the credit office accepts (→ fulfilled) or returns the evidence with a reason.
- `breach`: the credit office confirms a breach; a negative ledger record of category 承诺未履行
  (`commitment_unfulfilled`) is written through the ledger's writer and linked to the commitment.
- `change_by_law`: the commitment is changed or ended by law, with basis, authority and, for kinds that
  need it (investment promotion), a compensation note.
A change or breach whose text cites a kind's flag phrases (政府换届, 责任人更替) is flagged.

Repeating a call with the same input is harmless: registering the same commitment again returns the
first one, and submitting the same file again returns the stored evidence.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, invalid
from govtrust.ledger.bulk import Entry, Writer
from govtrust.ledger.models import CIVIL_SERVANT_KIND, Category, Polarity, Record
from govtrust.ledger.regimes import PeriodError, RegimeBook, add_months
from govtrust.ledger.schema import check_fields
from govtrust.subjects.models import CivilServant, Organization

from .catalog import flag_hits
from .files import read_checked
from .models import Commitment, CommitmentEvent, CommitmentKind, EventKind, Evidence, EvidenceStatus, Status

BREACH_CATEGORY = "commitment_unfulfilled"  # 承诺未履行 in the ledger catalog
DOCUMENT_PREFIX = "GT-CM-"  # the ledger record's document number: the platform's own, per commitment
MAX_RECURRENCE_MONTHS = 120
AUDITED = ("status", "due_date", "overdue", "flagged", "ledger_record_id", "awaiting_review")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def subject_of(subject: Organization | CivilServant) -> tuple[str, Organization | None, CivilServant | None,
                                                                Organization, str]:
    """(subject key, organization, person, unit, subject kind) of an organization or a civil servant."""
    if isinstance(subject, CivilServant):
        return f"p:{subject.pk}", None, subject, subject.organization, CIVIL_SERVANT_KIND
    return f"o:{subject.pk}", subject, None, subject, subject.kind


def _event(c: Commitment, kind: str, reason: str, day: dt.date) -> CommitmentEvent:
    return CommitmentEvent.objects.create(commitment=c, kind=kind, actor=current().actor_label, reason=reason,
                                          day=day, at=timezone.now())


def _state(c: Commitment) -> dict[str, Any]:
    return {f: getattr(c, f) for f in AUDITED}


def _locked(principal: Any, c: Commitment, perm: str) -> Commitment:
    access.require(principal, perm, c)
    c = Commitment.objects.select_for_update().select_related("kind", "unit").get(pk=c.pk)
    if c.status != Status.IN_PROGRESS:
        raise Conflict(f"该承诺已{c.get_status_display()}，不能再办理", f"the commitment is already {c.status}")
    return c


def _required(name: str, value: str, message: str, message_en: str) -> list[FieldError]:
    return [] if (value or "").strip() else [FieldError(name, message, message_en)]


def _flag(c: Commitment, *texts: str) -> None:
    hits = flag_hits(c.kind, *texts)
    if hits:
        c.flagged = True
        c.flag_reason = (f"理由援引“{'”“'.join(hits)}”：不得以政府换届、相关责任人更替等理由毁约 / "
                         f"the reason cites {', '.join(hits)}, which may not justify breaking a commitment")


# ------------------------------------------------------------------------------------------------ create

@transaction.atomic
def create(principal: Any, *, subject: Organization | CivilServant, kind: CommitmentKind | str, title: str,
           content: str, start_date: dt.date | None, due_date: dt.date | None, target: str = "",
           is_public: bool | None = None, recurrence_months: int | None = None,
           today: dt.date | None = None) -> Commitment:
    """Register a commitment of `subject` (an organization or a civil servant within the principal's scope)."""
    access.require(principal, Perm.COMMITMENTS_SUBMIT, subject)
    if isinstance(kind, str):
        found = CommitmentKind.objects.filter(code=kind, active=True).first()
        if found is None:
            raise invalid([FieldError("kind", f"“{kind}”不是承诺类型目录中的类型", f"unknown commitment kind {kind!r}")])
        kind = found
    key, org, person, unit, subject_kind = subject_of(subject)
    title, content, target = (title or "").strip(), (content or "").strip(), (target or "").strip()
    errors = _required("title", title, "必须填写承诺事项", "a title is required")
    errors += _required("content", content, "必须填写承诺内容", "the content is required")
    if subject_kind not in kind.subject_kinds:
        label = "公务员" if subject_kind == CIVIL_SERVANT_KIND else Organization.Kind(subject_kind).label
        errors.append(FieldError("kind", f"“{label}”不能作出“{kind.name}”", f"a {subject_kind} may not make a "
                                 f"{kind.code} commitment"))
    if start_date is None:
        errors.append(FieldError("start_date", "必须填写起始日期", "the start date is required"))
    if due_date is None:
        errors.append(FieldError("due_date", "必须填写履行期限", "the due date is required"))
    elif start_date is not None and due_date < start_date:
        errors.append(FieldError("due_date", "履行期限不能早于起始日期", "the due date is before the start date"))
    if recurrence_months is not None and not 1 <= recurrence_months <= MAX_RECURRENCE_MONTHS:
        errors.append(FieldError("recurrence_months", f"重复周期应为1—{MAX_RECURRENCE_MONTHS}个月",
                                 f"the recurrence must be 1 to {MAX_RECURRENCE_MONTHS} months"))
    if errors:
        raise invalid(errors)
    same = Commitment.objects.filter(subject_key=key, kind=kind, title=title, start_date=start_date,
                                     due_date=due_date).first()
    if same is not None:  # a double submission: the first one stands
        return same
    now = timezone.now()
    c = Commitment.objects.create(
        subject_key=key, organization=org, person=person, unit=unit, subject_name=subject.name, kind=kind,
        title=title, content=content, target=target, is_public=kind.public_default if is_public is None else is_public,
        start_date=start_date, due_date=due_date, recurrence_months=recurrence_months,
        created_by=current().actor_label, created_at=now, updated_at=now)
    _event(c, EventKind.CREATED, "", _today(today))
    audit.record("create", c, after=audit.snapshot(c), reason=f"登记承诺：{title}")
    return c


def _next_period(c: Commitment, day: dt.date) -> Commitment | None:
    """A recurring commitment continues: its next period is a new commitment (once)."""
    if not c.recurrence_months or c.next_periods.exists():
        return None
    now = timezone.now()
    nxt = Commitment.objects.create(
        subject_key=c.subject_key, organization=c.organization, person=c.person, unit=c.unit,
        subject_name=c.subject_name, kind=c.kind, title=c.title, content=c.content, target=c.target,
        is_public=c.is_public, start_date=c.due_date + dt.timedelta(days=1),
        due_date=add_months(c.due_date, c.recurrence_months), recurrence_months=c.recurrence_months, previous=c,
        created_by=current().actor_label, created_at=now, updated_at=now)
    _event(nxt, EventKind.CREATED, f"周期性承诺：承接第{c.pk}号承诺的下一周期", day)
    audit.record("create", nxt, after=audit.snapshot(nxt), reason="周期性承诺的下一周期")
    return nxt


# ---------------------------------------------------------------------------------------------- evidence

@transaction.atomic
def submit_evidence(principal: Any, commitment: Commitment, *, file: Any, description: str = "",
                    today: dt.date | None = None) -> Evidence:
    """Attach proof of fulfilment; the commitment then awaits review. Nothing is stored when refused."""
    c = _locked(principal, commitment, Perm.COMMITMENTS_SUBMIT)
    checked = read_checked(file)
    data, ext, digest = checked.data, checked.extension, checked.sha256
    same = c.evidence.filter(sha256=digest, status=EvidenceStatus.PENDING).first()
    if same is not None:  # the same file sent twice
        return same
    before = _state(c)
    evidence = Evidence(commitment=c, original_name=checked.name, extension=ext, size=len(data),
                        sha256=digest, description=(description or "").strip(), uploaded_by=current().actor_label,
                        uploaded_at=timezone.now())
    evidence.file.save(f"{digest[:20]}.{ext}", ContentFile(data), save=False)
    stored = evidence.file.name
    try:
        evidence.save()
        c.awaiting_review, c.updated_at = True, timezone.now()
        c.save(update_fields=["awaiting_review", "updated_at"])
        _event(c, EventKind.EVIDENCE, evidence.description or evidence.original_name, _today(today))
        note = evidence.description or f"提交践诺材料：{evidence.original_name}"
        audit.record("evidence", evidence, after={"commitment": c.pk, "sha256": digest, "size": len(data),
                                                  "name": evidence.original_name}, reason=note)
        audit.record("update", c, before=before, after=_state(c), reason=note)
    except Exception:
        evidence.file.storage.delete(stored)
        raise
    return evidence


# ------------------------------------------------------------------------------------------------ review

@transaction.atomic
def review(principal: Any, commitment: Commitment, *, accept: bool, reason: str = "",
           today: dt.date | None = None) -> Commitment:
    """Accept the submitted evidence (the commitment is fulfilled) or return it with a reason."""
    reason = (reason or "").strip()
    if not accept and not reason:
        access.require(principal, Perm.COMMITMENTS_REVIEW, commitment)
        raise invalid([FieldError("reason", "退回必须说明理由", "a reason is required to return evidence")])
    c = _locked(principal, commitment, Perm.COMMITMENTS_REVIEW)
    if not c.awaiting_review:
        raise Conflict("该承诺没有待审核的践诺材料", "there is no evidence awaiting review")
    day, before = _today(today), _state(c)
    pending = c.evidence.filter(status=EvidenceStatus.PENDING)
    if accept:
        pending.update(status=EvidenceStatus.ACCEPTED)
        c.status, c.concluded_on = Status.FULFILLED, day
        _event(c, EventKind.ACCEPTED, reason, day)
        _event(c, EventKind.FULFILLED, reason, day)
    else:
        pending.update(status=EvidenceStatus.RETURNED)
        _event(c, EventKind.RETURNED, reason, day)
    c.awaiting_review, c.updated_at = False, timezone.now()
    c.save()
    audit.record("accept" if accept else "return", c, before=before, after=_state(c), reason=reason or "审核通过")
    if accept:
        _next_period(c, day)
    return c


# ------------------------------------------------------------------------------------------------ breach

def _breach_entry(principal: Any, c: Commitment, category: Category, reason: str, day: dt.date) -> Entry:
    org = getattr(principal, "organization", None)
    source = org or c.unit
    severity = category.default_severity or "general"
    data, errors = check_fields(category.fields, {"commitment": f"{c.title}：{c.content}"[:1000],
                                                  "due_date": c.due_date.isoformat()})
    if errors:
        raise invalid(errors, "承诺未履行记录的专有字段有误", "the record's fields are invalid")
    repair_from = disclosure_end = rule_id = None
    if category.polarity == Polarity.NEGATIVE:
        try:
            periods = RegimeBook().periods(day, severity, category.domain)
        except PeriodError as exc:
            raise invalid([exc.field_error("today")]) from None
        rule_id, repair_from, disclosure_end = periods.rule_id, periods.repair_from, periods.disclosure_end
    return Entry(
        row=0, subject_key=c.subject_key, organization_id=c.organization_id, person_id=c.person_id,
        unit_id=c.unit_id, subject_name=c.subject_name, category_id=category.pk, category_version=category.version,
        severity=severity, facts=f"未履行{c.kind.name}“{c.title}”（履行期限{c.due_date.isoformat()}）：{reason}",
        document_number=f"{DOCUMENT_PREFIX}{c.pk}", authority=source.name, decision_date=day,
        legal_basis=c.kind.legal_basis, source_id=source.pk, data=data, disclosure_scope=category.disclosure_scope,
        regime_rule_id=rule_id, repair_from=repair_from, disclosure_end=disclosure_end)


def _write_breach_record(principal: Any, c: Commitment, reason: str, day: dt.date) -> Record | None:
    """The negative ledger record of the committing subject, through the ledger's writer (None when the
    catalog's 承诺未履行 category does not cover the subject's kind, e.g. civil servants by default)."""
    category = Category.objects.filter(code=BREACH_CATEGORY, active=True).first()
    kind = CIVIL_SERVANT_KIND if c.person_id else c.organization.kind
    if category is None or kind not in category.subject_kinds:
        return None
    entry = _breach_entry(principal, c, category, reason, day)
    ctx = current()
    Writer(None, ctx.actor_label, ctx.channel, f"承诺未履行：第{c.pk}号承诺", timezone.now()).write([entry])
    record = Record.objects.get(source_id=entry.source_id, document_number=entry.document_number,
                                category=category, subject_key=entry.subject_key)
    audit.record("create", record, after={"category": category.code, "commitment": c.pk,
                                          "document_number": record.document_number}, reason=reason)
    return record


@transaction.atomic
def breach(principal: Any, commitment: Commitment, *, reason: str, today: dt.date | None = None) -> Commitment:
    """Confirm a breach (credit office): status breached, a linked negative ledger record, flagged if due."""
    reason = (reason or "").strip()
    if not reason:
        access.require(principal, Perm.COMMITMENTS_REVIEW, commitment)
        raise invalid([FieldError("reason", "必须说明未履行的情况", "the breach must be described")])
    c = _locked(principal, commitment, Perm.COMMITMENTS_REVIEW)
    day, before = _today(today), _state(c)
    _flag(c, reason)
    c.status, c.concluded_on, c.breach_reason, c.awaiting_review = Status.BREACHED, day, reason, False
    c.evidence.filter(status=EvidenceStatus.PENDING).update(status=EvidenceStatus.RETURNED)
    record = _write_breach_record(principal, c, reason, day)
    c.ledger_record, c.updated_at = record, timezone.now()
    c.save()
    note = reason if record else f"{reason}（信用信息目录“承诺未履行”不适用于该类主体，未生成信用记录）"
    _event(c, EventKind.BREACHED, note, day)
    audit.record("breach", c, before=before, after=_state(c), reason=reason)
    _next_period(c, day)
    return c


# ------------------------------------------------------------------------------------------------ change

@transaction.atomic
def change_by_law(principal: Any, commitment: Commitment, *, reason: str, legal_basis: str, authority: str,
                  compensation_note: str = "", today: dt.date | None = None) -> Commitment:
    """The commitment is changed or ended by law: the basis and the deciding authority are required, and for
    kinds that require it (investment promotion) the compensation of the parties whose rights were affected."""
    reason, legal_basis = (reason or "").strip(), (legal_basis or "").strip()
    authority, compensation_note = (authority or "").strip(), (compensation_note or "").strip()
    c = _locked(principal, commitment, Perm.COMMITMENTS_REVIEW)
    errors = _required("reason", reason, "必须说明变更理由", "a reason is required")
    errors += _required("legal_basis", legal_basis, "必须填写变更的法律依据", "the legal basis is required")
    errors += _required("authority", authority, "必须填写决定变更的机关", "the deciding authority is required")
    if c.kind.compensation_required and not compensation_note:
        errors.append(FieldError("compensation_note", f"“{c.kind.name}”依法变更须记录对相关权利人的补偿情况",
                                 f"a {c.kind.code} change needs a compensation note"))
    if errors:
        raise invalid(errors)
    day, before = _today(today), _state(c)
    _flag(c, reason, legal_basis)
    c.status, c.concluded_on, c.awaiting_review = Status.CHANGED, day, False
    c.change_reason, c.change_basis, c.change_authority = reason, legal_basis, authority
    c.compensation_note, c.updated_at = compensation_note, timezone.now()
    c.save()
    _event(c, EventKind.CHANGED, f"{reason}（依据：{legal_basis}；决定机关：{authority}）", day)
    audit.record("change", c, before=before, after=_state(c) | {"legal_basis": legal_basis, "authority": authority,
                                                                "compensation_note": compensation_note},
                 reason=reason)
    return c
