"""Writes for users and API keys: validated, access-checked and audited like every other change."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm, Role
from govtrust.core.errors import FieldError, invalid

from .auth import KEY_PREFIX, hash_key
from .models import ApiKey

User = get_user_model()


@transaction.atomic
def create_user(principal: Any, *, username: str, password: str, role: str, organization: Any = None,
                display_name: str = "", reason: str = "") -> Any:
    access.require(principal, Perm.USERS_MANAGE)
    errors = []
    if not (username or "").strip():
        errors.append(FieldError("username", "用户名不能为空", "username is required"))
    elif User.objects.filter(username=username.strip()).exists():
        errors.append(FieldError("username", "用户名已存在", "username already exists"))
    if role not in Role.values:
        errors.append(FieldError("role", f"角色“{role}”无效", f"unknown role {role!r}"))
    elif access.ROLE_POLICIES[role].scope in (access.Scope.REGION, access.Scope.ORGANIZATION) and organization is None:
        errors.append(FieldError("organization", "该角色须指定所属单位", "this role needs an organization"))
    if errors:
        raise invalid(errors)
    user = User.objects.create_user(username=username.strip(), password=password, role=role,
                                    organization=organization, display_name=display_name)
    audit.record("create", user, after=audit.snapshot(user, fields=["username", "role", "organization", "display_name"]),
                 reason=reason)
    return user


@transaction.atomic
def create_api_key(principal: Any, *, organization: Any, name: str, role: str = Role.SYSTEM,
                   scenes: Sequence[str] = (), reason: str = "") -> tuple[ApiKey, str]:
    """Issue a key for a calling system. Returns the key object and the raw key, which is shown once.

    `scenes` grants the screening-check scenes the system may ask in (codes or Chinese names)."""
    access.require(principal, Perm.APIKEYS_MANAGE, organization)
    errors = []
    if not (name or "").strip():
        errors.append(FieldError("name", "系统名称不能为空", "system name is required"))
    codes, scene_errors = scene_codes(scenes)
    errors += scene_errors
    if role not in (Role.SYSTEM,):
        errors.append(FieldError("role", "API密钥只能授予“系统接口”角色", "API keys can only hold the system role"))
    if errors:
        raise invalid(errors)
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organization=organization, name=name.strip(), role=role, prefix=raw[: len(KEY_PREFIX) + 8],
        key_hash=hash_key(raw), created_by=principal if isinstance(principal, User) else None, scenes=codes,
    )
    audit.record("create", key, after=audit.snapshot(key), reason=reason)
    return key, raw


def scene_codes(scenes: Sequence[str]) -> tuple[list[str], list[FieldError]]:
    """Scene codes for names or codes, in the catalog's order; an unknown one is an error naming it."""
    from govtrust.sanctions.models import Scene  # the scene vocabulary is the sanctions catalog

    known = {s.code: s.code for s in Scene.objects.all()} | {s.name: s.code for s in Scene.objects.all()}
    unknown = [s for s in scenes if s not in known]
    if unknown:
        return [], [FieldError("scenes", f"没有这些场景：{'、'.join(unknown)}", f"unknown scenes: {', '.join(unknown)}")]
    wanted = {known[s] for s in scenes}
    return [code for code in Scene.objects.values_list("code", flat=True) if code in wanted], []


@transaction.atomic
def set_api_key_scenes(principal: Any, key: ApiKey, *, scenes: Sequence[str], reason: str = "") -> ApiKey:
    """Grant or take back screening-check scenes of an existing key (audited)."""
    access.require(principal, Perm.APIKEYS_MANAGE, key)
    codes, errors = scene_codes(scenes)
    if errors:
        raise invalid(errors)
    if codes != key.scenes:
        before = key.scenes
        key.scenes = codes
        key.save(update_fields=["scenes"])
        audit.record("update", key, before={"scenes": before}, after={"scenes": codes}, reason=reason)
    return key


@transaction.atomic
def revoke_api_key(principal: Any, key: ApiKey, *, reason: str = "") -> ApiKey:
    access.require(principal, Perm.APIKEYS_MANAGE, key)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record("revoke", key, after={"revoked_at": key.revoked_at}, reason=reason)
    return key
