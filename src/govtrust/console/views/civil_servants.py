"""Civil servants: list and search (by name, or by full resident ID sent in a POST body), detail with
the masked ID, the purpose-bound reveal of the full number, create and edit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import NotFound, ServiceError
from govtrust.subjects import services
from govtrust.subjects.models import CivilServant, Organization

from ..forms import ServiceForm, reason_field
from .base import console_view, is_htmx, no_store, paginate, submit
from .organizations import OrganizationChoice
from .records import subject_records


class CivilServantForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=64)
    organization = OrganizationChoice(label=gettext_lazy("所在单位"), queryset=Organization.objects.none())
    position = forms.CharField(label=gettext_lazy("职务"), max_length=64, required=False)
    rank = forms.CharField(label=gettext_lazy("职级"), max_length=64, required=False)
    status = forms.ChoiceField(label=gettext_lazy("状态"), choices=CivilServant.Status.choices)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = access.restrict(
            user, Organization.objects.filter(status=Organization.Status.ACTIVE)
        )


class CivilServantCreateForm(CivilServantForm):
    resident_id = forms.CharField(label=gettext_lazy("公民身份号码"), max_length=18)
    reason = reason_field()
    field_order = ["name", "resident_id", "organization", "position", "rank", "status", "reason"]


class CivilServantEditForm(CivilServantForm):
    reason = reason_field()


def _visible(user: Any, pk: int) -> CivilServant:
    return access.get_visible(user, CivilServant.objects.select_related("organization__region"), pk=pk)


def _list(request: HttpRequest, **extra: Any) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    people = access.restrict(request.user, CivilServant.objects.select_related("organization"))
    if q:
        people = people.filter(name__icontains=q)
    organization = request.GET.get("organization", "")
    if organization.isdigit():
        people = people.filter(organization_id=int(organization))
    context = {
        "page": paginate(request, people), "q": q, "organization": organization,
        "can_change": access.can(request.user, Perm.CIVIL_SERVANTS_CHANGE), **extra,
    }
    template = "console/civil_servants/_results.html" if is_htmx(request) else "console/civil_servants/list.html"
    return render(request, template, context)


@console_view(Perm.SUBJECTS_VIEW)
def civil_servant_list(request: HttpRequest) -> HttpResponse:
    return _list(request)


@require_POST
@console_view(Perm.SUBJECTS_VIEW)
def civil_servant_lookup(request: HttpRequest) -> HttpResponse:
    """Find one person by full resident ID. POST, so the number stays out of URLs, history and logs."""
    try:
        person = services.find_civil_servant(request.user, request.POST.get("resident_id", ""))
    except ServiceError as err:
        return _list(request, lookup_error=err)
    if person is None:
        return _list(request, lookup_error=NotFound("公务员", "civil servant"))
    return redirect("console:civil_servant", pk=person.pk)


@console_view(Perm.SUBJECTS_VIEW)
def civil_servant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible(request.user, pk)
    return render(request, "console/civil_servants/detail.html", {
        "person": person,
        "can_unmask": access.can(request.user, Perm.PERSONAL_UNMASK),
        "can_change": access.can(request.user, Perm.CIVIL_SERVANTS_CHANGE),
        **subject_records(request.user, f"p:{person.pk}"),
    })


@require_POST
@console_view(Perm.PERSONAL_UNMASK)
def civil_servant_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The full number for a stated purpose, as an HTMX fragment; audited by the service, never cached."""
    person = _visible(request.user, pk)
    purpose = request.POST.get("purpose", "")
    context: dict[str, Any] = {"person": person, "purpose": purpose}
    try:
        context["number"] = services.reveal_resident_id(request.user, person, purpose=purpose)
    except ServiceError as err:
        context["error"] = err
    return no_store(render(request, "console/civil_servants/_reveal.html", context))


@console_view(Perm.CIVIL_SERVANTS_CHANGE)
def civil_servant_create(request: HttpRequest) -> HttpResponse:
    form = CivilServantCreateForm(request.user, request.POST or None)
    person, status = submit(request, form, lambda data: services.create_civil_servant(request.user, **data))
    if person:
        messages.success(request, _("已登记公务员“%(name)s”。") % {"name": person.name})
        return redirect("console:civil_servant", pk=person.pk)
    return render(request, "console/civil_servants/form.html", {"form": form, "person": None}, status=status)


@console_view(Perm.CIVIL_SERVANTS_CHANGE)
def civil_servant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible(request.user, pk)
    initial = {f: getattr(person, f) for f in ("name", "organization", "position", "rank", "status")}
    form = CivilServantEditForm(request.user, request.POST or None, initial=initial)
    saved, status = submit(request, form, lambda data: services.update_civil_servant(request.user, person, **data))
    if saved:
        messages.success(request, _("已保存对“%(name)s”的修改。") % {"name": person.name})
        return redirect("console:civil_servant", pk=person.pk)
    return render(request, "console/civil_servants/form.html", {"form": form, "person": person}, status=status)
