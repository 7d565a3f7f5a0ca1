"""The console's remedies pages: objections (异议), credit repair (信用修复) and mitigation (从轻 / 免于惩戒).

- 异议与修复: the queues (`queries.QUEUES`: the credit office's cases to accept and decide, the objections
  forwarded to the user's organization, the cases it filed, every open case) with filters; the case page with
  the record, the applicant (masked), the grounds and evidence, the deadlines and the working-calendar basis
  they were counted on, the timeline and the outcome, and the action forms the user may use now (accept,
  decline, forward, decide an objection; approve or refuse a repair).
- Filing from a record the user can see (an objection, or a repair application with the signed commitment,
  once the record is repairable); the record page shows a small panel (`record_panel`) with the record's
  repairability, its cases and the buttons.
- 从轻免罚: a civil servant's self-correction recorded with evidence, the decision naming each measure
  reduced or waived, and its withdrawal.
- 统计: `figures.figures` per kind over a period.

Reads go through the access layer (`queries`: another scope's case is a 404, as is its evidence); every change
goes through `services`, `objections`, `repairs` and `mitigation`, whose refusals are shown on the form next to
the field they name, and nothing is written when they refuse.
"""

from __future__ import annotations

import datetime as dt
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
from govtrust.core import access, calendar
from govtrust.core.access import Perm
from govtrust.core.calendar import UnknownCalendarYear
from govtrust.core.errors import FieldError, NotFound, ServiceError, invalid
from govtrust.ledger.models import (
    LIVE_STATUSES,
    Polarity,
    Record,
    RecordStatus,
    Severity,
)
from govtrust.ledger.queries import get_record, visible_records
from govtrust.subjects.models import Organization

from . import catalog, figures, objections, queries, repairs, services
from .filing import Filing
from .models import (
    OPEN_STATUSES,
    Case,
    CaseFile,
    Kind,
    Outcome,
    Status,
)
from .queries import CaseFilters

FILTERS = ("queue", "kind", "status", "overdue", "q")
TEXT = forms.Textarea(attrs={"rows": 4})
SHORT = forms.Textarea(attrs={"rows": 2})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PERM_TO_FILE = {Kind.OBJECTION: Perm.OBJECTIONS_FILE, Kind.REPAIR: Perm.REPAIRS_APPLY}
RECORD_CASES = 10  # cases shown in the record page's panel
PLEDGE = catalog.pledge_text()  # prefilled: the standard text, the applicant may adapt it
QUEUE_LABELS = {"office": gettext_lazy("信用办待办"), "mine": gettext_lazy("转本单位核查"),
                "filed": gettext_lazy("本单位提出"), "open": gettext_lazy("全部在办")}
# calendar_basis keys: a state's deadline under its status, the others under their own name
BASIS_LABELS = {Status.RECEIVED: gettext_lazy("受理期限"), Status.ACCEPTED: gettext_lazy("核查处理期限"),
                Status.FORWARDED: gettext_lazy("数据来源单位核查期限"), "forward": gettext_lazy("转送期限"),
                "decide": gettext_lazy("办结期限"), "share": gettext_lazy("结果共享期限")}
CHANGE_LABELS = {"severity": gettext_lazy("失信程度"), "facts": gettext_lazy("事实"),
                 "authority": gettext_lazy("决定机关"), "decision_date": gettext_lazy("决定日期"),
                 "legal_basis": gettext_lazy("依据"), "data": gettext_lazy("专有字段")}
CORRECTABLE = ("severity", "facts", "authority", "decision_date", "legal_basis")


def _yes_no(text: str) -> bool | None:
    return {"yes": True, "no": False}.get(text)


def _record_id(request: HttpRequest) -> int:
    text = (request.GET.get("record") or "").strip()
    if not text.isdigit():
        raise NotFound("信用记录", "Record")
    return int(text)


def _record_visible(user: Any, record_id: int) -> bool:
    return access.can(user, Perm.LEDGER_VIEW) and visible_records(user).filter(pk=record_id).exists()


