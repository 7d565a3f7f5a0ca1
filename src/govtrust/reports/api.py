"""Quarterly monitoring reports API: list, one report (its content), its PDF and HTML; draft, narrative, publish.

A draft's content is assembled from its run on every read; a published report's is the frozen copy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from . import services
from .models import QuarterlyReport, ReportStatus

router = Router(tags=["reports 监测报告"])


class ReportOut(Schema):
    id: int
    period: str
    region_code: str
    region_name: str
    run_id: int
    status: str
    narrative: str
    created_by: str
    created_at: dt.datetime
    published_by: str
    published_at: dt.datetime | None
    pdf_sha256: str

    @staticmethod
    def resolve_region_code(obj: QuarterlyReport) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj: QuarterlyReport) -> str:
        return obj.region.name


class ReportDetailOut(ReportOut):
    content: dict[str, Any]

    @staticmethod
    def resolve_content(obj: QuarterlyReport) -> dict[str, Any]:
        if obj.status == ReportStatus.PUBLISHED and obj.content is not None:
            return obj.content
        from . import content

        return content.build(obj.run)


class DraftIn(Schema):
    period: str
    region: str | None = None  # a region code; default: the caller's region


class NarrativeIn(Schema):
    narrative: str


@router.get("/reports/quarterly", response=list[ReportOut], summary="季度监测报告 / quarterly monitoring reports")
def list_reports(request: HttpRequest, period: str | None = None, status: str | None = None) -> list[Any]:
    qs = services.visible(request.auth).defer("pdf", "html", "content")
    if period:
        qs = qs.filter(period=services.quarter(period).label)
    if status:
        qs = qs.filter(status=status)
    return list(qs)


@router.get("/reports/quarterly/{report_id}", response=ReportDetailOut, summary="一份报告（含内容）/ one report")
def get_report(request: HttpRequest, report_id: int) -> QuarterlyReport:
    return services.get(request.auth, report_id)


@router.get("/reports/quarterly/{report_id}/pdf", summary="报告PDF / the report as PDF",
            response={200: None}, openapi_extra={"responses": {200: {"content": {"application/pdf": {}}}}})
def get_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    report = services.get(request.auth, report_id)
    response = HttpResponse(services.render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    return response


@router.get("/reports/quarterly/{report_id}/html", summary="报告HTML / the report as HTML",
            response={200: None}, openapi_extra={"responses": {200: {"content": {"text/html": {}}}}})
def get_html(request: HttpRequest, report_id: int) -> HttpResponse:
    report = services.get(request.auth, report_id)
    return HttpResponse(services.render_html(report), content_type="text/html; charset=utf-8")


@router.post("/reports/quarterly", response={201: ReportDetailOut},
             summary="起草（依据该季度最新发布的评价）/ draft from the quarter's published run")
def draft(request: HttpRequest, payload: DraftIn) -> Status:
    region = services.region_by_code(payload.region) if payload.region else None
    return Status(201, services.draft(request.auth, payload.period, region))


@router.post("/reports/quarterly/{report_id}/narrative", response=ReportOut,
             summary="填写分析意见（草稿）/ set the credit office's narrative")
def set_narrative(request: HttpRequest, report_id: int, payload: NarrativeIn) -> QuarterlyReport:
    return services.set_narrative(request.auth, services.get(request.auth, report_id), payload.narrative)


@router.post("/reports/quarterly/{report_id}/publish", response=ReportOut,
             summary="发布（须有分析意见；发布后内容固定）/ publish and freeze")
def publish(request: HttpRequest, report_id: int) -> QuarterlyReport:
    return services.publish(request.auth, services.get(request.auth, report_id))
