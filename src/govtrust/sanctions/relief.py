"""Relief of sanctions (从轻 / 免于惩戒) for a civil servant who corrected themselves — what the check honours.

A civil servant who recovered the loss, removed the adverse effect or stopped the harm may, for one ledger
record, have some measures of the list waived (免于惩戒: the record does not count for the measure) or reduced
(从轻: a block on it becomes a warning, a warning information; see `sanctions.rules`). The mitigation case — the
self-correction, its evidence, the decision — belongs to the remedies app; when it decides, it calls
`grant_relief` with the measures and the decision's reference, and `lift_relief` when the decision is set aside
or withdrawn. The engine reads only the reliefs (`parties.reliefs_of`), never the cases.

Both functions validate, write and audit in one transaction, a savepoint inside the caller's: a mitigation
decision and its reliefs are stored together or not at all. A relief is accepted only where it can mean
something: a civil servant's live negative record, and published sanctions that apply to civil servants and
whose trigger counts records of the record's category.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, NotFound, invalid
from govtrust.ledger.models import CIVIL_SERVANT_KIND, LIVE_STATUSES, Category, Polarity, Record

from .models import Measure, MeasureKind, MeasureStatus, PartyList, Relief, ReliefKind
from .rules import Trigger, parse_trigger

MAX_REFERENCE = Relief._meta.get_field("reference").max_length or 64
SNAPSHOT = ["record", "measure", "relief", "basis", "reference", "granted_on", "granted_by"]


def _check_record(record: Record) -> list[FieldError]:
    if record.person_id is None:
        return [FieldError("record", "从轻或免于惩戒仅适用于公务员的信用记录，该记录的主体是单位",
                           "mitigation applies to a civil servant's records; this record is about an organization")]
    if record.category.polarity != Polarity.NEGATIVE:
        return [FieldError("record", "只有失信（负面）记录才能从轻或免于惩戒",
                           "only a negative (breach) record can be mitigated")]
    if record.status not in LIVE_STATUSES:
        return [FieldError("record", "该记录已修复、撤销或到期，不再触发惩戒，无须从轻或免于惩戒",
                           "the record is repaired, revoked or expired and no longer triggers any sanction")]
    return []


def counts_category(trigger: Trigger, category: Category) -> bool:
    """Whether the trigger counts records of this category (as `rules._matching` reads them)."""
    return (trigger.match == "any" and bool(trigger.categories or trigger.polarity)
            and (not trigger.categories or category.code in trigger.categories)
            and (not trigger.polarity or category.polarity == trigger.polarity))


def _check_reliefs(record: Record, reliefs: Any) -> tuple[list[tuple[Measure, str]], list[FieldError]]:
    """The measures and reliefs asked for, or the errors, each naming `reliefs.<code>`."""
    if not isinstance(reliefs, Mapping) or not reliefs:
        return [], [FieldError("reliefs", "须列明免于惩戒或从轻的措施", "name at least one measure to waive or reduce")]
    measures = {m.code: m for m in Measure.objects.filter(code__in=[str(c) for c in reliefs])}
    known: tuple[list[str], list[str]] | None = None
    wanted, errors = [], []
    for code, kind in reliefs.items():
        name = f"reliefs.{code}"
        if kind not in ReliefKind.values:
            errors.append(FieldError(name, "应为 waive（免于惩戒）或 reduce（从轻）", "must be waive or reduce"))
        measure = measures.get(str(code))
        if measure is None:
            errors.append(FieldError(name, f"没有代码为“{code}”的措施", f"no measure with the code {code!r}"))
            continue
        if measure.status != MeasureStatus.PUBLISHED:
            errors.append(FieldError(name, f"措施{code}未发布，不适用于比对", f"measure {code} is not published"))
            continue
        if measure.kind != MeasureKind.SANCTION:
            errors.append(FieldError(name, f"措施{code}是守信激励措施，不存在从轻或免于惩戒",
                                     f"measure {code} is an incentive, not a sanction"))
            continue
        if CIVIL_SERVANT_KIND not in measure.subject_kinds:
            errors.append(FieldError(name, f"措施{code}不适用于公务员", f"measure {code} does not apply to civil servants"))
            continue
        if known is None:
            known = (list(Category.objects.values_list("code", flat=True)),
                     list(PartyList.objects.values_list("code", flat=True)))
        trigger, _errors = parse_trigger(measure.trigger, *known)
        if trigger is None or not counts_category(trigger, record.category):
            errors.append(FieldError(name, f"措施{code}的触发条件不计入“{record.category.name}”记录，无从从轻或免于惩戒",
                                     f"the trigger of measure {code} does not count {record.category.code} records"))
            continue
        wanted.append((measure, str(kind)))
    return wanted, errors


def _lift(relief: Relief, day: dt.date, reason: str) -> None:
    relief.lifted_on, relief.lift_reason = day, reason
    relief.save(update_fields=["lifted_on", "lift_reason"])
    audit.record("lift", relief, before={"lifted_on": None}, after={"lifted_on": day, "lift_reason": reason},
                 reason=reason)


@transaction.atomic
def grant_relief(principal: Any, record: Record, reliefs: Mapping[str, str], *, basis: str, reference: str,
                 today: dt.date | None = None) -> list[Relief]:
    """Waive or reduce measures (codes → "waive" | "reduce") for one civil servant's record, from `today`.

    A relief in force for the same record and measure is replaced (lifted the same day, naming the new
    decision); the same decision again returns the stored relief unchanged. Returns the reliefs in force, in
    the order asked."""
    access.require(principal, Perm.MITIGATION_DECIDE, record)
    record = Record.objects.select_related("category").get(pk=record.pk)
    basis, reference = (basis or "").strip(), (reference or "").strip()
    errors = _check_record(record)
    if not basis:
        errors.append(FieldError("basis", "须写明决定依据（决定文书、理由）", "the basis of the decision is required"))
    if not reference:
        errors.append(FieldError("reference", "须填写决定编号", "the decision's reference is required"))
    elif len(reference) > MAX_REFERENCE:
        errors.append(FieldError("reference", f"决定编号不能超过{MAX_REFERENCE}个字符",
                                 f"reference longer than {MAX_REFERENCE} characters"))
    wanted, relief_errors = _check_reliefs(record, reliefs)
    if errors or relief_errors:
        raise invalid(errors + relief_errors)
    day = today or timezone.localdate()
    saved = []
    for measure, kind in wanted:
        in_force = Relief.objects.select_for_update().filter(record=record, measure=measure,
                                                             lifted_on__isnull=True).first()
        if in_force is not None and (in_force.relief, in_force.reference, in_force.basis) == (kind, reference, basis):
            saved.append(in_force)
            continue
        if in_force is not None:
            _lift(in_force, day, f"由决定{reference}取代（replaced by {reference}）")
        relief = Relief.objects.create(record=record, measure=measure, relief=kind, basis=basis, reference=reference,
                                       granted_on=day, granted_by=current().actor_label)
        audit.record("create", relief, after=audit.snapshot(relief, fields=SNAPSHOT), reason=basis)
        saved.append(relief)
    return saved


@transaction.atomic
def lift_relief(principal: Any, relief_or_reference: Relief | str, *, reason: str,
                today: dt.date | None = None) -> list[Relief]:
    """End one relief, or every relief in force under a decision's reference: checks from `today` on apply the
    measures again in full. Returns the reliefs lifted."""
    access.require(principal, Perm.MITIGATION_DECIDE)
    if not (reason or "").strip():
        raise invalid([FieldError("reason", "解除从轻或免于惩戒须说明理由", "a reason is required")])
    if isinstance(relief_or_reference, Relief):
        found = list(Relief.objects.select_for_update().filter(pk=relief_or_reference.pk))
        if not found:
            raise NotFound("从轻或免于惩戒", "relief")
        if found[0].lifted_on is not None:
            raise Conflict("该从轻或免于惩戒已解除", "this relief has already been lifted")
    else:
        ref = str(relief_or_reference or "").strip()
        found = list(Relief.objects.select_for_update().filter(reference=ref, lifted_on__isnull=True).order_by("id"))
        if not found:
            raise Conflict(f"没有依据决定“{ref}”仍在执行的从轻或免于惩戒", f"no relief in force under {ref!r}")
    for relief in found:
        access.require(principal, Perm.MITIGATION_DECIDE, relief)
    day = today or timezone.localdate()
    for relief in found:
        _lift(relief, day, reason.strip())
    return found


def applicable_measures(record: Record) -> list[Measure]:
    """The published sanctions for civil servants whose trigger counts the record's category: those a
    mitigation may reduce or waive (what `sanctions.relief.grant_relief` accepts)."""
    categories = list(Category.objects.values_list("code", flat=True))
    lists = list(PartyList.objects.values_list("code", flat=True))
    out = []
    for m in Measure.objects.filter(status=MeasureStatus.PUBLISHED, kind=MeasureKind.SANCTION).order_by(
            "ordering", "code"):
        if CIVIL_SERVANT_KIND not in m.subject_kinds:
            continue
        trigger, _errors = parse_trigger(m.trigger, categories, lists)
        if trigger is not None and counts_category(trigger, record.category):
            out.append(m)
    return out
