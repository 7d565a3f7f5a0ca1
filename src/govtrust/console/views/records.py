"""Credit records (信用记录): list with live search and filters, detail with the revision history, the
correction and status-change forms (through ledger.services), and what the ledger said about a subject
on a date.

Reads go through the access layer and the ledger's sharing rule (`filter_records` starts from
`queries.visible_records`, one record through `queries.get_record`), so a record out of the user's scope,
or one that has left sharing (repaired, revoked, expired) for a user without Perm.LEDGER_HISTORY, answers
404 whatever the door.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import NotFound, invalid
from govtrust.ledger import services
from govtrust.ledger.models import (
    LIVE_STATUSES,
    Category,
    CategoryVersion,
    DisclosureScope,
    Polarity,
    Record,
    RecordStatus,
    Revision,
    RevisionKind,
    Severity,
)
from govtrust.ledger.queries import RecordQuery, filter_records, get_record
from govtrust.ledger.schema import parse_date
from govtrust.remedies.console import record_panel
from govtrust.subjects.models import CivilServant, Organization

from ..forms import ServiceForm, reason_field
from .base import console_view, is_htmx, paginate, submit

SUBJECT_RECORDS = 10  # records shown on a subject's page before "all records"
FILTERS = ("q", "region", "organization", "category", "severity", "status", "decided_from", "decided_to", "subject",
           "batch")


# --------------------------------------------------------------------------------------------- forms

class CorrectionForm(ServiceForm):
    """The correctable content of a record; only what differs from the record is sent to the service."""

    facts = forms.CharField(label=gettext_lazy("事实"), widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.ChoiceField(label=gettext_lazy("失信程度"), required=False,
                                 choices=[("", "—"), *Severity.choices])
    authority = forms.CharField(label=gettext_lazy("决定机关"), max_length=128)
    decision_date = forms.DateField(label=gettext_lazy("决定日期"),
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    legal_basis = forms.CharField(label=gettext_lazy("依据"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    objection = forms.BooleanField(label=gettext_lazy("作为异议处理结果（异议成立，更正记录）"), required=False)
    reason = reason_field(gettext_lazy("更正理由"))

    def __init__(self, record: Record, specs: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "correct_%s")
        super().__init__(*args, **kwargs)
        self.specs = specs
        if record.category.polarity == Polarity.NEGATIVE:  # a breach record keeps a severity
            self.fields["severity"].required = True
            self.fields["severity"].choices = Severity.choices
        else:
            self.fields["severity"].choices = [("", "—")]
        for spec in specs:  # the category's own fields, as text; the service parses and checks them
            name = _data_field(spec)
            label = spec.get("label") or spec["name"]
            if spec.get("type") == "choice":
                self.fields[name] = forms.ChoiceField(label=label, required=False,
                                                      choices=[("", "—"), *[tuple(c) for c in spec.get("choices", [])]])
            else:
                self.fields[name] = forms.CharField(label=label, required=False, max_length=500)
            self.fields[name].help_text = spec.get("label_en", "")
        self.order_fields(["facts", "severity", "authority", "decision_date", "legal_basis",
                           *(_data_field(s) for s in specs), "objection", "reason"])

    def changes(self, record: Record) -> dict[str, Any]:
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        for name in ("facts", "severity", "authority", "legal_basis"):
            if data[name] != getattr(record, name):
                changes[name] = data[name]
        if data["decision_date"] != record.decision_date:
            changes["decision_date"] = data["decision_date"].isoformat()
        raw = {spec["name"]: (data.get(_data_field(spec)) or "").strip() for spec in self.specs}
        stored = {spec["name"]: _text(record.data.get(spec["name"])) for spec in self.specs}
        if raw != stored:
            changes["data"] = {k: v for k, v in raw.items() if v}
        return changes


def _data_field(spec: dict[str, Any]) -> str:
    return f"data_{spec['name']}"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


class StatusForm(ServiceForm):
    CHOICES = [
        ("dispute", gettext_lazy("提出异议（标记为异议中）")),
        ("uphold", gettext_lazy("异议不成立（维持原记录）")),
        ("repair", gettext_lazy("信用修复")),
        ("revoke", gettext_lazy("撤销")),
        ("expire", gettext_lazy("公示期满（终止公示）")),
    ]
    kind = forms.ChoiceField(label=gettext_lazy("变更类型"), choices=CHOICES)
    reason = reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "status_%s")
        super().__init__(*args, **kwargs)


class AsOfForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("查询日期"),
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


# ------------------------------------------------------------------------------------------- helpers

def _visible(user: Any, pk: int) -> Record:
    return get_record(
        user, Record.objects.select_related("category", "unit__region", "source", "batch", "regime_rule__regime",
                                            "organization", "person"),
        pk=pk)


def _statuses(user: Any) -> list[tuple[str, str]]:
    """The status filter's choices: those that left sharing only for users who still read such records."""
    if access.can(user, Perm.LEDGER_HISTORY):
        return RecordStatus.choices
    return [(value, label) for value, label in RecordStatus.choices if value in LIVE_STATUSES]


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _query(user: Any, params: dict[str, str]) -> RecordQuery:
    return RecordQuery(
        q=params["q"] or None, region=params["region"] or None, organization_id=_int(params["organization"]),
        category=params["category"] or None,
        severity=params["severity"] if params["severity"] in Severity.values else None,
        status=params["status"] if params["status"] in RecordStatus.values else None,
        decided_from=parse_date(params["decided_from"]) if params["decided_from"] else None,
        decided_to=parse_date(params["decided_to"]) if params["decided_to"] else None,
        subject_key=params["subject"] or None, batch_id=_int(params["batch"]),
    )


