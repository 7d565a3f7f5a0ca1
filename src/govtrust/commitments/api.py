"""Commitments API: list, detail with history, register, evidence upload, review, breach, change by law, and the
fulfilment figures. Reads go through the access layer (another scope's commitment answers 404); changes go
through `services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import field_error
from govtrust.subjects.models import CivilServant, Organization

from . import figures, services
from .models import Commitment, CommitmentKind
from .queries import ListFilters, filter_commitments

router = Router(tags=["commitments 信用承诺"])
MAX_PAGE = 200


class KindOut(Schema):
    code: str
    name: str
    name_en: str
    subject_kinds: list[str]
    evidence: str
    public_default: bool
    compensation_required: bool
    flag_phrases: list[str]
    legal_basis: str


class CommitmentOut(Schema):
    id: int
    subject_key: str
    organization_id: int | None
    person_id: int | None
    unit_id: int
    subject_name: str
    kind: str
    kind_name: str
    title: str
    content: str
    target: str
    is_public: bool
    start_date: dt.date
    due_date: dt.date
    recurrence_months: int | None
    previous_id: int | None
    status: str
    awaiting_review: bool
    overdue: bool
    warned_for: dt.date | None
    concluded_on: dt.date | None
    breach_reason: str
    change_reason: str
    change_basis: str
    change_authority: str
    compensation_note: str
    flagged: bool
    flag_reason: str
    ledger_record_id: int | None
    created_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_kind(obj: Commitment) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj: Commitment) -> str:
        return obj.kind.name


class EventOut(Schema):
    kind: str
    actor: str
    reason: str
    day: dt.date
    at: dt.datetime


class FileOut(Schema):
    """What an uploaded file shows in the API (models.StoredFile)."""

    id: int
    original_name: str
    extension: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime


class EvidenceOut(FileOut):
    description: str
    status: str


class DetailOut(CommitmentOut):
    events: list[EventOut]
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_events(obj: Commitment) -> list[Any]:
        return list(obj.events.order_by("at", "id"))

    @staticmethod
    def resolve_evidence(obj: Commitment) -> list[Any]:
        return list(obj.evidence.order_by("uploaded_at", "id"))


class Page(Schema):
    count: int
    items: list[CommitmentOut]


class CreateIn(Schema):
    organization_id: int | None = None
    person_id: int | None = None
    kind: str
    title: str
    content: str
    target: str = ""
    is_public: bool | None = None
    start_date: dt.date
    due_date: dt.date
    recurrence_months: int | None = None


class ReviewIn(Schema):
    accept: bool
    reason: str = ""


class BreachIn(Schema):
    reason: str


class ChangeIn(Schema):
    reason: str
    legal_basis: str
    authority: str
    compensation_note: str = ""


class ApiFilters(Schema):
    status: str = ""
    kind: str = ""
    subject: str = ""
    overdue: bool | None = None
    q: str = ""
    offset: int = 0
    limit: int = 50


def _visible(request: HttpRequest, commitment_id: int) -> Commitment:
    return access.get_visible(request.auth, Commitment.objects.select_related("kind"), Perm.COMMITMENTS_VIEW,
                              pk=commitment_id)


@router.get("/commitments", response=Page, summary="承诺列表 / list commitments")
def list_commitments(request: HttpRequest, filters: Query[ApiFilters]) -> dict[str, Any]:
    qs = filter_commitments(request.auth, ListFilters(filters.status, filters.kind, filters.subject, filters.overdue,
                                                      filters.q))
    limit, offset = max(1, min(filters.limit, MAX_PAGE)), max(0, filters.offset)
    return {"count": qs.count(), "items": list(qs.select_related("kind")[offset:offset + limit])}


@router.get("/commitments/kinds", response=list[KindOut], summary="承诺类型目录 / commitment kinds")
def list_kinds(request: HttpRequest) -> Any:
    return access.restrict(request.auth, CommitmentKind.objects.filter(active=True), Perm.COMMITMENTS_VIEW)


@router.get("/commitments/figures", summary="践诺率（按单位、区划、类型）/ fulfilment rate per body, region and kind")
def get_figures(request: HttpRequest, start: dt.date, end: dt.date, today: dt.date | None = None) -> dict[str, Any]:
    """Commitments due in [start, end]; rate = fulfilled / (fulfilled + breached + overdue on `today`)."""
    return figures.report(request.auth, start, end, today or timezone.localdate())


@router.post("/commitments", response={201: CommitmentOut}, summary="登记承诺 / register a commitment")
def create_commitment(request: HttpRequest, payload: CreateIn) -> Status:
    access.require(request.auth, Perm.COMMITMENTS_SUBMIT)
    if (payload.organization_id is None) == (payload.person_id is None):
        raise field_error("organization_id", "应指定一个承诺单位或一名公务员", "give exactly one of organization_id, person_id")
    if payload.organization_id is not None:
        subject: Any = access.get_visible(request.auth, Organization.objects.all(), pk=payload.organization_id)
    else:
        subject = access.get_visible(request.auth, CivilServant.objects.all(), pk=payload.person_id)
    c = services.create(request.auth, subject=subject, kind=payload.kind, title=payload.title,
                        content=payload.content, target=payload.target, is_public=payload.is_public,
                        start_date=payload.start_date, due_date=payload.due_date,
                        recurrence_months=payload.recurrence_months)
    return Status(201, c)


@router.get("/commitments/{commitment_id}", response=DetailOut, summary="承诺详情与履行记录 / one commitment")
def get_commitment(request: HttpRequest, commitment_id: int) -> Commitment:
    return _visible(request, commitment_id)


@router.post("/commitments/{commitment_id}/evidence", response={201: EvidenceOut},
             summary="提交践诺材料 / upload evidence of fulfilment")
def upload_evidence(request: HttpRequest, commitment_id: int, file: File[UploadedFile],
                    description: Form[str] = "") -> Status:
    c = _visible(request, commitment_id)
    return Status(201, services.submit_evidence(request.auth, c, file=file, description=description))


@router.post("/commitments/{commitment_id}/review", response=DetailOut, summary="审核践诺材料 / review evidence")
def review_commitment(request: HttpRequest, commitment_id: int, payload: ReviewIn) -> Commitment:
    c = services.review(request.auth, _visible(request, commitment_id), accept=payload.accept, reason=payload.reason)
    return _visible(request, c.pk)


@router.post("/commitments/{commitment_id}/breach", response=DetailOut,
             summary="认定未履行（生成失信记录）/ confirm a breach (writes a ledger record)")
def breach_commitment(request: HttpRequest, commitment_id: int, payload: BreachIn) -> Commitment:
    c = services.breach(request.auth, _visible(request, commitment_id), reason=payload.reason)
    return _visible(request, c.pk)


@router.post("/commitments/{commitment_id}/change", response=DetailOut, summary="依法变更 / change by law")
def change_commitment(request: HttpRequest, commitment_id: int, payload: ChangeIn) -> Commitment:
    c = services.change_by_law(request.auth, _visible(request, commitment_id), reason=payload.reason,
                               legal_basis=payload.legal_basis, authority=payload.authority,
                               compensation_note=payload.compensation_note)
    return _visible(request, c.pk)
