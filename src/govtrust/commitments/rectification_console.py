"""The console's rectification pages: the case list (filters: status, overdue, body) and the case detail with its
history, evidence and the action forms the user may use (the body: explanation, report; the credit office:
deadline, accept, return). Reads go through the access layer; every change goes through `rectification`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from govtrust.console.forms import ActionForm, ServiceForm
from govtrust.console.views.base import console_view, is_htmx, paginate, run_action
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.subjects.models import Organization

from . import rectification
from .models import CaseEvidence, CaseStatus, RectificationCase
from .rectification import BODY_KINDS
from .rectification_queries import CaseFilters, filter_cases

FILTERS = ("status", "overdue", "body")
TEXT = forms.Textarea(attrs={"rows": 3})
SELECTED = ("body__region", "rule", "record__category", "escalated_to")


def _visible(user: Any, pk: int) -> RectificationCase:
    return access.get_visible(user, RectificationCase.objects.select_related(*SELECTED), Perm.RECTIFICATION_VIEW,
                              pk=pk)


@console_view(Perm.RECTIFICATION_VIEW)
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    params = {name: request.GET.get(name, "").strip() for name in FILTERS}
    overdue = {"yes": True, "no": False}.get(params["overdue"])
    body = int(params["body"]) if params["body"].isdigit() else None
    qs = filter_cases(user, CaseFilters(params["status"], body, overdue)).select_related(*SELECTED)
    context = {
        "page": paginate(request, qs), "params": params, "statuses": CaseStatus.choices,
        "bodies": access.restrict(user, Organization.objects.filter(kind__in=BODY_KINDS).order_by("path")).only(
            "pk", "name"),
        "today": timezone.localdate(),
    }
    template = "console/rectification/_results.html" if is_htmx(request) else "console/rectification/list.html"
    return render(request, template, context)


# ------------------------------------------------------------------------------------------- forms

class ExplainForm(ActionForm):
    prefix_id = "explain"
    explanation = forms.CharField(label=gettext_lazy("书面说明（原因及整改打算）"), required=False, widget=TEXT)


class DeadlineForm(ActionForm):
    prefix_id = "deadline"
    working_days = forms.IntegerField(label=gettext_lazy("整改期限（工作日）"), required=False,
                                      help_text=gettext_lazy("与截止日期二选一；都不填则按规则默认期限"))
    due_date = forms.DateField(label=gettext_lazy("或：截止日期"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))


class ReportForm(ActionForm):
    prefix_id = "report"
    report = forms.CharField(label=gettext_lazy("整改报告"), required=False, widget=TEXT)
    file = forms.FileField(label=gettext_lazy("整改材料（pdf、jpg、png、docx、xlsx，可不附）"), required=False)


class AcceptForm(ActionForm):
    prefix_id = "accept"
    note = forms.CharField(label=gettext_lazy("验收意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(ActionForm):
    prefix_id = "return"
    reason = forms.CharField(label=gettext_lazy("退回理由（必填）"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


ACTIONS: dict[str, type[ServiceForm]] = {"explain": ExplainForm, "deadline": DeadlineForm, "report": ReportForm,
                                         "accept": AcceptForm, "return": ReturnForm}
TITLES = {"explain": gettext_lazy("书面说明"), "deadline": gettext_lazy("设定整改期限"),
          "report": gettext_lazy("报送整改报告"), "accept": gettext_lazy("验收通过"),
          "return": gettext_lazy("退回重新整改")}
DONE = {"explain": gettext_lazy("已提交书面说明。"), "deadline": gettext_lazy("已设定整改期限。"),
        "report": gettext_lazy("已报送整改报告，等待验收。"), "accept": gettext_lazy("已验收通过（整改到位）。"),
        "return": gettext_lazy("已退回，案件重新整改。")}


def _forms(user: Any, c: RectificationCase) -> dict[str, ServiceForm]:
    out: dict[str, ServiceForm] = {}
    if access.can(user, Perm.RECTIFICATION_ACT):
        if c.status == CaseStatus.AWAITING_EXPLANATION:
            out["explain"] = ExplainForm()
        if c.status in (CaseStatus.RECTIFYING, CaseStatus.RETURNED):
            out["report"] = ReportForm()
    if access.can(user, Perm.RECTIFICATION_REVIEW):
        if c.status in (CaseStatus.AWAITING_EXPLANATION, CaseStatus.EXPLAINED, CaseStatus.RECTIFYING,
                        CaseStatus.RETURNED):
            out["deadline"] = DeadlineForm()
        if c.status == CaseStatus.SUBMITTED:
            out["accept"] = AcceptForm()
            out["return"] = ReturnForm()
    return out


def _detail(request: HttpRequest, c: RectificationCase, bound: tuple[str, ServiceForm] | None = None,
            status: int = 200) -> HttpResponse:
    action_forms = _forms(request.user, c)
    if bound:
        action_forms[bound[0]] = bound[1]
    return render(request, "console/rectification/detail.html", {
        "c": c, "events": c.events.order_by("at", "id"), "evidence": c.evidence.order_by("uploaded_at", "id"),
        "forms": [(action, TITLES[action], form) for action, form in action_forms.items()],
        "record_visible": access.can(request.user, Perm.LEDGER_VIEW),
    }, status=status)


@console_view(Perm.RECTIFICATION_VIEW)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request.user, pk))


def _act(user: Any, c: RectificationCase, action: str, data: dict[str, Any]) -> RectificationCase:
    if action == "explain":
        return rectification.explain(user, c, text=data["explanation"])
    if action == "deadline":
        return rectification.set_deadline(user, c, working_days=data["working_days"], due_date=data["due_date"])
    if action == "report":
        return rectification.submit_report(user, c, report=data["report"], files=[data["file"]] if data["file"] else [])
    if action == "accept":
        return rectification.accept(user, c, note=data["note"])
    return rectification.return_case(user, c, reason=data["reason"])


@console_view(Perm.RECTIFICATION_VIEW)
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return run_action(request, _visible(request.user, pk), action, forms=ACTIONS, act=_act, done=DONE,
                      detail=_detail, url_name="console:rectification_case")


@console_view(Perm.RECTIFICATION_VIEW)
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.get_visible(request.user, CaseEvidence.objects.all(), Perm.RECTIFICATION_VIEW, pk=pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)
