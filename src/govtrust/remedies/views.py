"""The portal's objection (异议) and credit-repair (信用修复) pages (/remedies/…): no login.

- `home`: what objections and credit repair are, the time limits of the rule in force today
  (casework.rule_in_force), the categories credit repair does not apply to (RepairExclusion, with reasons),
  and the ways in: from a disclosed record on an organization's page, or — a civil servant about their own
  record, which the portal never lists — by resident ID and document number.
- `objection_new` / `repair_new`: the forms, for a disclosed record (`?record=<id>`, kept in the form's
  address, never a form field) or in the civil-servant mode (no record id). Guarded like the complaint form
  before anything is read: honeypot, minimum fill time, per-address limits (complaints.throttle, with this
  app's own counters); the service (objections.file_public / repairs.apply_public) decides the rest, and its
  errors are shown next to each field (evidence files beside the file input), the bilingual message on top,
  what was typed kept (files must be chosen again). The repair form shows the credit-repair commitment
  (信用修复承诺书); ticking "我已阅读并签署" signs the text shown, which is the platform's (the posted copy is
  not trusted), with the signer named.
- `filed`: the serial and extraction code, shown once (held in the session for one redirect: a reload does
  not file again, the code never appears in an address), and what happens next with the deadlines.
- `track`: serial + extraction code (POST) → casework.track; a wrong code and an unknown serial answer the
  same. Shows the kind, the record (category, document number), the status, the public timeline
  (models.PUBLIC_EVENTS: never who acted inside), the deadlines, and the decision with its reasons once made —
  never the applicant's name, contact or resident ID.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govtrust.complaints import throttle
from govtrust.complaints.catalog import portal_limits
from govtrust.console.forms import ServiceForm
from govtrust.core.errors import FieldError, ServiceError, invalid
from govtrust.ledger.models import Record
from govtrust.portal.queries import public_records

from . import casework, catalog, objections, repairs
from .filing import MAX_FILES, MAX_GROUNDS, Filing
from .models import DECIDED_STATUSES, OPEN_STATUSES, PUBLIC_EVENTS, Case, Kind, RepairExclusion, Status

SESSION_KEY = "remedy_filed"
# This app's own anti-flood counters (complaints.throttle.allow), under the portal's shared limits.
FILE_HOUR, FILE_DAY, TRACK_HOUR = "remedy-file-hour", "remedy-file-day", "remedy-track-hour"

PLEDGE = catalog.pledge_text()  # the commitment text a portal applicant signs


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "remedies/portal/home.html", {
        "rule": _rule_in_force(),
        "exclusions": RepairExclusion.objects.select_related("category"),
    })


def _rule_in_force() -> Any:
    try:
        return casework.rule_in_force(timezone.localdate())
    except ServiceError:
        return None


def guard_filing(request: HttpRequest) -> None:
    """The complaint form's checks, before anything is read, counted in this app's own buckets."""
    limits = portal_limits()
    if request.POST.get(throttle.HONEYPOT, ""):
        raise throttle.Refused(400)
    throttle.check_stamp(request.POST.get("started", ""), limits)
    addr = throttle.address(request)
    if not (throttle.allow(FILE_HOUR, addr, limits["file_per_hour"], 3600)
            and throttle.allow(FILE_DAY, addr, limits["file_per_day"], 86400)):
        raise throttle.Refused()


def guard_tracking(request: HttpRequest) -> None:
    if not throttle.allow(TRACK_HOUR, throttle.address(request), portal_limits()["track_per_hour"], 3600):
        raise throttle.Refused()


def _is_file_error(error: FieldError) -> bool:
    return error.field == "files" or error.field.startswith("files[")


class ApplicationForm(ServiceForm):
    """An objection from the portal; `civil_servant` adds the fields that find the person's own record."""

    resident_id = forms.CharField(label=_("公民身份号码"), max_length=18, required=False,
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}),
                                  help_text=_("仅用于查找您本人的信用记录，不会公开"))
    document_number = forms.CharField(label=_("记录的决定文书号"), max_length=100, required=False,
                                      help_text=_("如“五华罚〔2026〕12号”，见处理决定书"))
    name = forms.CharField(label=_("申请人姓名"), max_length=32, required=False)
    contact = forms.CharField(label=_("联系电话或电子邮箱"), max_length=64, required=False)
    grounds = forms.CharField(label=_("事实和理由"), required=False,
                              widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_GROUNDS}))
    requested = forms.CharField(label=_("异议请求"), required=False, max_length=1000,
                                help_text=_("如：撤销该记录；更正失信程度为“轻微”"),
                                widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}))

    def __init__(self, *args: Any, civil_servant: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not civil_servant:
            del self.fields["resident_id"], self.fields["document_number"]

    @property
    def unplaced_service_errors(self) -> list[FieldError]:
        return [e for e in super().unplaced_service_errors if not _is_file_error(e)]

    @property
    def file_errors(self) -> list[FieldError]:
        return [e for e in self.service_error.errors if _is_file_error(e)] if self.service_error else []

    def filing(self, files: list[Any]) -> Filing:
        d = self.cleaned_data
        return Filing(grounds=d["grounds"], requested=d["requested"], name=d["name"], contact=d["contact"],
                      files=files)


class RepairForm(ApplicationForm):
    pledge = forms.BooleanField(label=_("我已阅读并签署《信用修复承诺书》"), required=False)
    pledge_signer = forms.CharField(label=_("承诺人"), max_length=64, required=False,
                                    help_text=_("单位申请的填写单位全称，公务员本人申请的填写本人姓名"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grounds"].label = _("纠正失信行为、履行义务的情况")
        self.fields["requested"].label = _("其他说明")
        self.fields["requested"].help_text = ""

    def filing(self, files: list[Any]) -> Filing:
        f = super().filing(files)
        f.pledge = PLEDGE if self.cleaned_data["pledge"] else ""  # the text shown is what is signed
        f.pledge_signer = self.cleaned_data["pledge_signer"]
        return f


KINDS: dict[str, dict[str, Any]] = {
    Kind.OBJECTION: {"form": ApplicationForm, "file": objections.file_public, "url": "remedies:objection_new",
                     "title": _("提出异议")},
    Kind.REPAIR: {"form": RepairForm, "file": repairs.apply_public, "url": "remedies:repair_new",
                  "title": _("申请信用修复")},
}


def _disclosed(record_id: str) -> Record | None:
    """The disclosed record a form is about, for showing it (the service checks it again on filing)."""
    try:
        pk = int(record_id)
    except ValueError:
        return None
    record = Record.objects.select_related("organization", "category").filter(pk=pk).first()
    if record is None or record.organization is None or not public_records(record.organization).filter(
            pk=pk).exists():
        return None
    return record


def _application(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    record_id = request.GET.get("record", "").strip()
    record = _disclosed(record_id) if record_id else None
    if record_id and record is None:
        raise Http404
    civil_servant = record is None
    context = {"kind": kind, "spec": spec, "record": record, "civil_servant": civil_servant, "pledge": PLEDGE,
               "repairability": repairs.repairability(record) if record is not None and kind == Kind.REPAIR
               else None}

    def page(form: ApplicationForm, status: int = 200) -> HttpResponse:
        response = render(request, "remedies/portal/new.html", context | {
            "form": form, "stamp": throttle.form_stamp(), "honeypot": throttle.HONEYPOT, "max_files": MAX_FILES,
            "file_types": settings.COMMITMENT_EVIDENCE_TYPES,
            "max_mb": settings.COMMITMENT_EVIDENCE_MAX_BYTES // 1048576,
        }, status=status)
        response["Cache-Control"] = "no-store"  # what was typed, a resident ID among it, is sent back
        return response

    if request.method != "POST":
        return page(spec["form"](civil_servant=civil_servant))
    form = spec["form"](request.POST, civil_servant=civil_servant)
    try:
        guard_filing(request)
    except ServiceError as err:
        form.is_valid()
        form.show_service_error(err)
        return page(form, err.status)
    if not form.is_valid():
        return page(form, 400)
    where: dict[str, Any] = ({"record_id": record.pk} if record is not None else
                             {"resident_id": form.cleaned_data["resident_id"],
                              "document_number": form.cleaned_data["document_number"]})
    try:
        case, code = spec["file"](form.filing(request.FILES.getlist("files")), **where)
    except ServiceError as err:
        form.show_service_error(err)
        return page(form, err.status)
    request.session[SESSION_KEY] = {"serial": case.serial, "code": code}
    return redirect("remedies:filed")


def objection_new(request: HttpRequest) -> HttpResponse:
    return _application(request, Kind.OBJECTION)


def repair_new(request: HttpRequest) -> HttpResponse:
    return _application(request, Kind.REPAIR)


def filed(request: HttpRequest) -> HttpResponse:
    shown = request.session.pop(SESSION_KEY, None)
    if shown is None:
        return redirect("remedies:track")
    case = Case.objects.select_related("rule", "record__category").filter(serial=shown["serial"]).first()
    if case is None:  # pragma: no cover - the case was just written
        return redirect("remedies:track")
    response = render(request, "remedies/portal/filed.html", shown | {"c": case, "rule": case.rule})
    response["Cache-Control"] = "no-store"
    return response


class TrackForm(ServiceForm):
    serial = forms.CharField(label=_("申请编号"), max_length=20)
    code = forms.CharField(label=_("提取码"), max_length=16, widget=forms.PasswordInput(render_value=True))


NOT_FOUND = FieldError("code", "编号或提取码不正确", "the serial number or the extraction code is wrong")


def _track_page(request: HttpRequest, form: TrackForm, status: int = 200, **context: Any) -> HttpResponse:
    response = render(request, "remedies/portal/track.html", {"form": form} | context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _track_page(request, TrackForm())
    form = TrackForm(request.POST)
    try:
        guard_tracking(request)
    except ServiceError as err:
        form.is_valid()
        form.show_service_error(err)
        return _track_page(request, form, err.status)
    found = casework.track(form.cleaned_data["serial"], form.cleaned_data["code"]) if form.is_valid() else None
    if found is None:
        if form.is_valid():
            form.show_service_error(invalid([NOT_FOUND], NOT_FOUND.message, NOT_FOUND.message_en))
        return _track_page(request, form, 404 if form.is_valid() else 400)
    events = found.events.filter(kind__in=PUBLIC_EVENTS).order_by("at", "id").only("kind", "day", "due")
    return _track_page(request, form, c=found, events=events, is_open=found.status in OPEN_STATUSES,
                       decided=found.status in (*DECIDED_STATUSES, Status.DECLINED))
