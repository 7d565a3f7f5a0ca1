"""Searching decisions: one filter for the API, the portal and the console, on indexed columns first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from govtrust.core.identifiers import normalize_name

from .models import Decision

MIN_CODE_PREFIX = 6


@dataclass(frozen=True)
class Search:
    q: str = ""  # counterparty name (contains), or the start of a USCC or the exact document number
    kind: str = ""
    authority: str = ""  # the deciding authority's name (contains)
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def search(qs: QuerySet[Decision], s: Search) -> QuerySet[Decision]:
    if s.kind:
        qs = qs.filter(kind=s.kind)
    if s.date_from:
        qs = qs.filter(decision_date__gte=s.date_from)
    if s.date_to:
        qs = qs.filter(decision_date__lte=s.date_to)
    if s.authority:
        qs = qs.filter(authority__name_normalized__icontains=normalize_name(s.authority))
    key = normalize_name(s.q)
    if key:
        cond = Q(counterparty_normalized__icontains=key) | Q(document_number=s.q.strip())
        if len(key) >= MIN_CODE_PREFIX and key.isalnum() and key.isascii():
            cond |= Q(uscc__startswith=key.upper())
        qs = qs.filter(cond)
    return qs


def parse_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
