"""The console's complaint pages: the queues (credit office: to accept, assign, reassign, close, visit; assigned
organization: its cases), the case page with the full timeline and the action forms the user may use, staff
entry of hotline calls, the 12345 file import, the routing table with its history, the figures with charts
and the register export.

Reads go through the access layer (another scope's case is a 404); every change goes through `services`,
`intake` or `routing`, whose refusals are shown on the form next to the field they name. The complainant's
identity is shown masked; the full name and contact appear only after a stated purpose (audited).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.console.forms import ActionForm, ServiceForm
from govtrust.console.views.base import console_view, is_htmx, no_store, paginate, run_action, submit
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import ServiceError, field_error
from govtrust.subjects.models import Organization, Region

from . import figures, intake, routing, services
from .models import (
    HANDLING_STATUSES,
    Complaint,
    ComplaintCategory,
    ComplaintFile,
    DeadlineRule,
    Finding,
    NotAcceptedMatter,
    Rating,
    RoutingEntry,
    Status,
)
from .queries import QueueFilters, filter_complaints

FILTERS = ("queue", "status", "category", "body", "overdue", "serious", "q")
TEXT = forms.Textarea(attrs={"rows": 3})
SHORT = forms.Textarea(attrs={"rows": 2})
DATE = forms.DateInput(attrs={"type": "date"})
SELECTED = ("category", "rule", "body__region", "assignee", "returned_by", "merged_into", "reported_to",
            "ledger_record", "decline_matter", "routing_entry")


def _visible(user: Any, pk: int) -> Complaint:
    return access.get_visible(user, Complaint.objects.select_related(*SELECTED), Perm.COMPLAINTS_VIEW, pk=pk)


def _orgs(user: Any) -> list[tuple[Any, str]]:
    return [("", "—")] + [(o.pk, o.name) for o in access.restrict(user, Organization.objects.filter(
        status=Organization.Status.ACTIVE).order_by("path")).only("pk", "name")]


def _yes_no(text: str) -> bool | None:
    return {"yes": True, "no": False}.get(text)


@console_view(Perm.COMPLAINTS_VIEW)
def complaint_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    params = {name: request.GET.get(name, "").strip() for name in FILTERS}
    if "queue" not in request.GET:
        params["queue"] = "office" if access.can(user, Perm.COMPLAINTS_MANAGE) else (
            "mine" if access.can(user, Perm.COMPLAINTS_HANDLE) else "")
    qs = filter_complaints(user, QueueFilters(params["queue"], params["status"], params["category"],
                                              int(params["body"]) if params["body"].isdigit() else None,
                                              _yes_no(params["overdue"]), _yes_no(params["serious"]), params["q"]))
    context = {"page": paginate(request, qs.select_related("category", "body", "assignee")), "params": params,
               "statuses": Status.choices, "categories": ComplaintCategory.objects.filter(active=True),
               "queues": [("office", _("信用办待办")), ("mine", _("本单位承办")), ("open", _("全部在办"))],
               "can_create": access.can(user, Perm.COMPLAINTS_INTAKE)}
    template = "console/complaints/_results.html" if is_htmx(request) else "console/complaints/list.html"
    return render(request, template, context)


# ------------------------------------------------------------------------------------- staff entry

class EntryForm(ServiceForm):
    hotline_number = forms.CharField(label=gettext_lazy("12345工单号（可不填）"), max_length=40, required=False)
    category = forms.ChoiceField(label=gettext_lazy("投诉举报类别"))
    body = forms.IntegerField(label=gettext_lazy("被投诉单位"), required=False, widget=forms.Select())
    facts = forms.CharField(label=gettext_lazy("事实和理由"), required=False, widget=TEXT)
    demand = forms.CharField(label=gettext_lazy("诉求"), required=False, widget=SHORT)
    anonymous = forms.BooleanField(label=gettext_lazy("匿名"), required=False)
    name = forms.CharField(label=gettext_lazy("投诉人姓名"), max_length=32, required=False)
    contact = forms.CharField(label=gettext_lazy("联系电话或电子邮箱"), max_length=64, required=False)
    received_on = forms.DateField(label=gettext_lazy("来电日期（默认今天）"), required=False, widget=DATE)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.name) for c in ComplaintCategory.objects.filter(active=True)]
        self.fields["body"].widget.choices = _orgs(user)


@console_view(Perm.COMPLAINTS_INTAKE)
def complaint_create(request: HttpRequest) -> HttpResponse:
    form = EntryForm(request.user, request.POST or None)

    def create(d: dict[str, Any]) -> tuple[Complaint, str]:
        f = intake.Filing(category=d["category"], body_id=d["body"], facts=d["facts"],
                          demand=d["demand"], anonymous=d["anonymous"], name=d["name"], contact=d["contact"],
                          received_on=d["received_on"], hotline_number=d["hotline_number"],
                          files=request.FILES.getlist("files"))
        if f.hotline_number:
            r = intake.from_hotline(request.user, f, channel="hotline")
            return r.complaint, r.code
        return intake.file_staff(request.user, f)

    done, status = submit(request, form, create)
    if done:
        c, code = done
        messages.success(request, _("已登记投诉举报%(serial)s，提取码%(code)s（请告知投诉人，仅显示这一次）。")
                         % {"serial": c.serial, "code": code or "—"})
        return redirect("console:complaint", pk=c.pk)
    return render(request, "console/complaints/form.html", {"form": form}, status=status)


class ImportForm(ServiceForm):
    file = forms.FileField(label=gettext_lazy("12345热线导出文件（CSV或XLSX）"))


@console_view(Perm.COMPLAINTS_INTAKE)
def complaint_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    done, status = submit(request, form, lambda d: intake.import_hotline(
        request.user, filename=d["file"].name, content=d["file"].file))
    if done:
        messages.success(request, _("导入完成：新登记%(created)d件，已存在%(existing)d件。")
                         % {"created": done.created, "existing": done.existing})
        return redirect("console:complaints")
    return render(request, "console/complaints/import.html", {"form": form, "columns": list(intake.COLUMNS),
                                                              "required": intake.REQUIRED_COLUMNS}, status=status)


# ------------------------------------------------------------------------------------- action forms

class AcceptForm(ActionForm):
    prefix_id = "accept"
    note = forms.CharField(label=gettext_lazy("受理意见"), required=False, widget=SHORT)


class DeclineForm(ActionForm):
    prefix_id = "decline"
    matter = forms.CharField(label=gettext_lazy("不予受理事项"), required=False, widget=forms.Select())
    reason = forms.CharField(label=gettext_lazy("说明"), required=False, widget=SHORT)


class AssignForm(ActionForm):
    prefix_id = "assign"
    organization = forms.IntegerField(label=gettext_lazy("承办单位（不选则按派单规则）"), required=False,
                                      widget=forms.Select())
    note = forms.CharField(label=gettext_lazy("派单意见"), required=False, widget=SHORT)


class ReassignForm(ActionForm):
    prefix_id = "reassign"
    organization = forms.IntegerField(label=gettext_lazy("改派至"), required=False, widget=forms.Select())
    note = forms.CharField(label=gettext_lazy("改派意见"), required=False, widget=SHORT)


class HandleForm(ActionForm):
    prefix_id = "handle"
    note = forms.CharField(label=gettext_lazy("签收说明"), required=False, widget=SHORT)


class ReturnForm(ActionForm):
    prefix_id = "return"
    reason = forms.CharField(label=gettext_lazy("退单理由"), required=False, widget=SHORT)


class ReplyForm(ActionForm):
    prefix_id = "reply"
    reply = forms.CharField(label=gettext_lazy("答复内容"), required=False, widget=TEXT)
    finding = forms.ChoiceField(label=gettext_lazy("核查结论"), required=False,
                                choices=[("", "—"), *Finding.choices])


class CloseForm(ActionForm):
    prefix_id = "close"
    finding = forms.ChoiceField(label=gettext_lazy("核查结论（不改则按答复）"), required=False,
                                choices=[("", "—"), *Finding.choices])
    note = forms.CharField(label=gettext_lazy("办结意见"), required=False, widget=SHORT)


class VisitForm(ActionForm):
    prefix_id = "visit"
    rating = forms.ChoiceField(label=gettext_lazy("满意度"), required=False, choices=[("", "—"), *Rating.choices])
    note = forms.CharField(label=gettext_lazy("回访情况"), required=False, widget=SHORT)


class MergeForm(ActionForm):
    prefix_id = "merge"
    into = forms.IntegerField(label=gettext_lazy("并入"), required=False, widget=forms.Select())
    reason = forms.CharField(label=gettext_lazy("并单说明"), required=False, widget=SHORT)


class SuperviseForm(ActionForm):
    prefix_id = "supervise"
    note = forms.CharField(label=gettext_lazy("督办意见"), required=False, widget=SHORT)


class SeriousForm(ActionForm):
    prefix_id = "serious"
    reason = forms.CharField(label=gettext_lazy("重大情形"), required=False, widget=SHORT)


ACTIONS: dict[str, type[ServiceForm]] = {
    "accept": AcceptForm, "decline": DeclineForm, "assign": AssignForm, "handle": HandleForm, "return": ReturnForm,
    "reassign": ReassignForm, "reply": ReplyForm, "close": CloseForm, "visit": VisitForm, "merge": MergeForm,
    "supervise": SuperviseForm, "serious": SeriousForm}
# action → (permission, the states it applies in)
ALLOWED: dict[str, tuple[str, tuple[str, ...]]] = {
    "accept": (Perm.COMPLAINTS_MANAGE, (Status.RECEIVED,)),
    "decline": (Perm.COMPLAINTS_MANAGE, (Status.RECEIVED, Status.ACCEPTED)),
    "assign": (Perm.COMPLAINTS_MANAGE, (Status.ACCEPTED,)),
    "handle": (Perm.COMPLAINTS_HANDLE, (Status.ASSIGNED,)),
    "reply": (Perm.COMPLAINTS_HANDLE, HANDLING_STATUSES),
    "return": (Perm.COMPLAINTS_HANDLE, HANDLING_STATUSES),
    "reassign": (Perm.COMPLAINTS_MANAGE, (Status.RETURNED, *HANDLING_STATUSES)),
    "close": (Perm.COMPLAINTS_MANAGE, (Status.REPLIED,)),
    "visit": (Perm.COMPLAINTS_MANAGE, (Status.CLOSED,)),
    "supervise": (Perm.COMPLAINTS_MANAGE, HANDLING_STATUSES),
    "merge": (Perm.COMPLAINTS_MANAGE, services.BEFORE_REPLY),
    "serious": (Perm.COMPLAINTS_MANAGE, (*services.BEFORE_REPLY, Status.REPLIED, Status.CLOSED)),
}


def _decorate(form: ServiceForm, user: Any, c: Complaint, dupes: list[Complaint]) -> ServiceForm:
    """The choices a form shows (they depend on the user's scope and the case), bound or not."""
    if "organization" in form.fields:
        form.fields["organization"].widget.choices = _orgs(user)
    if "matter" in form.fields:
        form.fields["matter"].widget.choices = [("", "—")] + [
            (m.code, m.text) for m in NotAcceptedMatter.objects.filter(active=True)]
    if "into" in form.fields:
        form.fields["into"].widget.choices = [("", "—")] + [(d.pk, f"{d.serial} · {d.get_status_display()}")
                                                           for d in dupes]
    return form


def _forms(user: Any, c: Complaint) -> dict[str, ServiceForm]:
    """The action forms of the case's state that the user's role may use (the services check scope again)."""
    out: dict[str, ServiceForm] = {}
    for action, (perm, states) in ALLOWED.items():
        if c.status in states and access.can(user, perm) and not (action == "serious" and c.serious):
            out[action] = ACTIONS[action]()
    return out


def _detail(request: HttpRequest, c: Complaint, bound: tuple[str, ServiceForm] | None = None, status: int = 200,
            identity: dict[str, str] | None = None, identity_error: ServiceError | None = None) -> HttpResponse:
    user = request.user
    action_forms = _forms(user, c)
    if bound:
        action_forms[bound[0]] = bound[1]
    manage = access.can(user, Perm.COMPLAINTS_MANAGE)
    dupes = services.duplicates(user, c) if manage and "merge" in action_forms else []
    for form in action_forms.values():
        _decorate(form, user, c, dupes)
    suggestion = None
    if "assign" in action_forms:
        suggestion = routing.route(c.category, c.body, timezone.localdate())
    response = render(request, "console/complaints/detail.html", {
        "c": c, "events": c.events.select_related("organization").order_by("at", "id"),
        "files": c.files.order_by("uploaded_at", "id"), "forms": action_forms, "dupes": dupes,
        "merged": c.merged.order_by("pk"), "suggestion": suggestion,
        "can_reveal": access.can(user, Perm.COMPLAINTS_IDENTITY) and not c.anonymous,
        "identity": identity, "identity_error": identity_error,
        "record_visible": bool(c.ledger_record_id) and access.can(user, Perm.LEDGER_VIEW),
        "basis": json.dumps(c.calendar_basis, ensure_ascii=False) if c.calendar_basis else "",
    }, status=status)
    return no_store(response) if identity else response


@console_view(Perm.COMPLAINTS_VIEW)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request.user, pk))


