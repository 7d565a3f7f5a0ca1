"""The subjects registry (信用主体): regions, organizations and civil servants.

Regions and organizations carry a materialized `path` of ancestor keys, so "this subtree" is one
indexed prefix query; the access layer scopes every read with it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from govtrust.core.models import TimeStamped


class Region(TimeStamped):
    """A GB/T 2260 division (province, city, county) or a township / subdistrict below a county."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")
        TOWNSHIP = "township", _("乡镇（街道）")

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=200, db_index=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    # Access layer: divisions are public reference data (GB/T 2260), readable by every staff role.
    scope_global = True

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Organization(TimeStamped):
    """A public body that can be a credit subject: a government, department, township, institution …"""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("人民政府")
        DEPARTMENT = "department", _("政府部门")
        TOWNSHIP = "township", _("乡镇人民政府")
        SUBDISTRICT = "subdistrict", _("街道办事处")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")
        PARTY_ORGAN = "party_organ", _("党委及其工作机关")
        JUDICIAL = "judicial", _("审判、检察机关")
        OTHER_PUBLIC = "other_public", _("其他公共机构")

    class Status(models.TextChoices):
        ACTIVE = "active", _("存续")
        MERGED = "merged", _("已合并")
        DISSOLVED = "dissolved", pgettext_lazy("organization status", "已撤销")

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True)
    name = models.CharField(_("名称"), max_length=128)
    name_normalized = models.CharField(_("规范名称"), max_length=128, db_index=True, editable=False)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="organizations")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=400, db_index=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    status_date = models.DateField(_("状态变更日期"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("承继单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )

    class Meta:
        ordering = ["region__code", "path"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.UniqueConstraint(fields=["region", "name_normalized"], name="org_unique_name_in_region"),
        ]

    scope_region_field = "region__path"
    scope_org_field = "path"

    def __str__(self) -> str:
        return self.name


class OrganizationName(models.Model):
    """A former name (曾用名) or alias, kept for matching records that still use it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(_("曾用名"), max_length=128)
    name_normalized = models.CharField(max_length=128, db_index=True, editable=False)
    used_until = models.DateField(_("使用至"), null=True, blank=True)

    class Meta:
        ordering = ["organization", "used_until"]
        verbose_name = _("曾用名")
        verbose_name_plural = _("曾用名")
        constraints = [models.UniqueConstraint(fields=["organization", "name_normalized"], name="org_name_unique")]

    scope_region_field = "organization__region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return self.name


class CivilServant(TimeStamped):
    """A civil servant. The resident ID is stored encrypted, found by keyed hash, and shown masked."""

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("在职")
        TRANSFERRED = "transferred", _("调出")
        RETIRED = "retired", _("退休")
        DISMISSED = "dismissed", _("辞退/开除")
        RESIGNED = "resigned", _("辞职")
        DECEASED = "deceased", _("死亡")

    name = models.CharField(_("姓名"), max_length=64, db_index=True)
    resident_id_encrypted = models.TextField(_("公民身份号码（密文）"), editable=False)
    resident_id_hash = models.CharField(max_length=64, unique=True, editable=False)
    resident_id_masked = models.CharField(_("公民身份号码"), max_length=18, editable=False)
    organization = models.ForeignKey(
        Organization, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="civil_servants"
    )
    position = models.CharField(_("职务"), max_length=64, blank=True)
    rank = models.CharField(_("职级"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.IN_SERVICE)

    class Meta:
        ordering = ["organization__path", "name"]
        verbose_name = _("公务员")
        verbose_name_plural = _("公务员")

    scope_region_field = "organization__region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return f"{self.name}（{self.resident_id_masked}）"
