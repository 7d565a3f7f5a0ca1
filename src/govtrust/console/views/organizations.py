"""Organizations: list with live search and filters, detail, create and edit (through the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.subjects import services
from govtrust.subjects.models import CivilServant, Organization, Region

from ..forms import ServiceForm, reason_field
from .base import console_view, is_htmx, paginate, submit
from .records import subject_records

RECENT_EVENTS = 10


class OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class RegionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.code} {obj.name}"


def _organizations(user: Any) -> Any:
    """Active organizations the user may see: the choices for parent and successor."""
    return access.restrict(user, Organization.objects.filter(status=Organization.Status.ACTIVE))


class OrganizationForm(ServiceForm):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=128)
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=Organization.Kind.choices)
    uscc = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=18, required=False)
    parent = OrganizationChoice(label=gettext_lazy("上级单位"), queryset=Organization.objects.none(), required=False)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = _organizations(user)


class OrganizationCreateForm(OrganizationForm):
    region = RegionChoice(label=gettext_lazy("所属区划"), queryset=Region.objects.none())
    former_names = forms.CharField(
        label=gettext_lazy("曾用名"), required=False, help_text=gettext_lazy("每行一个"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = reason_field()
    field_order = ["name", "kind", "region", "uscc", "parent", "former_names", "reason"]

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["region"].queryset = access.restrict(user, Region.objects.order_by("code"))


class OrganizationEditForm(OrganizationForm):
    status = forms.ChoiceField(label=gettext_lazy("状态"), choices=Organization.Status.choices)
    status_date = forms.DateField(label=gettext_lazy("状态变更日期"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    successor = OrganizationChoice(label=gettext_lazy("承继单位"), queryset=Organization.objects.none(),
                                   required=False)
    reason = reason_field()

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["successor"].queryset = _organizations(user)


def _visible(user: Any, pk: int) -> Organization:
    return access.get_visible(user, Organization.objects.select_related("region", "parent", "successor"), pk=pk)


@console_view(Perm.SUBJECTS_VIEW)
def organization_list(request: HttpRequest) -> HttpResponse:
    params = {name: request.GET.get(name, "").strip() for name in ("q", "kind", "status", "region")}
    orgs = services.search_organizations(request.user, params["q"]).select_related("region")
    if params["kind"] in Organization.Kind.values:
        orgs = orgs.filter(kind=params["kind"])
    if params["status"] in Organization.Status.values:
        orgs = orgs.filter(status=params["status"])
    if params["region"]:
        region = access.restrict(request.user, Region.objects.all()).filter(code=params["region"]).first()
        orgs = orgs.filter(region__path__startswith=region.path) if region else orgs.none()
    context = {
        "page": paginate(request, orgs), "params": params, "kinds": Organization.Kind.choices,
        "statuses": Organization.Status.choices, "can_change": access.can(request.user, Perm.SUBJECTS_CHANGE),
    }
    template = "console/organizations/_results.html" if is_htmx(request) else "console/organizations/list.html"
    return render(request, template, context)


@console_view(Perm.SUBJECTS_VIEW)
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    org = _visible(user, pk)
    context = {
        "org": org,
        "former_names": org.former_names.all(),
        "children": access.restrict(user, org.children.select_related("region")),
        "civil_servant_count": access.restrict(user, CivilServant.objects.filter(organization=org)).count(),
        "can_change": access.can(user, Perm.SUBJECTS_CHANGE),
        "events": None,
        **subject_records(user, f"o:{org.pk}"),
        "extra_link": f"{reverse('console:records')}?organization={org.pk}",
        "extra_link_label": _("含下属单位及其公务员的信用记录"),
    }
    if access.can(user, Perm.AUDIT_VIEW):
        context["events"] = audit.events_for(
            user, object_type=Organization._meta.label_lower, object_id=str(org.pk)
        ).order_by("-seq")[:RECENT_EVENTS]
    return render(request, "console/organizations/detail.html", context)


@console_view(Perm.SUBJECTS_CHANGE)
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationCreateForm(request.user, request.POST or None)

    def create(data: dict[str, Any]) -> Organization:
        former_names = [line.strip() for line in data.pop("former_names").splitlines() if line.strip()]
        data["uscc"] = data["uscc"] or None
        return services.create_organization(request.user, former_names=former_names, **data)

    org, status = submit(request, form, create)
    if org:
        messages.success(request, _("已登记单位“%(name)s”。") % {"name": org.name})
        return redirect("console:organization", pk=org.pk)
    return render(request, "console/organizations/form.html", {"form": form, "org": None}, status=status)


@console_view(Perm.SUBJECTS_CHANGE)
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _visible(request.user, pk)
    initial = {f: getattr(org, f) for f in ("name", "kind", "uscc", "parent", "status", "status_date", "successor")}
    form = OrganizationEditForm(request.user, request.POST or None, initial=initial)

    def update(data: dict[str, Any]) -> Organization:
        data["uscc"] = data["uscc"] or None
        return services.update_organization(request.user, org, **data)

    saved, status = submit(request, form, update)
    if saved:
        messages.success(request, _("已保存对“%(name)s”的修改。") % {"name": org.name})
        return redirect("console:organization", pk=org.pk)
    return render(request, "console/organizations/form.html", {"form": form, "org": org}, status=status)