def _act(user: Any, c: Complaint, action: str, d: dict[str, Any]) -> Complaint:
    def org(key: str = "organization") -> Organization | None:
        pk = d.get(key)
        return None if pk is None else access.get_visible(user, Organization.objects.all(), pk=pk)

    calls = {
        "accept": lambda: services.accept(user, c, note=d["note"]),
        "decline": lambda: services.decline(user, c, matter=d["matter"], reason=d["reason"]),
        "assign": lambda: services.assign(user, c, organization=org(), note=d["note"]),
        "handle": lambda: services.handle(user, c, note=d["note"]),
        "return": lambda: services.return_case(user, c, reason=d["reason"]),
        "reassign": lambda: services.reassign(user, c, organization=org(), note=d["note"]),
        "reply": lambda: services.reply(user, c, text=d["reply"], finding=d["finding"]),
        "close": lambda: services.close(user, c, finding=d["finding"], note=d["note"]),
        "visit": lambda: services.visit(user, c, rating=d["rating"], note=d["note"]),
        "merge": lambda: services.merge(user, c, into=_merge_target(user, d.get("into")), reason=d["reason"]),
        "supervise": lambda: services.supervise(user, c, note=d["note"]),
        "serious": lambda: services.flag_serious(user, c, reason=d["reason"]),
    }
    return calls[action]()


