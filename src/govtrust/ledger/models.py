"""The credit ledger (信用信息): the catalog of record categories, the dated disclosure regimes, and the
records themselves with their append-only revisions.

A record is never edited in place. `Record` holds the current state (what lists, the portal and the
checks read), and every state it has ever had is a `Revision` with a full snapshot of its content, the
reason, the actor and the time, so "what did the ledger say about this subject on date D" is a query
over revisions. The catalog and the regimes are data with their legal basis: the credit office edits
categories (each edit is a new `CategoryVersion`), and a record keeps the category version and the
regime rule that produced its disclosure periods.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govtrust.core.models import TimeStamped


class Polarity(models.TextChoices):
    NEGATIVE = "negative", _("失信（负面）")
    POSITIVE = "positive", _("守信（正面）")
    NEUTRAL = "neutral", _("其他（中性）")


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class DisclosureScope(models.TextChoices):
    PUBLIC = "public", _("社会公开")
    SHARED = "shared", _("政务共享")
    RESTRICTED = "restricted", _("授权查询")


CIVIL_SERVANT_KIND = "civil_servant"  # in Category.subject_kinds beside the organization kinds


class Category(TimeStamped):
    """A record category (信用信息目录 entry), as currently in force; its history is in CategoryVersion."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    polarity = models.CharField(_("性质"), max_length=10, choices=Polarity.choices)
    subject_kinds = models.JSONField(_("适用主体"), default=list)  # Organization.Kind values and "civil_servant"
    default_severity = models.CharField(_("默认失信程度"), max_length=10, choices=Severity.choices, blank=True)
    legal_basis = models.TextField(_("依据"))
    fields = models.JSONField(_("专有字段"), default=list)  # [{name, label, label_en, type, required, choices}]
    disclosure_scope = models.CharField(_("公开范围"), max_length=12, choices=DisclosureScope.choices)
    domain = models.CharField(_("领域"), max_length=32, blank=True)  # selects a regime's domain override
    disclosure_months = models.PositiveSmallIntegerField(_("公示期限（月）"), null=True, blank=True)  # non-negative
    active = models.BooleanField(_("启用"), default=True)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("信息类别")
        verbose_name_plural = _("信息类别")

    scope_global = True  # the catalog is published reference data

    def __str__(self) -> str:
        return self.name


