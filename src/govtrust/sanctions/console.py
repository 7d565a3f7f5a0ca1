"""The console's joint incentives and sanctions pages (守信激励与失信惩戒).

- 奖惩措施清单: every measure (drafts and withdrawn ones too) with its trigger in words and its versions;
  the credit office creates drafts, edits, publishes and withdraws them through `catalog` (each a version).
- 信用比对: one party in one scene (`services.check`), or a file of parties (`services.check_batch`); the
  answer is shown from the stored check, so what the page shows is exactly what was answered and logged.
- 比对记录: the checks in the user's scope, one check with its feedback (实施反馈) and, for a name check,
  the "不是同一主体" judgement per candidate.
- 实施反馈统计: hits and feedback per measure and scene (`figures.feedback_figures`).

Reads go through the access layer; every change through the services, whose refusals are shown next to the
field they name (the batch file's errors name the spreadsheet row, not the service's list index).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.console.forms import ServiceForm, reason_field
from govtrust.console.views.base import (
    console_view,
    edit_versioned,
    is_htmx,
    no_store,
    paginate,
    run_action,
    submit,
)
from govtrust.console.views.records import diff
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import FieldError, ServiceError, invalid
from govtrust.core.identifiers import normalize_name
from govtrust.intake import tabular

from . import catalog, figures, services
from .display import (
    answer_view,
    measure_view,
    measure_views,
    readable_content,
    scene_names,
    subject_kind_choices,
)
from .models import (
    Check,
    CheckBatch,
    Decision,
    Effect,
    MatchJudgement,
    Measure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    PartyKind,
    Scene,
)

TEXT = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"})
TRIGGER_HELP = gettext_lazy(
    "JSON 对象：match（any 有记录时适用 / none 无记录时适用 / always 总是适用）、polarity（negative 等）、"
    "categories（信用信息类别代码列表）、min_severity（minor/general/serious）、min_count、within_months、"
    "lists（名单代码列表），如 {\"match\": \"any\", \"polarity\": \"negative\", \"min_severity\": \"general\"}。")
PARTY_COLUMNS = {"统一社会信用代码": "uscc", "公民身份号码": "resident_id", "名称": "name"}
COLUMN_OF = {key: header for header, key in PARTY_COLUMNS.items()}
COLUMN_EN = {"uscc": "USCC", "resident_id": "resident ID", "name": "name"}


def renamed(err: ServiceError, rename: Callable[[FieldError], FieldError]) -> ServiceError:
    """The same refusal with its field errors re-addressed to the form the user filled in."""
    return ServiceError(err.code, err.message, err.message_en, errors=[rename(e) for e in err.errors],
                        status=err.status)


# ------------------------------------------------------------------------------------------- measures

def _visible_measure(user: Any, pk: int) -> Measure:
    return access.get_visible(user, Measure.objects.all(), Perm.CHECKS_VIEW, pk=pk)


class MeasureForm(ServiceForm):
    # Text fields are not required here: catalog.check_measure says what is missing, in both languages.
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100, required=False)
    name_en = forms.CharField(label=gettext_lazy("英文名称"), max_length=160, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=MeasureKind.choices)
    effect = forms.ChoiceField(label=gettext_lazy("比对效果"), choices=Effect.choices,
                               help_text=gettext_lazy("惩戒措施为拦截、提示限制或告知；激励措施为优先或告知"))
    subject_kinds = forms.MultipleChoiceField(label=gettext_lazy("适用主体"), choices=subject_kind_choices,
                                              widget=forms.CheckboxSelectMultiple, required=False)
    scenes = forms.MultipleChoiceField(label=gettext_lazy("适用场景"), widget=forms.CheckboxSelectMultiple,
                                       required=False)
    trigger = forms.CharField(label=gettext_lazy("触发条件"), help_text=TRIGGER_HELP, required=False,
                              widget=forms.Textarea(attrs={"rows": 6, "class": "mono"}))
    legal_basis = forms.CharField(label=gettext_lazy("依据"), required=False, widget=TEXT)
    implementing_organization = forms.CharField(label=gettext_lazy("实施单位"), max_length=128, required=False)
    note = forms.CharField(label=gettext_lazy("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    ordering = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=32767, initial=0)
    reason = reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenes"].choices = list(Scene.objects.values_list("code", "name"))

    def clean_trigger(self) -> Any:
        text = (self.cleaned_data.get("trigger") or "").strip()
        if not text:
            return {}
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise forms.ValidationError(
                _("不是有效的 JSON：第%(line)s行第%(col)s列（%(msg)s）") % {"line": err.lineno, "col": err.colno,
                                                                      "msg": err.msg}) from None


class MeasureCreateForm(MeasureForm):
    code = forms.CharField(label=gettext_lazy("代码"), max_length=40, required=False,
                           help_text=gettext_lazy("英文字母、数字、连字符和下划线，如 S-GOV-HONOURS，创建后不能修改"))
    field_order = ["code"]


def _initial(measure: Measure) -> dict[str, Any]:
    return catalog.content_of(measure) | {"trigger": json.dumps(measure.trigger, ensure_ascii=False, indent=2)}


@console_view(Perm.CHECKS_VIEW)
def measure_list(request: HttpRequest) -> HttpResponse:
    measures = access.restrict(request.user, Measure.objects.all(), Perm.CHECKS_VIEW)
    return render(request, "sanctions/console/measure_list.html", {
        "measures": measure_views(measures), "can_change": access.can(request.user, Perm.MEASURES_CHANGE)})


class StatusForm(ServiceForm):
    reason = reason_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "status_%s")
        super().__init__(*args, **kwargs)


STATUS_ACTIONS = {"publish": MeasureStatus.PUBLISHED, "withdraw": MeasureStatus.WITHDRAWN}
STATUS_DONE = {"publish": gettext_lazy("已发布，自即刻起在比对中适用。"),
               "withdraw": gettext_lazy("已停用，自即刻起不再在比对中适用。")}


def _versions(measure: Measure) -> list[dict[str, Any]]:
    """Each version with what it changed from the one before, newest first."""
    labels = {f.name: str(f.verbose_name) for f in Measure._meta.get_fields() if hasattr(f, "verbose_name")}
    scenes = scene_names()
    out: list[dict[str, Any]] = []
    previous = None
    for version in measure.versions.order_by("number"):
        content = readable_content(version.content, scenes)
        out.append({"version": version, "changes": diff(previous, content, labels)})
        previous = content
    return list(reversed(out))


def _measure_detail(request: HttpRequest, measure: Measure, bound: tuple[str, ServiceForm] | None = None,
                    status: int = 200) -> HttpResponse:
    can_change = access.can(request.user, Perm.MEASURES_CHANGE)
    action_forms: dict[str, ServiceForm] = {}
    if can_change:
        action = "withdraw" if measure.status == MeasureStatus.PUBLISHED else "publish"
        action_forms[action] = StatusForm()
    if bound:
        action_forms = {bound[0]: bound[1]}
    return render(request, "sanctions/console/measure_detail.html", {
        **measure_view(measure, scene_names()), "versions": _versions(measure), "can_change": can_change,
        "forms": action_forms,
    }, status=status)


@console_view(Perm.CHECKS_VIEW)
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _measure_detail(request, _visible_measure(request.user, pk))


def _set_status(user: Any, measure: Measure, action: str, data: dict[str, Any]) -> Measure:
    return catalog.update_measure(user, measure, reason=data["reason"], status=STATUS_ACTIONS[action])


@console_view(Perm.MEASURES_CHANGE)
def measure_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return run_action(request, _visible_measure(request.user, pk), action,
                      forms=dict.fromkeys(STATUS_ACTIONS, StatusForm), act=_set_status, done=STATUS_DONE,
                      detail=_measure_detail, url_name="console:measure")


@console_view(Perm.MEASURES_CHANGE)
def measure_create(request: HttpRequest) -> HttpResponse:
    form = MeasureCreateForm(request.POST or None, initial={
        "kind": MeasureKind.SANCTION, "effect": Effect.WARN, "trigger": '{"match": "any", "polarity": "negative"}'})
    created, status = submit(request, form, lambda data: catalog.create_measure(request.user, **data))
    if created:
        messages.success(request, _("已新增措施“%(name)s”（草稿，发布后方在比对中适用）。") % {"name": created.name})
        return redirect("console:measure", pk=created.pk)
    return render(request, "sanctions/console/measure_form.html", {"form": form, "measure": None}, status=status)


@console_view(Perm.MEASURES_CHANGE)
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _visible_measure(request.user, pk)
    form = MeasureForm(request.POST or None, initial=_initial(measure))
    return edit_versioned(request, measure, form, catalog.update_measure,
                          template="sanctions/console/measure_form.html", context={"measure": measure},
                          url_name="console:measure")


# ------------------------------------------------------------------------------------------- checks

def _scene_choices(user: Any) -> list[tuple[str, str]]:
    """The scenes the user may ask in: a form never offers a scene the service would refuse."""
    return [(s.code, s.name) for s in Scene.objects.filter(active=True) if access.may_check_scene(user, s)]


class CheckForm(ServiceForm):
    party_kind = forms.ChoiceField(label=gettext_lazy("主体标识"), choices=PartyKind.choices,
                                   initial=PartyKind.USCC, widget=forms.RadioSelect)
    party = forms.CharField(label=gettext_lazy("统一社会信用代码、公民身份号码或名称"), max_length=128, required=False,
                            help_text=gettext_lazy("仅凭名称不能确定主体：只列出候选，不作拦截"))
    scene = forms.ChoiceField(label=gettext_lazy("应用场景"))
    reference = forms.CharField(label=gettext_lazy("业务编号"), max_length=100, required=False,
                                help_text=gettext_lazy("如招标项目编号，可不填"))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scene"].choices = _scene_choices(user)


class BatchForm(ServiceForm):
    file = forms.FileField(label=gettext_lazy("主体名单文件（CSV 或 Excel）"), help_text=gettext_lazy(
        "第一行为表头，列名为“统一社会信用代码”“公民身份号码”“名称”（每行填写其一即可，最多10000行）；"
        "有任何一行错误时整批不作比对"))
    scene = forms.ChoiceField(label=gettext_lazy("应用场景"))
    reference = forms.CharField(label=gettext_lazy("业务编号"), max_length=100, required=False)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "batch_%s")
        super().__init__(*args, **kwargs)
        self.fields["scene"].choices = _scene_choices(user)


def _check(user: Any, data: dict[str, Any]) -> Any:
    """The stored check (the page shows it again from the log, by its id)."""
    party = {data["party_kind"]: data["party"]}
    return services.check(user, party=party, scene=data["scene"], reference=data["reference"])


@console_view(Perm.CHECKS_RUN)
def check_form(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.user, request.POST or None)
    done, status = submit(request, form, lambda data: _check(request.user, data))
    if done:
        return redirect("console:check", pk=done.pk)
    # The form may hold a full resident ID as typed: never cached.
    return no_store(render(request, "sanctions/console/check_form.html", {
        "form": form, "batch_form": BatchForm(request.user)}, status=status))


def parties_from_file(upload: Any) -> tuple[list[dict[str, str]], list[int]]:
    """(the parties, each one's row number in the file) from a 统一社会信用代码 / 公民身份号码 / 名称 table."""
    tabular.check_size(upload.size)
    table = tabular.read_table(upload.read(), upload.name)
    columns = {i: PARTY_COLUMNS[h] for i, h in enumerate(table.headers) if h in PARTY_COLUMNS}
    if not columns:
        raise invalid([FieldError("file", "表头须有“统一社会信用代码”“公民身份号码”或“名称”列",
                                  "the header must have a 统一社会信用代码, 公民身份号码 or 名称 column",
                                  row=table.header_row)])
    parties, rows, errors = [], [], []
    for row in table.rows:
        for i in row.lossy & set(columns):
            errors.append(FieldError("file", f"{COLUMN_OF[columns[i]]}：Excel已按数字保存该号码，末位已丢失，"
                                             "请将该列设为文本后重新填写",
                                     f"{COLUMN_EN[columns[i]]}: Excel stored the number as a number and lost "
                                     "its last digits; format the column as text and enter it again", row=row.number))
        parties.append({key: row.cells[i] for i, key in columns.items() if i < len(row.cells) and row.cells[i]})
        rows.append(row.number)
    if errors:
        raise invalid(errors, "批量比对有误，未作比对", "the batch has errors; nothing was checked")
    return parties, rows


def _in_file(err: ServiceError, rows: list[int]) -> ServiceError:
    """check_batch names an item by its index ("parties[3].uscc"); the user needs the file's row and column."""

    def rename(e: FieldError) -> FieldError:
        found = re.fullmatch(r"parties\[(\d+)\](?:\.(\w+))?", e.field)
        if found is None:
            return FieldError("file", e.message, e.message_en, e.row)
        column = found[2]
        prefix, prefix_en = (f"{COLUMN_OF[column]}：", f"{COLUMN_EN[column]}: ") if column in COLUMN_OF else ("", "")
        # "与第0项重复" / "duplicates item 0" name the first item by index too: by its row in the file instead.
        message = re.sub(r"与第(\d+)项重复", lambda m: f"与第{rows[int(m[1])]}行重复", e.message)
        message_en = re.sub(r"duplicates item (\d+)", lambda m: f"duplicates row {rows[int(m[1])]}", e.message_en)
        return FieldError("file", prefix + message, prefix_en + message_en, rows[int(found[1])])

    return renamed(err, rename)


def _batch(user: Any, data: dict[str, Any]) -> CheckBatch:
    parties, rows = parties_from_file(data["file"])
    try:
        batch, _checks = services.check_batch(user, parties=parties, scene=data["scene"],
                                              reference=data["reference"])
    except ServiceError as err:
        raise _in_file(err, rows) from None
    return batch


@console_view(Perm.CHECKS_RUN)
def batch_upload(request: HttpRequest) -> HttpResponse:
    form = BatchForm(request.user, request.POST or None, request.FILES or None)
    batch, status = submit(request, form, lambda data: _batch(request.user, data))
    if batch:
        messages.success(request, _("已完成批量比对：%(size)s个主体。") % {"size": batch.size})
        return redirect("console:check_batch", pk=batch.pk)
    return no_store(render(request, "sanctions/console/check_form.html", {
        "form": CheckForm(request.user), "batch_form": form}, status=status))


# ------------------------------------------------------------------------------------------- check log

class Period(forms.Form):
    """A date range in a GET query; an invalid value is ignored, never an error page."""

    start = forms.DateField(label=gettext_lazy("自"), required=False, widget=DATE)
    end = forms.DateField(label=gettext_lazy("至"), required=False, widget=DATE)

    def values(self) -> dict[str, Any]:
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}


