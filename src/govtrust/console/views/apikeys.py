"""API keys for calling systems: per organization, shown once at creation, revocable with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from govtrust.accounts import services
from govtrust.accounts.models import ApiKey
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.sanctions.models import Scene
from govtrust.subjects.models import Organization

from ..forms import ServiceForm, reason_field
from .base import console_view, no_store, paginate, submit
from .organizations import OrganizationChoice


class ApiKeyForm(ServiceForm):
    organization = OrganizationChoice(label=gettext_lazy("所属单位"), queryset=Organization.objects.none())
    name = forms.CharField(label=gettext_lazy("系统名称"), max_length=64,
                           help_text=gettext_lazy("调用本平台接口的系统，如：公共资源交易平台"))
    scenes = forms.MultipleChoiceField(label=gettext_lazy("比对场景"), required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=gettext_lazy("该系统可发起信用比对的应用场景"))
    reason = reason_field()

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenes"].choices = [(s.code, s.name) for s in Scene.objects.filter(active=True)]
        self.fields["organization"].queryset = access.restrict(
            user, Organization.objects.filter(status=Organization.Status.ACTIVE), perm=Perm.APIKEYS_MANAGE
        )


class RevokeForm(ServiceForm):
    reason = reason_field(gettext_lazy("吊销理由"))


def _page(request: HttpRequest, form: ApiKeyForm, status: int = 200, **extra: Any) -> HttpResponse:
    keys = access.restrict(request.user, ApiKey.objects.select_related("organization", "created_by"),
                           perm=Perm.APIKEYS_MANAGE)
    context = {"page": paginate(request, keys), "form": form, **extra}
    return render(request, "console/apikeys/list.html", context, status=status)


@console_view(Perm.APIKEYS_MANAGE)
def api_key_list(request: HttpRequest) -> HttpResponse:
    """The keys in scope and the form to issue one; after issuing, the raw key is shown on this page once."""
    form = ApiKeyForm(request.user, request.POST or None)
    created, status = submit(request, form, lambda data: services.create_api_key(request.user, **data))
    if created:
        key, raw = created
        return no_store(_page(request, ApiKeyForm(request.user), created=key, raw_key=raw))
    return _page(request, form, status)


@require_POST
@console_view(Perm.APIKEYS_MANAGE)
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = access.get_visible(request.user, ApiKey.objects.all(), perm=Perm.APIKEYS_MANAGE, pk=pk)
    form = RevokeForm(request.POST)
    revoked, _status = submit(request, form, lambda data: services.revoke_api_key(request.user, key, **data))
    if revoked:
        messages.success(request, _("已吊销密钥“%(name)s”。") % {"name": key.name})
    elif form.service_error:
        messages.error(request, f"{form.service_error.message} / {form.service_error.message_en}")
    else:
        messages.error(request, _("吊销密钥须填写理由。"))
    return redirect("console:api_keys")
