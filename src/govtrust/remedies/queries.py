"""Reading remedy cases: the queues and the list's filters, always within the caller's scope.

Queues: `office` — what the credit office must act on (accept, decide, forward); `mine` — objections forwarded
to the caller's organization and not yet decided; `filed` — the cases the caller's organization filed;
`open` — every case not finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from govtrust.core import access
from govtrust.core.access import Perm

from .models import OPEN_STATUSES, Case, Mitigation, Status

QUEUES = ("office", "mine", "filed", "open")


@dataclass(frozen=True)
class CaseFilters:
    queue: str = ""
    kind: str = ""
    status: str = ""
    overdue: bool | None = None
    record: int | None = None
    q: str = ""


def filter_cases(principal: Any, f: CaseFilters) -> QuerySet[Case]:
    qs = access.restrict(principal, Case.objects.select_related("record", "record__category", "forwarded_to"),
                         Perm.REMEDIES_VIEW)
    org_id = getattr(principal, "organization_id", None)
    if f.queue == "office":
        qs = qs.filter(status__in=(Status.RECEIVED, Status.ACCEPTED))
    elif f.queue == "mine":
        qs = qs.filter(forwarded_to_id=org_id, status=Status.FORWARDED) if org_id else qs.none()
    elif f.queue == "filed":
        qs = qs.filter(applicant_organization_id=org_id) if org_id else qs.none()
    elif f.queue == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    exact = {"kind": f.kind or None, "status": f.status if f.status in Status.values else None,
             "overdue": f.overdue, "record_id": f.record}
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    text = f.q.strip()
    if text:
        qs = qs.filter(Q(serial__iexact=text) | Q(subject_name__icontains=text)
                       | Q(record__document_number__icontains=text))
    return qs.order_by(F("current_due").asc(nulls_last=True), "-received_on", "-id")


def get_case(principal: Any, pk: int) -> Case:
    return access.get_visible(principal, Case.objects.select_related(
        "record", "record__category", "record__unit", "forwarded_to", "applicant_organization", "rule", "commitment"),
        Perm.REMEDIES_VIEW, pk=pk)


def mitigations(principal: Any) -> QuerySet[Mitigation]:
    return access.restrict(principal, Mitigation.objects.select_related("record", "record__category"),
                           Perm.REMEDIES_VIEW)


def get_mitigation(principal: Any, pk: int) -> Mitigation:
    return access.get_visible(principal, Mitigation.objects.select_related("record", "record__category"),
                              Perm.REMEDIES_VIEW, pk=pk)
