"""Template helpers for the portal pages that show remedies beside an organization's disclosed records."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from govtrust.ledger.models import Record
from govtrust.remedies.models import PublicStatement
from govtrust.remedies.repairs import Repairability, repairability

register = template.Library()


@register.simple_tag
def repairability_of(record: Record) -> Repairability:
    """Whether the record can be repaired now, or from when, or why not (one small query for exclusions)."""
    return repairability(record)


@register.simple_tag
def public_statements(organization: Any) -> QuerySet[PublicStatement]:
    """The public statements (更正说明) published about the organization's records, newest first."""
    return PublicStatement.objects.filter(organization=organization).only("text", "published_on")
