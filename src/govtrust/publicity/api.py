"""Publicity API: decisions for staff (list, detail, withdraw), the timeliness figures and the warnings that
concern the caller, and the public listing.

Staff reads go through the access layer; the public endpoint needs no login and shows only what the portal
shows: current decisions, natural persons' identifiers masked, withdrawn ones with their note.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.ledger.api import _after, _cursor  # the ledger's (decision date, id) cursor, shared

from . import metrics, services
from . import warnings as publicity_warnings
from .models import Decision
from .queries import Search, decode_cursor, listing_order, needs_scan, older_than, search, visible_decisions

router = Router(tags=["publicity 双公示"])
MAX_PAGE = 500


class PublicDecisionOut(Schema):
    id: int
    kind: str
    counterparty_name: str
    counterparty_category: str
    uscc: str
    id_masked: str
    legal_representative: str
    document_number: str
    violation_type: str
    facts: str
    basis: str
    penalty_kinds: list[str]
    penalty_content: str
    fine_amount: Decimal | None
    confiscation_amount: Decimal | None
    document_name: str
    licence_category: str
    certificate_name: str
    licence_number: str
    licence_content: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    decision_date: dt.date
    disclosure_end: dt.date | None
    authority_name: str
    source_name: str
    status: str
    withdrawn_note: str

    @staticmethod
    def resolve_source_name(obj: Decision) -> str:
        return obj.source.name


class DecisionOut(PublicDecisionOut):
    source_id: int
    authority_id: int
    batch_id: int | None
    ledger_record_id: int | None
    published_at: dt.datetime
    deadline: dt.date | None
    on_time: bool | None
    days_late: int
    complete: bool
    missing: list[str]
    accurate: bool
    issues: list[str]


class DecisionPage(Schema):
    items: list[DecisionOut]
    next: str | None


class PublicPage(Schema):
    items: list[PublicDecisionOut]
    next: str | None


class Filters(Schema):
    q: str = ""
    kind: str = ""
    authority: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str = ""
    cursor: str | None = None
    limit: int = 50


class WithdrawIn(Schema):
    note: str


def _page(qs: Any, filters: Filters) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_PAGE))
    s = Search(filters.q, filters.kind, filters.authority, filters.date_from, filters.date_to)
    qs = search(qs, s)
    if filters.status:
        qs = qs.filter(status=filters.status)
    qs = listing_order(qs, needs_scan(qs, s))
    if filters.cursor:
        _after(filters.cursor)  # the ledger's check: a malformed cursor is the API's 422
        qs = qs.filter(older_than(*decode_cursor(filters.cursor)))  # same rows, as an index range
    page = list(qs.select_related("source")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {"items": page, "next": _cursor(page[-1]) if more else None}


@router.get("/publicity/decisions", response=DecisionPage, summary="双公示决定列表 / list decisions")
def list_decisions(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    return _page(visible_decisions(request.auth), filters)


@router.get("/publicity/decisions/{decision_id}", response=DecisionOut, summary="双公示决定详情 / one decision")
def get_decision(request: HttpRequest, decision_id: int) -> Decision:
    return access.get_visible(request.auth, visible_decisions(request.auth, Decision.objects.select_related("source")),
                              Perm.PUBLICITY_VIEW, pk=decision_id)


@router.post("/publicity/decisions/{decision_id}/withdraw", response=DecisionOut,
             summary="撤下决定（公开说明）/ withdraw a decision with a public note")
def withdraw_decision(request: HttpRequest, decision_id: int, payload: WithdrawIn) -> Decision:
    decision = access.get_visible(request.auth, Decision.objects.all(), Perm.PUBLICITY_VIEW, pk=decision_id)
    return services.withdraw(request.auth, decision, note=payload.note)


@router.get("/publicity/metrics", summary="时效与质量指标 / timeliness and quality figures")
def get_metrics(request: HttpRequest, period: str, kind: str | None = None) -> dict[str, Any]:
    """`period`: a month (2026-10) or a quarter (2026Q4)."""
    access.require(request.auth, Perm.PUBLICITY_VIEW)
    return metrics.report(request.auth, metrics.parse_period(period), kind or None)


@router.get("/publicity/warnings", summary="与调用方相关的预警 / the warnings that concern the caller")
def get_warnings(request: HttpRequest, period: str | None = None, kind: str | None = None) -> dict[str, Any]:
    """Overdue, incomplete, inaccurate and silent-month warnings for the caller's department (or, for a credit
    office, every department of its region). `period`: a month or quarter; default the previous and this month."""
    access.require(request.auth, Perm.PUBLICITY_VIEW)
    today = timezone.localdate()
    chosen = metrics.parse_period(period) if period else publicity_warnings.default_period(today)
    found = publicity_warnings.for_principal(request.auth, chosen, kind or None, today=today)
    return {"period": chosen.label, "start": chosen.start, "end": chosen.end - dt.timedelta(days=1),
            "count": len(found), "items": [dataclasses.asdict(w) | {"label": w.label} for w in found]}


@router.get("/publicity/public/decisions", response=PublicPage, auth=None,
            summary="公示中的决定（公开）/ current decisions, public")
def public_decisions(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    return _page(services.public_decisions(), filters)
