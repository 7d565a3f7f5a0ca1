"""The portal's complaint pages (/complaints/…): no login.

- `home`: how to complain, the categories and the published list of matters not accepted.
- `new`: the form (category, body, facts, demand, attachments, name and contact or anonymous). Guarded by the
  honeypot, the minimum fill time and per-address limits (throttle.py) before anything is read; a refusal by
  the services is shown next to the field it names and keeps what was typed (attachments must be chosen again).
  On success the serial number and extraction code are shown once (held in the session for one redirect, so
  a reload does not file again and the code never appears in an address).
- `track`: serial number + extraction code (POST, so the code stays out of addresses and logs). A wrong code
  and an unknown serial give the same page. The page shows the status, the public steps and the reply — never
  the complainant's identity or contact, nor who acted. A closed case can be rated there (回访 by the
  complainant, which anonymous complainants have no other way to give).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govtrust.console.forms import ServiceForm
from govtrust.core.errors import FieldError, ServiceError, invalid
from govtrust.portal.queries import public_organizations

from . import intake, services, throttle
from .catalog import portal_limits
from .models import PUBLIC_EVENTS, Complaint, ComplaintCategory, NotAcceptedMatter, Rating, Status

SESSION_KEY = "complaint_filed"


class PublicForm(ServiceForm):
    category = forms.ChoiceField(label=_("投诉举报类别"))
    body = forms.CharField(label=_("被投诉单位"), max_length=128, required=False,
                           help_text=_("请填写单位全称，如“昆明市五华区财政局”"),
                           widget=forms.TextInput(attrs={"list": "bodies", "autocomplete": "off"}))
    facts = forms.CharField(label=_("事实和理由"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    demand = forms.CharField(label=_("诉求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    anonymous = forms.BooleanField(label=_("匿名投诉（不留姓名和联系方式，可凭编号和提取码查询）"), required=False)
    name = forms.CharField(label=_("姓名"), max_length=32, required=False)
    contact = forms.CharField(label=_("联系电话或电子邮箱"), max_length=64, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.code, c.name) for c in ComplaintCategory.objects.filter(active=True)]
        limits = portal_limits()
        self.fields["facts"].widget.attrs["maxlength"] = limits["max_facts_chars"]
        self.fields["demand"].widget.attrs["maxlength"] = limits["max_demand_chars"]


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "complaints/home.html", {
        "categories": ComplaintCategory.objects.filter(active=True),
        "matters": NotAcceptedMatter.objects.filter(active=True), "rule": _current_rule()})


def _current_rule() -> Any:
    try:
        return services.rule_in_force(timezone.localdate())
    except ServiceError:
        return None


def _form_page(request: HttpRequest, form: PublicForm, status: int = 200) -> HttpResponse:
    limits = portal_limits()
    return render(request, "complaints/new.html", {
        "form": form, "stamp": throttle.form_stamp(), "honeypot": throttle.HONEYPOT, "limits": limits,
        "max_mb": limits["max_file_bytes"] // 1048576,
        "bodies": public_organizations().order_by("name").values_list("name", flat=True)[:2000],
    }, status=status)


def new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, PublicForm())
    form = PublicForm(request.POST)
    try:
        throttle.guard_filing(request)
    except ServiceError as err:
        form.is_valid()
        form.show_service_error(err)
        return _form_page(request, form, err.status)
    if not form.is_valid():
        return _form_page(request, form, 400)
    data = form.cleaned_data
    filing = intake.Filing(category=data["category"], body=data["body"], facts=data["facts"], demand=data["demand"],
                           anonymous=data["anonymous"], name=data["name"], contact=data["contact"],
                           files=request.FILES.getlist("files"))
    try:
        complaint, code = intake.file_public(filing)
    except ServiceError as err:
        form.show_service_error(err)
        return _form_page(request, form, err.status)
    request.session[SESSION_KEY] = {"serial": complaint.serial, "code": code}
    return redirect("complaints:filed")


def filed(request: HttpRequest) -> HttpResponse:
    shown = request.session.pop(SESSION_KEY, None)
    if shown is None:
        return redirect("complaints:track")
    response = render(request, "complaints/filed.html", shown)
    response["Cache-Control"] = "no-store"
    return response


class TrackForm(ServiceForm):
    serial = forms.CharField(label=_("投诉举报编号"), max_length=20)
    code = forms.CharField(label=_("提取码"), max_length=16, widget=forms.PasswordInput(render_value=True))


NOT_FOUND = FieldError("code", "编号或提取码不正确", "the serial number or the extraction code is wrong")


def _result(request: HttpRequest, form: TrackForm, complaint: Complaint, status: int = 200) -> HttpResponse:
    root = complaint.root
    events = root.events.filter(kind__in=PUBLIC_EVENTS).order_by("at", "id").only("kind", "day")
    response = render(request, "complaints/track.html", {
        "form": form, "c": complaint, "root": root, "events": events, "ratings": Rating.choices,
        "can_rate": complaint.status == Status.CLOSED}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "complaints/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    try:
        throttle.guard_tracking(request)
    except ServiceError as err:
        form.is_valid()
        form.show_service_error(err)
        return render(request, "complaints/track.html", {"form": form}, status=err.status)
    found = intake.track(request.POST.get("serial", ""), request.POST.get("code", "")) if form.is_valid() else None
    if found is None:
        if form.is_valid():
            form.show_service_error(invalid([NOT_FOUND], NOT_FOUND.message, NOT_FOUND.message_en))
        return render(request, "complaints/track.html", {"form": form}, status=404 if form.is_valid() else 400)
    if request.POST.get("rating"):
        try:
            services.visit(None, found, rating=request.POST["rating"], note=request.POST.get("note", "")[:500])
            found.refresh_from_db()
        except ServiceError as err:
            form.show_service_error(err)
            return _result(request, form, found, err.status)
    return _result(request, form, found)
