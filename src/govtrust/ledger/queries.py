"""Reading the ledger: the one record search that the API, the console and the exports share.

`filter_records` takes a RecordQuery (the API's RecordFilters adds paging to it; the console builds one
from the query string), starts from what the principal may see, and narrows it; it never widens the
access layer's answer.

What the principal may see is two rules, applied together by `visible_records` (lists) and `get_record`
(one record), which every ledger read goes through (the API, the console, `services.ledger_as_of`):

- scope: `access.restrict` under Perm.LEDGER_VIEW (the subject's unit or the source, in the region or
  organization tree);
- sharing: `shared`. A record that has left disclosure and sharing (repaired, revoked, expired: not in
  LIVE_STATUSES) is no longer shared with departments, evaluated bodies, assessors or other systems'
  API keys; only Perm.LEDGER_HISTORY holders (the credit office, the organization department, the
  discipline organs, the administrator) still read it, with its status, so its history stays answerable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from ninja import Schema

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import NotFound

from .models import LIVE_STATUSES, Record


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


def shared(principal: Any, qs: QuerySet[Record]) -> QuerySet[Record]:
    """The records of `qs` that are still shared with the principal: the sharing rule, decided here only.

    Credit repair (信用修复), revocation and expiry end a record's disclosure and its sharing with other
    systems at once; the record and its revisions stay in the ledger. So without Perm.LEDGER_HISTORY a
    principal reads only live records (LIVE_STATUSES: active, disputed, corrected), and a record that has
    left sharing answers as a missing one would; with it, everything in scope, marked by its status.
    Scope is not decided here: `qs` should already be restricted (see `visible_records`).
    """
    if access.can(principal, Perm.LEDGER_HISTORY):
        return qs
    return qs.filter(status__in=LIVE_STATUSES)


def visible_records(principal: Any, qs: QuerySet[Record] | None = None) -> QuerySet[Record]:
    """The part of `qs` (all records by default) the principal may read: in scope, and still shared with it."""
    base = Record.objects.all() if qs is None else qs
    return shared(principal, access.restrict(principal, base, Perm.LEDGER_VIEW))


def get_record(principal: Any, qs: QuerySet[Record] | None = None, **lookup: Any) -> Record:
    """One record the principal may read, or NotFound: out of scope, left sharing and missing answer alike."""
    found = visible_records(principal, qs).filter(**lookup).first()
    if found is None:
        raise NotFound(str(Record._meta.verbose_name), Record.__name__)
    return found


def filter_records(principal: Any, f: RecordQuery) -> QuerySet[Record]:
    """The records a principal may see (`visible_records`), narrowed by the filters `f`.

    An organization the principal cannot see raises NotFound, as for any object out of reach. Filtering
    by a status that has left sharing finds nothing without Perm.LEDGER_HISTORY.
    """
    qs = visible_records(principal)
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
