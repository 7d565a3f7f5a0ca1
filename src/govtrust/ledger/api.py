"""Ledger API: the catalog, the regimes, records with their revisions, the ledger as of a date, changes.

Lists use cursor pagination (`next` is an opaque cursor over decision date and id), which stays fast
and stable while intake adds rows; reads go through the access layer and the sharing rule
(`queries.visible_records` / `get_record`: a repaired, revoked or expired record is not shared with a
caller without Perm.LEDGER_HISTORY, and answers 404), changes through the services.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import FieldError, invalid

from . import catalog, queries, services
from .models import Category, Record, Regime, RevisionKind
from .queries import RecordQuery, filter_records

router = Router(tags=["ledger 信用信息"])
MAX_PAGE = 500


class FieldSpecOut(Schema):
    name: str
    label: str
    label_en: str = ""
    type: str
    required: bool = False
    choices: list[list[str]] = []


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    polarity: str
    subject_kinds: list[str]
    default_severity: str
    legal_basis: str
    fields: list[FieldSpecOut]
    disclosure_scope: str
    domain: str
    disclosure_months: int | None
    active: bool
    version: int


class CategoryVersionOut(Schema):
    number: int
    content: dict[str, Any]
    reason: str
    actor: str
    created_at: dt.datetime


class CategoryDetailOut(CategoryOut):
    versions: list[CategoryVersionOut]


class CategoryPatch(Schema):
    name: str | None = None
    name_en: str | None = None
    polarity: str | None = None
    subject_kinds: list[str] | None = None
    default_severity: str | None = None
    legal_basis: str | None = None
    fields: list[dict[str, Any]] | None = None
    disclosure_scope: str | None = None
    domain: str | None = None
    disclosure_months: int | None = None
    active: bool | None = None
    ordering: int | None = None
    reason: str = ""


class CategoryIn(Schema):
    code: str
    name: str
    name_en: str
    polarity: str
    subject_kinds: list[str]
    default_severity: str = ""
    legal_basis: str
    fields: list[dict[str, Any]] = []
    disclosure_scope: str
    domain: str = ""
    disclosure_months: int | None = None
    reason: str = ""


class RuleOut(Schema):
    severity: str
    domain: str
    min_months: int
    max_months: int
    may_be_undisclosed: bool
    note: str


class RegimeOut(Schema):
    code: str
    name: str
    basis: str
    in_force_from: dt.date
    note: str
    rules: list[RuleOut]


class RecordOut(Schema):
    id: int
    subject_key: str
    subject_name: str
    organization_id: int | None
    person_id: int | None
    unit_id: int
    category: str
    category_version: int
    severity: str
    facts: str
    document_number: str
    authority: str
    decision_date: dt.date
    legal_basis: str
    source_id: int
    batch_id: int | None
    data: dict[str, Any]
    disclosure_scope: str
    regime: str | None
    disclosure_start: dt.date
    repair_from: dt.date | None
    disclosure_end: dt.date | None
    status: str
    revision: int

    @staticmethod
    def resolve_category(obj: Record) -> str:
        return obj.category.code

    @staticmethod
    def resolve_regime(obj: Record) -> str | None:
        return obj.regime_rule.regime.code if obj.regime_rule_id else None


class RevisionOut(Schema):
    number: int
    kind: str
    status: str
    content: dict[str, Any]
    reason: str
    actor: str
    channel: str
    batch_id: int | None
    recorded_at: dt.datetime


class RecordDetailOut(RecordOut):
    revisions: list[RevisionOut]

    @staticmethod
    def resolve_revisions(obj: Record) -> list[Any]:
        return list(obj.revisions.order_by("number"))


class RecordPage(Schema):
    items: list[RecordOut]
    next: str | None


class AsOfOut(Schema):
    record_id: int
    category: str
    document_number: str
    decision_date: dt.date
    revision: RevisionOut


class ChangeIn(Schema):
    reason: str


class CorrectionIn(Schema):
    reason: str
    objection: bool = False
    severity: str | None = None
    facts: str | None = None
    authority: str | None = None
    decision_date: str | None = None
    legal_basis: str | None = None
    data: dict[str, Any] | None = None


class RecordFilters(RecordQuery):
    limit: int = 50
    cursor: str | None = None


# ------------------------------------------------------------------------------------------ catalog


@router.get("/catalog", response=list[CategoryOut], summary="信用信息目录 / the record catalog")
def list_categories(request: HttpRequest) -> QuerySet[Category]:
    return access.restrict(request.auth, Category.objects.all(), Perm.LEDGER_VIEW)


@router.get("/catalog/{code}", response=CategoryDetailOut, summary="类别及其版本 / a category and its versions")
def get_category(request: HttpRequest, code: str) -> dict[str, Any]:
    category = access.get_visible(request.auth, Category.objects.all(), Perm.LEDGER_VIEW, code=code)
    return catalog.content_of(category) | {"version": category.version, "versions": list(category.versions.all())}


@router.patch("/catalog/{code}", response=CategoryOut, summary="修改类别（新版本）/ change a category (new version)")
def patch_category(request: HttpRequest, code: str, payload: CategoryPatch) -> Category:
    category = access.get_visible(request.auth, Category.objects.all(), Perm.LEDGER_VIEW, code=code)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason", "")
    return catalog.update_category(request.auth, category, reason=reason, **changes)


@router.post("/catalog", response={201: CategoryOut}, summary="新增类别 / add a category")
def create_category(request: HttpRequest, payload: CategoryIn) -> tuple[int, Category]:
    values = payload.dict()
    return 201, catalog.create_category(request.auth, **values)


@router.get("/regimes", response=list[RegimeOut], summary="公示期限规则 / disclosure regimes")
def list_regimes(request: HttpRequest) -> QuerySet[Regime]:
    return access.restrict(request.auth, Regime.objects.prefetch_related("rules"), Perm.LEDGER_VIEW)


# ------------------------------------------------------------------------------------------ records


def _cursor(record: Record) -> str:
    return base64.urlsafe_b64encode(f"{record.decision_date.isoformat()}|{record.pk}".encode()).decode()


def _after(cursor: str) -> Q:
    try:
        day, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        decided, last = dt.date.fromisoformat(day), int(pk)
    except (ValueError, UnicodeDecodeError):
        raise invalid([FieldError("cursor", "分页游标无效", "invalid cursor")]) from None
    return Q(decision_date__lt=decided) | Q(decision_date=decided, pk__lt=last)


@router.get("/records", response=RecordPage, summary="信用记录列表 / list records")
def list_records(request: HttpRequest, filters: Query[RecordFilters]) -> dict[str, Any]:
    limit = max(1, min(filters.limit, MAX_PAGE))
    qs = filter_records(request.auth, filters).order_by("-decision_date", "-pk")
    if filters.cursor:
        qs = qs.filter(_after(filters.cursor))
    page = list(qs.select_related("category", "regime_rule__regime")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return {"items": page, "next": _cursor(page[-1]) if more else None}


def _record(request: HttpRequest, record_id: int) -> Record:
    """One record in scope and still shared with the caller (queries.get_record), else 404."""
    return queries.get_record(request.auth, Record.objects.select_related("category", "regime_rule__regime"), pk=record_id)


@router.get("/records/{record_id}", response=RecordDetailOut, summary="记录及其修订历史 / a record and its history")
def get_record(request: HttpRequest, record_id: int) -> Record:
    return _record(request, record_id)


@router.get("/ledger/{subject_key}", response=list[AsOfOut],
            summary="某日的信用记录 / what the ledger said about a subject on a date")
def ledger_as_of(request: HttpRequest, subject_key: str, as_of: dt.date) -> list[dict[str, Any]]:
    return [{"record_id": a.record.pk, "category": a.record.category.code, "document_number": a.record.document_number,
             "decision_date": a.record.decision_date, "revision": a.revision}
            for a in services.ledger_as_of(request.auth, subject_key, as_of)]


@router.post("/records/{record_id}/correct", response=RevisionOut, summary="更正记录 / correct a record")
def correct_record(request: HttpRequest, record_id: int, payload: CorrectionIn) -> Any:
    record = _record(request, record_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if k not in {"reason", "objection"}}
    return services.correct(request.auth, record, reason=payload.reason, objection=payload.objection, **changes)


@router.post("/records/{record_id}/{change}", response=RevisionOut, summary="变更记录状态 / change a record's status")
def change_record(request: HttpRequest, record_id: int,
                  change: Literal["dispute", "revoke", "repair", "expire", "uphold"], payload: ChangeIn) -> Any:
    record = _record(request, record_id)
    if change == "uphold":
        return services.uphold(request.auth, record, reason=payload.reason)
    return services.change_status(request.auth, record, RevisionKind(change), reason=payload.reason)