def subject_records(user: Any, subject_key: str) -> dict[str, Any]:
    """The "信用记录" section of a subject's page: its latest records the user may see, and the count."""
    if not access.can(user, Perm.LEDGER_VIEW):
        return {"records": None}
    records = filter_records(user, RecordQuery(subject_key=subject_key)).select_related("category", "unit")
    return {"records": records[:SUBJECT_RECORDS], "record_count": records.count(), "subject_key": subject_key,
            "as_of_form": AsOfForm(initial={"date": timezone.localdate()})}


@dataclass(frozen=True)
class Change:
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    revision: Revision
    changes: list[Change]


def _content_labels(specs: list[dict[str, Any]]) -> dict[str, str]:
    labels = {f.name: str(f.verbose_name) for f in Record._meta.get_fields() if hasattr(f, "verbose_name")}
    labels |= {f"data.{s['name']}": f"{_('专有字段')}·{s.get('label') or s['name']}" for s in specs}
    return labels


def _flat(content: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in content.items() if k != "data"}
    flat |= {f"data.{k}": v for k, v in (content.get("data") or {}).items()}
    return flat


def diff(before: dict[str, Any] | None, after: dict[str, Any], labels: dict[str, str]) -> list[Change]:
    """What changed between two snapshots (records' revision contents, or catalog versions), labelled."""
    if before is None:
        return []
    old, new = _flat(before), _flat(after)
    return [Change(labels.get(k, k), _shown(k, old.get(k)), _shown(k, new.get(k)))
            for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]


CODED = {"severity": dict(Severity.choices), "disclosure_scope": dict(DisclosureScope.choices),
         "polarity": dict(Polarity.choices)}


def _shown(key: str, value: Any) -> Any:
    """A coded value by its label (一般 rather than general); anything else as it is."""
    if key in CODED and isinstance(value, str) and value in CODED[key]:
        return str(CODED[key][value])
    return value


def _history(user: Any, record: Record, specs: list[dict[str, Any]]) -> list[HistoryEntry]:
    revisions = access.restrict(user, Revision.objects.filter(record=record).select_related("batch"),
                                Perm.LEDGER_VIEW).order_by("number")
    labels = _content_labels(specs)
    entries, previous = [], None
    for revision in revisions:
        entries.append(HistoryEntry(revision, diff(previous, revision.content, labels)))
        previous = revision.content
    return entries


def _specs(record: Record) -> list[dict[str, Any]]:
    """The category's field specs as they stood in the version the record was taken in under."""
    version = CategoryVersion.objects.filter(category=record.category, number=record.category_version).first()
    if version and isinstance(version.content.get("fields"), list):
        return version.content["fields"]
    return record.category.fields


def _data_rows(record: Record, specs: list[dict[str, Any]]) -> list[tuple[str, str, Any]]:
    """(label, English label, value) for each category field the record carries, then any unknown keys."""
    rows, known = [], set()
    for spec in specs:
        known.add(spec["name"])
        value = record.data.get(spec["name"])
        if spec.get("type") == "choice":
            value = dict((c[0], c[1]) for c in spec.get("choices", [])).get(value, value)
        rows.append((spec.get("label") or spec["name"], spec.get("label_en", ""), value))
    rows += [(name, "", value) for name, value in record.data.items() if name not in known]
    return rows


def _subject_url(record: Record) -> str | None:
    if record.organization_id:
        return reverse("console:organization", args=[record.organization_id])
    return reverse("console:civil_servant", args=[record.person_id])


