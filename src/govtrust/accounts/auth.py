"""API authentication: per-organization API keys for systems, the console session for staff.

Both resolve to a principal (a User or an ApiKey) that the access layer understands, and both set
the acting context so the audit chain names who called.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import json
import time
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader
from ninja.security import SessionAuth as NinjaSessionAuth

from govtrust.core import bare
from govtrust.core.context import set_actor

from .models import ApiKey

KEY_PREFIX = "gt_"


def hash_key(raw: str) -> str:
    """API keys are long random strings, so a plain SHA-256 is enough (no stretching needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


# The key objects (with organization and region) by id, per process. Whether a key is revoked, its hash and its
# scenes are read afresh on every request with one indexed query, so a revocation or a new grant applies at
# once; only the organization may be up to KEY_CACHE_SECONDS old. Building the ORM query with its joins cost
# more than the rest of a screening check.
KEY_CACHE_SECONDS = 60
_keys: dict[tuple[int, str], tuple[float, ApiKey]] = {}


def _key_object(pk: int, key_hash: str) -> ApiKey | None:
    """By (id, hash): an id reused by another key (after a restore, or in tests) is never mistaken for it."""
    cached = _keys.get((pk, key_hash))
    if cached is not None and time.monotonic() - cached[0] < KEY_CACHE_SECONDS:
        return cached[1]
    key = ApiKey.objects.select_related("organization__region").filter(pk=pk).first()
    if key is not None:
        _keys[(pk, key_hash)] = (time.monotonic(), key)
    return key


def authenticate_key(raw: str) -> ApiKey | None:
    raw = raw.strip()
    if raw.lower().startswith("bearer "):
        raw = raw[7:].strip()
    if not raw.startswith(KEY_PREFIX) or len(raw) < 20:
        return None
    found = bare.fetch(f"SELECT id, key_hash, revoked_at, scenes, last_used_at FROM {ApiKey._meta.db_table} "
                       "WHERE prefix = %s", [raw[: len(KEY_PREFIX) + 8]])
    row = found[0] if found else None
    if row is None or row[2] is not None or not hmac.compare_digest(row[1], hash_key(raw)):
        return None
    cached = _key_object(row[0], row[1])
    if cached is None:  # deleted since the query above
        return None
    key = copy.copy(cached)  # per request: the cached object is shared by threads
    key.scenes = json.loads(row[3]) if isinstance(row[3], str) else row[3]
    now = timezone.now()
    last_used = row[4]
    if isinstance(last_used, str):
        last_used = dt.datetime.fromisoformat(last_used)
    if last_used is not None and timezone.is_naive(last_used):  # SQLite through a bare cursor: UTC, no offset
        last_used = last_used.replace(tzinfo=dt.UTC)
    if last_used is None or (now - last_used).total_seconds() > 60:
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
            set_actor(found, found.asker_label, "api")
        return found


class SessionAuth(NinjaSessionAuth):
    """The console's session; ninja's SessionAuth enforces CSRF for unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None:
            set_actor(user, f"user:{user.get_username()}", "api")
        return user
