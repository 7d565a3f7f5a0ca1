"""The console's 双公示 pages: the dashboard (figures, per department and region, coverage, charts), the
decisions (list with live search, detail with every national column and the withdraw form), empty-month
declarations (本月无数据), and the warnings that concern the user.

Reads go through the access layer (`access.restrict` / `get_visible`), so a decision outside the user's scope
answers 404; changes go through `services` (withdraw, declare_empty), whose refusals are shown on the form.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.console.forms import REASON_HELP, ServiceForm, reason_field
from govtrust.console.views.base import console_view, forbidden, is_htmx, paginate, submit
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import PermissionDenied, ServiceError
from govtrust.ledger.models import Record
from govtrust.ledger.queries import visible_records
from govtrust.subjects.models import Organization

from . import exports, metrics, services
from . import warnings as publicity_warnings
from .models import Decision, EmptyMonthDeclaration, Kind, PenaltyKind, Status
from .queries import Search, parse_day, search

SERIES_MONTHS = 12
FILTERS = ("q", "kind", "period", "from", "to", "department", "check", "status")
CHECKS = [
    ("on_time", gettext_lazy("按时公示")),
    ("late", gettext_lazy("超期公示")),
    ("unknown", gettext_lazy("时效无法计算")),
    ("incomplete", gettext_lazy("要素缺失")),
    ("inaccurate", gettext_lazy("数据不准确")),
]
CHECK_FILTERS = {"on_time": Q(on_time=True), "late": Q(on_time=False), "unknown": Q(on_time__isnull=True),
                 "incomplete": Q(complete=False), "inaccurate": Q(accurate=False)}


# ----------------------------------------------------------------------------------------- dashboard

@console_view(Perm.PUBLICITY_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)  # by default the last whole month, not the one begun
    text = request.GET.get("period") or f"{last_month:%Y-%m}"
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else None
    error = None
    try:
        period = metrics.parse_period(text)
    except ServiceError as err:
        error, period = err, metrics.parse_period(f"{today:%Y-%m}")
    data = metrics.report(request.user, period, kind)
    start = (period.end.replace(day=1) - dt.timedelta(days=SERIES_MONTHS * 31)).replace(day=1)
    series = metrics.monthly_series(request.user, start, period.end)
    labels = [row["month"] for row in series]
    return render(request, "console/publicity/dashboard.html", {
        "data": data, "period_text": text, "kind": kind or "", "kinds": Kind.choices, "error": error,
        "list_query": urlencode({"period": data["period"], "kind": kind or ""}),
        "by_month": {"name": _("决定数"), "labels": labels, "values": [row["total"] for row in series]},
        "on_time_by_month": {"name": _("按时公示率（%）"), "labels": labels,
                             "values": [round((row["on_time_rate"] or 0) * 100, 1) for row in series]},
    })


# ----------------------------------------------------------------------------------------- decisions

def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def filter_decisions(user: Any, params: dict[str, str]) -> tuple[QuerySet[Decision], ServiceError | None]:
    """The decisions the user may see that match the list's filters (text, kind and dates by `queries.search`)."""
    error = None
    date_from, date_to = parse_day(params["from"]), parse_day(params["to"])
    if params["period"]:
        try:
            period = metrics.parse_period(params["period"])
        except ServiceError as err:
            error = err
        else:
            last = period.end - dt.timedelta(days=1)
            date_from = max(date_from, period.start) if date_from else period.start
            date_to = min(date_to, last) if date_to else last
    kind = params["kind"] if params["kind"] in Kind.values else ""
    qs = search(access.restrict(user, Decision.objects.all(), Perm.PUBLICITY_VIEW),
                Search(q=params["q"], kind=kind, date_from=date_from, date_to=date_to))
    if (department := _int(params["department"])) is not None:
        qs = qs.filter(source_id=department)
    if params["check"] in CHECK_FILTERS:
        qs = qs.filter(CHECK_FILTERS[params["check"]])
    if params["status"] in Status.values:
        qs = qs.filter(status=params["status"])
    return qs, error


@console_view(Perm.PUBLICITY_VIEW)
def decision_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    params = {name: request.GET.get(name, "").strip() for name in FILTERS}
    decisions, error = filter_decisions(user, params)
    decisions = decisions.select_related("source").order_by("-decision_date", "-id")
    context = {
        "page": paginate(request, decisions), "params": params, "error": error, "kinds": Kind.choices,
        "checks": CHECKS, "statuses": Status.choices,
        "departments": access.restrict(user, Organization.objects.order_by("path")).only("pk", "name"),
    }
    template = "console/publicity/_decision_results.html" if is_htmx(request) else "console/publicity/decisions.html"
    return render(request, template, context)