class LogFilters(Period):
    scene = forms.ChoiceField(label=gettext_lazy("场景"), required=False)
    decision = forms.ChoiceField(label=gettext_lazy("结论"), required=False,
                                 choices=[("", gettext_lazy("全部")), *Decision.choices])
    batch = forms.IntegerField(required=False, widget=forms.HiddenInput)
    field_order = ["scene", "decision", "start", "end"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scene"].choices = [("", _("全部")), *Scene.objects.values_list("code", "name")]


@console_view(Perm.CHECKS_VIEW)
def check_list(request: HttpRequest) -> HttpResponse:
    filters = LogFilters(request.GET)
    values = filters.values()
    qs = access.restrict(request.user, Check.objects.select_related("organization"), Perm.CHECKS_VIEW)
    for name in ("scene", "decision"):
        if values.get(name):
            qs = qs.filter(**{name: values[name]})
    if values.get("batch"):
        qs = qs.filter(batch_id=values["batch"])
    if values.get("start"):
        qs = qs.filter(asked_at__date__gte=values["start"])
    if values.get("end"):
        qs = qs.filter(asked_at__date__lte=values["end"])
    page, scenes = paginate(request, qs), scene_names()
    for c in page:
        c.scene_name = scenes.get(c.scene, c.scene)
    context = {"page": page, "filters": filters, "batch": values.get("batch")}
    template = "sanctions/console/_check_results.html" if is_htmx(request) else "sanctions/console/check_list.html"
    return render(request, template, context)


def _visible_check(user: Any, pk: int) -> Check:
    return access.get_visible(user, Check.objects.select_related("organization", "batch"), Perm.CHECKS_VIEW, pk=pk)


class FeedbackForm(ServiceForm):
    # A select, but not a ChoiceField: the service says which measures this check applied.
    measure = forms.CharField(label=gettext_lazy("措施"), required=False, widget=forms.Select())
    outcome = forms.ChoiceField(label=gettext_lazy("实施情况"), choices=Outcome.choices, widget=forms.RadioSelect)
    # Every change made in the console needs a reason (core.audit); the service says so at this field.
    reason = forms.CharField(label=gettext_lazy("原因或说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("未实施时说明原因；将记入审计日志"))

    def __init__(self, *args: Any, measures: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "feedback_%s")
        super().__init__(*args, **kwargs)
        self.offer(measures or [])

    def offer(self, measures: list[dict[str, Any]]) -> None:
        """The measures the check applied, to choose from (run_action builds the posted form without them)."""
        self.fields["measure"].widget.choices = [("", _("整次比对")), *((m["code"], m["name"]) for m in measures)]


class NotPartyForm(ServiceForm):
    candidate_key = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("判断理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("如：统一社会信用代码不同、所在地不同；以后按此名称比对时不再列出该候选"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key = self.data.get("candidate_key") or self.initial.get("candidate_key", "")
        self.auto_id = "not_party_" + re.sub(r"\W", "_", key) + "_%s"  # one form per candidate on the page

    @property
    def key(self) -> str:
        return self.data.get("candidate_key") or self.initial.get("candidate_key", "")


def _check_forms(user: Any, check_obj: Check, answer: dict[str, Any],
                 bound: tuple[str, ServiceForm] | None) -> tuple[ServiceForm | None, dict[str, ServiceForm]]:
    """The feedback form, and a judgement form per candidate not yet judged (for those who may ask checks)."""
    if not access.can(user, Perm.CHECKS_RUN):
        return None, {}
    feedback: ServiceForm = FeedbackForm(measures=answer["measures"])
    judged: set[str] = set()
    if check_obj.party_kind == PartyKind.NAME:
        judged = set(MatchJudgement.objects.filter(
            name_normalized=normalize_name(answer["party"]["name"]),
            candidate_key__in=[c["key"] for c in answer["candidates"]]).values_list("candidate_key", flat=True))
    judgement = {c["key"]: NotPartyForm(initial={"candidate_key": c["key"]}) for c in answer["candidates"]
                 if c["key"] not in judged and c["key"][:2] in ("o:", "u:")}
    if bound and isinstance(bound[1], FeedbackForm):
        feedback = bound[1]
        feedback.offer(answer["measures"])
    elif bound and isinstance(bound[1], NotPartyForm) and bound[1].key in judgement:
        judgement[bound[1].key] = bound[1]
    return feedback, judgement


def _check_detail(request: HttpRequest, check_obj: Check, bound: tuple[str, ServiceForm] | None = None,
                  status: int = 200) -> HttpResponse:
    answer = answer_view(check_obj.answer)
    feedback_form, judgement_forms = _check_forms(request.user, check_obj, answer, bound)
    candidates = [{**c, "form": judgement_forms.get(c["key"])} for c in answer["candidates"]]
    return render(request, "sanctions/console/check_detail.html", {
        "c": check_obj, "answer": answer, "candidates": candidates, "feedback": check_obj.feedback.all(),
        "feedback_form": feedback_form, "record_links": access.can(request.user, Perm.LEDGER_VIEW),
        "scene_name": scene_names().get(check_obj.scene, check_obj.scene),
    }, status=status)


@console_view(Perm.CHECKS_VIEW)
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _check_detail(request, _visible_check(request.user, pk))


def _check_act(user: Any, check_obj: Check, action: str, data: dict[str, Any]) -> Any:
    if action == "feedback":
        item = {"measure": data["measure"], "outcome": data["outcome"], "reason": data["reason"]}
        try:
            return services.report_feedback(user, check_obj, [item])
        except ServiceError as err:  # one item per form: "items[0].reason" is the form's "reason"
            raise renamed(err, lambda e: FieldError(re.sub(r"^items\[0\]\.", "", e.field), e.message,
                                                    e.message_en)) from None
    if check_obj.party_kind != PartyKind.NAME:
        raise invalid([FieldError("candidate_key", "只有按名称比对才有候选主体", "only a name check has candidates")])
    return services.judge_not_party(user, name=check_obj.answer["party"]["name"],
                                    candidate_key=data["candidate_key"], reason=data["reason"], check_obj=check_obj)


CHECK_ACTIONS = {"feedback": FeedbackForm, "not_party": NotPartyForm}
CHECK_DONE = {"feedback": gettext_lazy("已记录实施反馈。"),
              "not_party": gettext_lazy("已记录“不是同一主体”：以后按此名称比对时不再列出该候选。")}


@console_view(Perm.CHECKS_RUN)
def check_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return run_action(request, _visible_check(request.user, pk), action, forms=CHECK_ACTIONS, act=_check_act,
                      done=CHECK_DONE,
                      detail=_check_detail, url_name="console:check")


@console_view(Perm.CHECKS_VIEW)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.get_visible(request.user, CheckBatch.objects.all(), Perm.CHECKS_VIEW, pk=pk)
    decisions = dict(Decision.choices)
    return render(request, "sanctions/console/batch_detail.html", {
        "batch": batch, "page": paginate(request, batch.checks.order_by("position"), per_page=100),
        "scene_name": scene_names().get(batch.scene, batch.scene),
        "decisions": [(decisions.get(d, d), d, n) for d, n in sorted(batch.decisions.items())],
    })


# ------------------------------------------------------------------------------------------- figures

@console_view(Perm.CHECKS_VIEW)
def figure_table(request: HttpRequest) -> HttpResponse:
    filters = Period(request.GET)
    values = filters.values()
    rows = figures.feedback_figures(request.user, values.get("start"), values.get("end"))
    return render(request, "sanctions/console/figures.html", {
        "rows": rows, "filters": filters,
        "chart": {"name": _("适用次数"), "labels": [f"{r['measure_name']}·{r['scene_name']}" for r in rows],
                  "values": [r["hits"] for r in rows]},
        "applied_chart": {"name": _("已实施"), "labels": [f"{r['measure_name']}·{r['scene_name']}" for r in rows],
                          "values": [r["applied"] for r in rows]},
    })
