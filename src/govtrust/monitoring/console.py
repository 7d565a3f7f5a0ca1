"""The console's monitoring pages: the warnings in scope (filters: status, level, rule, body; level badges), one
warning with its trigger, evidence and the forms the user may use (the body: acknowledge, report the action; the
credit office: close), and the rules with their basis and parameters, which the credit office edits. Reads go
through `queries` (the access layer); every change through `services`.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.console.forms import ActionForm, ServiceForm, reason_field
from govtrust.console.views.base import console_view, is_htmx, paginate, run_action, submit
from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import NotFound
from govtrust.subjects.models import Organization

from . import queries, services
from .evaluators import PARAMS
from .models import Level, Warning, WarningRule, WarningStatus

FILTERS = ("status", "level", "rule", "body")
TEXT = forms.Textarea(attrs={"rows": 3})

# How the evidence keys read on the page (unknown keys show as they are).
EVIDENCE_LABELS = {
    "rule": gettext_lazy("规则代码"), "params": gettext_lazy("规则参数"), "period": gettext_lazy("监测期"),
    "record_id": gettext_lazy("信用记录编号"), "document_number": gettext_lazy("文书号"),
    "category": gettext_lazy("类别代码"), "category_name": gettext_lazy("类别"), "severity": gettext_lazy("失信程度"),
    "authority": gettext_lazy("决定机关"), "decision_date": gettext_lazy("决定日期"),
    "recorded_on": gettext_lazy("归集日期"), "lookback_days": gettext_lazy("回看天数"),
    "decided_within_days": gettext_lazy("决定日期时限（天）"), "window": gettext_lazy("监测区间"),
    "case_id": gettext_lazy("整改案件编号"), "stage": gettext_lazy("期限类别"), "due": gettext_lazy("期限"),
    "days_overdue": gettext_lazy("逾期天数"), "case_status": gettext_lazy("案件状态"), "opened_on": gettext_lazy("立案日期"),
    "min_days_overdue": gettext_lazy("逾期天数下限"), "as_of": gettext_lazy("截至"), "from": gettext_lazy("起始日期"),
    "to": gettext_lazy("截止日期"), "sample": gettext_lazy("样本（件）"), "on_time": gettext_lazy("按时公示（件）"),
    "late": gettext_lazy("超期（件）"), "rate": gettext_lazy("按时公示率"), "threshold": gettext_lazy("规则阈值"),
    "min_sample": gettext_lazy("最小样本量"), "count": gettext_lazy("本月件数"), "prior_total": gettext_lazy("此前合计件数"),
    "prior_from": gettext_lazy("比较区间起"), "prior_to": gettext_lazy("比较区间止"),
    "window_months": gettext_lazy("比较月数"), "mean": gettext_lazy("此前月均件数"), "factor": gettext_lazy("规则倍数"),
    "min_count": gettext_lazy("最小件数"), "commitment_id": gettext_lazy("承诺编号"), "title": gettext_lazy("承诺事项"),
    "subject_name": gettext_lazy("承诺主体"), "kind": gettext_lazy("承诺类型"), "due_date": gettext_lazy("履行期限"),
    "concluded_on": gettext_lazy("认定日期"), "judgment_id": gettext_lazy("判决登记编号"),
    "case_number": gettext_lazy("案号"), "court": gettext_lazy("作出法院"), "effective_on": gettext_lazy("生效日期"),
    "due_on": gettext_lazy("履行期限"), "system": gettext_lazy("指标体系"), "run_id": gettext_lazy("评价编号"),
    "score": gettext_lazy("本期得分"), "grade": gettext_lazy("本期等次"), "previous_run_id": gettext_lazy("上期评价编号"),
    "previous_period": gettext_lazy("上期"), "previous_score": gettext_lazy("上期得分"), "drop": gettext_lazy("下降分值"),
}


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "—" if value in (None, "") else str(value)


def evidence_rows(w: Warning) -> list[tuple[Any, str, str]]:
    return [(EVIDENCE_LABELS.get(k, k), k, _shown(v)) for k, v in (w.evidence or {}).items()]


@console_view(Perm.WARNINGS_VIEW)
def warning_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    params = {name: request.GET.get(name, "").strip() for name in FILTERS}
    body = int(params["body"]) if params["body"].isdigit() else None
    qs = queries.filter_warnings(user, queries.Filters(params["status"], params["level"], params["rule"], body))
    context = {
        "page": paginate(request, qs), "params": params, "levels": Level.choices,
        "statuses": [("open", _("未处置（待签收和已签收）")), *WarningStatus.choices],
        "rules": WarningRule.objects.order_by("ordering", "code").only("code", "name"),
        "bodies": access.restrict(user, Organization.objects.filter(
            pk__in=queries.visible(user).values("body_id")).order_by("path")).only("pk", "name"),
        "counts": queries.open_counts(user),
    }
    template = "console/monitoring/_results.html" if is_htmx(request) else "console/monitoring/list.html"
    return render(request, template, context)


# ------------------------------------------------------------------------------------------------ forms

class AcknowledgeForm(ActionForm):
    prefix_id = "acknowledge"
    note = forms.CharField(label=gettext_lazy("签收说明（可不填）"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ActionForm(ActionForm):
    prefix_id = "action"
    action_report = forms.CharField(label=gettext_lazy("处置情况（必填）"), required=False, widget=TEXT,
                                    help_text=gettext_lazy("说明核查情况和已采取或将采取的措施"))


class CloseForm(ActionForm):
    prefix_id = "close"
    reason = forms.CharField(label=gettext_lazy("关闭理由（必填）"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


ACTIONS: dict[str, type[ServiceForm]] = {"acknowledge": AcknowledgeForm, "action": ActionForm, "close": CloseForm}
TITLES = {"acknowledge": gettext_lazy("签收预警"), "action": gettext_lazy("报告处置情况"),
          "close": gettext_lazy("关闭预警")}
DONE = {"acknowledge": gettext_lazy("已签收预警。"), "action": gettext_lazy("已报告处置情况。"),
        "close": gettext_lazy("已关闭预警。")}


def _forms(user: Any, w: Warning) -> dict[str, ServiceForm]:
    out: dict[str, ServiceForm] = {}
    if access.can(user, Perm.WARNINGS_RESPOND) and access.in_scope(user, w):
        if w.status == WarningStatus.OPEN:
            out["acknowledge"] = AcknowledgeForm()
        if w.status in (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED):
            out["action"] = ActionForm()
    if access.can(user, Perm.EVALUATION_MANAGE) and w.status != WarningStatus.CLOSED:
        out["close"] = CloseForm()
    return out


def _detail(request: HttpRequest, w: Warning, bound: tuple[str, ServiceForm] | None = None,
            status: int = 200) -> HttpResponse:
    action_forms = _forms(request.user, w)
    if bound:
        action_forms[bound[0]] = bound[1]
    return render(request, "console/monitoring/detail.html", {
        "w": w, "evidence": evidence_rows(w),
        "forms": [(action, TITLES[action], form) for action, form in action_forms.items()],
    }, status=status)


@console_view(Perm.WARNINGS_VIEW)
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, queries.get(request.user, pk))


def _act(user: Any, w: Warning, action: str, data: dict[str, Any]) -> Warning:
    if action == "acknowledge":
        return services.acknowledge(user, w, data["note"])
    if action == "action":
        return services.report_action(user, w, data["action_report"])
    return services.close(user, w, data["reason"])


@console_view(Perm.WARNINGS_VIEW)
def warning_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    return run_action(request, queries.get(request.user, pk), action, forms=ACTIONS, act=_act, done=DONE,
                      detail=_detail, url_name="console:warning")


# ------------------------------------------------------------------------------------------------ rules

def _param_rows(rule: WarningRule) -> list[tuple[str, str, Any]]:
    return [(name, spec.label, (rule.params or {}).get(name, "—")) for name, spec in PARAMS[rule.kind].items()]


@console_view(Perm.WARNINGS_VIEW)
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = list(access.restrict(request.user, WarningRule.objects.order_by("ordering", "code"), Perm.WARNINGS_VIEW))
    return render(request, "console/monitoring/rules.html", {
        "rules": [(r, _param_rows(r)) for r in rules], "can_edit": access.can(request.user, Perm.EVALUATION_MANAGE)})


class RuleForm(ServiceForm):
    def __init__(self, rule: WarningRule, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"] = forms.ChoiceField(label=gettext_lazy("预警级别"), choices=Level.choices,
                                                 initial=rule.level)
        self.fields["active"] = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=rule.active)
        for name, spec in PARAMS[rule.kind].items():
            self.fields[f"params.{name}"] = forms.CharField(label=f"{spec.label}（{name}）", required=False,
                                                            initial=(rule.params or {}).get(name, ""))
        self.fields["reason"] = reason_field(gettext_lazy("修改理由"))

    def service_errors_for(self, name: str) -> list[Any]:
        if not self.service_error:
            return []
        return [e for e in self.service_error.errors if e.field == name]

    @property
    def unplaced_service_errors(self) -> list[Any]:
        if not self.service_error:
            return []
        return [e for e in self.service_error.errors if e.field not in self.fields]


@console_view(Perm.EVALUATION_MANAGE)
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = WarningRule.objects.filter(pk=pk).first()
    if rule is None:
        raise NotFound("预警规则", "Warning rule")
    form = RuleForm(rule, request.POST or None)

    def save(data: dict[str, Any]) -> WarningRule:
        params = {k.split(".", 1)[1]: v for k, v in data.items() if k.startswith("params.")}
        return services.update_rule(request.user, rule, reason=data["reason"], level=data["level"], params=params,
                                    active=data["active"])

    saved, status = submit(request, form, save)
    if saved:
        messages.success(request, _("已保存预警规则“%(name)s”。") % {"name": saved.name})
        return redirect("console:warning_rules")
    return render(request, "console/monitoring/rule_edit.html", {"rule": rule, "form": form}, status=status)
