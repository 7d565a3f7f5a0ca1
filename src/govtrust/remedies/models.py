"""Remedies (救济): objections to records (异议), credit repair (信用修复) and mitigation (从轻 / 免于惩戒).

Catalog data, shipped in data/rules.json with its legal basis and loaded by a data migration:
- `RemedyRule`: the time limits in working days, dated (`in_force_from`); a case keeps the rule in force on the
  day it was received, so a later change never moves an old case's deadlines (REFERENCE §2–3 defaults);
- `RepairExclusion`: record categories that credit repair does not apply to, each with the reason and basis.

A `Case` is an objection or a repair application about one ledger record, filed on the portal (with a serial
number and an extraction code) or in the console. Both kinds share the shape — applicant, state, running
deadline, timeline (`CaseEvent`), attachments (`CaseFile`) — and objections.py / repairs.py hold each kind's
transitions. The applicant's name, contact and (for a civil servant's own record) resident ID are stored
encrypted with masked copies for lists.

`PublicStatement` is what the portal says when an objection undid a record that had been public.
`Mitigation` records a civil servant's self-correction and the decision on it; a granted decision becomes
sanctions.Relief rows that the screening check reads.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govtrust.commitments.models import StoredFile


class RemedyRule(models.Model):
    """The time limits (working days) for objections and repairs in force from a date."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    in_force_from = models.DateField(_("施行日期"), unique=True)
    objection_accept_days = models.PositiveSmallIntegerField(_("异议标注时限（工作日）"))
    objection_decide_days = models.PositiveSmallIntegerField(_("异议核查处理时限（工作日）"))
    objection_forward_days = models.PositiveSmallIntegerField(_("转送数据来源单位时限（工作日）"))
    source_decide_days = models.PositiveSmallIntegerField(_("数据来源单位核查时限（工作日）"))
    repair_accept_days = models.PositiveSmallIntegerField(_("修复申请受理时限（工作日）"))
    repair_decide_days = models.PositiveSmallIntegerField(_("修复办理时限（工作日）"))
    repair_share_days = models.PositiveSmallIntegerField(_("修复结果共享时限（工作日）"))
    remind_before_days = models.PositiveSmallIntegerField(_("到期前提醒（工作日）"))
    # How long the credit-repair commitment runs when the record has no maximum disclosure end to run until.
    repair_commitment_months = models.PositiveSmallIntegerField(_("信用修复承诺期限（月）"), default=12)
    legal_basis = models.TextField(_("依据"))

    class Meta:
        ordering = ["in_force_from"]
        verbose_name = _("异议与修复时限规则")
        verbose_name_plural = _("异议与修复时限规则")

    scope_global = True

    def __str__(self) -> str:
        return self.name


class RepairExclusion(models.Model):
    """A record category that cannot be repaired through credit repair, and why (data with its basis)."""

    category = models.OneToOneField("ledger.Category", verbose_name=_("信息类别"), on_delete=models.PROTECT,
                                    related_name="repair_exclusion")
    reason = models.TextField(_("不予修复的理由"))
    legal_basis = models.TextField(_("依据"))

    class Meta:
        ordering = ["category__ordering"]
        verbose_name = _("不适用信用修复的类别")
        verbose_name_plural = _("不适用信用修复的类别")

    scope_global = True

    def __str__(self) -> str:
        return str(self.category)


class Kind(models.TextChoices):
    OBJECTION = "objection", _("异议")
    REPAIR = "repair", _("信用修复")


class Channel(models.TextChoices):
    PORTAL = "portal", _("网站")
    CONSOLE = "console", _("工作台")
    API = "api", _("系统接口")


class Capacity(models.TextChoices):
    """In what capacity the applicant acts."""

    SUBJECT = "subject", _("信用主体（单位授权人员）")
    SELF = "self", _("公务员本人")
    USER = "user", _("信息使用者")


class Status(models.TextChoices):
    RECEIVED = "received", _("待受理")
    DECLINED = "declined", _("不予受理")
    ACCEPTED = "accepted", _("已受理核查中")
    FORWARDED = "forwarded", _("已转数据来源单位核查")
    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("异议不成立")
    APPROVED = "approved", _("准予修复")
    REFUSED = "refused", _("不予修复")


OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.FORWARDED)
DECIDED_STATUSES = (Status.UPHELD, Status.REJECTED, Status.APPROVED, Status.REFUSED)


class Outcome(models.TextChoices):
    """What an upheld objection does to the record."""

    CORRECTED = "corrected", _("更正记录")
    REVOKED = "revoked", _("撤销记录")


