"""Core data: the audit chain and the working-day calendar schedules."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class TimeStamped(models.Model):
    """Creation and modification times for domain data (the who and why live in the audit chain)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One link of the tamper-evident audit chain. Never updated or deleted by the application.

    No foreign keys: the trail must outlive the users and objects it names.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.CharField(_("操作者"), max_length=128, db_index=True)
    actor_user_id = models.BigIntegerField(_("操作用户ID"), null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=16)
    action = models.CharField(_("操作"), max_length=40, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    request_id = models.CharField(_("请求ID"), max_length=64, blank=True, db_index=True)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain head (a single row): writers lock it to append, so the chain never forks."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class WorkCalendarYear(TimeStamped):
    """A year's official holiday schedule entered by administrators (overrides the built-in package).

    Days not listed follow the weekly rule: Monday–Friday working, Saturday and Sunday off.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    basis = models.CharField(_("依据"), max_length=255, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    revision = models.PositiveIntegerField(_("修订号"), default=1)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("工作日历年度安排")
        verbose_name_plural = _("工作日历年度安排")

    def __str__(self) -> str:
        return f"{self.year} ({self.basis})"


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    schedule = models.ForeignKey(WorkCalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=32, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("日历日")
        verbose_name_plural = _("日历日")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
