"""Background jobs (后台任务): what a user started, how far it has got, and how it ended.

The queue itself is django-tasks' database backend (ADR 0002); a Job is the part the user sees. Its row
is written only at the start and at the end, each time in a short transaction of its own: a job that
works inside one long transaction (a bulk import) reports its progress through a small file beside the
uploads instead (jobs.progress), so that progress is visible while the transaction is still open and
SQLite's single writer is never asked to take a second write.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        REJECTED = "rejected", _("未通过")  # the service refused it: the message says why
        FAILED = "failed", _("出错")  # an unexpected error

    FINISHED = (Status.SUCCEEDED, Status.REJECTED, Status.FAILED)

    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("名称"), max_length=255)
    payload = models.JSONField(_("参数"), default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    message = models.TextField(_("结果说明"), blank=True)
    message_en = models.TextField(_("结果说明（英文）"), blank=True)
    user = models.ForeignKey("accounts.User", verbose_name=_("提交用户"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    organization = models.ForeignKey("subjects.Organization", verbose_name=_("提交单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    actor = models.CharField(_("提交者"), max_length=128)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [models.Index(fields=["status", "created_at"], name="job_status")]

    scope_region_field = "organization__region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED
