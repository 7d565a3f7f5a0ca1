"""Joint incentives and sanctions (守信激励与失信惩戒): the published measures list and the screening checks.

- `Scene`: where a check is asked (招标投标, 公务员录用 …), catalog data; `roles` lists the console roles that
  may ask in the scene (API keys are granted scenes one by one, see accounts.ApiKey.scenes).
- `Measure`: one entry of the measures list (联合奖惩措施清单), data with its legal basis: kind, subjects,
  trigger, scenes, implementing organization and what it means in a check (block / warn / prefer / inform).
  Only a *published* measure is ever applied (REFERENCE §3). Every change is a new `MeasureVersion`; the
  highest version id is the list's version that each check names.
- `PartyList` / `Listing`: lists kept by other authorities (招标投标失信名单, 失信被执行人 …) naming parties that
  are not in the subjects registry — companies, villages, households — by USCC or resident ID.
- `Check`: one stored answer (who asked, which system, scene, party, decision, the measures and records it
  rests on, the ledger version); `CheckHit` one row per applied measure, for the figures; `CheckBatch` groups
  the checks of one batch call; `Feedback` is what the caller did with a check (实施反馈).
- `MatchJudgement`: a person's judgement that a name candidate is not the party; the same organization's later
  name checks suppress it.
- `Relief`: one measure waived (免于惩戒) or reduced (从轻) for one ledger record of a civil servant who corrected
  themselves. The mitigation case (evidence, decision) belongs to the remedies app; this is what the check
  engine reads of its outcome, so a check honours it without knowing about cases.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govtrust.ledger.models import Polarity


class Scene(models.Model):
    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=128)
    roles = models.JSONField(_("可发起比对的角色"), default=list)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("应用场景")
        verbose_name_plural = _("应用场景")

    scope_global = True

    def __str__(self) -> str:
        return self.name


class PartyList(models.Model):
    """A list kept by another authority (名单): whom it names, and on what basis."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    polarity = models.CharField(_("性质"), max_length=10, choices=Polarity.choices)
    legal_basis = models.TextField(_("依据"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("名单")
        verbose_name_plural = _("名单")

    scope_global = True

    def __str__(self) -> str:
        return self.name


class Listing(models.Model):
    """One party on a list, by USCC or by resident ID (encrypted, found by keyed hash, shown masked)."""

    party_list = models.ForeignKey(PartyList, verbose_name=_("名单"), on_delete=models.PROTECT,
                                   related_name="listings")
    name = models.CharField(_("名称"), max_length=128)
    name_normalized = models.CharField(max_length=128, db_index=True, editable=False)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    resident_id_encrypted = models.TextField(blank=True, editable=False)
    resident_id_hash = models.CharField(max_length=64, blank=True, editable=False)
    resident_id_masked = models.CharField(_("公民身份号码"), max_length=18, blank=True, editable=False)
    authority = models.CharField(_("列入机关"), max_length=128)
    document_number = models.CharField(_("列入文书号"), max_length=100)
    listed_on = models.DateField(_("列入日期"))
    listed_until = models.DateField(_("有效期至"), null=True, blank=True)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.TextField(_("移出理由"), blank=True)
    source = models.ForeignKey("subjects.Organization", verbose_name=_("报送单位"), on_delete=models.PROTECT,
                               related_name="listings")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-listed_on", "-id"]
        verbose_name = _("名单主体")
        verbose_name_plural = _("名单主体")
        constraints = [models.UniqueConstraint(fields=["party_list", "document_number", "uscc", "resident_id_hash"],
                                               name="listing_natural_key")]
        # A listing carries one identifier and leaves the other empty. Full indexes held one key ("") for every
        # listing of the other kind, and once the statistics said so (ANALYZE) SQLite read every listing for
        # each person checked. Partial indexes leave the empty ones out; a check's query repeats their
        # condition (`> ''`) so that both databases may use them.
        indexes = [models.Index(fields=["uscc"], condition=models.Q(uscc__gt=""), name="listing_uscc"),
                   models.Index(fields=["resident_id_hash"], condition=models.Q(resident_id_hash__gt=""),
                                name="listing_person")]

    scope_region_field = "source__region__path"
    scope_org_field = "source__path"

    def __str__(self) -> str:
        return f"{self.name} · {self.party_list_id}"


class MeasureKind(models.TextChoices):
    SANCTION = "sanction", _("失信惩戒")
    INCENTIVE = "incentive", _("守信激励")


class Effect(models.TextChoices):
    """What a measure means in a check, from the strongest."""

    BLOCK = "block", _("拦截")
    WARN = "warn", _("提示限制")
    PREFER = "prefer", _("优先")
    INFORM = "inform", _("告知")


class Decision(models.TextChoices):
    BLOCK = "block", _("拦截")
    WARN = "warn", _("提示")
    ALLOW = "allow", _("通过")
    PREFER = "prefer", _("优先")


class MeasureStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已停用")


class Measure(models.Model):
    """One measure of the list, as currently in force; its history is in MeasureVersion."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=160)
    kind = models.CharField(_("类别"), max_length=10, choices=MeasureKind.choices)
    subject_kinds = models.JSONField(_("适用主体"), default=list)  # Organization.Kind values, civil_servant, market_entity
    trigger = models.JSONField(_("触发条件"), default=dict)  # see sanctions.rules.Trigger
    scenes = models.JSONField(_("适用场景"), default=list)  # Scene codes
    effect = models.CharField(_("比对效果"), max_length=10, choices=Effect.choices)
    legal_basis = models.TextField(_("依据"))
    implementing_organization = models.CharField(_("实施单位"), max_length=128)
    note = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("奖惩措施")
        verbose_name_plural = _("奖惩措施")

    scope_global = True

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MeasureVersion(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    content = models.JSONField(_("内容"))
    reason = models.TextField(_("理由"), blank=True)
    actor = models.CharField(_("操作者"), max_length=128)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["measure", "number"]
        constraints = [models.UniqueConstraint(fields=["measure", "number"], name="measure_version_unique")]

    scope_global = True

    def __str__(self) -> str:
        return f"{self.measure_id} v{self.number}"


class PartyKind(models.TextChoices):
    USCC = "uscc", _("统一社会信用代码")
    RESIDENT_ID = "resident_id", _("公民身份号码")
    NAME = "name", _("名称")


class CheckBatch(models.Model):
    asked_at = models.DateTimeField(_("比对时间"))
    actor = models.CharField(_("发起者"), max_length=128)
    organization = models.ForeignKey("subjects.Organization", verbose_name=_("发起单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    system = models.CharField(_("调用系统"), max_length=64)
    scene = models.CharField(_("场景"), max_length=40)
    reference = models.CharField(_("业务编号"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("主体数"))
    decisions = models.JSONField(_("结论分布"), default=dict)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("批量比对")
        verbose_name_plural = _("批量比对")

    scope_asker_field = "actor"  # a calling system sees only its own checks (core.access)
    scope_region_field = "organization__region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return f"batch #{self.pk} {self.scene} ({self.size})"


class Check(models.Model):
    """One answered check, stored whole: the answer can be shown again exactly as it was given."""

    asked_at = models.DateTimeField(_("比对时间"))
    actor = models.CharField(_("发起者"), max_length=128)
    organization = models.ForeignKey("subjects.Organization", verbose_name=_("发起单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", db_index=False)
    system = models.CharField(_("调用系统"), max_length=64)
    scene = models.CharField(_("场景"), max_length=40)
    reference = models.CharField(_("业务编号"), max_length=100, blank=True)
    party_kind = models.CharField(_("主体标识类型"), max_length=12, choices=PartyKind.choices)
    party_shown = models.CharField(_("主体标识"), max_length=128)  # a resident ID only masked
    party_name = models.CharField(_("主体名称"), max_length=128, blank=True)
    subject_key = models.CharField(_("主体键"), max_length=24, blank=True)  # o:/p:/l: key, "" when not identified
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices)
    answer = models.JSONField(_("答复"))
    ledger_version = models.BigIntegerField(_("信用记录版本"))
    measures_version = models.BigIntegerField(_("措施清单版本"))
    batch = models.ForeignKey(CheckBatch, verbose_name=_("批量比对"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="checks")
    position = models.PositiveIntegerField(_("批内序号"), null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("比对记录")
        verbose_name_plural = _("比对记录")
        indexes = [models.Index(fields=["organization", "asked_at"], name="check_asker"),
                   models.Index(fields=["asked_at"], name="check_time")]

    scope_asker_field = "actor"  # a calling system sees only its own checks (core.access)
    scope_region_field = "organization__region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return f"#{self.pk} {self.scene} {self.party_shown} → {self.decision}"


class CheckHit(models.Model):
    """One measure applied in one check: what the figures per measure and scene count."""

    check_ref = models.ForeignKey(Check, on_delete=models.CASCADE, related_name="hits")
    measure = models.CharField(_("措施"), max_length=40)
    scene = models.CharField(_("场景"), max_length=40)
    effect = models.CharField(_("比对效果"), max_length=10, choices=Effect.choices)

    class Meta:
        indexes = [models.Index(fields=["measure", "scene"], name="check_hit_measure")]

    scope_asker_field = "check_ref__actor"
    scope_region_field = "check_ref__organization__region__path"
    scope_org_field = "check_ref__organization__path"

    def __str__(self) -> str:
        return f"{self.check_ref_id} {self.measure}"


class Outcome(models.TextChoices):
    APPLIED = "applied", _("已实施")
    NOT_APPLIED = "not_applied", _("未实施")


class Feedback(models.Model):
    """What the calling system did with a check, for one measure or for the check as a whole (measure "")."""

    check_ref = models.ForeignKey(Check, verbose_name=_("比对记录"), on_delete=models.PROTECT,
                                  related_name="feedback")
    measure = models.CharField(_("措施"), max_length=40, blank=True)
    scene = models.CharField(_("场景"), max_length=40)
    outcome = models.CharField(_("实施情况"), max_length=12, choices=Outcome.choices)
    reason = models.TextField(_("原因"), blank=True)
    actor = models.CharField(_("反馈者"), max_length=128)
    reported_at = models.DateTimeField(_("反馈时间"))

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("实施反馈")
        verbose_name_plural = _("实施反馈")
        constraints = [models.UniqueConstraint(fields=["check_ref", "measure"], name="feedback_once")]

    scope_asker_field = "check_ref__actor"
    scope_region_field = "check_ref__organization__region__path"
    scope_org_field = "check_ref__organization__path"

    def __str__(self) -> str:
        return f"{self.check_ref_id} {self.measure or '*'} {self.outcome}"


class MatchJudgement(models.Model):
    """"This candidate is not the party": a person's judgement about a name, kept as data and applied later."""

    name_normalized = models.CharField(_("比对名称"), max_length=128)
    candidate_key = models.CharField(_("候选主体键"), max_length=24)
    candidate_name = models.CharField(_("候选主体名称"), max_length=128)
    reason = models.TextField(_("理由"))
    actor = models.CharField(_("判断者"), max_length=128)
    organization = models.ForeignKey("subjects.Organization", verbose_name=_("判断单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    check_ref = models.ForeignKey(Check, verbose_name=_("比对记录"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("非同一主体判断")
        verbose_name_plural = _("非同一主体判断")
        constraints = [models.UniqueConstraint(fields=["name_normalized", "candidate_key", "organization"],
                                               name="judgement_once")]

    # A judgement suppresses the candidate in the later checks of the organization that made it, not in
    # everyone's: one calling system must not be able to hide a listed firm from all the others.
    scope_region_field = "organization__region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return f"{self.name_normalized} ≠ {self.candidate_key}"


class ReliefKind(models.TextChoices):
    WAIVE = "waive", _("免于惩戒")
    REDUCE = "reduce", _("从轻")


class Relief(models.Model):
    """One measure of the list waived or reduced for one record (a civil servant's self-correction: the loss
    recovered, the adverse effect removed, the harm stopped).

    The measure is referenced by its row — the stable identity whose `code` never changes while its content is
    versioned — so a relief outlives edits of the measure and stops mattering only when the measure is
    withdrawn. A relief is in force from `granted_on` until `lifted_on`; at most one per record and measure at
    a time (a new decision replaces the old one). `reference` names the decision that granted it (e.g.
    "mitigation:<id>"); `basis` is what it rests on (document, reasoning). Written only through
    `sanctions.relief`; read in bulk by `sanctions.parties` for the records a check finds.
    """

    record = models.ForeignKey("ledger.Record", verbose_name=_("信用记录"), on_delete=models.PROTECT,
                               related_name="reliefs")
    measure = models.ForeignKey(Measure, verbose_name=_("措施"), on_delete=models.PROTECT, related_name="reliefs")
    relief = models.CharField(_("处理"), max_length=10, choices=ReliefKind.choices)
    basis = models.TextField(_("决定依据"))
    reference = models.CharField(_("决定编号"), max_length=64, db_index=True)
    granted_on = models.DateField(_("决定日期"))
    granted_by = models.CharField(_("决定者"), max_length=128)
    lifted_on = models.DateField(_("解除日期"), null=True, blank=True)
    lift_reason = models.TextField(_("解除理由"), blank=True)

    class Meta:
        ordering = ["-granted_on", "-id"]
        verbose_name = _("从轻或免于惩戒")
        verbose_name_plural = _("从轻或免于惩戒")
        constraints = [models.UniqueConstraint(fields=["record", "measure"], condition=Q(lifted_on__isnull=True),
                                               name="relief_in_force_once")]

    scope_region_field = "record__unit__region__path"
    scope_org_field = "record__unit__path"

    def __str__(self) -> str:
        return f"{self.record_id} · {self.measure_id} · {self.relief}"
