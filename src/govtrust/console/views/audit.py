"""The audit trail, for the security auditor only (三员分立): browse and filter events, verify the chain."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from govtrust.core import audit
from govtrust.core.access import Perm
from govtrust.core.errors import ServiceError

from ..forms import ServiceForm
from .base import console_view, paginate


class AuditFilterForm(ServiceForm):
    actor = forms.CharField(label=gettext_lazy("操作者"), required=False, help_text="user:zhangsan")
    action = forms.CharField(label=gettext_lazy("操作"), required=False, help_text="create / update / read_unmasked")
    object_type = forms.CharField(label=gettext_lazy("对象类型"), required=False, help_text="subjects.organization")
    object_id = forms.CharField(label=gettext_lazy("对象ID"), required=False)
    request_id = forms.CharField(label=gettext_lazy("请求ID"), required=False)
    since = forms.DateField(label=gettext_lazy("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=gettext_lazy("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


@console_view(Perm.AUDIT_VIEW)
def audit_list(request: HttpRequest) -> HttpResponse:
    """Events newest first. Filters match exactly (the trail is searched by what another page showed)."""
    form = AuditFilterForm(request.GET)
    events, status = None, 200
    if form.is_valid():
        try:
            events = audit.events_for(request.user, **form.cleaned_data)
        except ServiceError as err:
            form.show_service_error(err)
            status = err.status
    else:
        status = 400
    page = paginate(request, events) if events is not None else None
    return render(request, "console/audit/list.html", {"form": form, "page": page, "events": page}, status=status)


@require_POST
@console_view(Perm.AUDIT_VIEW)
def audit_verify(request: HttpRequest) -> HttpResponse:
    """Walk the whole chain (and the recorded checkpoints, when there are any); an HTMX fragment."""
    try:
        result = audit.verify(audit.recorded_checkpoints())
    except ServiceError as err:
        return render(request, "console/_service_error.html", {"error": err})
    return render(request, "console/audit/_verify.html", {"result": result})
