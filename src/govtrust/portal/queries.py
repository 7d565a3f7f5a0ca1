"""What the public portal reads. Anonymous visitors see public registry data only, and only from here.

There is no access-layer role for anonymous readers of public data yet: the access layer scopes staff
and calling systems. Organizations (public bodies: governments, departments, institutions) are public
information, so the portal reads them through these functions and shows only their public fields
(name, USCC, kind, region, status). Civil servants and resident IDs never reach the portal.

Ledger records reach the portal through `public_records` only: an organization's records whose
disclosure scope is public, still live, within their disclosure period today.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from govtrust.core.identifiers import normalize_name
from govtrust.ledger.models import LIVE_STATUSES, DisclosureScope, Record
from govtrust.subjects.models import Organization, Region

# Registered public bodies, whether still active or historic (merged, dissolved): a historic body's
# name and code still appear on decisions and records, so the public must be able to look it up.
PUBLIC_STATUSES = (Organization.Status.ACTIVE, Organization.Status.MERGED, Organization.Status.DISSOLVED)
MIN_USCC_PREFIX = 6


def public_organizations() -> QuerySet[Organization]:
    """Active and historic organizations, for anonymous reading."""
    return Organization.objects.filter(status__in=PUBLIC_STATUSES).select_related("region", "successor")


def search_public_organizations(query: str) -> QuerySet[Organization]:
    """Public organizations matching a name (current or former) or the start of a USCC."""
    orgs = public_organizations()
    key = normalize_name(query or "")
    if not key:
        return orgs.none()
    cond = Q(name_normalized__icontains=key) | Q(former_names__name_normalized__icontains=key)
    if len(key) >= MIN_USCC_PREFIX:
        cond |= Q(uscc__startswith=key.upper())
    return orgs.filter(cond).distinct()


def headline_figures() -> dict[str, int]:
    """The figures on the home page: divisions covered and public bodies registered."""
    return {
        "regions": Region.objects.count(),
        "organizations": public_organizations().filter(status=Organization.Status.ACTIVE).count(),
    }


def public_records(org: Organization, today: dt.date | None = None) -> QuerySet[Record]:
    """The organization's ledger records that are publicly disclosed on `today` (default: today), newest first.

    A record is disclosed when all of these hold:
    - it is about the organization itself (`organization`): a civil servant's record names the person's unit
      in `unit`, never here, so no civil servant's record reaches the portal through their unit;
    - its disclosure scope is public (社会公开): shared (政务共享) and restricted (授权查询) records are for
      government users only;
    - it is live (LIVE_STATUSES): a repaired (信用修复), revoked or expired record has left disclosure. A
      disputed or corrected one stays, and the page says so;
    - today lies in its disclosure period: from `disclosure_start`, up to but not including
      `disclosure_end` (the day the expiry job ends it), or open-ended when there is none.
    The scope and the period are the record's own (fixed at intake or by a correction, under the regime in
    force on the decision date), not the category's as it stands now.
    """
    today = today or timezone.localdate()
    # subject_key leads the record_subject index; organization_id says the same and is kept for clarity
    return (Record.objects.filter(subject_key=f"o:{org.pk}", organization_id=org.pk,
                                  disclosure_scope=DisclosureScope.PUBLIC, status__in=LIVE_STATUSES,
                                  disclosure_start__lte=today)
            .filter(Q(disclosure_end__isnull=True) | Q(disclosure_end__gt=today))
            .select_related("category").order_by("-decision_date", "-id"))
