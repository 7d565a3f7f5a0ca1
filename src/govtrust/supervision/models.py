"""Supervision inputs (监督评价数据): what the evaluation needs about each public body that no workflow collects.

- `Proposal`: a deputies' suggestion (人大代表建议) or CPPCC proposal (政协委员提案) handled by the body (承办单位):
  received, the answer deadline, answered, the proposer's satisfaction;
- `LitigationCase`: administrative litigation (行政诉讼) with the body as defendant: the outcome, and whether the
  head of the body appeared in court (负责人出庭应诉);
- `Judgment`: an effective judgment the body must perform (生效判决履行), by a deadline;
- `Inspection`: an upper-level inspection (上级督查) of the body: date, findings, score;
- `Assessment`: a third-party assessment result (第三方评估) or the body's self-assessment (自评) for a period.

Each row is about one body (subjects.Organization) and is scoped by it. Each has a natural key (`NATURAL_KEY`):
the services upsert by it, so an identical re-import changes nothing and a changed row updates the stored one
with an audit event. Writes go through services.py; set-based figures for the evaluation are in queries.py.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalKind(models.TextChoices):
    SUGGESTION = "suggestion", _("人大代表建议")
    PROPOSAL = "proposal", _("政协委员提案")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)


class Outcome(models.TextChoices):
    WON = "won", _("胜诉")
    LOST = "lost", _("败诉")
    WITHDRAWN = "withdrawn", _("撤诉")
    OTHER = "other", _("其他")


class JudgmentStatus(models.TextChoices):
    ON_TIME = "on_time", _("按期履行")
    LATE = "late", _("逾期履行")
    PENDING = "pending", _("履行期内")
    OVERDUE = "overdue", _("逾期未履行")


class AssessmentKind(models.TextChoices):
    THIRD_PARTY = "third_party", _("第三方评估")
    SELF = "self", _("自评")


class SupervisionInput(models.Model):
    """What every supervision input shares: the body it is about (its scope), who entered it and when."""

    body = models.ForeignKey("subjects.Organization", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="+")
    created_by = models.CharField(_("登记人"), max_length=128)
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    NATURAL_KEY: tuple[str, ...] = ()
    AUDITED: tuple[str, ...] = ()  # the fields an audit event shows

    class Meta:
        abstract = True

    scope_region_field = "body__region__path"
    scope_org_field = "body__path"


class Proposal(SupervisionInput):
    """A suggestion or proposal assigned to the body to handle (承办), answered by a deadline."""

    kind = models.CharField(_("类别"), max_length=12, choices=ProposalKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.CharField(_("编号"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    received_on = models.DateField(_("交办日期"))
    due_on = models.DateField(_("答复期限"))
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)

    NATURAL_KEY = ("kind", "year", "number")
    AUDITED = ("kind", "year", "number", "title", "body", "received_on", "due_on", "answered_on", "satisfaction")

    class Meta:
        ordering = ["-year", "kind", "number"]
        verbose_name = _("建议提案办理")
        verbose_name_plural = _("建议提案办理")
        constraints = [models.UniqueConstraint(fields=["kind", "year", "number"], name="proposal_natural_key")]
        indexes = [models.Index(fields=["body", "received_on"], name="proposal_body_received")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{self.year}-{self.number}"

    @property
    def on_time(self) -> bool | None:
        """Answered by the deadline; None while unanswered."""
        return None if self.answered_on is None else self.answered_on <= self.due_on


class LitigationCase(SupervisionInput):
    """An administrative case with the body as defendant (被告); outcome and judged_on are set together."""

    case_number = models.CharField(_("案号"), max_length=64, unique=True)
    court = models.CharField(_("审理法院"), max_length=128)
    filed_on = models.DateField(_("立案日期"))
    judged_on = models.DateField(_("裁判日期"), null=True, blank=True)
    outcome = models.CharField(_("裁判结果"), max_length=10, choices=Outcome.choices, blank=True)
    head_appeared = models.BooleanField(_("负责人出庭应诉"), default=False)

    NATURAL_KEY = ("case_number",)
    AUDITED = ("case_number", "body", "court", "filed_on", "judged_on", "outcome", "head_appeared")

    class Meta:
        ordering = ["-filed_on", "case_number"]
        verbose_name = _("行政诉讼案件")
        verbose_name_plural = _("行政诉讼案件")
        indexes = [models.Index(fields=["body", "judged_on"], name="litigation_body_judged")]

    def __str__(self) -> str:
        return self.case_number


class Judgment(SupervisionInput):
    """An effective judgment the body (义务单位) must perform by `due_on`."""

    case_number = models.CharField(_("案号"), max_length=64, unique=True)
    court = models.CharField(_("作出法院"), max_length=128)
    effective_on = models.DateField(_("生效日期"))
    due_on = models.DateField(_("履行期限"))
    performed_on = models.DateField(_("履行日期"), null=True, blank=True)

    NATURAL_KEY = ("case_number",)
    AUDITED = ("case_number", "body", "court", "effective_on", "due_on", "performed_on")

    class Meta:
        ordering = ["-effective_on", "case_number"]
        verbose_name = _("生效判决履行")
        verbose_name_plural = _("生效判决履行")
        indexes = [models.Index(fields=["body", "due_on"], name="judgment_body_due")]

    def __str__(self) -> str:
        return self.case_number

    def status(self, as_of: dt.date) -> str:
        """Performed on time or late; else pending until the deadline and overdue after it (as of `as_of`)."""
        if self.performed_on is not None and self.performed_on <= as_of:
            return JudgmentStatus.ON_TIME if self.performed_on <= self.due_on else JudgmentStatus.LATE
        return JudgmentStatus.OVERDUE if self.due_on < as_of else JudgmentStatus.PENDING


class Inspection(SupervisionInput):
    """An inspection of the body by an upper-level unit (督查单位), with its findings and score."""

    inspector = models.CharField(_("督查单位"), max_length=128)
    document_number = models.CharField(_("督查文号"), max_length=64)
    inspected_on = models.DateField(_("督查日期"))
    findings = models.TextField(_("督查发现问题"), blank=True)
    score = models.DecimalField(_("督查得分"), max_digits=5, decimal_places=2, null=True, blank=True)

    NATURAL_KEY = ("inspector", "document_number")
    AUDITED = ("inspector", "document_number", "body", "inspected_on", "findings", "score")

    class Meta:
        ordering = ["-inspected_on", "inspector", "document_number"]
        verbose_name = _("上级督查")
        verbose_name_plural = _("上级督查")
        constraints = [models.UniqueConstraint(fields=["inspector", "document_number"],
                                               name="inspection_natural_key")]
        indexes = [models.Index(fields=["body", "inspected_on"], name="inspection_body_day")]

    def __str__(self) -> str:
        return f"{self.inspector} {self.document_number}"


class Assessment(SupervisionInput):
    """A score for the body over a period (2026, 2026Q3, 2026-07): by a third-party assessor or by itself (自评:
    the assessor is the body). `period_start` and `period_end` are the period's first and last days."""

    kind = models.CharField(_("类别"), max_length=12, choices=AssessmentKind.choices)
    assessor = models.CharField(_("评估机构"), max_length=128)
    method = models.CharField(_("评估方法"), max_length=200, blank=True)
    period = models.CharField(_("评估期间"), max_length=7)
    period_start = models.DateField(_("期间起"), editable=False)
    period_end = models.DateField(_("期间止"), editable=False)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)

    NATURAL_KEY = ("kind", "assessor", "body", "period")
    AUDITED = ("kind", "assessor", "method", "body", "period", "score")

    class Meta:
        ordering = ["-period_start", "kind", "assessor"]
        verbose_name = _("评估结果")
        verbose_name_plural = _("评估结果")
        constraints = [models.UniqueConstraint(fields=["kind", "assessor", "body", "period"],
                                               name="assessment_natural_key")]
        indexes = [models.Index(fields=["body", "period_start"], name="assessment_body_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period} {self.assessor}"
