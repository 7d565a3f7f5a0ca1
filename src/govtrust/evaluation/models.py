"""Evaluation (考核评价): indicator systems as versioned data.

An `IndicatorSystem` version holds its whole tree (tree.py documents the content: dimensions, leaf
indicators with their data source, direction, normalization, minimum sample, missing-data rule and written
definition, the grade boundaries). A draft may be edited; publishing checks the tree and freezes the version
for good — a run names the version it used, so a published version never changes; a change is a new draft.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SystemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class IndicatorSystem(models.Model):
    code = models.CharField(_("代码"), max_length=40)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=128)
    basis = models.TextField(_("依据"))
    content = models.JSONField(_("指标树"))
    status = models.CharField(_("状态"), max_length=10, choices=SystemStatus.choices, default=SystemStatus.DRAFT)
    note = models.TextField(_("修订说明"), blank=True)
    created_by = models.CharField(_("创建人"), max_length=128)
    created_at = models.DateTimeField(_("创建时间"))
    published_by = models.CharField(_("发布人"), max_length=128, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="indicator_system_version")]

    scope_global = True  # published reference data, like the catalog

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("待发布")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被更正")


class Run(models.Model):
    """One evaluation of a period for a set of subjects under one published indicator system version.

    What it rests on is stored with it: the version, the data cut-off, and a fingerprint of every raw input
    (runs.fingerprint): two runs with the same fingerprint have identical results. A published run never
    changes; a corrected run is a new run (`corrects`) and publishing it marks the old one superseded.
    """

    system = models.ForeignKey(IndicatorSystem, verbose_name=_("指标体系"), on_delete=models.PROTECT,
                               related_name="runs")
    period = models.CharField(_("评价期"), max_length=16)  # 2026Q3, 2026-09, 2026, 2026-09R12 (periods.parse)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))  # inclusive
    region = models.ForeignKey("subjects.Region", verbose_name=_("评价区域"), on_delete=models.PROTECT,
                               related_name="+")
    kinds = models.JSONField(_("评价对象类别"))  # Organization.Kind values; ranked per kind and region level
    cutoff = models.DateTimeField(_("数据截止时间"))
    fingerprint = models.CharField(_("输入指纹"), max_length=64)
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    corrects = models.ForeignKey("self", verbose_name=_("更正的评价"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="corrections")
    summary = models.JSONField(_("概况"), default=dict)  # per indicator coverage and distribution; sensitivity
    note = models.TextField(_("说明"), blank=True)
    created_by = models.CharField(_("创建人"), max_length=128)
    created_at = models.DateTimeField(_("创建时间"))
    published_by = models.CharField(_("发布人"), max_length=128, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = pgettext_lazy("evaluation run", "评价")
        verbose_name_plural = pgettext_lazy("evaluation run", "评价")
        indexes = [models.Index(fields=["status", "period_end"], name="run_status_period")]

    scope_region_field = "region__path"
    # The bodies of the region see its published runs (their own scores: RunScore's scope), drafts never.
    scope_covering_field = "region__path"
    scope_covering = {"status__in": (RunStatus.PUBLISHED, RunStatus.SUPERSEDED)}

    def __str__(self) -> str:
        return f"{self.period} {self.system}"

    @property
    def sensitivity_step(self) -> str:
        """The weight change of the run's sensitivity scenarios as pages show it ("20%"); runs stored before the
        step was in the summary read it off their first scenario ("+20%")."""
        summary = self.summary or {}
        scenarios = summary.get("sensitivity") or [{}]
        return str(summary.get("sensitivity_step") or scenarios[0].get("change", "").lstrip("+-"))


class RunScore(models.Model):
    """A subject's result in a run: score, grade, rank within its group — its kind at its region's level, so
    county governments are ranked with county governments, city departments with city departments (None: not
    ranked — no indicator had data, or too little of the weight) — the best and worst rank it takes when a
    dimension's weight moves by the system's sensitivity step (±20 % by default), the share of weight that had
    data, each dimension's score, and every leaf indicator's value with its raw inputs: {code: {"num": …, "den": …, "value": …, "score": … | None,
    "status": "ok" | "na_missing" | "na_sample" | "zero"}}."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="scores")
    subject = models.ForeignKey("subjects.Organization", verbose_name=_("评价对象"), on_delete=models.PROTECT,
                                related_name="evaluation_scores")
    kind = models.CharField(_("类别"), max_length=20)
    group = models.CharField(_("排名组"), max_length=40)  # kind:region level — ranks compare like with like
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True)
    grade = models.CharField(_("等次"), max_length=8, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True)
    rank_best = models.PositiveIntegerField(_("敏感性最好排名"), null=True)
    rank_worst = models.PositiveIntegerField(_("敏感性最差排名"), null=True)
    coverage = models.DecimalField(_("数据覆盖权重"), max_digits=5, decimal_places=4)
    dimensions = models.JSONField(_("一级指标得分"), default=dict)
    values = models.JSONField(_("指标值"), default=dict)

    class Meta:
        ordering = ["run", "group", "rank", "subject_id"]
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")
        constraints = [models.UniqueConstraint(fields=["run", "subject"], name="run_score_subject")]
        indexes = [models.Index(fields=["subject", "run"], name="run_score_history")]

    scope_region_field = "subject__region__path"
    scope_org_field = "subject__path"

    def __str__(self) -> str:
        return f"{self.run_id}: {self.subject_id} {self.score}"
