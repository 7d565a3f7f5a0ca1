"""The console's supervision pages: one list per kind of input (建议提案, 行政诉讼, 生效判决, 上级督查, 评估结果) with
the rows in scope, filtered by body, year and kind; an entry form per kind that saves through `services` (entering
an existing key updates that row; refusals are shown next to the field they name); links to the import page and
the template of the kind's dataset. One list template and one form template serve every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.console.forms import ServiceForm, reason_field
from govtrust.console.views.base import console_view, paginate, submit
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import NotFound
from govtrust.subjects.models import Organization

from . import services
from .models import (
    Assessment,
    AssessmentKind,
    Inspection,
    Judgment,
    JudgmentStatus,
    LitigationCase,
    Outcome,
    Proposal,
    ProposalKind,
    Satisfaction,
)

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


def _orgs(user: Any) -> list[tuple[Any, str]]:
    return [("", "—")] + [(o.pk, o.name) for o in access.restrict(user, Organization.objects.filter(
        status=Organization.Status.ACTIVE).order_by("path")).only("pk", "name")]


class _EntryForm(ServiceForm):
    body_label: Any = gettext_lazy("单位")

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"] = forms.IntegerField(label=self.body_label, required=False, widget=forms.Select())
        self.fields["body"].widget.choices = _orgs(user)
        self.order_fields(self.field_order)
        self.fields["reason"] = reason_field()


class ProposalForm(_EntryForm):
    body_label = gettext_lazy("承办单位")
    field_order = ["kind", "year", "number", "title", "body"]
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=ProposalKind.choices)
    year = forms.IntegerField(label=gettext_lazy("年度"), required=False)
    number = forms.CharField(label=gettext_lazy("编号"), max_length=40, required=False)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200, required=False)
    received_on = forms.DateField(label=gettext_lazy("交办日期"), required=False, widget=DATE)
    due_on = forms.DateField(label=gettext_lazy("答复期限"), required=False, widget=DATE)
    answered_on = forms.DateField(label=gettext_lazy("答复日期（未答复不填）"), required=False, widget=DATE)
    satisfaction = forms.ChoiceField(label=gettext_lazy("满意度"), required=False,
                                     choices=[("", "—"), *Satisfaction.choices])


class LitigationForm(_EntryForm):
    body_label = gettext_lazy("被告单位")
    field_order = ["case_number", "body"]
    case_number = forms.CharField(label=gettext_lazy("案号"), max_length=64, required=False)
    court = forms.CharField(label=gettext_lazy("审理法院"), max_length=128, required=False)
    filed_on = forms.DateField(label=gettext_lazy("立案日期"), required=False, widget=DATE)
    judged_on = forms.DateField(label=gettext_lazy("裁判日期（未结案不填）"), required=False, widget=DATE)
    outcome = forms.ChoiceField(label=gettext_lazy("裁判结果"), required=False, choices=[("", "—"), *Outcome.choices])
    head_appeared = forms.BooleanField(label=gettext_lazy("负责人出庭应诉"), required=False)


class JudgmentForm(_EntryForm):
    body_label = gettext_lazy("义务单位")
    field_order = ["case_number", "body"]
    case_number = forms.CharField(label=gettext_lazy("案号"), max_length=64, required=False)
    court = forms.CharField(label=gettext_lazy("作出法院"), max_length=128, required=False)
    effective_on = forms.DateField(label=gettext_lazy("生效日期"), required=False, widget=DATE)
    due_on = forms.DateField(label=gettext_lazy("履行期限"), required=False, widget=DATE)
    performed_on = forms.DateField(label=gettext_lazy("履行日期（未履行不填）"), required=False, widget=DATE)


class InspectionForm(_EntryForm):
    body_label = gettext_lazy("被督查单位")
    field_order = ["inspector", "document_number", "body"]
    inspector = forms.CharField(label=gettext_lazy("督查单位"), max_length=128, required=False)
    document_number = forms.CharField(label=gettext_lazy("督查文号"), max_length=64, required=False)
    inspected_on = forms.DateField(label=gettext_lazy("督查日期"), required=False, widget=DATE)
    findings = forms.CharField(label=gettext_lazy("督查发现问题"), required=False, widget=TEXT)
    score = forms.CharField(label=gettext_lazy("督查得分（0至100，未评分不填）"), max_length=12, required=False)


class AssessmentForm(_EntryForm):
    body_label = gettext_lazy("被评估单位")
    field_order = ["kind", "assessor", "method", "body"]
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=AssessmentKind.choices)
    assessor = forms.CharField(label=gettext_lazy("评估机构（自评不填）"), max_length=128, required=False)
    method = forms.CharField(label=gettext_lazy("评估方法"), max_length=200, required=False)
    period = forms.CharField(label=gettext_lazy("评估期间（如2026、2026Q3、2026-07）"), max_length=7, required=False)
    score = forms.CharField(label=gettext_lazy("得分（0至100）"), max_length=12, required=False)


Cell = Callable[[Any], Any]


@dataclass(frozen=True)
class Kind:
    slug: str
    title: Any
    model: type[Any]
    form: type[_EntryForm]
    save: Callable[..., services.Saved]
    dataset: str
    year_field: str
    columns: tuple[tuple[Any, Cell], ...]
    kinds: tuple[tuple[str, Any], ...] = ()


def _date(value: Any) -> str:
    return value.isoformat() if value else "—"


def _yes(value: bool | None) -> Any:
    return "—" if value is None else (_("是") if value else _("否"))


KINDS: dict[str, Kind] = {k.slug: k for k in (
    Kind("proposals", gettext_lazy("建议提案办理"), Proposal, ProposalForm, services.save_proposal, "proposals", "year", (
        (gettext_lazy("类别"), lambda o: o.get_kind_display()), (gettext_lazy("年度"), lambda o: o.year),
        (gettext_lazy("编号"), lambda o: o.number), (gettext_lazy("标题"), lambda o: o.title),
        (gettext_lazy("承办单位"), lambda o: o.body.name), (gettext_lazy("答复期限"), lambda o: _date(o.due_on)),
        (gettext_lazy("答复日期"), lambda o: _date(o.answered_on)), (gettext_lazy("按期答复"), lambda o: _yes(o.on_time)),
        (gettext_lazy("满意度"), lambda o: o.get_satisfaction_display() or "—")), tuple(ProposalKind.choices)),
    Kind("litigation", gettext_lazy("行政诉讼"), LitigationCase, LitigationForm, services.save_litigation, "litigation",
         "filed_on__year", (
             (gettext_lazy("案号"), lambda o: o.case_number), (gettext_lazy("被告单位"), lambda o: o.body.name),
             (gettext_lazy("审理法院"), lambda o: o.court), (gettext_lazy("立案日期"), lambda o: _date(o.filed_on)),
             (gettext_lazy("裁判日期"), lambda o: _date(o.judged_on)),
             (gettext_lazy("裁判结果"), lambda o: o.get_outcome_display() or _("未结")),
             (gettext_lazy("负责人出庭"), lambda o: _yes(o.head_appeared)))),
    Kind("judgments", gettext_lazy("生效判决履行"), Judgment, JudgmentForm, services.save_judgment, "judgments",
         "due_on__year", (
             (gettext_lazy("案号"), lambda o: o.case_number), (gettext_lazy("义务单位"), lambda o: o.body.name),
             (gettext_lazy("作出法院"), lambda o: o.court), (gettext_lazy("生效日期"), lambda o: _date(o.effective_on)),
             (gettext_lazy("履行期限"), lambda o: _date(o.due_on)), (gettext_lazy("履行日期"), lambda o: _date(o.performed_on)),
             (gettext_lazy("状态"), lambda o: JudgmentStatus(o.status(timezone.localdate())).label))),
    Kind("inspections", gettext_lazy("上级督查"), Inspection, InspectionForm, services.save_inspection, "inspections",
         "inspected_on__year", (
             (gettext_lazy("督查单位"), lambda o: o.inspector), (gettext_lazy("督查文号"), lambda o: o.document_number),
             (gettext_lazy("被督查单位"), lambda o: o.body.name), (gettext_lazy("督查日期"), lambda o: _date(o.inspected_on)),
             (gettext_lazy("督查发现问题"), lambda o: o.findings or "—"),
             (gettext_lazy("得分"), lambda o: "—" if o.score is None else o.score))),
    Kind("assessments", gettext_lazy("评估结果"), Assessment, AssessmentForm, services.save_assessment, "assessments",
         "period_start__year", (
             (gettext_lazy("类别"), lambda o: o.get_kind_display()), (gettext_lazy("评估期间"), lambda o: o.period),
             (gettext_lazy("被评估单位"), lambda o: o.body.name), (gettext_lazy("评估机构"), lambda o: o.assessor),
             (gettext_lazy("评估方法"), lambda o: o.method or "—"), (gettext_lazy("得分"), lambda o: o.score)),
         tuple(AssessmentKind.choices)),
)}


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise NotFound("页面", "page")
    return KINDS[slug]


@console_view(Perm.SUPERVISION_VIEW)
def record_list(request: HttpRequest, kind: str = "proposals") -> HttpResponse:
    k, user = _kind(kind), request.user
    params = {name: request.GET.get(name, "").strip() for name in ("body", "year", "kind")}
    qs = access.restrict(user, k.model.objects.select_related("body"), Perm.SUPERVISION_VIEW)
    if params["body"].isdigit():
        qs = qs.filter(body_id=int(params["body"]))
    if params["year"].isdigit():
        qs = qs.filter(**{k.year_field: int(params["year"])})
    if params["kind"] and k.kinds:
        qs = qs.filter(kind=params["kind"])
    page = paginate(request, qs)
    context = {"k": k, "kinds": KINDS.values(), "page": page, "params": params, "orgs": _orgs(user)[1:],
               "headers": [label for label, _cell in k.columns],
               "rows": [[cell(o) for _label, cell in k.columns] for o in page],
               "can_submit": access.can(user, Perm.SUPERVISION_SUBMIT),
               "can_import": access.can(user, Perm.IMPORT) and access.can(user, Perm.SUPERVISION_SUBMIT)}
    return render(request, "console/supervision/list.html", context)


@console_view(Perm.SUPERVISION_SUBMIT)
def record_create(request: HttpRequest, kind: str) -> HttpResponse:
    k = _kind(kind)
    form = k.form(request.user, request.POST or None)
    saved, status = submit(request, form, lambda d: k.save(request.user, **d))
    if saved:
        text = {services.CREATED: _("已登记：%(item)s。"), services.UPDATED: _("已更新：%(item)s。"),
                services.UNCHANGED: _("内容没有变化：%(item)s。")}[saved.outcome]
        messages.success(request, text % {"item": saved.obj})
        return redirect("console:supervision_list", kind=k.slug)
    return render(request, "console/supervision/form.html", {"form": form, "k": k}, status=status)