class Case(models.Model):
    serial = models.CharField(_("编号"), max_length=20, unique=True)
    code_hash = models.CharField(max_length=64, editable=False)  # keyed hash of serial + extraction code
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    record = models.ForeignKey("ledger.Record", verbose_name=_("信用记录"), on_delete=models.PROTECT,
                               related_name="remedy_cases")
    subject_name = models.CharField(_("信用主体"), max_length=128)
    capacity = models.CharField(_("申请人身份"), max_length=10, choices=Capacity.choices)
    applicant_organization = models.ForeignKey("subjects.Organization", verbose_name=_("申请单位"), null=True,
                                               blank=True, on_delete=models.PROTECT, related_name="remedy_cases")
    name_encrypted = models.TextField(_("申请人（密文）"), blank=True, editable=False)
    name_masked = models.CharField(_("申请人"), max_length=32, blank=True)
    contact_encrypted = models.TextField(_("联系方式（密文）"), blank=True, editable=False)
    contact_masked = models.CharField(_("联系方式"), max_length=64, blank=True)
    grounds = models.TextField(_("事实和理由"))
    requested = models.TextField(_("请求"), blank=True)  # objection: what should change; repair: what was corrected
    pledge = models.TextField(_("信用修复承诺书"), blank=True)  # repair: the commitment text signed online
    pledge_signer = models.CharField(_("承诺人"), max_length=64, blank=True)
    pledged_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    received_on = models.DateField(_("收到日期"))
    rule = models.ForeignKey(RemedyRule, verbose_name=_("时限规则"), on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    stage_on = models.DateField(_("进入当前状态日期"))
    current_due = models.DateField(_("当前期限"), null=True, blank=True)
    decide_due = models.DateField(_("办结期限"), null=True, blank=True)  # the case's overall result deadline
    calendar_basis = models.JSONField(_("期限计算依据"), default=dict, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    forward_due = models.DateField(_("转送期限"), null=True, blank=True)
    forwarded_on = models.DateField(_("转送日期"), null=True, blank=True)
    forwarded_to = models.ForeignKey("subjects.Organization", verbose_name=_("核查单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="remedy_cases_forwarded")
    decided_on = models.DateField(_("办结日期"), null=True, blank=True)
    on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    outcome = models.CharField(_("处理方式"), max_length=10, choices=Outcome.choices, blank=True)
    decision = models.TextField(_("处理结果及理由"), blank=True)
    changes = models.JSONField(_("更正内容"), default=dict, blank=True)
    share_due = models.DateField(_("共享期限"), null=True, blank=True)
    shared_on = models.DateField(_("共享日期"), null=True, blank=True)
    lifted_checks = models.PositiveIntegerField(_("已通知解除的比对"), default=0)
    commitment = models.ForeignKey("commitments.Commitment", verbose_name=_("信用修复承诺"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="repair_cases")
    overdue = models.BooleanField(_("已逾期"), default=False)
    reminded_for = models.DateField(_("已提醒的期限"), null=True, blank=True)
    created_by = models.CharField(_("登记人"), max_length=128)
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("异议与修复申请")
        verbose_name_plural = _("异议与修复申请")
        indexes = [models.Index(fields=["status", "current_due"], name="remedy_due"),
                   models.Index(fields=["record", "kind", "status"], name="remedy_record")]

    # The credit office over the record's subject or its source sees the case; an organization sees the cases
    # it filed, the cases about its own records, and those forwarded to it.
    scope_region_field = ("record__unit__region__path", "record__source__region__path")
    scope_org_field = ("record__unit__path", "applicant_organization__path", "forwarded_to__path")

    def __str__(self) -> str:
        return self.serial


class EventKind(models.TextChoices):
    FILED = "filed", _("申请已提交")
    ACCEPTED = "accepted", _("受理")
    DISPUTED = "disputed", _("标注异议中")
    DECLINED = "declined", _("不予受理")
    FORWARDED = "forwarded", _("转数据来源单位核查")
    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("异议不成立")
    APPROVED = "approved", _("准予修复")
    REFUSED = "refused", _("不予修复")
    SHARED = "shared", _("结果共享")
    LIFTED = "lifted", _("通知解除惩戒")
    STATEMENT = "statement", _("发布更正说明")
    REMINDED = "reminded", _("临期提醒")
    OVERDUE = "overdue", _("逾期督办")


# What the public tracking page shows (never who acted inside, never internal notes).
PUBLIC_EVENTS = (EventKind.FILED, EventKind.ACCEPTED, EventKind.DISPUTED, EventKind.DECLINED, EventKind.FORWARDED,
                 EventKind.UPHELD, EventKind.REJECTED, EventKind.APPROVED, EventKind.REFUSED, EventKind.SHARED,
                 EventKind.STATEMENT)


class CaseEvent(models.Model):
    """One step in a case's timeline: appended, never changed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=10, choices=EventKind.choices)
    actor = models.CharField(_("操作者"), max_length=128)
    reason = models.TextField(_("说明"), blank=True)
    day = models.DateField(_("日期"))
    due = models.DateField(_("期限"), null=True, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["case", "at", "id"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")

    scope_region_field = ("case__record__unit__region__path", "case__record__source__region__path")
    scope_org_field = ("case__record__unit__path", "case__applicant_organization__path", "case__forwarded_to__path")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseFile(StoredFile):
    """Evidence attached to a case (checked by content before it is stored: commitments.files)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("文件"), upload_to="remedies/%Y/%m/", max_length=200)

    class Meta:
        ordering = ["case", "uploaded_at", "id"]
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")

    scope_region_field = ("case__record__unit__region__path", "case__record__source__region__path")
    scope_org_field = ("case__record__unit__path", "case__applicant_organization__path", "case__forwarded_to__path")


class PublicStatement(models.Model):
    """A public statement (更正说明) for a record that had been disclosed and was corrected or revoked."""

    organization = models.ForeignKey("subjects.Organization", verbose_name=_("单位"), on_delete=models.PROTECT,
                                     related_name="public_statements")
    record = models.ForeignKey("ledger.Record", verbose_name=_("信用记录"), on_delete=models.PROTECT,
                               related_name="public_statements")
    case = models.ForeignKey(Case, verbose_name=_("异议"), on_delete=models.PROTECT, related_name="statements")
    text = models.TextField(_("说明"))
    published_on = models.DateField(_("发布日期"))

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("更正说明")
        verbose_name_plural = _("更正说明")

    scope_region_field = "organization__region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return f"{self.organization_id} {self.published_on}"


class Correction(models.TextChoices):
    """The self-correction the mitigation rests on (自我纠错、主动自新)."""

    RECOVERED_LOSS = "recovered_loss", _("主动挽回损失")
    REMOVED_EFFECT = "removed_effect", _("消除不良影响")
    STOPPED_HARM = "stopped_harm", _("有效阻止危害结果发生")


class MitigationStatus(models.TextChoices):
    RECORDED = "recorded", _("待决定")
    GRANTED = "granted", _("决定从轻或免于惩戒")
    REFUSED = "refused", _("决定不予从轻")
    LIFTED = "lifted", _("已撤销决定")


class Mitigation(models.Model):
    """A civil servant's self-correction about one record, with evidence, and the decision on it."""

    record = models.ForeignKey("ledger.Record", verbose_name=_("信用记录"), on_delete=models.PROTECT,
                               related_name="mitigations")
    person_name = models.CharField(_("公务员"), max_length=64)
    corrections = models.JSONField(_("纠错情形"), default=list)  # Correction values
    facts = models.TextField(_("纠错事实"))
    status = models.CharField(_("状态"), max_length=10, choices=MitigationStatus.choices,
                              default=MitigationStatus.RECORDED)
    reliefs = models.JSONField(_("从轻或免于惩戒的措施"), default=dict, blank=True)  # measure code → waive / reduce
    decision = models.TextField(_("决定及理由"), blank=True)
    decided_by = models.CharField(_("决定人"), max_length=128, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    created_by = models.CharField(_("登记人"), max_length=128)
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("从轻或免于惩戒")
        verbose_name_plural = _("从轻或免于惩戒")

    scope_region_field = ("record__unit__region__path", "record__source__region__path")
    scope_org_field = "record__unit__path"

    def __str__(self) -> str:
        return f"{self.person_name} · {self.record_id}"

    @property
    def reference(self) -> str:
        """How the sanctions engine's relief rows name this decision."""
        return f"mitigation:{self.pk}"


class MitigationFile(StoredFile):
    mitigation = models.ForeignKey(Mitigation, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("文件"), upload_to="remedies/mitigation/%Y/%m/", max_length=200)

    class Meta:
        ordering = ["mitigation", "uploaded_at", "id"]
        verbose_name = _("纠错证明材料")
        verbose_name_plural = _("纠错证明材料")

    scope_region_field = ("mitigation__record__unit__region__path", "mitigation__record__source__region__path")
    scope_org_field = "mitigation__record__unit__path"