def _orgs(user: Any, extra: Organization | None = None) -> list[tuple[Any, str]]:
    found = [(o.pk, o.name) for o in access.restrict(user, Organization.objects.filter(
        status=Organization.Status.ACTIVE).order_by("path")).only("pk", "name")]
    if extra is not None and extra.pk not in {pk for pk, _name in found}:
        found.insert(0, (extra.pk, extra.name))
    return found


def _due_state(c: Case, today: dt.date, horizons: dict[int, dt.date | None]) -> str:
    """An open case's running deadline: overdue, soon (within the rule's reminder days) or neither ("")."""
    if c.status not in OPEN_STATUSES or c.current_due is None:
        return ""
    if c.overdue or c.current_due < today:
        return "overdue"
    n = c.rule.remind_before_days
    if n not in horizons:
        try:
            horizons[n] = calendar.add_working_days(today, n)
        except UnknownCalendarYear:
            horizons[n] = None
    horizon = horizons[n]
    return "soon" if horizon is not None and c.current_due <= horizon else ""


# ------------------------------------------------------------------------------------------ forms

class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; the service checks each (type, size, content) and names it files[i]."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


class _Form(ActionForm):
    """A form whose service errors are placed by field: files[1] on `files`, reliefs.<code> on its select."""

    def _field_of(self, error: FieldError) -> str:
        head, _dot, rest = error.field.partition(".")
        if head == "reliefs" and f"relief_{rest}" in self.fields:
            return f"relief_{rest}"
        return head.split("[", 1)[0]

    def service_errors_for(self, name: str) -> list[FieldError]:
        if not self.service_error:
            return []
        return [e for e in self.service_error.errors if self._field_of(e) == name]

    @property
    def unplaced_service_errors(self) -> list[FieldError]:
        if not self.service_error:
            return []
        return [e for e in self.service_error.errors if self._field_of(e) not in self.fields]


class AcceptForm(_Form):
    prefix_id = "accept"


class DeclineForm(_Form):
    prefix_id = "decline"
    reason = forms.CharField(label=gettext_lazy("不予受理的理由"), required=False, widget=SHORT)


class ForwardForm(_Form):
    prefix_id = "forward"
    organization = forms.IntegerField(label=gettext_lazy("转送核查单位（默认为数据来源单位）"), required=False,
                                      widget=forms.Select())
    note = forms.CharField(label=gettext_lazy("转送说明"), required=False, widget=SHORT)


class DecideForm(_Form):
    prefix_id = "decide"
    upheld = forms.ChoiceField(label=gettext_lazy("核查结论"), widget=forms.RadioSelect,
                               choices=[("no", gettext_lazy("异议不成立（维持原记录）")), ("yes", gettext_lazy("异议成立"))])
    outcome = forms.ChoiceField(label=gettext_lazy("异议成立时的处理方式"), required=False,
                                choices=[("", "—"), *Outcome.choices])
    reason = forms.CharField(label=gettext_lazy("处理结果及理由"), required=False, widget=TEXT)
    severity = forms.ChoiceField(label=gettext_lazy("更正：失信程度"), required=False,
                                 choices=[("", "—"), *Severity.choices])
    facts = forms.CharField(label=gettext_lazy("更正：事实"), required=False, widget=SHORT)
    authority = forms.CharField(label=gettext_lazy("更正：决定机关"), required=False, max_length=128)
    decision_date = forms.DateField(label=gettext_lazy("更正：决定日期"), required=False, widget=DATE)
    legal_basis = forms.CharField(label=gettext_lazy("更正：依据"), required=False, widget=SHORT)



class ReasonForm(_Form):
    reason = forms.CharField(label=gettext_lazy("理由"), required=False, widget=SHORT)


class ApproveForm(ReasonForm):
    prefix_id = "approve"
    reason = forms.CharField(label=gettext_lazy("准予修复的意见"), required=False, widget=SHORT)


