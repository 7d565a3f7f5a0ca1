"""Supervision inputs API: for each kind (proposals, litigation, judgments, inspections, assessments) the list in
scope (by body, year or period, paged), one row, and create-or-update by the natural key. Reads go through the
access layer (another county's row answers 404); writes through `services`, which answer 201 for a new row and 200
for an updated or unchanged one, saying which. Files go through the intake endpoints (`/imports/{dataset}`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from govtrust.core import access
from govtrust.core.access import Perm

from . import services
from .models import Assessment, Inspection, Judgment, LitigationCase, Proposal

router = Router(tags=["supervision 监督评价数据"])
MAX_PAGE = 200


class Filters(Schema):
    body: int | None = None  # the body's id
    year: int | None = None  # proposals: their year; others: the year of their main date
    kind: str = ""  # proposals and assessments
    period: str = ""  # assessments: 2026, 2026Q3, 2026-07
    offset: int = 0
    limit: int = 50


class BodyIn(Schema):
    """The body by id, or by USCC or full name (`body`); `body_name` is checked against a USCC."""

    body: str = ""
    body_id: int | None = None
    body_name: str = ""


class RowOut(Schema):
    id: int
    body_id: int
    body_name: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_body_name(obj: Any) -> str:
        return obj.body.name


class ProposalIn(BodyIn):
    kind: str
    year: int
    number: str
    title: str
    received_on: dt.date
    due_on: dt.date
    answered_on: dt.date | None = None
    satisfaction: str = ""


class ProposalOut(RowOut):
    kind: str
    year: int
    number: str
    title: str
    received_on: dt.date
    due_on: dt.date
    answered_on: dt.date | None
    satisfaction: str
    on_time: bool | None


class LitigationIn(BodyIn):
    case_number: str
    court: str
    filed_on: dt.date
    judged_on: dt.date | None = None
    outcome: str = ""
    head_appeared: bool = False


class LitigationOut(RowOut):
    case_number: str
    court: str
    filed_on: dt.date
    judged_on: dt.date | None
    outcome: str
    head_appeared: bool


class JudgmentIn(BodyIn):
    case_number: str
    court: str
    effective_on: dt.date
    due_on: dt.date
    performed_on: dt.date | None = None


class JudgmentOut(RowOut):
    case_number: str
    court: str
    effective_on: dt.date
    due_on: dt.date
    performed_on: dt.date | None
    status: str  # on_time / late / pending / overdue, as of today

    @staticmethod
    def resolve_status(obj: Judgment) -> str:
        return obj.status(timezone.localdate())


class InspectionIn(BodyIn):
    inspector: str
    document_number: str
    inspected_on: dt.date
    findings: str = ""
    score: Decimal | None = None


class InspectionOut(RowOut):
    inspector: str
    document_number: str
    inspected_on: dt.date
    findings: str
    score: Decimal | None


class AssessmentIn(BodyIn):
    kind: str
    assessor: str = ""  # a self-assessment: the body
    method: str = ""
    period: str
    score: Decimal


class AssessmentOut(RowOut):
    kind: str
    assessor: str
    method: str
    period: str
    period_start: dt.date
    period_end: dt.date
    score: Decimal


def _page(request: HttpRequest, qs: QuerySet[Any], f: Filters, year_field: str) -> dict[str, Any]:
    qs = access.restrict(request.auth, qs.select_related("body"), Perm.SUPERVISION_VIEW)
    if f.body is not None:
        qs = qs.filter(body_id=f.body)
    if f.year is not None:
        qs = qs.filter(**{year_field: f.year})
    if f.kind and hasattr(qs.model, "kind"):
        qs = qs.filter(kind=f.kind)
    if f.period and qs.model is Assessment:
        qs = qs.filter(period=f.period.strip().upper())
    limit, offset = max(1, min(f.limit, MAX_PAGE)), max(0, f.offset)
    return {"count": qs.count(), "items": list(qs[offset:offset + limit])}


def _saved(saved: services.Saved) -> Status:
    return Status(201 if saved.created else 200, {"outcome": saved.outcome, "item": saved.obj})


def _body(payload: BodyIn) -> dict[str, Any]:
    data = payload.dict()
    body_id = data.pop("body_id")
    data["body"] = body_id if body_id is not None else data["body"]
    return data


def _one(request: HttpRequest, model: type[Any], pk: int) -> Any:
    return access.get_visible(request.auth, model.objects.select_related("body"), Perm.SUPERVISION_VIEW, pk=pk)


class ProposalPage(Schema):
    count: int
    items: list[ProposalOut]


class ProposalSaved(Schema):
    outcome: str  # created / updated / unchanged
    item: ProposalOut


class LitigationPage(Schema):
    count: int
    items: list[LitigationOut]


class LitigationSaved(Schema):
    outcome: str
    item: LitigationOut


class JudgmentPage(Schema):
    count: int
    items: list[JudgmentOut]


class JudgmentSaved(Schema):
    outcome: str
    item: JudgmentOut


class InspectionPage(Schema):
    count: int
    items: list[InspectionOut]


class InspectionSaved(Schema):
    outcome: str
    item: InspectionOut


class AssessmentPage(Schema):
    count: int
    items: list[AssessmentOut]


class AssessmentSaved(Schema):
    outcome: str
    item: AssessmentOut


PROPOSAL_SAVED = {200: ProposalSaved, 201: ProposalSaved}
LITIGATION_SAVED = {200: LitigationSaved, 201: LitigationSaved}
JUDGMENT_SAVED = {200: JudgmentSaved, 201: JudgmentSaved}
INSPECTION_SAVED = {200: InspectionSaved, 201: InspectionSaved}
ASSESSMENT_SAVED = {200: AssessmentSaved, 201: AssessmentSaved}


@router.get("/supervision/proposals", response=ProposalPage, summary="建议提案办理 / deputies' suggestions and CPPCC proposals")
def list_proposals(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    return _page(request, Proposal.objects.all(), filters, "year")


@router.post("/supervision/proposals", response=PROPOSAL_SAVED, summary="登记或更新建议提案办理 / create or update a proposal")
def save_proposal(request: HttpRequest, payload: ProposalIn) -> Status:
    return _saved(services.save_proposal(request.auth, **_body(payload)))


@router.get("/supervision/proposals/{pk}", response=ProposalOut, summary="一件建议提案 / one proposal")
def get_proposal(request: HttpRequest, pk: int) -> Any:
    return _one(request, Proposal, pk)


@router.get("/supervision/litigation", response=LitigationPage, summary="行政诉讼案件 / administrative litigation")
def list_litigation(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    return _page(request, LitigationCase.objects.all(), filters, "filed_on__year")


@router.post("/supervision/litigation", response=LITIGATION_SAVED, summary="登记或更新行政诉讼案件 / create or update a case")
def save_litigation(request: HttpRequest, payload: LitigationIn) -> Status:
    return _saved(services.save_litigation(request.auth, **_body(payload)))


@router.get("/supervision/litigation/{pk}", response=LitigationOut, summary="一件行政诉讼案件 / one case")
def get_litigation(request: HttpRequest, pk: int) -> Any:
    return _one(request, LitigationCase, pk)


@router.get("/supervision/judgments", response=JudgmentPage, summary="生效判决履行 / judgments to perform")
def list_judgments(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    return _page(request, Judgment.objects.all(), filters, "due_on__year")


@router.post("/supervision/judgments", response=JUDGMENT_SAVED, summary="登记或更新生效判决履行 / create or update a judgment")
def save_judgment(request: HttpRequest, payload: JudgmentIn) -> Status:
    return _saved(services.save_judgment(request.auth, **_body(payload)))


@router.get("/supervision/judgments/{pk}", response=JudgmentOut, summary="一件生效判决 / one judgment")
def get_judgment(request: HttpRequest, pk: int) -> Any:
    return _one(request, Judgment, pk)


@router.get("/supervision/inspections", response=InspectionPage, summary="上级督查 / upper-level inspections")
def list_inspections(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    return _page(request, Inspection.objects.all(), filters, "inspected_on__year")


@router.post("/supervision/inspections", response=INSPECTION_SAVED, summary="登记或更新上级督查 / create or update an inspection")
def save_inspection(request: HttpRequest, payload: InspectionIn) -> Status:
    return _saved(services.save_inspection(request.auth, **_body(payload)))


@router.get("/supervision/inspections/{pk}", response=InspectionOut, summary="一次上级督查 / one inspection")
def get_inspection(request: HttpRequest, pk: int) -> Any:
    return _one(request, Inspection, pk)


@router.get("/supervision/assessments", response=AssessmentPage, summary="第三方评估和自评结果 / assessment results")
def list_assessments(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    return _page(request, Assessment.objects.all(), filters, "period_start__year")


@router.post("/supervision/assessments", response=ASSESSMENT_SAVED, summary="登记或更新评估结果 / create or update an assessment")
def save_assessment(request: HttpRequest, payload: AssessmentIn) -> Status:
    return _saved(services.save_assessment(request.auth, **_body(payload)))


@router.get("/supervision/assessments/{pk}", response=AssessmentOut, summary="一项评估结果 / one assessment")
def get_assessment(request: HttpRequest, pk: int) -> Any:
    return _one(request, Assessment, pk)
