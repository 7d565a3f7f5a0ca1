"""API authentication: per-organization API keys for systems, the console session for staff.

Both resolve to a principal (a User or an ApiKey) that the access layer understands, and both set
the acting context so the audit chain names who called.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader
from ninja.security import SessionAuth as NinjaSessionAuth

from govtrust.core.context import set_actor

from .models import ApiKey

KEY_PREFIX = "gt_"


def hash_key(raw: str) -> str:
    """API keys are long random strings, so a plain SHA-256 is enough (no stretching needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def authenticate_key(raw: str) -> ApiKey | None:
    raw = raw.strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if not raw.startswith(KEY_PREFIX) or len(raw) < 20:
        return None
    key = ApiKey.objects.select_related("organization__region").filter(prefix=raw[: len(KEY_PREFIX) + 8]).first()
    if key is None or key.revoked_at is not None or key.key_hash != hash_key(raw):
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


class ApiKeyAuth(APIKeyHeader):
    """`Authorization: Bearer gt_…` (or `X-API-Key: gt_…`)."""

    param_name = "Authorization"

    def __call__(self, request: HttpRequest) -> Any:
        raw = request.headers.get("Authorization") or request.headers.get("X-API-Key") or ""
        return self.authenticate(request, raw)

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        found = authenticate_key(key or "")
        if found is not None:
            set_actor(found, f"apikey:{found.prefix}", "api")
        return found


class SessionAuth(NinjaSessionAuth):
    """The console's session; ninja's SessionAuth enforces CSRF for unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            set_actor(user, f"user:{user.get_username()}", "api")
        return user
