"""Intake batches (归集批次): one row per file or push that tried to enter the ledger, kept for the history.

The batch row is written in its own transaction before the data, and finished after it, so a refused or
interrupted import still appears in the batch history while none of its rows reach the ledger: the data
of a batch commits in one transaction, or not at all.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Batch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        COMMITTED = "committed", _("已入库")
        REJECTED = "rejected", _("未通过校验")
        FAILED = "failed", _("失败")

    dataset = models.CharField(_("数据集"), max_length=40)
    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    channel = models.CharField(_("渠道"), max_length=16)  # console | api | cli | job
    actor = models.CharField(_("提交者"), max_length=128)
    user = models.ForeignKey("accounts.User", verbose_name=_("提交用户"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey("subjects.Organization", verbose_name=_("提交单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    accept_valid = models.BooleanField(_("只导入正确的行"), default=False)
    reason = models.TextField(_("理由"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    revised = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变化"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝"), default=0)
    rejects_file = models.CharField(_("未导入行文件"), max_length=255, blank=True)
    message = models.TextField(_("结果说明"), blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("归集批次")
        verbose_name_plural = _("归集批次")

    scope_region_field = "organization__region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"
