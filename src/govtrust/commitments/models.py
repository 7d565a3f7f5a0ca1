"""Commitments (信用承诺) by government bodies and civil servants, and their keeping (践诺).

`CommitmentKind` is catalog data (data/kinds.json, loaded by a data migration) with its legal basis: who may
make a commitment of the kind, what evidence fulfils it, whether it is public by default, whether a change
by law needs a compensation note (investment promotion), and the phrases that flag a change or breach
(政府换届, 责任人更替: the seeds forbid breaking promises for those reasons).

A `Commitment` is about one subject, like a ledger record: an organization, or a civil servant (then `unit`
is the person's organization); its scope is the unit's. Status runs in_progress → fulfilled / breached /
changed_by_law; `overdue` and `warned_for` are set by the deadline scan. A recurring commitment
(`recurrence_months`) is one row per period: when a period is fulfilled or breached, the next period is
created as a new commitment (`previous` points back), so every figure counts periods.

`CommitmentEvent` is the append-only history; `Evidence` holds the files submitted as proof.

Rectification (整改, below): a `RectificationCase` per negative ledger record against a government body or public
institution, under the `RectificationRule` in force, with its `CaseEvent` history and `CaseEvidence` files.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitmentKind(models.Model):
    """A kind of commitment (catalog data with its legal basis)."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    subject_kinds = models.JSONField(_("可作出承诺的主体"), default=list)  # Organization.Kind values, "civil_servant"
    evidence = models.TextField(_("践诺证明材料"))
    public_default = models.BooleanField(_("默认向社会公开"), default=True)
    compensation_required = models.BooleanField(_("依法变更须记录补偿"), default=False)
    flag_phrases = models.JSONField(_("须标记的理由用语"), default=list)
    legal_basis = models.TextField(_("依据"))
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("承诺类型")
        verbose_name_plural = _("承诺类型")

    scope_global = True

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("履行中")
    FULFILLED = "fulfilled", _("已践诺")
    BREACHED = "breached", _("未履行（违诺）")
    CHANGED = "changed_by_law", _("依法变更")


class Commitment(models.Model):
    subject_key = models.CharField(_("主体键"), max_length=24, db_index=True)  # "o:<id>" or "p:<id>"
    organization = models.ForeignKey("subjects.Organization", verbose_name=_("承诺单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="commitments")
    person = models.ForeignKey("subjects.CivilServant", verbose_name=_("承诺公务员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="commitments")
    unit = models.ForeignKey("subjects.Organization", verbose_name=_("所属单位"), on_delete=models.PROTECT,
                             related_name="unit_commitments")
    subject_name = models.CharField(_("承诺主体"), max_length=128)
    kind = models.ForeignKey(CommitmentKind, verbose_name=_("承诺类型"), on_delete=models.PROTECT,
                             related_name="commitments")
    title = models.CharField(_("承诺事项"), max_length=200)
    content = models.TextField(_("承诺内容"))
    target = models.TextField(_("量化目标"), blank=True)
    is_public = models.BooleanField(_("向社会公开"), default=True)
    start_date = models.DateField(_("起始日期"))
    due_date = models.DateField(_("履行期限"))
    recurrence_months = models.PositiveSmallIntegerField(_("重复周期（月）"), null=True, blank=True)
    previous = models.ForeignKey("self", verbose_name=_("上一周期"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="next_periods")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    awaiting_review = models.BooleanField(_("待审核"), default=False)
    overdue = models.BooleanField(_("已逾期"), default=False)
    warned_for = models.DateField(_("已预警的期限"), null=True, blank=True)  # the due date last warned about
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)  # fulfilled, breached or changed on
    breach_reason = models.TextField(_("未履行情况"), blank=True)
    change_reason = models.TextField(_("变更理由"), blank=True)
    change_basis = models.TextField(_("变更依据"), blank=True)
    change_authority = models.CharField(_("决定变更机关"), max_length=128, blank=True)
    compensation_note = models.TextField(_("补偿情况"), blank=True)
    flagged = models.BooleanField(_("已标记"), default=False)
    flag_reason = models.TextField(_("标记原因"), blank=True)
    ledger_record = models.ForeignKey("ledger.Record", verbose_name=_("信用记录"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="commitments")
    created_by = models.CharField(_("登记人"), max_length=128)
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("信用承诺")
        verbose_name_plural = _("信用承诺")
        constraints = [
            models.CheckConstraint(condition=models.Q(organization__isnull=False, person__isnull=True)
                                   | models.Q(organization__isnull=True, person__isnull=False),
                                   name="commitment_one_subject"),
            models.CheckConstraint(condition=models.Q(due_date__gte=models.F("start_date")),
                                   name="commitment_due_after_start"),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="commitment_due")]

    scope_region_field = "unit__region__path"
    scope_org_field = "unit__path"

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.title}"


class EventKind(models.TextChoices):
    CREATED = "created", _("登记承诺")
    EVIDENCE = "evidence", _("提交践诺材料")
    ACCEPTED = "accepted", _("审核通过")
    RETURNED = "returned", _("退回补充")
    FULFILLED = "fulfilled", _("已践诺")
    BREACHED = "breached", _("认定未履行")
    CHANGED = "changed", _("依法变更")
    WARNED = "warned", _("到期提醒")
    OVERDUE = "overdue", _("逾期")


class CommitmentEvent(models.Model):
    """One step in a commitment's history: appended, never changed."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=12, choices=EventKind.choices)
    actor = models.CharField(_("操作者"), max_length=128)
    reason = models.TextField(_("说明"), blank=True)
    day = models.DateField(_("日期"))  # the working day it concerns (a scan's `today`)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["commitment", "at", "id"]
        verbose_name = _("承诺履行记录")
        verbose_name_plural = _("承诺履行记录")

    scope_region_field = "commitment__unit__region__path"
    scope_org_field = "commitment__unit__path"

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.kind}"


class EvidenceStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已通过")
    RETURNED = "returned", _("已退回")


class StoredFile(models.Model):
    """What every uploaded file keeps beside the file itself (checked by files.read_checked before storing)."""

    original_name = models.CharField(_("文件名"), max_length=200)
    extension = models.CharField(_("类型"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.CharField(_("提交人"), max_length=128)
    uploaded_at = models.DateTimeField(_("提交时间"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class Evidence(StoredFile):
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="commitments/%Y/%m/", max_length=200)
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=EvidenceStatus.choices, default=EvidenceStatus.PENDING)

    class Meta:
        ordering = ["commitment", "uploaded_at", "id"]
        verbose_name = _("践诺材料")
        verbose_name_plural = _("践诺材料")

    scope_region_field = "commitment__unit__region__path"
    scope_org_field = "commitment__unit__path"



# ------------------------------------------------------------------------------------ rectification (整改)

class RectificationRule(models.Model):
    """The rectification deadlines (catalog data, data/rectification.json, with its legal basis).

    The rule in force on a record's creation date is the one with the latest `in_force_from` on or before it
    (or the earliest rule for older records); every deadline is counted in working days (core.calendar).
    """

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    in_force_from = models.DateField(_("施行日期"), unique=True)
    explanation_working_days = models.PositiveSmallIntegerField(_("书面说明期限（工作日）"), default=5)
    rectification_working_days = models.PositiveSmallIntegerField(_("默认整改期限（工作日）"), default=20)
    escalation_working_days = models.PositiveSmallIntegerField(_("逾期提醒后通报（工作日）"), default=5)
    legal_basis = models.TextField(_("依据"))

    class Meta:
        ordering = ["in_force_from"]
        verbose_name = _("整改期限规则")
        verbose_name_plural = _("整改期限规则")

    scope_global = True

    def __str__(self) -> str:
        return self.name


class CaseStatus(models.TextChoices):
    AWAITING_EXPLANATION = "awaiting_explanation", _("待书面说明")
    EXPLAINED = "explained", _("已书面说明")
    RECTIFYING = "rectifying", _("整改中")
    SUBMITTED = "submitted", _("已报送整改报告")
    RETURNED = "returned", _("退回重新整改")
    ACCEPTED = "accepted", _("整改到位")
    CLOSED = "closed_by_repair_or_revocation", _("记录已修复或撤销")


OPEN_CASE_STATUSES = (CaseStatus.AWAITING_EXPLANATION, CaseStatus.EXPLAINED, CaseStatus.RECTIFYING,
                      CaseStatus.SUBMITTED, CaseStatus.RETURNED)


class RectificationCase(models.Model):
    """The rectification of one negative ledger record against a government body or public institution.

    `current_due` is the deadline that is running: the explanation's while awaiting it, the rectification's
    while rectifying or returned, none otherwise. `escalation_level` is what the deadline scan has done about
    `current_due`: 0 nothing, 1 reminded, 2 通报 to the level above (`escalated_to`); a new deadline resets it.
    """

    record = models.OneToOneField("ledger.Record", verbose_name=_("信用记录"), on_delete=models.PROTECT,
                                  related_name="rectification")
    body = models.ForeignKey("subjects.Organization", verbose_name=_("整改单位"), on_delete=models.PROTECT,
                             related_name="rectification_cases")
    rule = models.ForeignKey(RectificationRule, verbose_name=_("整改期限规则"), on_delete=models.PROTECT,
                             related_name="cases")
    status = models.CharField(_("状态"), max_length=32, choices=CaseStatus.choices,
                              default=CaseStatus.AWAITING_EXPLANATION)
    opened_on = models.DateField(_("立案日期"))  # the record's creation date, from which the explanation is due
    explanation_due = models.DateField(_("书面说明期限"))
    explanation = models.TextField(_("书面说明"), blank=True)
    explained_on = models.DateField(_("说明日期"), null=True, blank=True)
    rectification_days = models.PositiveSmallIntegerField(_("整改期限（工作日）"), null=True, blank=True)
    rectification_due = models.DateField(_("整改期限"), null=True, blank=True)
    deadline_set_on = models.DateField(_("期限设定日期"), null=True, blank=True)
    current_due = models.DateField(_("当前期限"), null=True, blank=True)
    report = models.TextField(_("整改报告"), blank=True)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    returned_on = models.DateField(_("退回日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    reminded_on = models.DateField(_("提醒日期"), null=True, blank=True)
    escalated_on = models.DateField(_("通报日期"), null=True, blank=True)
    escalated_to = models.ForeignKey("subjects.Organization", verbose_name=_("通报上级"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="escalated_rectifications")
    reopen_count = models.PositiveSmallIntegerField(_("重新整改次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("整改案件")
        verbose_name_plural = _("整改案件")
        indexes = [models.Index(fields=["status", "current_due"], name="rectification_due"),
                   models.Index(fields=["rectification_due"], name="rectification_period")]

    scope_region_field = "body__region__path"
    scope_org_field = "body__path"

    def __str__(self) -> str:
        return f"{self.body_id} · {self.record_id}"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("立案")
    EXPLAINED = "explained", _("书面说明")
    DEADLINE = "deadline", _("设定整改期限")
    SUBMITTED = "submitted", _("报送整改报告")
    RESUBMITTED = "resubmitted", _("重新报送")
    ACCEPTED = "accepted", _("验收通过")
    RETURNED = "returned", _("退回重新整改")
    REMINDED = "reminded", _("逾期提醒")
    ESCALATED = "escalated", _("通报上级")
    CLOSED = "closed", _("记录修复或撤销结案")


class CaseEvent(models.Model):
    """One step in a rectification case's history: appended, never changed."""

    case = models.ForeignKey(RectificationCase, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=12, choices=CaseEventKind.choices)
    actor = models.CharField(_("操作者"), max_length=128)
    reason = models.TextField(_("说明"), blank=True)
    day = models.DateField(_("日期"))
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")

    scope_region_field = "case__body__region__path"
    scope_org_field = "case__body__path"

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseEvidence(StoredFile):
    """A file submitted with a rectification report (checked like commitments' evidence: files.read_checked)."""

    case = models.ForeignKey(RectificationCase, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="rectification/%Y/%m/", max_length=200)
    round = models.PositiveSmallIntegerField(_("报送轮次"), default=0)  # the case's reopen_count when submitted

    class Meta:
        ordering = ["case", "uploaded_at", "id"]
        verbose_name = _("整改材料")
        verbose_name_plural = _("整改材料")

    scope_region_field = "case__body__region__path"
    scope_org_field = "case__body__path"



# ------------------------------------------------------------------------------------------ console inbox

class NoticeKind(models.TextChoices):
    COMMITMENT_WARNED = "commitment_warned", _("承诺即将到期")
    COMMITMENT_OVERDUE = "commitment_overdue", _("承诺已逾期")
    RECTIFICATION_REMINDED = "rectification_reminded", _("整改逾期提醒")
    RECTIFICATION_ESCALATED = "rectification_escalated", _("整改逾期通报")


class Notice(models.Model):
    """A notice in an organization's console inbox (站内通知), written by the deadline scans."""

    recipient = models.ForeignKey("subjects.Organization", verbose_name=_("接收单位"), on_delete=models.PROTECT,
                                  related_name="notices")
    kind = models.CharField(_("类型"), max_length=32, choices=NoticeKind.choices)
    text = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]

    scope_region_field = "recipient__region__path"
    scope_org_field = "recipient__path"

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind}"