def _merge_target(user: Any, pk: int | None) -> Complaint:
    if pk is None:
        raise field_error("into", "请选择要并入的投诉举报", "choose the complaint to merge into")
    return _visible(user, pk)


DONE = {"accept": gettext_lazy("已受理。"), "decline": gettext_lazy("已不予受理。"), "assign": gettext_lazy("已派单。"),
        "handle": gettext_lazy("已签收。"), "return": gettext_lazy("已退单。"), "reassign": gettext_lazy("已改派。"),
        "reply": gettext_lazy("已答复。"), "close": gettext_lazy("已办结。"), "visit": gettext_lazy("已回访。"),
        "merge": gettext_lazy("已并单。"), "supervise": gettext_lazy("已督办。"),
        "serious": gettext_lazy("已标记为重大投诉并报告上级。")}


@console_view(Perm.COMPLAINTS_VIEW)
def complaint_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return run_action(request, _visible(request.user, pk), action, forms=ACTIONS, act=_act, done=DONE,
                      detail=_detail, url_name="console:complaint")


@console_view(Perm.COMPLAINTS_IDENTITY)
def complaint_identity(request: HttpRequest, pk: int) -> HttpResponse:
    c = _visible(request.user, pk)
    if request.method != "POST":
        return redirect("console:complaint", pk=pk)
    try:
        identity = services.reveal_identity(request.user, c, purpose=request.POST.get("purpose", ""))
    except ServiceError as err:
        return _detail(request, c, status=err.status, identity_error=err)
    return _detail(request, c, identity=identity)


