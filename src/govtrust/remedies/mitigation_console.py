"""The console's mitigation pages (从轻免罚): a civil servant's self-correction recorded with evidence, the
decision naming each measure reduced or waived (the published sanctions for civil servants whose trigger
counts the record's category: sanctions.relief.applicable_measures), its withdrawal, and the evidence files.
Every change goes through `mitigation`; refusals are shown on the form and nothing is written.
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
from govtrust.console.views.base import console_view, no_store, paginate, submit
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.ledger.models import Record
from govtrust.ledger.queries import get_record
from govtrust.sanctions.models import Measure, Relief, ReliefKind
from govtrust.sanctions.relief import applicable_measures

from . import mitigation, queries
from .console import SHORT, TEXT, MultipleFileField, _Form, _record_id, _record_visible
from .models import Correction, Mitigation, MitigationFile, MitigationStatus


class CorrectionForm(_Form):
    corrections = forms.MultipleChoiceField(label=gettext_lazy("纠错情形"), required=False,
                                            choices=Correction.choices, widget=forms.CheckboxSelectMultiple)
    facts = forms.CharField(label=gettext_lazy("纠错事实"), required=False, widget=TEXT)
    files = MultipleFileField(label=gettext_lazy("证明材料（至少1个，最多5个；pdf、jpg、png、docx、xlsx）"))


RELIEF_CHOICES = [("", gettext_lazy("不调整（照常执行）")), (ReliefKind.REDUCE, ReliefKind.REDUCE.label),
                  (ReliefKind.WAIVE, ReliefKind.WAIVE.label)]


class MitigationDecideForm(_Form):
    prefix_id = "decide"
    grant = forms.ChoiceField(label=gettext_lazy("决定"), widget=forms.RadioSelect,
                              choices=[("yes", gettext_lazy("从轻或免于惩戒")), ("no", gettext_lazy("不予从轻"))])
    decision = forms.CharField(label=gettext_lazy("决定及理由"), required=False, widget=TEXT)

    def __init__(self, measures: list[Measure], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measures = measures
        for m in measures:
            self.fields[f"relief_{m.code}"] = forms.ChoiceField(
                label=f"{m.name}（{m.code}）", required=False, choices=RELIEF_CHOICES,
                help_text=m.get_effect_display())

    def reliefs(self) -> dict[str, str]:
        return {m.code: self.cleaned_data[f"relief_{m.code}"] for m in self.measures
                if self.cleaned_data.get(f"relief_{m.code}")}


class LiftForm(_Form):
    prefix_id = "lift"
    reason = forms.CharField(label=gettext_lazy("撤销决定的理由"), required=False, widget=SHORT)


@console_view(Perm.REMEDIES_VIEW)
def mitigation_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "").strip()
    qs = queries.mitigations(request.user)
    if status in MitigationStatus.values:
        qs = qs.filter(status=status)
    page = paginate(request, qs)
    labels = dict(Correction.choices)
    page.object_list = list(page.object_list)
    for m in page.object_list:
        m.correction_labels = [labels.get(c, c) for c in m.corrections]
    return render(request, "console/remedies/mitigation_list.html", {
        "page": page, "status": status, "statuses": MitigationStatus.choices})


@console_view(Perm.MITIGATION_DECIDE)
def mitigation_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    record = get_record(user, Record.objects.select_related("category", "unit", "person"), pk=_record_id(request))
    form = CorrectionForm(request.POST or None, request.FILES or None)
    done, status = submit(request, form, lambda d: mitigation.record_correction(
        user, record.pk, corrections=d["corrections"], facts=d["facts"], files=d["files"]))
    if done:
        messages.success(request, _("已登记自我纠错情况，请作出决定。"))
        return redirect("console:mitigation", pk=done.pk)
    return render(request, "console/remedies/mitigation_form.html", {"form": form, "record": record}, status=status)


def _mitigation_detail(request: HttpRequest, m: Mitigation, bound: tuple[str, ServiceForm] | None = None,
                       status: int = 200) -> HttpResponse:
    user = request.user
    may = access.can(user, Perm.MITIGATION_DECIDE)
    forms_: list[tuple[str, Any, ServiceForm]] = []
    if may and m.status == MitigationStatus.RECORDED:
        form = bound[1] if bound and bound[0] == "decide" else MitigationDecideForm(applicable_measures(m.record))
        forms_.append(("decide", _("作出决定"), form))
    if may and m.status == MitigationStatus.GRANTED:
        form = bound[1] if bound and bound[0] == "lift" else LiftForm()
        forms_.append(("lift", _("撤销决定"), form))
    if bound and bound[0] not in {a for a, _t, _f in forms_}:
        forms_.append((bound[0], _("作出决定") if bound[0] == "decide" else _("撤销决定"), bound[1]))
    labels = dict(Correction.choices)
    names = dict(Measure.objects.filter(code__in=list(m.reliefs)).values_list("code", "name"))
    kinds = dict(ReliefKind.choices)
    return render(request, "console/remedies/mitigation_detail.html", {
        "m": m, "record": m.record, "record_visible": _record_visible(user, m.record_id),
        "corrections": [labels.get(c, c) for c in m.corrections],
        "reliefs": [(code, names.get(code, code), kinds.get(kind, kind)) for code, kind in m.reliefs.items()],
        "in_force": Relief.objects.filter(reference=m.reference).select_related("measure").order_by("id"),
        "files": m.files.order_by("uploaded_at", "id"), "forms": forms_}, status=status)


@console_view(Perm.REMEDIES_VIEW)
def mitigation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _mitigation_detail(request, queries.get_mitigation(request.user, pk))


MITIGATION_DONE = {"decide": gettext_lazy("已作出决定，比对自即刻起依此执行。"),
                   "lift": gettext_lazy("已撤销决定，相关措施恢复执行。")}


@console_view(Perm.REMEDIES_VIEW)
def mitigation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """POST decide / lift; GET file?id=<n>: one of the mitigation's evidence files."""
    user = request.user
    m = queries.get_mitigation(user, pk)
    if action == "file":
        text = request.GET.get("id", "")
        attachment = access.get_visible(user, MitigationFile.objects.filter(mitigation=m), Perm.REMEDIES_VIEW,
                                        pk=int(text) if text.isdigit() else 0)
        return no_store(FileResponse(attachment.file.open("rb"), as_attachment=True,
                                     filename=attachment.original_name))
    if action not in MITIGATION_DONE or request.method != "POST":
        return redirect("console:mitigation", pk=m.pk)
    form: ServiceForm
    if action == "decide":
        decide_form = form = MitigationDecideForm(applicable_measures(m.record), request.POST)

        def act(d: dict[str, Any]) -> Mitigation:
            grant = d["grant"] == "yes"
            return mitigation.decide(user, m, grant=grant, decision=d["decision"],
                                     reliefs=decide_form.reliefs() if grant else None)
    else:
        form = LiftForm(request.POST)

        def act(d: dict[str, Any]) -> Mitigation:
            return mitigation.lift(user, m, reason=d["reason"])

    done, status = submit(request, form, act)
    if done:
        messages.success(request, MITIGATION_DONE[action])
        return redirect("console:mitigation", pk=m.pk)
    m.refresh_from_db()
    return _mitigation_detail(request, m, (action, form), status=status)


