"""Console pages for quarterly monitoring reports: the list (and drafting one for a quarter), a report page
with its preview, the credit office's narrative, publishing, and the PDF and HTML downloads."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govtrust.console.views.base import console_view, paginate
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import ServiceError

from . import services
from .models import QuarterlyReport, ReportStatus


@console_view(Perm.EVALUATION_VIEW)
def report_list(request: HttpRequest) -> HttpResponse:
    error, status = None, 200
    if request.method == "POST":
        if not access.can(request.user, Perm.EVALUATION_MANAGE):
            return render(request, "console/403.html", status=403)
        try:
            code = request.POST.get("region", "").strip()
            region = services.region_by_code(code) if code else None
            report = services.draft(request.user, request.POST.get("period", ""), region)
            messages.success(request, _("已起草报告，请填写分析意见后发布。"))
            return redirect("console:quarterly_report", pk=report.pk)
        except ServiceError as err:
            error, status = err, err.status
    reports = services.visible(request.user).defer("pdf", "html", "content")
    return render(request, "reports/console/list.html", {
        "page": paginate(request, reports), "error": error, "form": request.POST,
        "can_manage": access.can(request.user, Perm.EVALUATION_MANAGE)}, status=status)


def _detail(request: HttpRequest, report: QuarterlyReport, error: ServiceError | None = None,
            status: int = 200) -> HttpResponse:
    try:
        html = services.render_html(report)
        preview = html[html.find("<article"):html.rfind("</article>") + len("</article>")]  # the document's body
    except ServiceError as err:
        preview, error = "", error or err
    return render(request, "reports/console/detail.html", {
        "r": report, "preview": preview, "error": error, "draft": report.status == ReportStatus.DRAFT,
        "can_manage": access.can(request.user, Perm.EVALUATION_MANAGE)}, status=status)


@console_view(Perm.EVALUATION_VIEW)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, services.get(request.user, pk))


@console_view(Perm.EVALUATION_MANAGE)
def report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """POST narrative (save the analysis) or publish."""
    report = services.get(request.user, pk)
    if request.method != "POST" or action not in ("narrative", "publish"):
        return redirect("console:quarterly_report", pk=pk)
    try:
        if action == "narrative":
            services.set_narrative(request.user, report, request.POST.get("narrative", ""))
            messages.success(request, _("已保存分析意见。"))
        else:
            services.publish(request.user, report)
            messages.success(request, _("已发布。报告内容已固定，并在门户公开。"))
    except ServiceError as err:
        if action == "narrative":
            report.narrative = request.POST.get("narrative", "")
        return _detail(request, report, error=err, status=err.status)
    return redirect("console:quarterly_report", pk=pk)


@console_view(Perm.EVALUATION_VIEW)
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = services.get(request.user, pk)
    if fmt not in ("pdf", "html"):
        return redirect("console:quarterly_report", pk=pk)
    if fmt == "html":
        return HttpResponse(services.render_html(report), content_type="text/html; charset=utf-8")
    response = HttpResponse(services.render_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    return response