class RefuseForm(ReasonForm):
    prefix_id = "refuse"
    reason = forms.CharField(label=gettext_lazy("不予修复的理由"), required=False, widget=SHORT)


ACTIONS: dict[str, type[ServiceForm]] = {"accept": AcceptForm, "decline": DeclineForm, "forward": ForwardForm,
                                         "decide": DecideForm, "approve": ApproveForm, "refuse": RefuseForm}
TITLES = {"accept": gettext_lazy("受理"), "decline": gettext_lazy("不予受理"),
          "forward": gettext_lazy("转数据来源单位核查"), "decide": gettext_lazy("异议处理决定"),
          "approve": gettext_lazy("准予信用修复"), "refuse": gettext_lazy("不予修复")}
DONE = {"accept": gettext_lazy("已受理。"), "decline": gettext_lazy("已不予受理。"), "forward": gettext_lazy("已转送核查。"),
        "decide": gettext_lazy("已作出异议处理决定。"), "approve": gettext_lazy("已准予信用修复。"),
        "refuse": gettext_lazy("已决定不予修复。")}


def _source_may_decide(user: Any, c: Case) -> bool:
    """The organization the objection was forwarded to (or one above it) decides it."""
    org = getattr(user, "organization", None)
    return (c.status == Status.FORWARDED and c.forwarded_to is not None and org is not None
            and access.can(user, Perm.OBJECTIONS_SOURCE) and c.forwarded_to.path.startswith(org.path))


def allowed_actions(user: Any, c: Case) -> list[str]:
    """The steps the user may take on the case now (its kind, state and the user's permissions)."""
    office = access.can(user, Perm.REMEDIES_DECIDE)
    out = ["accept", "decline"] if office and c.status == Status.RECEIVED else []
    if c.kind == Kind.OBJECTION:
        if office and c.status == Status.ACCEPTED:
            out.append("forward")
        if (office and c.status in (Status.ACCEPTED, Status.FORWARDED)) or _source_may_decide(user, c):
            out.append("decide")
    elif office and c.status in (Status.RECEIVED, Status.ACCEPTED):
        out += ["approve", "refuse"]
    return out


def _action_forms(user: Any, c: Case, bound: tuple[str, ServiceForm] | None) -> list[tuple[str, Any, ServiceForm]]:
    out = []
    for action in allowed_actions(user, c):
        form = bound[1] if bound and bound[0] == action else None
        if form is None:
            initial: dict[str, Any] = {}
            if action == "forward":
                initial = {"organization": c.record.source_id}
            elif action == "decide":
                initial = {name: getattr(c.record, name) for name in CORRECTABLE}
            form = ACTIONS[action](initial=initial)
        if "organization" in form.fields:
            form.fields["organization"].widget.choices = _orgs(user, c.record.source)
        out.append((action, TITLES[action], form))
    if bound and bound[0] not in {a for a, _t, _f in out}:  # refused because the state moved on: still show why
        out.append((bound[0], TITLES[bound[0]], bound[1]))
    return out


# ------------------------------------------------------------------------------------------ queue

@console_view(Perm.REMEDIES_VIEW)
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    params = {name: request.GET.get(name, "").strip() for name in FILTERS}
    if "queue" not in request.GET:
        params["queue"] = "office" if access.can(user, Perm.REMEDIES_DECIDE) else ""
    queue = params["queue"] if params["queue"] in queries.QUEUES else ""
    kind = params["kind"] if params["kind"] in Kind.values else ""
    qs = queries.filter_cases(user, CaseFilters(queue, kind, params["status"], _yes_no(params["overdue"]), None,
                                                params["q"])).select_related("rule")
    page = paginate(request, qs)
    page.object_list = list(page.object_list)
    today, horizons = timezone.localdate(), {}
    for c in page.object_list:
        c.due_state = _due_state(c, today, horizons)
    has_org = getattr(user, "organization_id", None) is not None
    tabs = [("", _("全部"))]
    tabs += [(q, QUEUE_LABELS[q]) for q in queries.QUEUES
             if (q != "office" or access.can(user, Perm.REMEDIES_DECIDE))
             and (q != "mine" or (has_org and access.can(user, Perm.OBJECTIONS_SOURCE)))
             and (q != "filed" or has_org)]
    context = {"page": page, "params": {**params, "queue": queue, "kind": kind}, "tabs": tabs,
               "kinds": Kind.choices, "statuses": Status.choices}
    template = "console/remedies/_results.html" if is_htmx(request) else "console/remedies/list.html"
    return render(request, template, context)