@console_view(Perm.COMPLAINTS_VIEW)
def complaint_file(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = access.get_visible(request.user, ComplaintFile.objects.all(), Perm.COMPLAINTS_VIEW, pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


# ------------------------------------------------------------------------------------- routing table

class RouteForm(ServiceForm):
    category = forms.ChoiceField(label=gettext_lazy("投诉举报类别"), required=False)
    region = forms.CharField(label=gettext_lazy("行政区划代码"), max_length=12, required=False)
    organization = forms.IntegerField(label=gettext_lazy("承办单位"), required=False, widget=forms.Select())
    valid_from = forms.DateField(label=gettext_lazy("生效日期"), required=False, widget=DATE)
    note = forms.CharField(label=gettext_lazy("说明（记入审计日志）"), required=False, widget=SHORT)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "route_%s")
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", gettext_lazy("全部类别"))] + [
            (c.code, c.name) for c in ComplaintCategory.objects.filter(active=True)]
        self.fields["organization"].widget.choices = _orgs(user)


class ReplaceForm(ServiceForm):
    entry = forms.IntegerField(widget=forms.HiddenInput())
    organization = forms.IntegerField(label=gettext_lazy("改由"), required=False, widget=forms.Select())
    valid_from = forms.DateField(label=gettext_lazy("自"), required=False, widget=DATE)
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=500)