def _detail(request: HttpRequest, record: Record, correction: CorrectionForm | None = None,
            status_form: StatusForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    specs = _specs(record)
    can_change = access.can(user, Perm.LEDGER_CHANGE)
    if can_change:
        current = record.category.fields  # what the service checks a correction against
        correction = correction or CorrectionForm(record, current, initial=_correction_initial(record, current))
        status_form = status_form or StatusForm()
    context = {
        "record": record, "data_rows": _data_rows(record, specs), "history": _history(user, record, specs),
        "subject_url": _subject_url(record), "can_change": can_change,
        "correction_form": correction, "status_form": status_form,
        "remedies": record_panel(user, record),  # 异议与修复: repairability, cases, filing buttons
    }
    return render(request, "console/records/detail.html", context, status=status)


def _correction_initial(record: Record, specs: list[dict[str, Any]]) -> dict[str, Any]:
    initial = {f: getattr(record, f) for f in ("facts", "severity", "authority", "decision_date", "legal_basis")}
    return initial | {_data_field(s): _text(record.data.get(s["name"])) for s in specs}


# --------------------------------------------------------------------------------------------- views

@console_view(Perm.LEDGER_VIEW)
def record_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    params = {name: request.GET.get(name, "").strip() for name in FILTERS}
    try:
        records = filter_records(user, _query(user, params))
    except NotFound:  # an organization out of reach filters down to nothing, as an unknown one would
        records = Record.objects.none()
    records = records.select_related("category", "unit").order_by("-decision_date", "-id")
    context = {
        "page": paginate(request, records), "params": params,
        "categories": access.restrict(user, Category.objects.all(), Perm.LEDGER_VIEW),
        "organizations": access.restrict(user, Organization.objects.select_related("region").order_by("path")),
        "severities": Severity.choices, "statuses": _statuses(user),
    }
    template = "console/records/_results.html" if is_htmx(request) else "console/records/list.html"
    return render(request, template, context)


@console_view(Perm.LEDGER_VIEW)
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request.user, pk))


@console_view(Perm.LEDGER_CHANGE)
def record_correct(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible(request.user, pk)
    specs = record.category.fields  # a correction is checked against the category as it now stands
    form = CorrectionForm(record, specs, request.POST or None, initial=_correction_initial(record, specs))

    def save(data: dict[str, Any]) -> Revision:
        changes = form.changes(record)
        if not changes:
            raise invalid([], "没有修改任何内容", "nothing was changed")
        return services.correct(request.user, record, reason=data["reason"], objection=data["objection"], **changes)

    revision, status = submit(request, form, save)
    if revision:
        messages.success(request, _("已更正记录（第%(number)s次修订）。") % {"number": revision.number})
        return redirect("console:record", pk=record.pk)
    return _detail(request, record, correction=form, status=status)


@console_view(Perm.LEDGER_CHANGE)
def record_change(request: HttpRequest, pk: int) -> HttpResponse:
    record = _visible(request.user, pk)
    form = StatusForm(request.POST or None)

    def save(data: dict[str, Any]) -> Revision:
        if data["kind"] == "uphold":
            return services.uphold(request.user, record, reason=data["reason"])
        return services.change_status(request.user, record, RevisionKind(data["kind"]), reason=data["reason"])

    revision, status = submit(request, form, save)
    if revision:
        messages.success(request, _("记录状态已变更为“%(status)s”（第%(number)s次修订）。") % {
            "status": revision.get_status_display(), "number": revision.number})
        return redirect("console:record", pk=record.pk)
    return _detail(request, record, status_form=form, status=status)


def _subject(user: Any, subject_key: str) -> Organization | CivilServant:
    """The organization ("o:<id>") or civil servant ("p:<id>") a subject key names, if the user may see it."""
    kind, _sep, pk = subject_key.partition(":")
    if kind == "o" and pk.isdigit():
        return access.get_visible(user, Organization.objects.all(), pk=int(pk))
    if kind == "p" and pk.isdigit():
        return access.get_visible(user, CivilServant.objects.select_related("organization"), pk=int(pk))
    raise NotFound("信用主体", "subject")


@console_view(Perm.LEDGER_VIEW)
def subject_as_of(request: HttpRequest, subject_key: str) -> HttpResponse:
    """What the ledger said about a subject at the end of a date: each record's last revision by then."""
    subject = _subject(request.user, subject_key)
    form = AsOfForm(request.GET if "date" in request.GET else None, initial={"date": timezone.localdate()})
    context: dict[str, Any] = {"subject": subject, "subject_key": subject_key, "form": form, "entries": None,
                               "is_person": isinstance(subject, CivilServant)}
    status = 200
    if form.is_bound:
        if form.is_valid():
            context["day"] = form.cleaned_data["date"]
            severities = dict(Severity.choices)
            context["entries"] = [
                {"record": a.record, "revision": a.revision, "content": a.revision.content,
                 "severity": severities.get(a.revision.content.get("severity") or "", "")}
                for a in services.ledger_as_of(request.user, subject_key, form.cleaned_data["date"])]
        else:
            status = 400
    template = "console/records/_as_of.html" if is_htmx(request) else "console/records/as_of.html"
    return render(request, template, context, status=status)
