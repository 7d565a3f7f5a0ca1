"""What the public portal reads. Anonymous visitors see public registry data only, and only from here.

There is no access-layer role for anonymous readers of public data yet: the access layer scopes staff
and calling systems. Organizations (public bodies: governments, departments, institutions) are public
information, so the portal reads them through these functions and shows only their public fields
(name, USCC, kind, region, status). Civil servants and resident IDs never reach the portal.

The disclosure rules (the ledger issue) will extend this module: records shown for the disclosure
period of the regime in force, hidden items with their public reasons.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from govtrust.core.identifiers import normalize_name
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