class WithdrawForm(ServiceForm):
    # Not required here: the service says why a note is needed (it is shown to the public).
    note = forms.CharField(label=gettext_lazy("撤下说明（向社会公开）"), required=False, max_length=1000,
                           help_text=REASON_HELP, widget=forms.Textarea(attrs={"rows": 3, "required": True}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "withdraw_%s")
        super().__init__(*args, **kwargs)


def _visible(user: Any, pk: int) -> Decision:
    return access.get_visible(
        user, Decision.objects.select_related("authority", "source", "batch", "rule", "ledger_record"),
        Perm.PUBLICITY_VIEW, pk=pk)


_SPECIAL = {"id_number": "id_masked", "legal_rep_id": "legal_rep_id_masked"}


def national_rows(d: Decision) -> list[tuple[str, Any]]:
    """(header, value) for every column of the national set, as exported; identity numbers masked."""
    kinds = dict(PenaltyKind.objects.values_list("code", "name"))
    out = []
    for column in exports.columns(d.kind):
        name = column.field
        if name == "source_name":
            value: Any = d.source.name
        elif name == "source_uscc":
            value = d.source.uscc
        elif name == "authority_uscc":
            value = d.authority.uscc
        elif name == "penalty_kinds":
            value = "、".join(kinds.get(k, k) for k in d.penalty_kinds)
        elif name in ("counterparty_category", "licence_category"):
            value = getattr(d, f"get_{name}_display")()
        else:
            value = getattr(d, _SPECIAL.get(name, name))
        out.append((column.header, exports._text(value)))
    return out


def _detail(request: HttpRequest, decision: Decision, form: WithdrawForm | None = None,
            status: int = 200) -> HttpResponse:
    user = request.user
    can_withdraw = access.can(user, Perm.PUBLICITY_CHANGE)
    if can_withdraw and form is None and decision.status not in (Status.WITHDRAWN, Status.ENDED):
        form = WithdrawForm()
    # the link only when the record is still shared with the user (a repaired one may not be: ledger.queries)
    record_visible = (bool(decision.ledger_record_id) and access.can(user, Perm.LEDGER_VIEW)
                      and visible_records(user, Record.objects.filter(pk=decision.ledger_record_id)).exists())
    return render(request, "console/publicity/decision_detail.html", {
        "d": decision, "rows": national_rows(decision), "withdraw_form": form, "can_withdraw": can_withdraw,
        "record_visible": record_visible,
    }, status=status)


@console_view(Perm.PUBLICITY_VIEW)
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request.user, pk))


@console_view(Perm.PUBLICITY_CHANGE)
def decision_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    decision = _visible(request.user, pk)
    if request.method != "POST":
        return redirect("console:publicity_decision", pk=decision.pk)
    form = WithdrawForm(request.POST)
    done, status = submit(request, form, lambda data: services.withdraw(request.user, decision, note=data["note"]))
    if done:
        messages.success(request, _("已撤下该决定，公开说明将显示在公示页面。"))
        return redirect("console:publicity_decision", pk=decision.pk)
    decision.refresh_from_db()
    return _detail(request, decision, form=form, status=status)


# ------------------------------------------------------------------------------------ empty months

def _departments(user: Any) -> QuerySet[Organization]:
    return access.restrict(user, Organization.objects.filter(kind=Organization.Kind.DEPARTMENT)).order_by("path")


def parse_month(text: str) -> dt.date | None:
    if (m := re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")) and 1 <= int(m[2]) <= 12:
        return dt.date(int(m[1]), int(m[2]), 1)
    return None


class EmptyMonthForm(ServiceForm):
    department = forms.IntegerField(label=gettext_lazy("部门"), widget=forms.Select())
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Kind.choices)
    month = forms.CharField(label=gettext_lazy("月份"), max_length=7,
                            widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}))
    note = reason_field(gettext_lazy("说明"))

    def __init__(self, departments: QuerySet[Organization], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "empty_%s")
        super().__init__(*args, **kwargs)
        self.fields["department"].widget.choices = [(o.pk, o.name) for o in departments]

    def clean_month(self) -> dt.date:
        month = parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("请输入月份，如2026-10"))
        return month


def _declare(user: Any, data: dict[str, Any]) -> EmptyMonthDeclaration:
    department = _departments(user).filter(pk=data["department"]).first()
    if department is None:
        raise PermissionDenied("所选部门不存在或不在您的管辖范围内", "the department does not exist or is outside your scope")
    return services.declare_empty(user, department, data["kind"], data["month"], note=data["note"])


@console_view(Perm.PUBLICITY_VIEW)
def empty_months(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_declare = access.can(user, Perm.PUBLICITY_SUBMIT)
    if request.method == "POST" and not can_declare:
        return forbidden(request)
    form, status = None, 200
    if can_declare:
        departments = _departments(user)
        initial = {k: request.GET[k] for k in ("department", "kind", "month") if request.GET.get(k)}
        form = EmptyMonthForm(departments, request.POST or None, initial=initial)
        declaration, status = submit(request, form, lambda data: _declare(user, data))
        if declaration:
            messages.success(request, _("已申报：%(department)s %(month)s 无%(kind)s决定。") % {
                "department": declaration.department.name, "month": f"{declaration.month:%Y-%m}",
                "kind": declaration.get_kind_display()})
            return redirect("console:publicity_empty_months")
    declarations = access.restrict(user, EmptyMonthDeclaration.objects.select_related("department__region"),
                                   Perm.PUBLICITY_VIEW).order_by("-month", "department__path", "kind")
    return render(request, "console/publicity/empty_months.html", {
        "form": form, "page": paginate(request, declarations)}, status=status)


# ---------------------------------------------------------------------------------------- warnings

@console_view(Perm.PUBLICITY_VIEW)
def warning_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    text = request.GET.get("period", "").strip()
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else None
    error, period = None, publicity_warnings.default_period(today)
    if text:
        try:
            period = metrics.parse_period(text)
        except ServiceError as err:
            error = err
    found = publicity_warnings.for_principal(request.user, period, kind, today=today)
    counts = [(names[0], sum(1 for w in found if w.type == t)) for t, names in publicity_warnings.TYPES.items()]
    return render(request, "console/publicity/warnings.html", {
        "warnings": found, "period": period, "period_last": period.end - dt.timedelta(days=1), "period_text": text, "kind": kind or "", "kinds": Kind.choices,
        "error": error, "counts": counts,
        "basis": publicity_warnings.rule_basis(publicity_warnings.rules_in_force(period)),
    })
