"""Complaints and reports about government dishonesty (政务失信投诉举报), from intake to follow-up visit.

Catalog data, shipped in data/catalog.json with its legal basis and loaded by a data migration:
- `ComplaintCategory`: what a complaint is about (not keeping a commitment, arrears, …) and its limit class
  (inquiry or complaint), which selects the handling time limit;
- `DeadlineRule`: the time limits in working days, dated (`in_force_from`): a complaint keeps the rule in force
  on the day it was received, so a later change of the limits never moves an old case's deadlines;
- `NotAcceptedMatter`: the published list of matters not accepted; a decline names one.

`RoutingEntry` is the routing table (category × region → organization), kept with its history: an entry is
never edited, it is ended (`valid_to`) and replaced, so "who would this have gone to on date D" has an answer.

A `Complaint` runs through the states below (services.py holds the transitions). `current_due` is the running
deadline of the state it is in, recomputed whenever it (re-)enters a state; `handle_due` is the handling
deadline of the current round (assignment or reopening), against which `on_time` is judged at the reply.
The complainant's name and contact are stored encrypted (core.crypto) with masked copies for lists; the public
tracking page shows neither. `ComplaintEvent` is the append-only timeline; `ComplaintFile` the attachments.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from govtrust.commitments.models import StoredFile


class LimitClass(models.TextChoices):
    INQUIRY = "inquiry", _("咨询类")
    COMPLAINT = "complaint", _("投诉举报类")


class ComplaintCategory(models.Model):
    """A category of government dishonesty that the public may complain about (catalog data)."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    limit_class = models.CharField(_("时限类别"), max_length=12, choices=LimitClass.choices)
    writes_record = models.BooleanField(_("查实后生成信用记录"), default=True)
    legal_basis = models.TextField(_("依据"))
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("投诉举报类别")
        verbose_name_plural = _("投诉举报类别")

    scope_global = True

    def __str__(self) -> str:
        return self.name


class DeadlineRule(models.Model):
    """The time limits (working days) in force from a date; `handle_working_days` maps a limit class, or a
    category code that needs its own limit, to the handling period."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    in_force_from = models.DateField(_("施行日期"), unique=True)
    accept_working_days = models.PositiveSmallIntegerField(_("受理时限（工作日）"))
    assign_working_days = models.PositiveSmallIntegerField(_("派单时限（工作日）"))
    reassign_working_days = models.PositiveSmallIntegerField(_("退单后改派时限（工作日）"))
    close_working_days = models.PositiveSmallIntegerField(_("答复后办结时限（工作日）"))
    visit_working_days = models.PositiveSmallIntegerField(_("办结后回访时限（工作日）"))
    remind_before_working_days = models.PositiveSmallIntegerField(_("到期前提醒（工作日）"))
    handle_working_days = models.JSONField(_("办理时限（工作日）"), default=dict)
    legal_basis = models.TextField(_("依据"))

    class Meta:
        ordering = ["in_force_from"]
        verbose_name = _("投诉举报办理时限规则")
        verbose_name_plural = _("投诉举报办理时限规则")

    scope_global = True

    def __str__(self) -> str:
        return self.name

    def handle_days(self, category: ComplaintCategory) -> int:
        table = self.handle_working_days
        return int(table.get(category.code, table.get(category.limit_class, table.get(LimitClass.COMPLAINT, 13))))


class NotAcceptedMatter(models.Model):
    """One entry of the published list of matters not accepted (不予受理事项)."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    text = models.CharField(_("事项"), max_length=200)
    legal_basis = models.TextField(_("依据"))
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("不予受理事项")
        verbose_name_plural = _("不予受理事项")

    scope_global = True

    def __str__(self) -> str:
        return self.text