class CategoryVersion(models.Model):
    """One version of a category, kept whole: the catalog as it stood when a record was taken in."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    content = models.JSONField(_("内容"))
    reason = models.TextField(_("理由"), blank=True)
    actor = models.CharField(_("操作者"), max_length=128)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["category", "number"]
        constraints = [models.UniqueConstraint(fields=["category", "number"], name="category_version_unique")]

    scope_global = True

    def __str__(self) -> str:
        return f"{self.category_id} v{self.number}"


class Regime(models.Model):
    """A disclosure regime: the rules on disclosure periods in force from a date (REFERENCE §2)."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    basis = models.TextField(_("依据文件"))
    in_force_from = models.DateField(_("施行日期"), unique=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["in_force_from"]
        verbose_name = _("公示期限规则")
        verbose_name_plural = _("公示期限规则")

    scope_global = True

    def __str__(self) -> str:
        return self.name


class RegimeRule(models.Model):
    """Minimum and maximum disclosure periods for one severity (and optionally one domain) in a regime."""

    regime = models.ForeignKey(Regime, on_delete=models.CASCADE, related_name="rules")
    severity = models.CharField(_("失信程度"), max_length=10, choices=Severity.choices)
    domain = models.CharField(_("领域"), max_length=32, blank=True)  # "" = every domain without its own rule
    min_months = models.PositiveSmallIntegerField(_("最短公示期（月）"))
    max_months = models.PositiveSmallIntegerField(_("最长公示期（月）"))
    may_be_undisclosed = models.BooleanField(_("可不予公示"), default=False)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["regime", "severity", "domain"]
        constraints = [models.UniqueConstraint(fields=["regime", "severity", "domain"], name="regime_rule_unique")]

    scope_global = True

    def __str__(self) -> str:
        return f"{self.regime.code} {self.severity} {self.domain or '*'}"


class RecordStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    DISPUTED = "disputed", _("异议中")
    CORRECTED = "corrected", _("已更正")
    REVOKED = "revoked", pgettext_lazy("record status", "已撤销")  # 已撤销 also names a dissolved organization
    REPAIRED = "repaired", _("已修复")
    EXPIRED = "expired", _("已到期")


# The statuses under which a record still counts (is disclosed within its scope, and used by checks).
LIVE_STATUSES = (RecordStatus.ACTIVE, RecordStatus.DISPUTED, RecordStatus.CORRECTED)


class Record(models.Model):
    """A credit record about one subject: an organization, or a civil servant (then `unit` is theirs).

    The natural key (source, category, document number, subject) makes intake idempotent.
    """

    subject_key = models.CharField(_("主体键"), max_length=24)  # "o:<id>" or "p:<id>"
    # Indexes: every lookup by subject goes through subject_key (indexed with the date); the foreign keys
    # below that are covered by a composite index, or never searched, carry none (bulk intake pays per index).
    organization = models.ForeignKey("subjects.Organization", verbose_name=_("单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="records", db_index=False)
    person = models.ForeignKey("subjects.CivilServant", verbose_name=_("公务员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="records", db_index=False)
    unit = models.ForeignKey("subjects.Organization", verbose_name=_("所属单位"), on_delete=models.PROTECT,
                             related_name="unit_records")  # the organization itself, or the person's
    subject_name = models.CharField(_("主体名称"), max_length=128)
    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="records",
                                 db_index=False)
    category_version = models.PositiveIntegerField(_("目录版本"))
    severity = models.CharField(_("失信程度"), max_length=10, choices=Severity.choices, blank=True)
    facts = models.TextField(_("事实"))
    document_number = models.CharField(_("文书号"), max_length=100)
    authority = models.CharField(_("决定机关"), max_length=128)
    decision_date = models.DateField(_("决定日期"))
    legal_basis = models.TextField(_("依据"), blank=True)
    source = models.ForeignKey("subjects.Organization", verbose_name=_("报送单位"), on_delete=models.PROTECT,
                               related_name="submitted_records", db_index=False)
    batch = models.ForeignKey("intake.Batch", verbose_name=_("归集批次"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="records")
    data = models.JSONField(_("专有字段"), default=dict)
    disclosure_scope = models.CharField(_("公开范围"), max_length=12, choices=DisclosureScope.choices)
    regime_rule = models.ForeignKey(RegimeRule, verbose_name=_("公示期限规则"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="records", db_index=False)
    disclosure_start = models.DateField(_("公示起始"))
    repair_from = models.DateField(_("可申请修复日期"), null=True, blank=True)  # end of the minimum period
    disclosure_end = models.DateField(_("公示截止"), null=True, blank=True)  # end of the maximum period
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    content_hash = models.CharField(max_length=32, editable=False)  # of the content a re-import compares
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-decision_date", "-id"]
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        constraints = [
            models.UniqueConstraint(fields=["source", "document_number", "category", "subject_key"],
                                    name="record_natural_key"),
            models.CheckConstraint(condition=models.Q(organization__isnull=False, person__isnull=True)
                                   | models.Q(organization__isnull=True, person__isnull=False),
                                   name="record_one_subject"),
        ]
        indexes = [
            # Covers what a screening check reads of a subject's records (sanctions.parties.records_of), so a
            # check never touches the table's pages; the id is the rowid on SQLite and INCLUDEd on PostgreSQL.
            models.Index(fields=["subject_key", "category", "status", "severity", "decision_date", "disclosure_end"],
                         include=["id"], name="record_subject"),
            # By category and date; its last three columns cover what an evaluation run counts of a period's
            # records (evaluation.inputs: new breaches by severity, 失信被执行人 listed), so the run reads the
            # index alone (1.47 → 0.11 s at 5 million records). Widening adds no B-tree, but the wider entries
            # cost bulk intake 5–16 % a million rows (ADR 0016).
            models.Index(fields=["category", "decision_date", "severity", "status", "organization"],
                         include=["id"], name="record_category"),
            models.Index(fields=["status", "disclosure_end"], name="record_expiry"),
        ]

    # Seen by those above the subject's unit, and by the organization that submitted the record.
    scope_region_field = ("unit__region__path", "source__region__path")
    scope_org_field = ("unit__path", "source__path")

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.category_id} · {self.document_number}"


class RevisionKind(models.TextChoices):
    CREATE = "create", _("归集")
    REIMPORT = "reimport", _("重新归集更新")
    CORRECT = "correct", _("更正")
    DISPUTE = "dispute", _("提出异议")
    OBJECTION = "objection", _("异议处理结果")
    REPAIR = "repair", _("信用修复")
    REVOKE = "revoke", _("撤销")
    EXPIRE = "expire", _("公示期满")


class Revision(models.Model):
    """One state of a record, appended and never changed: full content, status, who, when and why."""

    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="revisions", db_index=False)
    number = models.PositiveIntegerField(_("修订号"))
    kind = models.CharField(_("类型"), max_length=10, choices=RevisionKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices)
    content = models.JSONField(_("内容"))
    reason = models.TextField(_("理由"), blank=True)
    actor = models.CharField(_("操作者"), max_length=128)
    channel = models.CharField(_("渠道"), max_length=16)
    batch = models.ForeignKey("intake.Batch", null=True, blank=True, on_delete=models.PROTECT, related_name="revisions",
                              db_index=False)
    recorded_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["record", "number"]
        verbose_name = _("修订")
        verbose_name_plural = _("修订")
        # The unique (record, number) index also serves the as-of reads: a record has a handful of revisions,
        # read newest first; a second (record, recorded_at) index cost every bulk-intake row another B-tree insert.
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="revision_unique")]

    scope_region_field = ("record__unit__region__path", "record__source__region__path")
    scope_org_field = ("record__unit__path", "record__source__path")

    def __str__(self) -> str:
        return f"{self.record_id} r{self.number}"
