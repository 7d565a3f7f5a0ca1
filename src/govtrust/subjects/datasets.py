"""Import datasets for the subjects registry: regions, organizations and civil servants.

Each row is created through subjects.services, so an import validates, checks scope and audits exactly
as the console does. References to other subjects (a parent region, a parent or home organization)
are looked up through the access layer: an organization outside the importing user's scope is
"unknown" to them, just as it is on screen. Lookups are remembered for the rest of the import, so
2,000 people in a handful of organizations cost a handful of queries for the organizations.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db.models import Q

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import field_error
from govtrust.core.identifiers import check_resident_id, check_uscc, normalize_name
from govtrust.intake.datasets import Column, Dataset, RowContext, register

from . import services
from .models import CivilServant, Organization, Region

_EXAMPLE_USCC = "11530102MB0012345U"
_EXAMPLE_PARENT_USCC = "11530102MB01234567"


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _region(ctx: RowContext, code: str, column: str) -> Region:
    code = _nfkc(code)
    key = ("region", code)
    if key not in ctx.memo:
        found = access.restrict(ctx.principal, Region.objects.all()).filter(code=code).first()
        if found is None:
            raise field_error(column, f"区划代码{code}不存在或无权访问", f"division code {code} not found or not accessible")
        ctx.memo[key] = found
    return ctx.memo[key]


def _visible_organizations(ctx: RowContext) -> Any:
    return access.restrict(ctx.principal, Organization.objects.select_related("region"))


def _organization_by_uscc(ctx: RowContext, uscc: str, column: str) -> Organization:
    chk = check_uscc(uscc)
    if not chk:
        raise field_error(column, chk.reason, chk.reason_en)
    key = ("org-uscc", chk.value)
    if key not in ctx.memo:
        found = _visible_organizations(ctx).filter(uscc=chk.value).first()
        if found is None:
            raise field_error(column, f"统一社会信用代码为{chk.value}的单位不存在或无权访问",
                              f"no organization with USCC {chk.value}, or not accessible")
        ctx.memo[key] = found
    return ctx.memo[key]


def _organization_by_name(ctx: RowContext, name: str, column: str, near: Region | None) -> Organization:
    """An organization by its current or a former name; same names in different regions are told apart
    by `near` (the closest region at or above it wins), else the user is asked for the USCC."""
    key = normalize_name(name)
    memo_key = ("org-name", key, near.pk if near else None)
    if memo_key in ctx.memo:
        return ctx.memo[memo_key]
    found = list(_visible_organizations(ctx).filter(
        Q(name_normalized=key) | Q(former_names__name_normalized=key)).distinct()[:50])
    found = [o for o in found if o.name_normalized == key] or found
    if near is not None:
        above = [o for o in found if near.path.startswith(o.region.path)]
        depth = max((len(o.region.path) for o in above), default=0)
        found = [o for o in above if len(o.region.path) == depth] or found
    if not found:
        raise field_error(column, f"单位“{name}”不存在或无权访问", f"organization {name!r} not found or not accessible")
    if len(found) > 1:
        raise field_error(column, f"名称“{name}”对应多个单位，请改填统一社会信用代码",
                          f"{name!r} matches several organizations; give the USCC instead")
    ctx.memo[memo_key] = found[0]
    return found[0]


def _organization(ctx: RowContext, values: dict[str, str], uscc_column: str, name_column: str,
                  near: Region | None = None) -> Organization | None:
    """The organization a row names by USCC or by name; given both, they must agree."""
    uscc, name = values[uscc_column], values[name_column]
    if not uscc:
        return _organization_by_name(ctx, name, name_column, near) if name else None
    org = _organization_by_uscc(ctx, uscc, uscc_column)
    if name and normalize_name(name) != org.name_normalized and not org.former_names.filter(
            name_normalized=normalize_name(name)).exists():
        raise field_error(name_column, f"单位名称与统一社会信用代码不符（该代码对应“{org.name}”）",
                          f"the name does not match the USCC, which belongs to {org.name!r}")
    return org


def _split_names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"[;；]", text) if n.strip()]


# ---------------------------------------------------------------------------------------------- regions

def _create_region(ctx: RowContext, v: dict[str, str]) -> Region:
    parent = _region(ctx, v["parent_code"], "parent_code") if v["parent_code"] else None
    return services.create_region(ctx.principal, code=_nfkc(v["code"]), name=v["name"], parent=parent,
                                  reason=ctx.reason)


REGIONS = register(Dataset(
    name="regions",
    title="行政区划",
    title_en="regions",
    perm=Perm.SUBJECTS_CHANGE,
    columns=(
        Column("区划代码", "code", required=True, aliases=("行政区划代码", "代码"), identifier=True, example="530102",
               note="6位（县级及以上）或9/12位（乡镇街道）数字"),
        Column("名称", "name", required=True, aliases=("区划名称", "行政区划名称"), example="五华区"),
        Column("上级区划代码", "parent_code", aliases=("上级代码",), identifier=True, example="530100",
               note="不填则按代码推断；上级须已存在或在本文件中排在前面"),
    ),
    handler=_create_region,
    key_field="code",
    normalize_key=_nfkc,
    error_fields={"parent": ("parent_code",)},
    placement_fields=("parent_code", "code"),
))


# ---------------------------------------------------------------------------------------- organizations

def _create_organization(ctx: RowContext, v: dict[str, str]) -> Organization:
    region = _region(ctx, v["region_code"], "region_code")
    parent = _organization(ctx, v, "parent_uscc", "parent_name", near=region)
    return services.create_organization(
        ctx.principal, name=v["name"], kind=v["kind"], region=region, uscc=v["uscc"], parent=parent,
        former_names=_split_names(v["former_names"]), reason=ctx.reason,
    )


ORGANIZATIONS = register(Dataset(
    name="organizations",
    title="单位",
    title_en="organizations",
    perm=Perm.SUBJECTS_CHANGE,
    columns=(
        Column("单位名称", "name", required=True, aliases=("名称", "单位全称", "机构名称"), example="昆明市五华区财政局"),
        Column("统一社会信用代码", "uscc", required=True, aliases=("社会信用代码", "信用代码", "USCC"), identifier=True,
               example=_EXAMPLE_USCC, note="18位，须与单位类别相符"),
        Column("单位类别", "kind", required=True, aliases=("类别", "单位类型"), choices=tuple(Organization.Kind.choices),
               example="政府部门"),
        Column("所属区划代码", "region_code", required=True, aliases=("区划代码", "行政区划代码"), identifier=True,
               example="530102"),
        Column("上级单位统一社会信用代码", "parent_uscc", aliases=("上级单位信用代码", "上级单位代码"), identifier=True,
               example=_EXAMPLE_PARENT_USCC, note="上级单位须已存在或在本文件中排在前面"),
        Column("上级单位名称", "parent_name", aliases=("上级单位",), example="昆明市五华区人民政府",
               note="可代替上级单位统一社会信用代码；同时填写时两者须一致"),
        Column("曾用名", "former_names", aliases=("曾用名称", "别名"), example="五华区财政局",
               note="多个曾用名用分号（；或;）分隔"),
    ),
    handler=_create_organization,
    key_field="uscc",
    normalize_key=lambda v: check_uscc(v).value,
    error_fields={"region": ("region_code",), "parent": ("parent_uscc", "parent_name")},
    placement_fields=("region_code", "parent_uscc", "parent_name"),
))


# -------------------------------------------------------------------------------------- civil servants

def _create_civil_servant(ctx: RowContext, v: dict[str, str]) -> CivilServant:
    return services.create_civil_servant(
        ctx.principal, name=v["name"], resident_id=v["resident_id"],
        organization=_organization(ctx, v, "org_uscc", "org_name"), position=v["position"], rank=v["rank"],
        status=v["status"] or CivilServant.Status.IN_SERVICE, reason=ctx.reason,
    )


CIVIL_SERVANTS = register(Dataset(
    name="civil-servants",
    title="公务员",
    title_en="civil servants",
    perm=Perm.CIVIL_SERVANTS_CHANGE,
    columns=(
        Column("姓名", "name", required=True, example="张三"),
        Column("公民身份号码", "resident_id", required=True, aliases=("身份证号码", "身份证号", "证件号码"),
               identifier=True, example="530102199001010028", note="18位；加密保存，界面上只显示脱敏号码"),
        Column("所在单位统一社会信用代码", "org_uscc", aliases=("单位统一社会信用代码", "统一社会信用代码"),
               identifier=True, example=_EXAMPLE_USCC),
        Column("所在单位名称", "org_name", aliases=("所在单位", "单位名称", "工作单位"), example="昆明市五华区财政局",
               note="可代替所在单位统一社会信用代码；同时填写时两者须一致"),
        Column("职务", "position", example="科员"),
        Column("职级", "rank", example="一级科员"),
        Column("状态", "status", choices=tuple(CivilServant.Status.choices), example="在职", note="不填为“在职”"),
    ),
    handler=_create_civil_servant,
    key_field="resident_id",
    normalize_key=lambda v: check_resident_id(v).value,
    one_of=(("org_uscc", "org_name"),),
    error_fields={"organization": ("org_uscc", "org_name")},
    placement_fields=("org_uscc", "org_name"),
))