def _route_add(user: Any, d: dict[str, Any]) -> RoutingEntry:
    category = ComplaintCategory.objects.filter(code=d["category"]).first() if d["category"] else None
    region = Region.objects.filter(code=(d["region"] or "").strip()).first()
    org = access.get_visible(user, Organization.objects.all(), pk=d["organization"]) if d["organization"] else None
    return routing.add(user, category=category, region=region, organization=org, valid_from=d["valid_from"],
                       note=d["note"] or _("新增派单规则"))


def _route_replace(user: Any, d: dict[str, Any]) -> RoutingEntry:
    entry = access.get_visible(user, RoutingEntry.objects.all(), Perm.COMPLAINTS_VIEW, pk=d["entry"])
    org = access.get_visible(user, Organization.objects.all(), pk=d["organization"]) if d["organization"] else None
    return routing.replace(user, entry, organization=org, valid_from=d["valid_from"], note=d["note"] or _("派单规则变更"))


@console_view(Perm.COMPLAINTS_VIEW)
def routing_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    manage = access.can(user, Perm.COMPLAINTS_MANAGE)
    add_form = RouteForm(user, request.POST if request.POST.get("op") == "add" else None)
    replace_form = ReplaceForm(request.POST if request.POST.get("op") == "replace" else None)
    replace_form.fields["organization"].widget.choices = _orgs(user)
    status = 200
    if request.method == "POST" and manage:
        form, action = ((add_form, _route_add) if request.POST.get("op") == "add" else (replace_form, _route_replace))
        done, status = submit(request, form, lambda d: action(user, d))
        if done:
            messages.success(request, _("派单规则已保存。"))
            return redirect("console:complaint_routing")
    today = timezone.localdate()
    entries = routing.table(user).order_by("region__code", "category__ordering", "-valid_from", "pk")
    return render(request, "console/complaints/routing.html", {
        "entries": entries, "today": today, "manage": manage, "add_form": add_form, "replace_form": replace_form,
        "rules": DeadlineRule.objects.all(), "categories": ComplaintCategory.objects.all(),
        "matters": NotAcceptedMatter.objects.all()}, status=status)


# ---------------------------------------------------------------------------------- figures, register

def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return start, end


@console_view(Perm.COMPLAINTS_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    error = None
    try:
        data = figures.report(request.user, start, end)
    except ServiceError as err:
        error, start = err, end.replace(month=1, day=1)
        data = figures.report(request.user, start, end)
    months = data["by_month"]
    labels = [m["month"] for m in months]
    return render(request, "console/complaints/dashboard.html", {
        "data": data, "start": start, "end": end, "error": error,
        "by_month": {"name": _("受理量"), "labels": labels, "values": [m["total"] for m in months]},
        "on_time_by_month": {"name": _("按时答复率（%）"), "labels": labels,
                             "values": [round((m["on_time_rate"] or 0) * 100, 1) for m in months]},
        "by_category": {"name": _("受理量"), "labels": [r["category__name"] for r in data["by_category"]],
                        "values": [r["total"] for r in data["by_category"]]},
    })


@console_view(Perm.COMPLAINTS_VIEW)
def register_export(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    try:
        data = figures.register_xlsx(request.user, start, end)
    except ServiceError as err:
        messages.error(request, f"{err.message} / {err.message_en}")
        return redirect("console:complaint_dashboard")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="complaints-register-{start}-{end}.xlsx"'
    return response

