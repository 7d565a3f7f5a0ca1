"""Rectification API (整改): list with filters, detail with history and evidence, the actions, the figures.
Reads go through the access layer (another scope's case answers 404); changes go through `rectification`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, UploadedFile

from govtrust.core import access
from govtrust.core.access import Perm

from . import rectification, rectification_figures
from .api import EventOut, FileOut
from .models import RectificationCase
from .rectification_queries import CaseFilters, filter_cases

router = Router(tags=["rectification 整改"])
MAX_PAGE = 200


class CaseOut(Schema):
    id: int
    record_id: int
    body_id: int
    body_name: str
    category: str
    status: str
    opened_on: dt.date
    explanation_due: dt.date
    explanation: str
    explained_on: dt.date | None
    rectification_days: int | None
    rectification_due: dt.date | None
    deadline_set_on: dt.date | None
    current_due: dt.date | None
    report: str
    submitted_on: dt.date | None
    return_reason: str
    returned_on: dt.date | None
    accepted_on: dt.date | None
    closed_on: dt.date | None
    escalation_level: int
    reminded_on: dt.date | None
    escalated_on: dt.date | None
    escalated_to_id: int | None
    reopen_count: int
    rule: str

    @staticmethod
    def resolve_body_name(obj: RectificationCase) -> str:
        return obj.body.name

    @staticmethod
    def resolve_category(obj: RectificationCase) -> str:
        return obj.record.category.code

    @staticmethod
    def resolve_rule(obj: RectificationCase) -> str:
        return obj.rule.code


class CaseEvidenceOut(FileOut):
    round: int


class DetailOut(CaseOut):
    events: list[EventOut]
    evidence: list[CaseEvidenceOut]

    @staticmethod
    def resolve_events(obj: RectificationCase) -> list[Any]:
        return list(obj.events.order_by("at", "id"))

    @staticmethod
    def resolve_evidence(obj: RectificationCase) -> list[Any]:
        return list(obj.evidence.order_by("uploaded_at", "id"))


class Page(Schema):
    count: int
    items: list[CaseOut]


class ApiFilters(Schema):
    status: str = ""
    body: int | None = None
    overdue: bool | None = None
    offset: int = 0
    limit: int = 50


class ExplainIn(Schema):
    explanation: str


class DeadlineIn(Schema):
    working_days: int | None = None
    due_date: dt.date | None = None


class AcceptIn(Schema):
    note: str = ""


class ReturnIn(Schema):
    reason: str


SELECTED = ("body", "rule", "record__category")


def _visible(request: HttpRequest, case_id: int) -> RectificationCase:
    return access.get_visible(request.auth, RectificationCase.objects.select_related(*SELECTED),
                              Perm.RECTIFICATION_VIEW, pk=case_id)


@router.get("/rectification/cases", response=Page, summary="整改案件列表 / list rectification cases")
def list_cases(request: HttpRequest, filters: Query[ApiFilters]) -> dict[str, Any]:
    qs = filter_cases(request.auth, CaseFilters(filters.status, filters.body, filters.overdue))
    limit, offset = max(1, min(filters.limit, MAX_PAGE)), max(0, filters.offset)
    return {"count": qs.count(), "items": list(qs.select_related(*SELECTED)[offset:offset + limit])}


@router.get("/rectification/figures", summary="整改到位率与失信被执行人清零 / completion rate and 清零 count")
def get_figures(request: HttpRequest, start: dt.date, end: dt.date, today: dt.date | None = None) -> dict[str, Any]:
    """Cases whose deadline lies in [start, end]; rate = accepted / (accepted + overdue on `today`)."""
    return rectification_figures.report(request.auth, start, end, today or timezone.localdate())


@router.get("/rectification/cases/{case_id}", response=DetailOut, summary="整改案件详情 / one case with its history")
def get_case(request: HttpRequest, case_id: int) -> RectificationCase:
    return _visible(request, case_id)


@router.post("/rectification/cases/{case_id}/explain", response=DetailOut, summary="书面说明 / written explanation")
def explain(request: HttpRequest, case_id: int, payload: ExplainIn) -> RectificationCase:
    rectification.explain(request.auth, _visible(request, case_id), text=payload.explanation)
    return _visible(request, case_id)


@router.post("/rectification/cases/{case_id}/deadline", response=DetailOut,
             summary="设定整改期限（工作日或日期）/ set the rectification deadline")
def set_deadline(request: HttpRequest, case_id: int, payload: DeadlineIn) -> RectificationCase:
    rectification.set_deadline(request.auth, _visible(request, case_id), working_days=payload.working_days,
                               due_date=payload.due_date)
    return _visible(request, case_id)


@router.post("/rectification/cases/{case_id}/report", response=DetailOut,
             summary="报送整改报告及材料 / submit the rectification report")
def submit_report(request: HttpRequest, case_id: int, report: Form[str],
                  files: File[list[UploadedFile]] = None) -> RectificationCase:  # type: ignore[assignment]
    rectification.submit_report(request.auth, _visible(request, case_id), report=report, files=files or [])
    return _visible(request, case_id)


@router.post("/rectification/cases/{case_id}/accept", response=DetailOut, summary="验收通过 / accept")
def accept(request: HttpRequest, case_id: int, payload: AcceptIn) -> RectificationCase:
    rectification.accept(request.auth, _visible(request, case_id), note=payload.note)
    return _visible(request, case_id)


@router.post("/rectification/cases/{case_id}/return", response=DetailOut,
             summary="退回重新整改（须说明理由）/ return with a reason")
def return_case(request: HttpRequest, case_id: int, payload: ReturnIn) -> RectificationCase:
    rectification.return_case(request.auth, _visible(request, case_id), reason=payload.reason)
    return _visible(request, case_id)
