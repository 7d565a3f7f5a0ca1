"""双公示: licence and penalty decisions (行政许可/行政处罚) as published, with their timeliness and quality.

One `Decision` table holds both kinds (the national column sets share the counterparty, codes, dates,
authority and source; each kind adds its own columns). Every decision carries what the metrics need,
computed once at intake: its deadline under the publication rule in force on the decision date
(`PublicityRule`, data with its basis), whether it reached the platform on time and how many working
days late, whether the required fields are all present (`missing`), and the accuracy problems found
(`issues`). The metrics are then plain aggregates over these columns.

Identity numbers of natural persons and legal representatives are stored only encrypted, with a keyed
hash for the natural key and a masked form for display (core.crypto).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LICENCE = "licence", _("行政许可")
    PENALTY = "penalty", _("行政处罚")


class CounterpartyCategory(models.TextChoices):
    ORGANIZATION = "organization", _("法人及非法人组织")
    NATURAL_PERSON = "natural_person", _("自然人")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")


class LicenceCategory(models.TextChoices):
    """行政许可法 art. 12 (the national template's 许可类别)."""

    ORDINARY = "ordinary", _("普通")
    FRANCHISE = "franchise", _("特许")
    RECOGNITION = "recognition", _("认可")
    APPROVAL = "approval", _("核准")
    REGISTRATION = "registration", _("登记")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    """Where a decision stands. Only PUBLISHED and WITHDRAWN (with its public note) are listed, within their
    period; EXPIRED ran out its period; ENDED had its publicity ended by the credit repair of its ledger
    record (信用修复): off the listing and the exports, with no public note, still in the console and the
    timeliness figures (it was published)."""

    PUBLISHED = "published", _("公示中")
    WITHDRAWN = "withdrawn", _("已撤下")
    EXPIRED = "expired", _("公示期满")
    ENDED = "ended", _("已终止公示")


class PublicityRule(models.Model):
    """How soon a decision must be published, and what amounts are plausible, from a date on (data, with its basis)."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    basis = models.TextField(_("依据文件"))
    in_force_from = models.DateField(_("施行日期"), unique=True)
    working_days = models.PositiveSmallIntegerField(_("公示时限（工作日）"))
    max_amount = models.DecimalField(_("金额合理上限（万元）"), max_digits=14, decimal_places=2)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["in_force_from"]
        verbose_name = _("双公示时限规则")
        verbose_name_plural = _("双公示时限规则")

    scope_global = True

    def __str__(self) -> str:
        return self.name


class PenaltyKind(models.Model):
    """One kind of administrative penalty (行政处罚法 2021 art. 9), with the ledger severity it suggests."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    aliases = models.JSONField(_("其他写法"), default=list)
    severity = models.CharField(_("对应失信程度"), max_length=10)  # ledger.models.Severity
    ledger_type = models.CharField(_("信用记录处罚类别"), max_length=20)  # the ledger category's penalty_type choice
    basis = models.TextField(_("依据"))
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("处罚种类")
        verbose_name_plural = _("处罚种类")

    scope_global = True

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """One licence or penalty decision as published on the platform (the national column set)."""

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    counterparty_name = models.CharField(_("行政相对人名称"), max_length=200)
    counterparty_normalized = models.CharField(max_length=200, editable=False)
    counterparty_category = models.CharField(_("行政相对人类别"), max_length=20, choices=CounterpartyCategory.choices)
    counterparty_key = models.CharField(max_length=80, editable=False)  # USCC, "id:<hash>" or "name:<normalized>"
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    registration_number = models.CharField(_("工商注册号"), max_length=50, blank=True)
    organization_code = models.CharField(_("组织机构代码"), max_length=50, blank=True)
    tax_number = models.CharField(_("税务登记号"), max_length=50, blank=True)
    institution_number = models.CharField(_("事业单位证书号"), max_length=50, blank=True)
    social_org_number = models.CharField(_("社会组织登记证号"), max_length=50, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    legal_rep_id_type = models.CharField(_("法定代表人证件类型"), max_length=32, blank=True)
    legal_rep_id_encrypted = models.TextField(_("法定代表人证件号码（密文）"), blank=True, editable=False)
    legal_rep_id_masked = models.CharField(_("法定代表人证件号码"), max_length=40, blank=True, editable=False)
    id_type = models.CharField(_("证件类型"), max_length=32, blank=True)
    id_encrypted = models.TextField(_("证件号码（密文）"), blank=True, editable=False)
    id_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_masked = models.CharField(_("证件号码"), max_length=40, blank=True, editable=False)
    document_number = models.CharField(_("决定文书号"), max_length=100)
    # Penalty columns
    violation_type = models.CharField(_("违法行为类型"), max_length=200, blank=True)
    facts = models.TextField(_("违法事实"), blank=True)
    basis = models.TextField(_("处罚依据"), blank=True)
    penalty_kinds = models.JSONField(_("处罚类别"), default=list)  # PenaltyKind codes
    penalty_content = models.TextField(_("处罚内容"), blank=True)
    fine_amount = models.DecimalField(_("罚款金额（万元）"), max_digits=14, decimal_places=6, null=True, blank=True)
    confiscation_amount = models.DecimalField(_("没收违法所得、没收非法财物的金额（万元）"), max_digits=14, decimal_places=6,
                                              null=True, blank=True)
    suspended_licence = models.CharField(_("暂扣或吊销证照名称及编号"), max_length=200, blank=True)
    penalty_term = models.CharField(_("处罚有效期"), max_length=40, blank=True)
    # Licence columns
    document_name = models.CharField(_("行政许可决定文书名称"), max_length=200, blank=True)
    licence_category = models.CharField(_("许可类别"), max_length=14, choices=LicenceCategory.choices, blank=True)
    certificate_name = models.CharField(_("许可证书名称"), max_length=200, blank=True)
    licence_number = models.CharField(_("许可编号"), max_length=100, blank=True)
    licence_content = models.TextField(_("许可内容"), blank=True)
    valid_from = models.DateField(_("有效期自"), null=True, blank=True)
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)
    licence_status = models.CharField(_("当前状态"), max_length=20, blank=True)
    # Common
    decision_date = models.DateField(_("决定日期"))
    disclosure_end = models.DateField(_("公示截止期"), null=True, blank=True)
    authority = models.ForeignKey("subjects.Organization", verbose_name=_("决定机关"), on_delete=models.PROTECT,
                                  related_name="publicity_decided")
    authority_name = models.CharField(_("决定机关名称"), max_length=128)  # as the file wrote it
    source = models.ForeignKey("subjects.Organization", verbose_name=_("数据来源单位"), on_delete=models.PROTECT,
                               related_name="publicity_sourced", db_index=False)
    remarks = models.TextField(_("备注"), blank=True)
    batch = models.ForeignKey("intake.Batch", verbose_name=_("归集批次"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", db_index=False)
    ledger_record = models.ForeignKey("ledger.Record", verbose_name=_("信用记录"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+", db_index=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    withdrawn_note = models.TextField(_("撤下说明"), blank=True)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    # Timeliness and quality, computed at intake
    published_at = models.DateTimeField(_("上网公示时间"))  # when it first reached the platform
    rule = models.ForeignKey(PublicityRule, verbose_name=_("时限规则"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", db_index=False)
    deadline = models.DateField(_("公示期限"), null=True, blank=True)  # null: the year's calendar is not known yet
    on_time = models.BooleanField(_("按时公示"), null=True)
    days_late = models.PositiveSmallIntegerField(_("超期工作日"), default=0)
    complete = models.BooleanField(_("要素完整"), default=True)
    missing = models.JSONField(_("缺失要素"), default=list)
    accurate = models.BooleanField(_("数据准确"), default=True)
    issues = models.JSONField(_("准确性问题"), default=list)
    content_hash = models.CharField(max_length=32, editable=False)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-decision_date", "-id"]
        verbose_name = _("双公示决定")
        verbose_name_plural = _("双公示决定")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "document_number", "counterparty_key"],
                                    name="decision_natural_key"),
        ]
        indexes = [
            models.Index(fields=["kind", "decision_date"], name="decision_kind_date"),
            models.Index(fields=["counterparty_normalized"], name="decision_counterparty"),
            models.Index(fields=["uscc"], name="decision_uscc"),
            models.Index(fields=["authority", "decision_date"], name="decision_authority"),
            # By submitting department and date; the three flags make it cover the evaluation run's 双公示
            # rates (evaluation.inputs), 0.37 → 0.06 s at a million decisions.
            models.Index(fields=["source", "decision_date", "on_time", "complete", "accurate"],
                         include=["id"], name="decision_source"),
            models.Index(fields=["status", "disclosure_end"], name="decision_status_end"),
            # The public listing (migration 0004): its order, read backwards, and the exact document number
            # its search ORs with the name. PostgreSQL also gets a trigram index for the name (RunSQL there).
            models.Index(fields=["decision_date", "id"], name="decision_listing"),
            models.Index(fields=["document_number"], name="decision_document_number"),
        ]

    # Staff see what their region's (or organization's) departments published or decided.
    scope_region_field = ("source__region__path", "authority__region__path")
    scope_org_field = ("source__path", "authority__path")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_number} {self.counterparty_name}"


class EmptyMonthDeclaration(models.Model):
    """A department's statement that it made no decisions of a kind in a month (本月无数据), told apart from silence."""

    department = models.ForeignKey("subjects.Organization", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="publicity_empty_months")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    month = models.DateField(_("月份"))  # the first day of the month
    note = models.TextField(_("说明"), blank=True)
    declared_by = models.CharField(_("申报人"), max_length=128)
    declared_at = models.DateTimeField(_("申报时间"))

    class Meta:
        ordering = ["-month", "department"]
        verbose_name = _("无数据申报")
        verbose_name_plural = _("无数据申报")
        constraints = [models.UniqueConstraint(fields=["department", "kind", "month"], name="empty_month_unique")]

    scope_region_field = "department__region__path"
    scope_org_field = "department__path"

    def __str__(self) -> str:
        return f"{self.department_id} {self.kind} {self.month:%Y-%m}"


class ExportRun(models.Model):
    """One export in the national format (to the provincial or national platform): what it covered and who ran it.

    `--since last` starts where the previous run of the same kind to the same target ended (`until`), so
    successive incremental exports neither miss nor repeat a decision published or changed in between.
    """

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    format = models.CharField(_("格式"), max_length=8)
    since = models.DateTimeField(_("起始时间"), null=True, blank=True)  # null: a full export
    until = models.DateTimeField(_("截至时间（导出时间）"))
    count = models.PositiveIntegerField(_("导出条数"))
    actor = models.CharField(_("操作者"), max_length=128)
    target = models.CharField(_("报送对象"), max_length=200, blank=True)  # e.g. 云南省公共信用信息平台
    previous = models.ForeignKey("self", verbose_name=_("上次导出"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        ordering = ["-until", "-id"]
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")
        indexes = [models.Index(fields=["kind", "target", "until"], name="export_run_last")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.format} {self.until:%Y-%m-%d %H:%M}"
