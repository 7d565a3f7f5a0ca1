"""The console's commitment pages: the list (live filters), the detail with its history and the action forms
the user may use, and the registration form.

Reads go through the access layer (another scope's commitment is a 404); every change goes through
`services`, whose refusals are shown on the form next to the field they name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.console.forms import ServiceForm
from govtrust.console.views.base import console_view, is_htmx, paginate, run_action, submit
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import FieldError, invalid
from govtrust.subjects.models import CivilServant, Organization

from . import services
from .models import Commitment, CommitmentKind, Evidence, Status
from .queries import ListFilters, filter_commitments

FILTERS = ("status", "kind", "subject", "overdue", "q")
DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 3})


def _visible(user: Any, pk: int) -> Commitment:
    return access.get_visible(user, Commitment.objects.select_related("kind", "unit__region", "ledger_record"),
                              Perm.COMMITMENTS_VIEW, pk=pk)


@console_view(Perm.COMMITMENTS_VIEW)
def commitment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    params = {name: request.GET.get(name, "").strip() for name in FILTERS}
    overdue = {"yes": True, "no": False}.get(params["overdue"])
    qs = filter_commitments(user, ListFilters(params["status"], params["kind"], params["subject"], overdue,
                                              params["q"])).select_related("kind", "unit")
    context = {
        "page": paginate(request, qs), "params": params, "statuses": Status.choices,
        "kinds": CommitmentKind.objects.filter(active=True),
        "bodies": access.restrict(user, Organization.objects.order_by("path")).only("pk", "name"),
        "can_create": access.can(user, Perm.COMMITMENTS_SUBMIT),
    }
    template = "console/commitments/_results.html" if is_htmx(request) else "console/commitments/list.html"
    return render(request, template, context)


# ------------------------------------------------------------------------------------------- forms

class CreateForm(ServiceForm):
    organization = forms.IntegerField(label=gettext_lazy("承诺单位"), required=False, widget=forms.Select())
    person = forms.IntegerField(label=gettext_lazy("或：承诺公务员（编号）"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("承诺类型"))
    title = forms.CharField(label=gettext_lazy("承诺事项"), max_length=200, required=False)
    content = forms.CharField(label=gettext_lazy("承诺内容"), required=False, widget=TEXT)
    target = forms.CharField(label=gettext_lazy("量化目标"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    public = forms.ChoiceField(label=gettext_lazy("向社会公开"), choices=[
        ("", gettext_lazy("按承诺类型默认")), ("yes", gettext_lazy("公开")), ("no", gettext_lazy("不公开"))],
        required=False)
    start_date = forms.DateField(label=gettext_lazy("起始日期"), required=False, widget=DATE)
    due_date = forms.DateField(label=gettext_lazy("履行期限"), required=False, widget=DATE)
    recurrence_months = forms.IntegerField(label=gettext_lazy("重复周期（月，可不填）"), required=False,
                                           help_text=gettext_lazy("每期履行后自动生成下一期承诺"))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = access.restrict(user, Organization.objects.order_by("path")).only("pk", "name")
        self.fields["organization"].widget.choices = [("", "—")] + [(o.pk, o.name) for o in orgs]
        self.fields["kind"].choices = [(k.code, k.name) for k in CommitmentKind.objects.filter(active=True)]


def _create(user: Any, data: dict[str, Any]) -> Commitment:
    if (data["organization"] is None) == (data["person"] is None):
        raise invalid([FieldError("organization", "请选择一个承诺单位或填写一名公务员的编号",
                                  "choose one organization or one civil servant")])
    if data["organization"] is not None:
        subject: Any = access.get_visible(user, Organization.objects.all(), pk=data["organization"])
    else:
        subject = access.get_visible(user, CivilServant.objects.all(), pk=data["person"])
    return services.create(user, subject=subject, kind=data["kind"], title=data["title"], content=data["content"],
                           target=data["target"], is_public={"yes": True, "no": False}.get(data["public"]),
                           start_date=data["start_date"], due_date=data["due_date"],
                           recurrence_months=data["recurrence_months"])


@console_view(Perm.COMMITMENTS_SUBMIT)
def commitment_create(request: HttpRequest) -> HttpResponse:
    form = CreateForm(request.user, request.POST or None)
    done, status = submit(request, form, lambda data: _create(request.user, data))
    if done:
        messages.success(request, _("已登记承诺。"))
        return redirect("console:commitment", pk=done.pk)
    return render(request, "console/commitments/form.html", {"form": form}, status=status)


class EvidenceForm(ServiceForm):
    file = forms.FileField(label=gettext_lazy("践诺材料（pdf、jpg、png、docx、xlsx）"))
    description = forms.CharField(label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "evidence_%s")
        super().__init__(*args, **kwargs)


class ReviewForm(ServiceForm):
    decision = forms.ChoiceField(label=gettext_lazy("审核结果"), choices=[
        ("accept", gettext_lazy("通过（已践诺）")), ("return", gettext_lazy("退回补充"))])
    reason = forms.CharField(label=gettext_lazy("意见（退回时必填）"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "review_%s")
        super().__init__(*args, **kwargs)


class BreachForm(ServiceForm):
    reason = forms.CharField(label=gettext_lazy("未履行情况"), required=False, widget=TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "breach_%s")
        super().__init__(*args, **kwargs)


class ChangeForm(ServiceForm):
    reason = forms.CharField(label=gettext_lazy("变更理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label=gettext_lazy("法律依据"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    authority = forms.CharField(label=gettext_lazy("决定变更机关"), required=False, max_length=128)
    compensation_note = forms.CharField(label=gettext_lazy("补偿情况（招商引资承诺必填）"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "change_%s")
        super().__init__(*args, **kwargs)


ACTIONS = {"evidence": EvidenceForm, "review": ReviewForm, "breach": BreachForm, "change": ChangeForm}


def _forms(user: Any, c: Commitment) -> dict[str, ServiceForm]:
    if c.status != Status.IN_PROGRESS:
        return {}
    out: dict[str, ServiceForm] = {}
    if access.can(user, Perm.COMMITMENTS_SUBMIT):
        out["evidence"] = EvidenceForm()
    if access.can(user, Perm.COMMITMENTS_REVIEW):
        if c.awaiting_review:
            out["review"] = ReviewForm()
        out["breach"] = BreachForm()
        out["change"] = ChangeForm()
    return out


def _detail(request: HttpRequest, c: Commitment, bound: tuple[str, ServiceForm] | None = None,
            status: int = 200) -> HttpResponse:
    action_forms = _forms(request.user, c)
    if bound:
        action_forms[bound[0]] = bound[1]
    return render(request, "console/commitments/detail.html", {
        "c": c, "events": c.events.order_by("at", "id"), "evidence": c.evidence.order_by("uploaded_at", "id"),
        "forms": action_forms, "record_visible": bool(c.ledger_record_id) and access.can(request.user, Perm.LEDGER_VIEW),
    }, status=status)


@console_view(Perm.COMMITMENTS_VIEW)
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request.user, pk))


def _act(user: Any, c: Commitment, action: str, data: dict[str, Any]) -> Commitment:
    if action == "evidence":
        services.submit_evidence(user, c, file=data["file"], description=data["description"])
        return c
    if action == "review":
        return services.review(user, c, accept=data["decision"] == "accept", reason=data["reason"])
    if action == "breach":
        return services.breach(user, c, reason=data["reason"])
    return services.change_by_law(user, c, reason=data["reason"], legal_basis=data["legal_basis"],
                                  authority=data["authority"], compensation_note=data["compensation_note"])


DONE = {"evidence": gettext_lazy("已提交践诺材料，等待审核。"), "review": gettext_lazy("已审核。"),
        "breach": gettext_lazy("已认定未履行，并生成失信记录。"), "change": gettext_lazy("已登记依法变更。")}


@console_view(Perm.COMMITMENTS_VIEW)
def commitment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return run_action(request, _visible(request.user, pk), action, forms=ACTIONS, act=_act, done=DONE,
                      detail=_detail, url_name="console:commitment")


@console_view(Perm.COMMITMENTS_VIEW)
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = access.get_visible(request.user, Evidence.objects.all(), Perm.COMMITMENTS_VIEW, pk=pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)
