"""Evaluation (考核评价): indicator systems as versioned data.

An `IndicatorSystem` version holds its whole tree (tree.py documents the content: dimensions, leaf
indicators with their data source, direction, normalization, minimum sample, missing-data rule and written
definition, the grade boundaries). A draft may be edited; publishing checks the tree and freezes the version
for good — a run names the version it used, so a published version never changes; a change is a new draft.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
