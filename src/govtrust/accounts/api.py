"""Accounts API: who am I, and API key management for calling systems."""


import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.subjects.models import Organization

from . import services
from .models import ApiKey

router = Router(tags=["accounts 账户"])


class MeOut(Schema):
    kind: str
    name: str
    role: str
    role_label: str
    organization_id: int | None
    organization_name: str | None
    permissions: list[str]


class ApiKeyOut(Schema):
    id: int
    name: str
    prefix: str
    role: str
    organization_id: int
    scenes: list[str]
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class ApiKeyIn(Schema):
    organization_id: int
    name: str
    scenes: list[str] = []
    reason: str = ""


class ScenesIn(Schema):
    scenes: list[str]
    reason: str = ""


class ApiKeyCreated(ApiKeyOut):
    key: str


class ReasonIn(Schema):
    reason: str = ""


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict:
    principal = request.auth
    org = principal.organization
    return {
        "kind": "api_key" if isinstance(principal, ApiKey) else "user",
        "name": str(principal),
        "role": principal.role,
        "role_label": str(access.Role(principal.role).label),
        "organization_id": org.pk if org else None,
        "organization_name": org.name if org else None,
        "permissions": sorted(access.policy(principal).perms),
    }


@router.get("/api-keys", response=list[ApiKeyOut])
def list_api_keys(request: HttpRequest) -> QuerySet[ApiKey]:
    return access.restrict(request.auth, ApiKey.objects.all(), perm=Perm.APIKEYS_MANAGE)


@router.post("/api-keys", response={201: ApiKeyCreated})
def create_api_key(request: HttpRequest, payload: ApiKeyIn) -> Status[dict]:
    org = access.get_visible(request.auth, Organization.objects.select_related("region"), pk=payload.organization_id)
    key, raw = services.create_api_key(request.auth, organization=org, name=payload.name, scenes=payload.scenes,
                                       reason=payload.reason)
    return Status(201, {**ApiKeyOut.from_orm(key).dict(), "key": raw})


@router.put("/api-keys/{key_id}/scenes", response=ApiKeyOut)
def set_api_key_scenes(request: HttpRequest, key_id: int, payload: ScenesIn) -> ApiKey:
    """Grant the screening-check scenes the key's system may ask in (the whole set; codes or names)."""
    key = access.get_visible(request.auth, ApiKey.objects.all(), perm=Perm.APIKEYS_MANAGE, pk=key_id)
    return services.set_api_key_scenes(request.auth, key, scenes=payload.scenes, reason=payload.reason)


@router.post("/api-keys/{key_id}/revoke", response=ApiKeyOut)
def revoke_api_key(request: HttpRequest, key_id: int, payload: ReasonIn) -> ApiKey:
    key = access.get_visible(request.auth, ApiKey.objects.all(), perm=Perm.APIKEYS_MANAGE, pk=key_id)
    return services.revoke_api_key(request.auth, key, reason=payload.reason)