class RoutingEntry(models.Model):
    """Complaints of `category` (any, when empty) about bodies in `region` (and below, unless a nearer entry
    exists) go to `organization`, from `valid_from` until `valid_to` (exclusive; open when empty)."""

    category = models.ForeignKey(ComplaintCategory, verbose_name=_("投诉举报类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="routes")
    region = models.ForeignKey("subjects.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT,
                               related_name="complaint_routes")
    organization = models.ForeignKey("subjects.Organization", verbose_name=_("承办单位"), on_delete=models.PROTECT,
                                     related_name="complaint_routes")
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    replaced_by = models.ForeignKey("self", verbose_name=_("替代条目"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaces")
    created_by = models.CharField(_("登记人"), max_length=128)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["region__code", "category__ordering", "-valid_from", "id"]
        verbose_name = _("派单规则")
        verbose_name_plural = _("派单规则")
        indexes = [models.Index(fields=["region", "category", "valid_from"], name="complaint_route_lookup")]

    scope_region_field = "region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return f"{self.region_id}/{self.category_id or '*'} → {self.organization_id}"


class Channel(models.TextChoices):
    PORTAL = "portal", _("网站")
    HOTLINE = "hotline", _("热线人工登记")
    HOTLINE_API = "hotline_api", _("12345热线接口")
    HOTLINE_CSV = "hotline_csv", _("12345热线批量导入")


class Status(models.TextChoices):
    RECEIVED = "received", _("待受理")
    DECLINED = "declined", _("不予受理")
    ACCEPTED = "accepted", _("已受理待派单")
    ASSIGNED = "assigned", _("已派单")
    RETURNED = "returned", _("已退单待改派")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复待办结")
    CLOSED = "closed", _("已办结待回访")
    VISITED = "visited", _("已回访")
    MERGED = "merged", _("已并单")


OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED, Status.RETURNED, Status.HANDLING, Status.REPLIED,
                 Status.CLOSED)
# The states in which the assigned organization holds the case (the handling deadline runs).
HANDLING_STATUSES = (Status.ASSIGNED, Status.HANDLING)


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("属实")
    PARTLY = "partly", _("部分属实")
    UNFOUNDED = "unfounded", _("不属实")
    NOT_APPLICABLE = "not_applicable", _("不涉及（咨询类）")


FOUND_TRUE = (Finding.SUBSTANTIATED, Finding.PARTLY)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Complaint(models.Model):
    serial = models.CharField(_("编号"), max_length=20, unique=True)
    code_hash = models.CharField(max_length=64, editable=False)  # keyed hash of serial + extraction code
    hotline_number = models.CharField(_("12345工单号"), max_length=40, unique=True, null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    category = models.ForeignKey(ComplaintCategory, verbose_name=_("类别"), on_delete=models.PROTECT,
                                 related_name="complaints")
    body = models.ForeignKey("subjects.Organization", verbose_name=_("被投诉单位"), on_delete=models.PROTECT,
                             related_name="complaints_about")
    body_name = models.CharField(_("被投诉单位（投诉人填写）"), max_length=128)
    facts = models.TextField(_("事实和理由"))
    demand = models.TextField(_("诉求"), blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    name_encrypted = models.TextField(_("投诉人（密文）"), blank=True, editable=False)
    name_masked = models.CharField(_("投诉人"), max_length=32, blank=True)
    contact_encrypted = models.TextField(_("联系方式（密文）"), blank=True, editable=False)
    contact_masked = models.CharField(_("联系方式"), max_length=64, blank=True)
    received_on = models.DateField(_("登记日期"))
    rule = models.ForeignKey(DeadlineRule, verbose_name=_("时限规则"), on_delete=models.PROTECT,
                             related_name="complaints")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    stage_on = models.DateField(_("进入当前状态日期"))
    current_due = models.DateField(_("当前期限"), null=True, blank=True)
    calendar_basis = models.JSONField(_("期限计算依据"), default=dict, blank=True)  # WorkingCalendar.used() refs
    accept_due = models.DateField(_("受理期限"), null=True, blank=True)  # None while its year is not entered
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    decline_matter = models.ForeignKey(NotAcceptedMatter, verbose_name=_("不予受理事项"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="complaints")
    decline_reason = models.TextField(_("不予受理说明"), blank=True)
    assignee = models.ForeignKey("subjects.Organization", verbose_name=_("承办单位"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="complaints_assigned")
    routing_entry = models.ForeignKey(RoutingEntry, verbose_name=_("派单依据"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="complaints")
    assigned_on = models.DateField(_("派单日期"), null=True, blank=True)
    handle_due = models.DateField(_("办理期限"), null=True, blank=True)
    handled_on = models.DateField(_("签收日期"), null=True, blank=True)
    returned_by = models.ForeignKey("subjects.Organization", verbose_name=_("退单单位"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="complaints_returned")
    return_reason = models.TextField(_("退单理由"), blank=True)
    reply = models.TextField(_("答复"), blank=True)
    finding = models.CharField(_("核查结论"), max_length=16, choices=Finding.choices, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    on_time = models.BooleanField(_("按时答复"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    rating = models.CharField(_("满意度"), max_length=12, choices=Rating.choices, blank=True)
    visited_on = models.DateField(_("回访日期"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    return_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)
    merged_into = models.ForeignKey("self", verbose_name=_("并入"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged")
    serious = models.BooleanField(_("重大投诉"), default=False)
    serious_reason = models.TextField(_("重大情形"), blank=True)
    reported_to = models.ForeignKey("subjects.Organization", verbose_name=_("报告上级"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="complaints_reported")
    reported_on = models.DateField(_("报告日期"), null=True, blank=True)
    overdue = models.BooleanField(_("已逾期"), default=False)
    reminded_for = models.DateField(_("已提醒的期限"), null=True, blank=True)
    ledger_record = models.ForeignKey("ledger.Record", verbose_name=_("信用记录"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="complaints")
    created_by = models.CharField(_("登记人"), max_length=128)
    created_at = models.DateTimeField(_("登记时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        indexes = [models.Index(fields=["status", "current_due"], name="complaint_due"),
                   models.Index(fields=["body", "category", "status"], name="complaint_duplicates"),
                   models.Index(fields=["received_on"], name="complaint_received"),
                   # Everything the evaluation run reads of a complaint (evaluation.inputs): it scans this
                   # narrow index instead of the wide rows, 0.30 → 0.07 s at 200,000 complaints.
                   models.Index(fields=["body", "replied_on", "on_time", "visited_on", "rating", "closed_on",
                                        "finding", "status"], include=["id"], name="complaint_figures")]

    # The credit office of the body's region (or of the assignee's) sees the case; an organization sees the
    # cases assigned to it — not the complaints about itself handled by someone else (no retaliation).
    scope_region_field = ("body__region__path", "assignee__region__path")
    scope_org_field = "assignee__path"

    def __str__(self) -> str:
        return self.serial

    @property
    def root(self) -> Complaint:
        """The case whose answer this one gets: itself, or the case it was merged into."""
        return self.merged_into if self.merged_into_id else self


class EventKind(models.TextChoices):
    FILED = "filed", _("登记")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("不予受理")
    ASSIGNED = "assigned", _("派单")
    HANDLING = "handling", _("签收办理")
    RETURNED = "returned", _("退单")
    REASSIGNED = "reassigned", _("改派")
    REPLIED = "replied", _("答复")
    CLOSED = "closed", _("办结")
    VISITED = "visited", _("回访")
    REOPENED = "reopened", _("重新办理")
    MERGED = "merged", _("并单")
    ANSWERED = "answered", _("并单答复送达")
    SUPERVISED = "supervised", _("督办")
    REMINDED = "reminded", _("临期提醒")
    OVERDUE = "overdue", _("逾期督办")
    SERIOUS = "serious", _("重大投诉报告上级")
    RECORDED = "recorded", _("生成信用记录")
    RESENT = "resent", _("热线重复推送")


# What the public tracking page shows of the timeline (never who acted, never internal notes).
PUBLIC_EVENTS = (EventKind.FILED, EventKind.ACCEPTED, EventKind.DECLINED, EventKind.ASSIGNED, EventKind.HANDLING,
                 EventKind.REASSIGNED, EventKind.REPLIED, EventKind.CLOSED, EventKind.VISITED, EventKind.REOPENED,
                 EventKind.MERGED, EventKind.ANSWERED)


class ComplaintEvent(models.Model):
    """One step in a complaint's timeline: appended, never changed."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事件"), max_length=12, choices=EventKind.choices)
    actor = models.CharField(_("操作者"), max_length=128)
    organization = models.ForeignKey("subjects.Organization", verbose_name=_("单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("说明"), blank=True)
    day = models.DateField(_("日期"))
    due = models.DateField(_("新期限"), null=True, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["complaint", "at", "id"]
        verbose_name = _("投诉举报办理记录")
        verbose_name_plural = _("投诉举报办理记录")

    scope_region_field = ("complaint__body__region__path", "complaint__assignee__region__path")
    scope_org_field = "complaint__assignee__path"

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class ComplaintFile(StoredFile):
    """An attachment of a complaint (checked by content before it is stored: files.read_checked)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("文件"), upload_to="complaints/%Y/%m/", max_length=200)

    class Meta:
        ordering = ["complaint", "uploaded_at", "id"]
        verbose_name = _("投诉举报附件")
        verbose_name_plural = _("投诉举报附件")

    scope_region_field = ("complaint__body__region__path", "complaint__assignee__region__path")
    scope_org_field = "complaint__assignee__path"


class PortalThrottle(models.Model):
    """How many portal requests of a kind came from one address in one window (anti-flood, no third party).

    The address is kept only as a keyed hash: the counter needs equality, not the address itself.
    """

    bucket = models.CharField(max_length=24)
    key_hash = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bucket", "key_hash", "window_start"], name="throttle_unique")]
        indexes = [models.Index(fields=["window_start"], name="throttle_window")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.window_start:%Y-%m-%d %H:%M} {self.count}"