# ------------------------------------------------------------------------------------------ one case

def _basis_rows(c: Case) -> list[dict[str, Any]]:
    """The calendar basis of each deadline counted for the case: start, working days, the schedules used."""
    rows = []
    for key, basis in (c.calendar_basis or {}).items():
        if not isinstance(basis, dict):
            continue
        rows.append({"label": BASIS_LABELS.get(key, key), "start": basis.get("start", ""),
                     "working_days": basis.get("working_days", ""), "pending": bool(basis.get("pending")),
                     "reason": basis.get("reason", ""), "calendars": basis.get("calendar") or []})
    return rows


def _change_rows(c: Case) -> list[tuple[str, Any]]:
    severities = dict(Severity.choices)
    rows = []
    for key, value in (c.changes or {}).items():
        shown = severities.get(value, value) if key == "severity" else value
        rows.append((str(CHANGE_LABELS.get(key, key)), shown))
    return rows


def _detail(request: HttpRequest, c: Case, bound: tuple[str, ServiceForm] | None = None,
            status: int = 200, **identity: Any) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    context = {
        "c": c, "record": c.record, "record_visible": _record_visible(user, c.record_id),
        "events": c.events.order_by("at", "id"), "files": c.files.order_by("uploaded_at", "id"),
        "forms": _action_forms(user, c, bound), "due_state": _due_state(c, today, {}),
        "basis_rows": _basis_rows(c), "change_rows": _change_rows(c),
        "statements": c.statements.order_by("published_on", "id"),
        "repairability": repairs.repairability(c.record) if c.kind == Kind.REPAIR and c.status in OPEN_STATUSES
        else None,
        "commitment_visible": bool(c.commitment_id) and access.can(user, Perm.COMMITMENTS_VIEW),
        "can_reveal": bool(c.name_encrypted or c.contact_encrypted) and access.can(user, Perm.REMEDIES_DECIDE),
        **identity,
    }
    return render(request, "console/remedies/detail.html", context, status=status)


@console_view(Perm.REMEDIES_VIEW)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, queries.get_case(request.user, pk))


def _forward_to(user: Any, c: Case, pk: int | None) -> Organization | None:
    if pk is None or pk == c.record.source_id:
        return None  # the service forwards to the record's source organization
    return access.get_visible(user, Organization.objects.all(), pk=pk)


def _changes(d: dict[str, Any], record: Record) -> dict[str, Any]:
    """The corrections asked for in the decide form: the fields filled in that differ from the record."""
    out = {}
    for name in CORRECTABLE:
        value = d.get(name)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n")  # a browser's textarea sends CRLF
        if value not in (None, "") and value != getattr(record, name):
            out[name] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def _act(user: Any, c: Case, action: str, d: dict[str, Any]) -> Case:
    if action == "accept":
        return services.accept(user, c)
    if action == "decline":
        return services.decline(user, c, reason=d["reason"])
    if action == "forward":
        return services.forward(user, c, organization=_forward_to(user, c, d["organization"]), note=d["note"])
    if action == "decide":
        upheld = d["upheld"] == "yes"
        outcome = d["outcome"] if upheld else ""
        changes = _changes(d, c.record) if upheld and outcome == Outcome.CORRECTED else None
        return services.decide(user, c, upheld=upheld, reason=d["reason"], outcome=outcome, changes=changes)
    if action == "approve":
        return services.approve(user, c, reason=d["reason"])
    return services.refuse(user, c, reason=d["reason"])


