"""Searching decisions: one filter for the API, the portal and the console, on indexed columns first."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import DateField, ExpressionWrapper, F, Q, QuerySet, Value

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.identifiers import normalize_name
from govtrust.subjects.models import Organization

from .models import Decision, Status

MIN_CODE_PREFIX = 6
USCC_LENGTH = 18
TRIGRAM = 3  # the shortest name fragment PostgreSQL's trigram index serves


def visible_decisions(principal: Any, qs: QuerySet[Decision] | None = None) -> QuerySet[Decision]:
    """The decisions a staff user or a calling system may read: in scope, and — like the ledger's sharing rule
    (ledger.queries.shared) — without a decision whose disclosure ended by credit repair, unless the principal
    may read what has left sharing (Perm.LEDGER_HISTORY)."""
    qs = access.restrict(principal, Decision.objects.all() if qs is None else qs, Perm.PUBLICITY_VIEW)
    return qs if access.can(principal, Perm.LEDGER_HISTORY) else qs.exclude(status=Status.ENDED)


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
        # the matching authorities first (a few hundred organizations), then their decisions by the
        # (authority, decision_date) index: a join let SQLite read every current decision to count them
        authorities = Organization.objects.using(qs.db).filter(name_normalized__icontains=normalize_name(s.authority))
        qs = qs.filter(authority__in=authorities.values("pk"))
    key = normalize_name(s.q)
    if key:
        name = Q(counterparty_normalized__icontains=key)
        if connections[qs.db].vendor == "sqlite":
            # No SQLite index serves a substring. Read the name index (covering: name and rowid) for the
            # matching ids instead of the table's rows in listing order: 0.2 s for a million names, where a
            # walk of the listing index took seconds for a rare name (docs/benchmarks.md). PostgreSQL has a
            # trigram index on UPPER(counterparty_normalized) for three characters or more (migration 0004).
            name = Q(pk__in=Decision.objects.using(qs.db).filter(name).values("pk"))
        cond = name | Q(document_number=s.q.strip())
        if len(key) >= MIN_CODE_PREFIX and key.isalnum() and key.isascii():
            cond |= uscc_prefix(key.upper())
        qs = qs.filter(cond)
    return qs


def uscc_prefix(prefix: str) -> Q:
    """USCCs starting with `prefix`, as a range that a plain B-tree index on `uscc` serves on every backend.

    `startswith` alone becomes `LIKE 'P%'`, which neither SQLite (case-insensitive LIKE) nor PostgreSQL (a
    non-C collation) answers from the index. USCCs are 18 upper-case letters and digits without I, O, S, V
    and Z, so every code with the prefix lies between the prefix and the prefix padded with "Z"; the
    `startswith` stays as the exact condition.
    """
    if len(prefix) >= USCC_LENGTH:
        return Q(uscc=prefix[:USCC_LENGTH]) if len(prefix) == USCC_LENGTH else Q(pk__in=[])
    return Q(uscc__gte=prefix, uscc__lte=prefix + "Z" * (USCC_LENGTH - len(prefix)), uscc__startswith=prefix)


# Keyset pagination over the listing's order (decision date, then id, both descending): a page costs the
# same at the millionth row as at the first, where OFFSET reads and drops every row before it.

def listing_order(qs: QuerySet[Decision], scan: bool = False) -> QuerySet[Decision]:
    """Newest first, by `decision_listing` (decision_date, id) read backwards.

    The always-true bound on the index's leading column is for SQLite's planner: without it, it prefers the
    (status, disclosure_end) index and sorts half a million current rows for every page. `scan` (see
    `needs_scan`) orders by `decision_date + 0`, the same order that no index serves, so that PostgreSQL
    reads the table once and sorts the matches instead of walking the whole listing index through a
    filter that it guessed would match often (docs/benchmarks.md).
    """
    day: Any = F("decision_date")
    if scan:
        day = ExpressionWrapper(F("decision_date") + Value(0), output_field=DateField())
    return qs.filter(decision_date__lte=dt.date.max).order_by(day.desc(), F("pk").desc())


def needs_scan(qs: QuerySet[Decision], s: Search) -> bool:
    """A name fragment shorter than a trigram on PostgreSQL: no index can serve it (pg_trgm needs three)."""
    return connections[qs.db].vendor == "postgresql" and 0 < len(normalize_name(s.q)) < TRIGRAM


def encode_cursor(day: dt.date, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{day.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(text: str | None) -> tuple[dt.date, int] | None:
    """The (decision date, id) in a cursor, or None for a missing or malformed one (the page then starts over)."""
    if not text:
        return None
    try:
        day, pk = base64.urlsafe_b64decode(text.encode() + b"=" * (-len(text) % 4)).decode().split("|")
        return dt.date.fromisoformat(day), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def older_than(day: dt.date, pk: int) -> Q:
    """Rows after (day, pk) in the listing's descending order; the redundant `<=` bounds the index range."""
    return Q(decision_date__lte=day) & (Q(decision_date__lt=day) | Q(pk__lt=pk))


def newer_than(day: dt.date, pk: int) -> Q:
    return Q(decision_date__gte=day) & (Q(decision_date__gt=day) | Q(pk__gt=pk))


def parse_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None
