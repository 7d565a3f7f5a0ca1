"""Monitoring and early warning (监测预警).

`WarningRule` is catalog data (data/rules.json, loaded by a data migration) with its basis: which evaluator it
runs (`kind`), its level (红色 / 橙色 / 黄色预警), and its thresholds and windows (`params`) — code never holds a
threshold. The credit office edits level, params and the active flag (audited); a rule acts from `in_force_from`.

A `Warning` says that one rule was triggered for one body (subjects.Organization): the evidence that triggered it
(counts, the rule's threshold, the period, ids and document numbers), a neutral summary, and when. It is a
signal to look, never a finding: the body acknowledges it and reports what it did; the credit office may close
it. `key` identifies what triggered it ("record:123", "case:45:2026-10-12", "body:7:2026-09", "run:3:body:7"),
unique per rule, so a rescan never duplicates a warning.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    RED = "red", _("红色预警")
    ORANGE = "orange", _("橙色预警")
    YELLOW = "yellow", _("黄色预警")


LEVEL_ORDER = {Level.RED: 0, Level.ORANGE: 1, Level.YELLOW: 2}


class RuleKind(models.TextChoices):
    NEW_SERIOUS_BREACH = "new_serious_breach", _("新增严重失信记录")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("整改逾期")
    PUBLICITY_ON_TIME_LOW = "publicity_on_time_low", _("双公示按时公示率低于阈值")
    COMPLAINTS_SURGE = "complaints_surge", _("投诉举报量异常增长")
    COMMITMENT_BREACHED = "commitment_breached", _("信用承诺未履行")
    JUDGMENT_UNPERFORMED = "judgment_unperformed", _("生效判决逾期未履行")
    SCORE_DROP = "score_drop", _("评价得分大幅下降")


class WarningRule(models.Model):
    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    name_en = models.CharField(_("英文名称"), max_length=128)
    kind = models.CharField(_("监测类型"), max_length=32, choices=RuleKind.choices)
    level = models.CharField(_("预警级别"), max_length=8, choices=Level.choices)
    params = models.JSONField(_("参数"), default=dict)
    basis = models.TextField(_("依据"))
    active = models.BooleanField(_("启用"), default=True)
    in_force_from = models.DateField(_("施行日期"))
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)
    updated_by = models.CharField(_("修改人"), max_length=128, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")

    scope_global = True  # published reference data, like the catalog

    def __str__(self) -> str:
        return self.name


class WarningStatus(models.TextChoices):
    OPEN = "open", _("待签收")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    ACTIONED = "actioned", _("已报告处置情况")
    CLOSED = "closed", _("已关闭")


OPEN_STATUSES = (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED)  # still waiting for the body's action report


class Warning(models.Model):  # the domain's name (预警); the builtin is never needed in this app
    rule = models.ForeignKey(WarningRule, verbose_name=_("预警规则"), on_delete=models.PROTECT, related_name="warnings")
    body = models.ForeignKey("subjects.Organization", verbose_name=_("预警单位"), on_delete=models.PROTECT,
                             related_name="warnings")
    level = models.CharField(_("预警级别"), max_length=8, choices=Level.choices)  # the rule's, when triggered
    key = models.CharField(_("触发键"), max_length=80)
    evidence = models.JSONField(_("触发依据"), default=dict)
    summary = models.TextField(_("触发情况"))
    period = models.CharField(_("监测期"), max_length=16, blank=True)  # 2026-09, 2026Q3 … when the rule has one
    triggered_on = models.DateField(_("触发日期"))  # the scan's `today`
    triggered_at = models.DateTimeField(_("触发时间"))
    status = models.CharField(_("状态"), max_length=16, choices=WarningStatus.choices, default=WarningStatus.OPEN)
    acknowledged_by = models.CharField(_("签收人"), max_length=128, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledge_note = models.TextField(pgettext_lazy("warning", "签收说明"), blank=True)
    action_report = models.TextField(_("处置情况"), blank=True)
    reported_by = models.CharField(_("报告人"), max_length=128, blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    closed_by = models.CharField(_("关闭人"), max_length=128, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    close_reason = models.TextField(_("关闭理由"), blank=True)

    class Meta:
        ordering = ["-triggered_at", "-id"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="warning_rule_key")]
        indexes = [models.Index(fields=["body", "status"], name="warning_body_status"),
                   models.Index(fields=["status", "level"], name="warning_status_level")]

    scope_region_field = "body__region__path"
    scope_org_field = "body__path"

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.key}"
