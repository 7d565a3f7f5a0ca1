"""Writes to the subjects registry. Every function validates, checks access, writes and audits in one
transaction; the console, the API, imports, the demo loader and tests all come through here.

Each function takes the acting principal first and a `reason` (required in the console).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from govtrust.core import access, audit, crypto
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, field_error, invalid
from govtrust.core.identifiers import check_resident_id, check_uscc, mask_resident_id, normalize_name

from .models import CivilServant, Organization, OrganizationName, Region

# Which USCC categories (positions 1–2) fit each organization kind (REFERENCE §5: validate against
# the subject's kind, not by checksum alone).
KIND_USCC_CATEGORIES: dict[str, set[str]] = {
    Organization.Kind.GOVERNMENT: {"11"},
    Organization.Kind.DEPARTMENT: {"11", "12"},
    Organization.Kind.TOWNSHIP: {"11"},
    Organization.Kind.SUBDISTRICT: {"11"},
    Organization.Kind.PARTY_ORGAN: {"11", "13"},
    Organization.Kind.JUDICIAL: {"11"},
    Organization.Kind.PUBLIC_INSTITUTION: {"12", "A1"},
    Organization.Kind.OTHER_PUBLIC: {"11", "12", "13", "19", "51", "52", "53", "A1"},
}


def _require_reason(reason: str) -> None:
    if current().channel == "console" and not (reason or "").strip():
        raise field_error("reason", "在工作台中修改数据必须填写理由", "A reason is required for changes made in the console")


# ---------------------------------------------------------------------------------------------- regions

def region_level_for(code: str) -> str:
    if len(code) > 6:
        return Region.Level.TOWNSHIP
    if code.endswith("0000"):
        return Region.Level.PROVINCE
    return Region.Level.CITY if code.endswith("00") else Region.Level.COUNTY


def parent_code_candidates(code: str) -> list[str]:
    """Where a division sits by its code: a township under its county; a county under its city or,
    for province-administered counties (省直辖县), the province."""
    if len(code) > 6:
        return [code[:6]]
    level = region_level_for(code)
    if level == Region.Level.PROVINCE:
        return []
    if level == Region.Level.CITY:
        return [code[:2] + "0000"]
    return [code[:4] + "00", code[:2] + "0000"]


def _validate_region_code(code: str) -> list[FieldError]:
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return [FieldError("code", "区划代码应为6位（县级及以上）或9/12位（乡镇街道）数字",
                           "division code must be 6 digits (county and above) or 9/12 digits (township)")]
    return []


@transaction.atomic
def create_region(principal: Any, *, code: str, name: str, parent: Region | None = None, reason: str = "") -> Region:
    _require_reason(reason)
    code, name = (code or "").strip(), (name or "").strip()
    errors = _validate_region_code(code)
    if not name:
        errors.append(FieldError("name", "名称不能为空", "name is required"))
    if errors:
        raise invalid(errors)
    if Region.objects.filter(code=code).exists():
        raise Conflict("区划代码已存在", "division code already exists", [FieldError("code", f"{code}已存在", f"{code} exists")])
    if parent is None:
        candidates = parent_code_candidates(code)
        parent = next((r for c in candidates if (r := Region.objects.filter(code=c).first())), None)
        if candidates and parent is None:
            raise field_error("parent", f"上级区划{candidates[0]}不存在，请先导入上级区划",
                              f"parent division {candidates[0]} does not exist; import it first")
    access.require_placement(principal, Perm.SUBJECTS_CHANGE, parent or None)
    region = Region(code=code, name=name, level=region_level_for(code), parent=parent)
    region.path = (parent.path if parent else "/") + code + "/"
    region.save()
    audit.record("create", region, after=audit.snapshot(region), reason=reason)
    return region


@transaction.atomic
def update_region(principal: Any, region: Region, *, name: str, reason: str = "") -> Region:
    _require_reason(reason)
    access.require_placement(principal, Perm.SUBJECTS_CHANGE, region)
    if not (name or "").strip():
        raise field_error("name", "名称不能为空", "name is required")
    before = audit.snapshot(region)
    region.name = name.strip()
    region.save()
    b, a = audit.diff(before, audit.snapshot(region))
    if a:
        audit.record("update", region, before=b, after=a, reason=reason)
    return region


# ---------------------------------------------------------------------------------------- organizations

def _check_org_fields(
    *, name: str, kind: str, region: Region | None, uscc: str | None, parent: Organization | None,
    exclude_pk: int | None = None,
) -> tuple[list[FieldError], str | None]:
    errors: list[FieldError] = []
    if not name:
        errors.append(FieldError("name", "名称不能为空", "name is required"))
    if kind not in Organization.Kind.values:
        errors.append(FieldError("kind", f"类别“{kind}”无效", f"unknown kind {kind!r}"))
    if region is None:
        errors.append(FieldError("region", "所属区划不存在", "region does not exist"))
    normalized_uscc = None
    if uscc:
        chk = check_uscc(uscc)
        if not chk:
            errors.append(FieldError("uscc", chk.reason, chk.reason_en))
        else:
            normalized_uscc = chk.value
            allowed = KIND_USCC_CATEGORIES.get(kind, set())
            if kind in Organization.Kind.values and chk.value[:2] not in allowed:
                label = Organization.Kind(kind).label
                errors.append(FieldError("uscc", f"代码类别“{chk.category}”与单位类别“{label}”不符",
                                         f"USCC category {chk.value[:2]} ({chk.category}) does not fit kind {kind}"))
            elif Organization.objects.filter(uscc=chk.value).exclude(pk=exclude_pk).exists():
                errors.append(FieldError("uscc", f"统一社会信用代码{chk.value}已被其他单位使用",
                                         f"USCC {chk.value} is already used by another organization"))
    if parent is not None and region is not None and not region.path.startswith(parent.region.path):
        errors.append(FieldError("parent", "上级单位所在区划应为本单位区划或其上级",
                                 "the parent must be in the same region or a region above"))
    if name and region is not None and (
        Organization.objects.filter(region=region, name_normalized=normalize_name(name)).exclude(pk=exclude_pk).exists()
    ):
        errors.append(FieldError("name", f"本区划已有同名单位“{name}”", f"an organization named {name!r} exists in this region"))
    return errors, normalized_uscc


def _set_org_path(org: Organization) -> None:
    org.path = (org.parent.path if org.parent else "/") + f"{org.pk}/"
    Organization.objects.filter(pk=org.pk).update(path=org.path)


@transaction.atomic
def create_organization(
    principal: Any, *, name: str, kind: str, region: Region | None, uscc: str | None = None,
    parent: Organization | None = None, former_names: list[str] | tuple[str, ...] = (), reason: str = "",
) -> Organization:
    _require_reason(reason)
    name = (name or "").strip()
    errors, normalized_uscc = _check_org_fields(name=name, kind=kind, region=region, uscc=uscc, parent=parent)
    if errors:
        raise invalid(errors)
    access.require_placement(principal, Perm.SUBJECTS_CHANGE, region, parent)
    org = Organization.objects.create(
        name=name, name_normalized=normalize_name(name), kind=kind, region=region, uscc=normalized_uscc,
        parent=parent, path="",
    )
    _set_org_path(org)
    for former in former_names:
        if former.strip() and normalize_name(former) != org.name_normalized:
            OrganizationName.objects.get_or_create(
                organization=org, name_normalized=normalize_name(former), defaults={"name": former.strip()}
            )
    after = audit.snapshot(org) | {"former_names": [n.strip() for n in former_names if n.strip()]}
    audit.record("create", org, after=after, reason=reason)
    return org


@transaction.atomic
def update_organization(principal: Any, org: Organization, *, reason: str = "", **changes: Any) -> Organization:
    """Change name, kind, USCC, parent or status. A renamed organization keeps its old name as a former name."""
    _require_reason(reason)
    access.require(principal, Perm.SUBJECTS_CHANGE, org)
    allowed = {"name", "kind", "uscc", "parent", "status", "status_date", "successor"}
    unknown = set(changes) - allowed
    if unknown:
        raise invalid([FieldError(f, "不能修改此字段", "this field cannot be changed") for f in sorted(unknown)])
    before = audit.snapshot(org)
    old_name = org.name
    name = (changes.get("name", org.name) or "").strip()
    kind = changes.get("kind", org.kind)
    uscc = changes.get("uscc", org.uscc)
    parent = changes.get("parent", org.parent)
    errors, normalized_uscc = _check_org_fields(
        name=name, kind=kind, region=org.region, uscc=uscc, parent=parent, exclude_pk=org.pk
    )
    if parent is not None and (parent.pk == org.pk or parent.path.startswith(org.path)):
        errors.append(FieldError("parent", "上级单位不能是本单位或其下属单位", "the parent cannot be the organization or below it"))
    status = changes.get("status", org.status)
    status_date = changes.get("status_date", org.status_date)
    successor = changes.get("successor", org.successor)
    if status not in Organization.Status.values:
        errors.append(FieldError("status", f"状态“{status}”无效", f"unknown status {status!r}"))
    elif status != Organization.Status.ACTIVE and status_date is None:
        errors.append(FieldError("status_date", "合并或撤销须填写日期", "a merged or dissolved organization needs a date"))
    if status == Organization.Status.MERGED and successor is None:
        errors.append(FieldError("successor", "已合并的单位须指定承继单位", "a merged organization needs its successor"))
    if errors:
        raise invalid(errors)
    if parent is not None and parent != org.parent:
        access.require_placement(principal, Perm.SUBJECTS_CHANGE, org.region, parent)
    org.name, org.name_normalized, org.kind, org.uscc = name, normalize_name(name), kind, normalized_uscc
    org.status, org.status_date = status, status_date
    org.successor = successor if status == Organization.Status.MERGED else None
    parent_changed = parent != org.parent
    org.parent = parent
    org.save()
    if parent_changed:
        old_path = org.path
        _set_org_path(org)
        for child in Organization.objects.filter(path__startswith=old_path).exclude(pk=org.pk):
            Organization.objects.filter(pk=child.pk).update(path=org.path + child.path[len(old_path):])
    if normalize_name(old_name) != org.name_normalized:
        OrganizationName.objects.get_or_create(
            organization=org, name_normalized=normalize_name(old_name),
            defaults={"name": old_name, "used_until": dt.date.today()},
        )
    b, a = audit.diff(before, audit.snapshot(org))
    if a:
        audit.record("update", org, before=b, after=a, reason=reason)
    return org


def search_organizations(principal: Any, query: str = "", queryset: QuerySet[Organization] | None = None
                         ) -> QuerySet[Organization]:
    """Organizations the principal may see matching a name (current or former), a USCC, or nothing."""
    qs = access.restrict(principal, queryset if queryset is not None else Organization.objects.all())
    query = (query or "").strip()
    if not query:
        return qs
    key = normalize_name(query)
    cond = Q(name_normalized__icontains=key) | Q(former_names__name_normalized__icontains=key)
    if len(key) >= 6:
        cond |= Q(uscc__startswith=key.upper())
    return qs.filter(cond).distinct()


# -------------------------------------------------------------------------------------- civil servants

def _check_person(name: str, status: str, organization: Organization | None) -> list[FieldError]:
    errors = []
    if not name:
        errors.append(FieldError("name", "姓名不能为空", "name is required"))
    if organization is None:
        errors.append(FieldError("organization", "所在单位不存在", "organization does not exist"))
    if status not in CivilServant.Status.values:
        errors.append(FieldError("status", f"状态“{status}”无效", f"unknown status {status!r}"))
    return errors


@transaction.atomic
def create_civil_servant(
    principal: Any, *, name: str, resident_id: str, organization: Organization | None, position: str = "",
    rank: str = "", status: str = CivilServant.Status.IN_SERVICE, reason: str = "",
) -> CivilServant:
    _require_reason(reason)
    name = (name or "").strip()
    errors = _check_person(name, status, organization)
    chk = check_resident_id(resident_id)
    if not chk:
        errors.append(FieldError("resident_id", chk.reason, chk.reason_en))
    elif CivilServant.objects.filter(resident_id_hash=crypto.lookup_hash(chk.value)).exists():
        errors.append(FieldError("resident_id", "该公民身份号码已登记", "this resident ID is already registered"))
    if errors:
        raise invalid(errors)
    assert organization is not None
    access.require(principal, Perm.CIVIL_SERVANTS_CHANGE, organization)
    person = CivilServant.objects.create(
        name=name, resident_id_encrypted=crypto.encrypt(chk.value), resident_id_hash=crypto.lookup_hash(chk.value),
        resident_id_masked=mask_resident_id(chk.value), organization=organization, position=(position or "").strip(),
        rank=(rank or "").strip(), status=status,
    )
    audit.record("create", person, after=audit.snapshot(person), reason=reason)
    return person


@transaction.atomic
def update_civil_servant(principal: Any, person: CivilServant, *, reason: str = "", **changes: Any) -> CivilServant:
    """Change name, organization (a transfer), position, rank or status. The resident ID is fixed."""
    _require_reason(reason)
    access.require(principal, Perm.CIVIL_SERVANTS_CHANGE, person)
    allowed = {"name", "organization", "position", "rank", "status"}
    unknown = set(changes) - allowed
    if unknown:
        raise invalid([FieldError(f, "不能修改此字段", "this field cannot be changed") for f in sorted(unknown)])
    before = audit.snapshot(person)
    name = (changes.get("name", person.name) or "").strip()
    organization = changes.get("organization", person.organization)
    status = changes.get("status", person.status)
    errors = _check_person(name, status, organization)
    if errors:
        raise invalid(errors)
    if organization != person.organization:
        access.require(principal, Perm.CIVIL_SERVANTS_CHANGE, organization)
    person.name, person.organization, person.status = name, organization, status
    person.position = (changes.get("position", person.position) or "").strip()
    person.rank = (changes.get("rank", person.rank) or "").strip()
    person.save()
    b, a = audit.diff(before, audit.snapshot(person))
    if a:
        audit.record("update", person, before=b, after=a, reason=reason)
    return person


def find_civil_servant(principal: Any, resident_id: str) -> CivilServant | None:
    """Look a person up by resident ID (keyed hash; the number itself is never queried)."""
    chk = check_resident_id(resident_id)
    if not chk:
        raise field_error("resident_id", chk.reason, chk.reason_en)
    return access.restrict(principal, CivilServant.objects.all()).filter(
        resident_id_hash=crypto.lookup_hash(chk.value)
    ).first()


@transaction.atomic
def reveal_resident_id(principal: Any, person: CivilServant, *, purpose: str) -> str:
    """The full resident ID, for a stated purpose; the read itself is an audit event."""
    if not (purpose or "").strip():
        raise field_error("purpose", "查看完整身份号码须说明用途", "A purpose is required to view the full resident ID")
    access.require(principal, Perm.PERSONAL_UNMASK, person)
    number = crypto.decrypt(person.resident_id_encrypted)
    audit.record("read_unmasked", person, after={"field": "resident_id"}, reason=purpose.strip())
    return number

