"""The portal's 监测报告: published quarterly monitoring reports, as PDF and HTML. Drafts are never shown."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import services

PAGE_SIZE = 20


def report_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(services.published_reports(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/portal/list.html", {"page": page})


def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = services.published_reports().filter(pk=pk).first()
    if report is None or fmt not in ("pdf", "html"):
        raise Http404
    if fmt == "html":
        return HttpResponse(report.html, content_type="text/html; charset=utf-8")
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.file_name}"'
    return response
