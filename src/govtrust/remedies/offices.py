"""Who holds a case: the organization a forwarded objection went to, else the credit office over the record.

A credit office is not an organization kind: it is the home organization of the credit-office users (often
the 发展改革委 of a city or county). The nearest one above the record's subject — the user whose
organization's region is the deepest prefix of the subject's region path — gets the case's notices.
"""

from __future__ import annotations

from govtrust.accounts.models import User
from govtrust.core.access import Role

from .models import Case, Status


def holder(c: Case) -> int | None:
    if c.forwarded_to_id and c.status == Status.FORWARDED:
        return c.forwarded_to_id
    return credit_office(c.record.unit.region.path)


def credit_office(region_path: str) -> int | None:
    found = [(len(path), org) for path, org in _offices() if region_path.startswith(path)]
    return max(found)[1] if found else None


def _offices() -> tuple[tuple[str, int], ...]:
    """Read per call, not cached: users change, and a scan calls it per case only over a short queue."""
    return tuple(User.objects.filter(role=Role.CREDIT_OFFICE, is_active=True, organization__isnull=False)
                 .values_list("organization__region__path", "organization_id").distinct())
