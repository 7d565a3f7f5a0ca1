"""Quarterly monitoring reports (季度监测报告).

A report rests on one published evaluation run of a quarter (its period, region and indicator system
version). While it is a draft its content is assembled from the run on every view (content.py); the credit
office writes its analysis (分析意见) and publishes. Publishing freezes the report: the assembled content,
the HTML and the PDF are stored with it, with the PDF's SHA-256, and never change again — later data, a
corrected run or a new template do not alter what was published.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class QuarterlyReport(models.Model):
    period = models.CharField(_("季度"), max_length=16)  # 2026Q3 (evaluation.periods)
    region = models.ForeignKey("subjects.Region", verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey("evaluation.Run", verbose_name=_("所据评价"), on_delete=models.PROTECT,
                            related_name="quarterly_reports")
    narrative = models.TextField(_("分析意见"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    created_by = models.CharField(_("创建人"), max_length=128)
    created_at = models.DateTimeField(_("创建时间"))
    published_by = models.CharField(_("发布人"), max_length=128, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # Frozen at publication (empty while a draft):
    content = models.JSONField(_("报告内容"), null=True, blank=True)
    html = models.TextField(_("报告HTML"), blank=True)
    pdf = models.BinaryField(_("报告PDF"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("PDF摘要"), max_length=64, blank=True)

    class Meta:
        ordering = ["-period", "region__code", "-id"]
        verbose_name = _("季度监测报告")
        verbose_name_plural = _("季度监测报告")
        indexes = [models.Index(fields=["status", "period"], name="quarterly_report_status")]

    scope_region_field = "region__path"

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return gettext("%(region)s%(period)s政务诚信季度监测报告") % {"region": self.region.name, "period": self.period}

    @property
    def file_name(self) -> str:
        return f"quarterly-report-{self.period}-{self.region.code}.pdf"