@console_view(Perm.REMEDIES_VIEW)
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return run_action(request, queries.get_case(request.user, pk), action, forms=ACTIONS, act=_act, done=DONE,
                      detail=_detail, url_name="console:remedies_case")


@console_view(Perm.REMEDIES_VIEW)
def case_identity(request: HttpRequest, pk: int) -> HttpResponse:
    """A portal applicant's name and contact, for the credit office, with a stated purpose (audited)."""
    c = queries.get_case(request.user, pk)
    if request.method != "POST":
        return redirect("console:remedies_case", pk=pk)
    try:
        identity = services.reveal_applicant(request.user, c, purpose=request.POST.get("purpose", ""))
    except ServiceError as err:
        return _detail(request, c, status=err.status, identity_error=err)
    return _detail(request, c, identity=identity)


@console_view(Perm.REMEDIES_VIEW)
def case_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An evidence file, to those who see its case (another scope's file answers 404)."""
    attachment = access.get_visible(request.user, CaseFile.objects.all(), Perm.REMEDIES_VIEW, pk=pk)
    return no_store(FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name))


# ------------------------------------------------------------------------------------------ filing

class FilingForm(_Form):
    grounds = forms.CharField(label=gettext_lazy("事实和理由"), required=False, widget=TEXT)
    requested = forms.CharField(label=gettext_lazy("请求（如：撤销或更正该记录的哪些内容）"), required=False,
                                widget=SHORT)
    files = MultipleFileField(label=gettext_lazy("证明材料（至少1个，最多5个；pdf、jpg、png、docx、xlsx）"))


class RepairForm(FilingForm):
    requested = forms.CharField(label=gettext_lazy("纠正失信行为、履行法定义务的情况"), required=False, widget=SHORT)
    pledge = forms.CharField(label=gettext_lazy("信用修复承诺书"), required=False,
                             widget=forms.Textarea(attrs={"rows": 8}))
    pledge_signer = forms.CharField(label=gettext_lazy("承诺人"), required=False, max_length=64)
    field_order = ["grounds", "requested", "pledge", "pledge_signer", "files"]


@console_view(Perm.CONSOLE)
def case_create(request: HttpRequest, kind: str) -> HttpResponse:
    """File an objection or apply for repair about a record the user sees (`?record=<id>`)."""
    if kind not in Kind.values:
        raise NotFound("页面", "page")
    user = request.user
    access.require(user, PERM_TO_FILE[Kind(kind)])
    record = get_record(user, Record.objects.select_related("category", "regime_rule", "unit", "source"),
                        pk=_record_id(request))
    repairability = repairs.repairability(record) if kind == Kind.REPAIR else None
    if repairability is not None and not repairability.repairable:
        blocked = invalid([FieldError("record", repairability.reason, repairability.reason_en)],
                          "该记录目前不能申请信用修复", "The record cannot be repaired now")
        return render(request, "console/remedies/form.html", {
            "kind": kind, "kind_label": Kind(kind).label, "record": record, "repairability": repairability,
            "blocked": blocked, "form": None}, status=400 if request.method == "POST" else 200)
    if kind == Kind.REPAIR:
        form: FilingForm = RepairForm(request.POST or None, request.FILES or None, initial={
            "pledge": PLEDGE, "pledge_signer": record.subject_name if record.organization_id else ""})
    else:
        form = FilingForm(request.POST or None, request.FILES or None)

    def create(d: dict[str, Any]) -> tuple[Case, str]:
        f = Filing(grounds=d["grounds"], requested=d["requested"], pledge=d.get("pledge", ""),
                   pledge_signer=d.get("pledge_signer", ""), files=d["files"])
        if kind == Kind.OBJECTION:
            return objections.file(user, record.pk, f, today=None)
        return repairs.apply(user, record.pk, f, today=None)

    done, status = submit(request, form, create)
    if done:
        c, _code = done  # the extraction code is for the public; console users follow the case here
        messages.success(request, _("已提交%(kind)s申请，编号%(serial)s。办理进度可在本页查看。")
                         % {"kind": Kind(kind).label, "serial": c.serial})
        return redirect("console:remedies_case", pk=c.pk)
    return render(request, "console/remedies/form.html", {
        "kind": kind, "kind_label": Kind(kind).label, "record": record, "repairability": repairability,
        "form": form}, status=status)


