"""Reading the ledger: the one record search that the API, the console and the exports share.

`filter_records` takes a RecordQuery (the API's RecordFilters adds paging to it; the console builds one
from the query string), starts from what the principal may see, and narrows it; it never widens the
access layer's answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from ninja import Schema

from govtrust.core import access
from govtrust.core.access import Perm

from .models import Record


class RecordQuery(Schema):
    """The filters of a records list, shared by the console and the API (which adds its paging to them)."""

    region: str | None = None  # a division code: records about units in it and below
    organization_id: int | None = None  # the subject organization (or a person's unit) and its subtree
    subject_key: str | None = None
    category: str | None = None  # a category code
    severity: str | None = None
    status: str | None = None
    source_id: int | None = None
    batch_id: int | None = None
    decided_from: dt.date | None = None
    decided_to: dt.date | None = None
    q: str | None = None  # subject name or document number contains


def filter_records(principal: Any, f: RecordQuery) -> QuerySet[Record]:
    """The records a principal may see, narrowed by the filters `f`.

    An organization the principal cannot see raises NotFound, as for any object out of reach.
    """
    qs = access.restrict(principal, Record.objects.all(), Perm.LEDGER_VIEW)
    if f.region:
        qs = qs.filter(unit__region__path__contains=f"/{f.region}/")  # the division and everything below it
    if f.organization_id:
        org = access.get_visible(principal, _organizations(), pk=f.organization_id)
        qs = qs.filter(unit__path__startswith=org.path)
    exact = {"subject_key": f.subject_key, "category__code": f.category, "severity": f.severity,
             "status": f.status, "source_id": f.source_id, "batch_id": f.batch_id}
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    if f.decided_from:
        qs = qs.filter(decision_date__gte=f.decided_from)
    if f.decided_to:
        qs = qs.filter(decision_date__lte=f.decided_to)
    if f.q:
        qs = qs.filter(Q(subject_name__contains=f.q) | Q(document_number__contains=f.q))
    return qs


def _organizations() -> QuerySet[Any]:
    from govtrust.subjects.models import Organization

    return Organization.objects.all()
