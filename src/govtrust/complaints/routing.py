"""The routing table (派单规则): category × region → the organization that handles the complaint.

Lookup (`route`) on a day, for a complaint about `body`: walking from the body's region up to the province,
the first region with an entry valid that day wins, a category-specific entry before a catch-all one
(category empty). Nothing found: the body complained about handles it itself (谁主管谁负责), which is what
the 12345 practice does without a table; the case records which entry (or none) decided.

The table keeps its history: `add` creates an entry, `end` closes one (valid_to), `replace` ends one and
creates its successor pointing back — nothing is edited in place or deleted, and each change is audited.
Only the credit office changes it, within its region.
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
from govtrust.subjects.models import Organization, Region

from .models import ComplaintCategory, RoutingEntry


def valid_on(day: dt.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


class Table:
    """The entries valid on one day, held in memory with the region tree: a run of lookups (the demo, a
    hand-over file) costs two queries, and a single lookup is the same code."""

    def __init__(self, day: dt.date) -> None:
        self.by_region: dict[int, list[RoutingEntry]] = {}
        for e in RoutingEntry.objects.filter(valid_on(day)).select_related("organization"):
            self.by_region.setdefault(e.region_id, []).append(e)
        self.parents = dict(Region.objects.values_list("pk", "parent_id")) if self.by_region else {}

    def route(self, category: ComplaintCategory, body: Organization) -> tuple[Organization, RoutingEntry | None]:
        region_id: int | None = body.region_id
        while region_id is not None:
            found = sorted((e for e in self.by_region.get(region_id, ()) if e.category_id in (category.pk, None)),
                           key=lambda e: (e.category_id is None, -e.valid_from.toordinal(), e.pk))
            if found:
                return found[0].organization, found[0]
            region_id = self.parents.get(region_id)
        return body, None


def route(category: ComplaintCategory, body: Organization, day: dt.date) -> tuple[Organization, RoutingEntry | None]:
    """The handling organization for a complaint of `category` about `body` on `day`, and the entry that said so."""
    return Table(day).route(category, body)


def table(principal: Any, day: dt.date | None = None) -> QuerySet[RoutingEntry]:
    """The entries the principal may see (all history; valid on `day` when given)."""
    qs = access.restrict(principal, RoutingEntry.objects.select_related("category", "region", "organization"),
                         Perm.COMPLAINTS_VIEW)
    return qs.filter(valid_on(day)) if day else qs


def _snapshot(e: RoutingEntry) -> dict[str, Any]:
    return audit.snapshot(e)


def _check(principal: Any, category: ComplaintCategory | None, region: Region | None,
           organization: Organization | None, valid_from: dt.date | None) -> list[FieldError]:
    errors = []
    if region is None:
        errors.append(FieldError("region", "必须选择行政区划", "the region is required"))
    elif not access.reaches_placement(principal, region):
        errors.append(FieldError("region", "该区划不在您的管辖范围内", "the region is outside your scope"))
    if organization is None:
        errors.append(FieldError("organization", "必须选择承办单位", "the handling organization is required"))
    elif organization.status != Organization.Status.ACTIVE:
        errors.append(FieldError("organization", f"“{organization.name}”已{organization.get_status_display()}，不能承办",
                                 f"{organization.name} is {organization.status} and cannot handle complaints"))
    if valid_from is None:
        errors.append(FieldError("valid_from", "必须填写生效日期", "the start date is required"))
    if category is not None and not category.active:
        errors.append(FieldError("category", "该类别已停用", "the category is not active"))
    return errors


@transaction.atomic
def add(principal: Any, *, category: ComplaintCategory | None, region: Region | None,
        organization: Organization | None, valid_from: dt.date | None, note: str = "",
        replaces: RoutingEntry | None = None) -> RoutingEntry:
    """A new entry. Another open entry for the same category and region from the same date is a conflict:
    replace it instead, so the table never holds two answers for one day."""
    access.require(principal, Perm.COMPLAINTS_MANAGE)
    errors = _check(principal, category, region, organization, valid_from)
    if errors:
        raise invalid(errors)
    clash = RoutingEntry.objects.filter(category=category, region=region, valid_to__isnull=True)
    if replaces is not None:
        clash = clash.exclude(pk=replaces.pk)
    if clash.filter(valid_from__gte=valid_from).exists() or (replaces is None and clash.exists()):
        raise Conflict("该区划、该类别已有生效的派单规则，请修改（替换）该规则",
                       "an open entry for this region and category exists; replace it instead",
                       [FieldError("region", "已有生效的派单规则", "an open entry exists")])
    e = RoutingEntry.objects.create(category=category, region=region, organization=organization,
                                    valid_from=valid_from, note=(note or "").strip(),
                                    created_by=current().actor_label, created_at=timezone.now())
    audit.record("create", e, after=_snapshot(e), reason=note or "新增派单规则")
    return e


@transaction.atomic
def end(principal: Any, entry: RoutingEntry, *, valid_to: dt.date | None, reason: str = "") -> RoutingEntry:
    """Close an entry from `valid_to` on (the day itself no longer routes by it)."""
    access.require(principal, Perm.COMPLAINTS_MANAGE, entry)
    e = RoutingEntry.objects.select_for_update().get(pk=entry.pk)
    if e.valid_to is not None:
        raise Conflict("该派单规则已失效", "the entry has already ended")
    if valid_to is None or valid_to <= e.valid_from:
        raise invalid([FieldError("valid_to", f"失效日期应晚于生效日期（{e.valid_from.isoformat()}）",
                                  f"the end date must be after the start date ({e.valid_from.isoformat()})")])
    before = _snapshot(e)
    e.valid_to = valid_to
    e.save(update_fields=["valid_to"])
    audit.record("end", e, before=before, after=_snapshot(e), reason=reason or "派单规则失效")
    return e


@transaction.atomic
def replace(principal: Any, entry: RoutingEntry, *, organization: Organization | None, valid_from: dt.date | None,
            note: str = "") -> RoutingEntry:
    """Route the entry's category and region to another organization from `valid_from` on: the old entry
    ends that day and points to its successor."""
    access.require(principal, Perm.COMPLAINTS_MANAGE, entry)
    if valid_from is None:
        raise invalid([FieldError("valid_from", "必须填写生效日期", "the start date is required")])
    old = end(principal, entry, valid_to=valid_from, reason=note or "派单规则变更")
    new = add(principal, category=old.category, region=old.region, organization=organization,
              valid_from=valid_from, note=note, replaces=old)
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    return new