# ------------------------------------------------------------------------------------ record panel

def record_panel(user: Any, record: Record) -> dict[str, Any] | None:
    """The "异议与修复" panel of the console's record page; None when the user may do nothing with it."""
    can_view = access.can(user, Perm.REMEDIES_VIEW)
    negative = record.category.polarity == Polarity.NEGATIVE
    live = record.status in LIVE_STATUSES
    repairability = repairs.repairability(record) if negative else None
    cases = list(queries.filter_cases(user, CaseFilters(record=record.pk)).order_by("-received_on", "-id")
                 [:RECORD_CASES]) if can_view else []
    objection_open = record.status == RecordStatus.DISPUTED or any(
        c.kind == Kind.OBJECTION and c.status in OPEN_STATUSES for c in cases)
    panel = {
        "record": record, "repairability": repairability, "can_view": can_view, "cases": cases,
        "mitigations": list(queries.mitigations(user).filter(record=record)[:RECORD_CASES]) if can_view else [],
        "can_object": access.can(user, Perm.OBJECTIONS_FILE) and live and not objection_open,
        "can_repair": access.can(user, Perm.REPAIRS_APPLY) and bool(repairability and repairability.repairable),
        "can_mitigate": access.can(user, Perm.MITIGATION_DECIDE) and record.person_id is not None and negative
        and live,
    }
    if not (can_view or panel["can_object"] or panel["can_repair"] or panel["can_mitigate"]):
        return None
    return panel


# ------------------------------------------------------------------------------------------ figures

FIGURE_ROWS = [
    ("received", gettext_lazy("收到申请"), None), ("open", gettext_lazy("在办"), None),
    ("overdue", gettext_lazy("在办已逾期"), None), ("forwarded", gettext_lazy("转数据来源单位核查"), Kind.OBJECTION),
    ("declined", gettext_lazy("不予受理"), None), ("corrected", gettext_lazy("异议成立·更正记录"), Kind.OBJECTION),
    ("revoked", gettext_lazy("异议成立·撤销记录"), Kind.OBJECTION), ("rejected", gettext_lazy("异议不成立"), Kind.OBJECTION),
    ("approved", gettext_lazy("准予修复"), Kind.REPAIR), ("refused", gettext_lazy("不予修复"), Kind.REPAIR),
    ("decided", gettext_lazy("已办结"), None), ("on_time", gettext_lazy("按时办结"), None),
    ("on_time_rate", gettext_lazy("按时办结率"), None),
    ("mean_working_days", gettext_lazy("平均办理时长（工作日）"), None),
    ("max_working_days", gettext_lazy("最长办理时长（工作日）"), None),
    ("uncounted_spans", gettext_lazy("未计入办理时长（缺少工作日历）"), None),
]


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "on_time_rate":
        return f"{value * 100:.1f}%"
    return str(value)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date, ServiceError | None]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(month=1, day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    if start > end:
        return end.replace(month=1, day=1), end, invalid(
            [FieldError("start", "开始日期不能晚于结束日期", "the start is after the end")], "统计期间有误", "Invalid period")
    return start, end, None


@console_view(Perm.REMEDIES_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    start, end, error = _period(request)
    data = figures.figures(request.user, start, end)
    kinds = list(Kind.choices)
    rows = [{"key": key, "label": label,
             "cells": [(kind, _shown(key, data["kinds"][kind][key]) if only in (None, kind) else "—")
                       for kind, _label in kinds]}
            for key, label, only in FIGURE_ROWS]
    return render(request, "console/remedies/figures.html", {
        "data": data, "start": start, "end": end, "error": error, "kinds": kinds, "rows": rows})
