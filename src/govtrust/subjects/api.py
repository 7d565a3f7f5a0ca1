"""Subjects API: regions, organizations and civil servants. Reads through the access layer, writes
through the service functions; resident IDs only ever leave masked, except via the audited reveal."""


import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from govtrust.core import access
from govtrust.core.errors import NotFound

from . import services
from .models import CivilServant, Organization, Region

router = Router(tags=["subjects 信用主体"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None = Field(None, alias="parent.code")


class RegionIn(Schema):
    code: str
    name: str
    reason: str = ""


class OrganizationOut(Schema):
    id: int
    uscc: str | None
    name: str
    kind: str
    kind_label: str
    region_code: str = Field(..., alias="region.code")
    parent_id: int | None
    status: str
    status_date: dt.date | None
    successor_id: int | None
    former_names: list[str] = []

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_former_names(obj: Organization) -> list[str]:
        return [n.name for n in obj.former_names.all()]


class OrganizationIn(Schema):
    name: str
    kind: str
    region_code: str
    uscc: str | None = None
    parent_id: int | None = None
    former_names: list[str] = []
    reason: str = ""


class OrganizationPatch(Schema):
    name: str | None = None
    kind: str | None = None
    uscc: str | None = None
    parent_id: int | None = None
    status: str | None = None
    status_date: dt.date | None = None
    successor_id: int | None = None
    reason: str = ""


class CivilServantOut(Schema):
    id: int
    name: str
    resident_id_masked: str
    organization_id: int
    organization_name: str = Field(..., alias="organization.name")
    position: str
    rank: str
    status: str


class CivilServantIn(Schema):
    name: str
    resident_id: str
    organization_id: int
    position: str = ""
    rank: str = ""
    status: str = CivilServant.Status.IN_SERVICE
    reason: str = ""


class CivilServantPatch(Schema):
    name: str | None = None
    organization_id: int | None = None
    position: str | None = None
    rank: str | None = None
    status: str | None = None
    reason: str = ""


class LookupIn(Schema):
    resident_id: str


class RevealIn(Schema):
    purpose: str


class RevealOut(Schema):
    resident_id: str


class OrganizationFilter(Schema):
    q: str = ""
    kind: str | None = None
    status: str | None = None
    region: str | None = Field(None, description="区划代码：含下级区划 / division code, subtree included")


def _region(code: str | None) -> Region | None:
    return Region.objects.filter(code=code).first() if code else None


def _org(request: HttpRequest, pk: int | None, field: str = "organization") -> Organization | None:
    if pk is None:
        return None
    return access.get_visible(request.auth, Organization.objects.select_related("region"), pk=pk)


@router.get("/regions", response=list[RegionOut])
@paginate(LimitOffsetPagination)
def list_regions(request: HttpRequest, q: str = "", level: str | None = None) -> QuerySet[Region]:
    qs = access.restrict(request.auth, Region.objects.select_related("parent"))
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(code__startswith=q)
    return qs.filter(level=level) if level else qs


@router.get("/regions/{code}", response=RegionOut)
def get_region(request: HttpRequest, code: str) -> Region:
    return access.get_visible(request.auth, Region.objects.select_related("parent"), code=code)


@router.post("/regions", response={201: RegionOut})
def create_region(request: HttpRequest, payload: RegionIn) -> Status[Region]:
    return Status(201, services.create_region(request.auth, code=payload.code, name=payload.name, reason=payload.reason))


@router.get("/organizations", response=list[OrganizationOut])
@paginate(LimitOffsetPagination)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilter]) -> QuerySet[Organization]:
    qs = services.search_organizations(request.auth, filters.q).select_related("region").prefetch_related("former_names")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.region:
        region = _region(filters.region)
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    return qs


@router.get("/organizations/by-uscc/{uscc}", response=OrganizationOut)
def get_organization_by_uscc(request: HttpRequest, uscc: str) -> Organization:
    return access.get_visible(request.auth, Organization.objects.select_related("region"), uscc=uscc.strip().upper())


@router.get("/organizations/{org_id}", response=OrganizationOut)
def get_organization(request: HttpRequest, org_id: int) -> Organization:
    return access.get_visible(request.auth, Organization.objects.select_related("region"), pk=org_id)


@router.post("/organizations", response={201: OrganizationOut})
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Status[Organization]:
    org = services.create_organization(
        request.auth, name=payload.name, kind=payload.kind, region=_region(payload.region_code), uscc=payload.uscc,
        parent=_org(request, payload.parent_id), former_names=payload.former_names, reason=payload.reason,
    )
    return Status(201, org)


@router.patch("/organizations/{org_id}", response=OrganizationOut)
def update_organization(request: HttpRequest, org_id: int, payload: OrganizationPatch) -> Organization:
    org = access.get_visible(request.auth, Organization.objects.select_related("region"), pk=org_id)
    data = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {k: v for k, v in data.items() if k not in {"reason", "parent_id", "successor_id"}}
    if "parent_id" in data:
        changes["parent"] = _org(request, data["parent_id"])
    if "successor_id" in data:
        changes["successor"] = _org(request, data["successor_id"])
    return services.update_organization(request.auth, org, reason=payload.reason, **changes)


@router.get("/civil-servants", response=list[CivilServantOut])
@paginate(LimitOffsetPagination)
def list_civil_servants(request: HttpRequest, q: str = "", organization_id: int | None = None
                        ) -> QuerySet[CivilServant]:
    qs = access.restrict(request.auth, CivilServant.objects.select_related("organization"))
    if q:
        qs = qs.filter(name__icontains=q.strip())
    return qs.filter(organization_id=organization_id) if organization_id else qs


@router.post("/civil-servants/lookup", response=CivilServantOut)
def lookup_civil_servant(request: HttpRequest, payload: LookupIn) -> CivilServant:
    """Find a person by full resident ID (sent in the body, so it stays out of URLs and access logs)."""
    person = services.find_civil_servant(request.auth, payload.resident_id)
    if person is None:
        raise NotFound("公务员", "civil servant")
    return person


@router.get("/civil-servants/{person_id}", response=CivilServantOut)
def get_civil_servant(request: HttpRequest, person_id: int) -> CivilServant:
    return access.get_visible(request.auth, CivilServant.objects.select_related("organization"), pk=person_id)


@router.post("/civil-servants", response={201: CivilServantOut})
def create_civil_servant(request: HttpRequest, payload: CivilServantIn) -> Status[CivilServant]:
    person = services.create_civil_servant(
        request.auth, name=payload.name, resident_id=payload.resident_id,
        organization=_org(request, payload.organization_id), position=payload.position, rank=payload.rank,
        status=payload.status, reason=payload.reason,
    )
    return Status(201, person)


@router.patch("/civil-servants/{person_id}", response=CivilServantOut)
def update_civil_servant(request: HttpRequest, person_id: int, payload: CivilServantPatch) -> CivilServant:
    person = access.get_visible(request.auth, CivilServant.objects.select_related("organization"), pk=person_id)
    data = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {k: v for k, v in data.items() if k not in {"reason", "organization_id"}}
    if "organization_id" in data:
        changes["organization"] = _org(request, data["organization_id"])
    return services.update_civil_servant(request.auth, person, reason=payload.reason, **changes)


@router.post("/civil-servants/{person_id}/reveal", response=RevealOut)
def reveal_resident_id(request: HttpRequest, person_id: int, payload: RevealIn) -> dict[str, str]:
    person = access.get_visible(request.auth, CivilServant.objects.all(), pk=person_id)
    return {"resident_id": services.reveal_resident_id(request.auth, person, purpose=payload.purpose)}
