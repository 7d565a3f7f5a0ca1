"""Portal anti-flood without third-party services: a per-address counter in the database, a minimum fill
time and a honeypot field.

- `allow(bucket, address, limit, seconds)` counts requests per address in fixed windows (one row per bucket,
  address and window, incremented under a row lock); the address is stored only as a keyed hash. A database
  counter, not the cache, because the web workers are separate processes and must share one count.
- `form_stamp()` / `check_stamp(stamp)` sign the moment a form was served (django.core.signing): a form sent
  back sooner than the minimum fill time, or later than the maximum, or with a forged stamp, is refused — bots
  post at once, people take a few seconds.
- The honeypot is a text field hidden from people (CSS, aria-hidden, no tab stop) that bots fill in.
Old windows are deleted by the daily complaints scan (`purge`).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from govtrust.core import crypto
from govtrust.core.errors import ServiceError

from .catalog import portal_limits
from .models import PortalThrottle

SALT = "govtrust.complaints.form"
HONEYPOT = "website"


def address(request: HttpRequest) -> str:
    """The client address as the web server saw it (a reverse proxy must set REMOTE_ADDR itself)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(bucket: str, addr: str, limit: int, seconds: int, now: dt.datetime | None = None) -> bool:
    """Count one request; False when the address already made `limit` requests in the current window."""
    now = now or timezone.now()
    start = dt.datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=dt.UTC)
    key = crypto.lookup_hash(f"throttle:{addr}")
    with transaction.atomic():
        try:
            with transaction.atomic():
                row, _ = PortalThrottle.objects.select_for_update().get_or_create(
                    bucket=bucket, key_hash=key, window_start=start)
        except IntegrityError:  # created by a concurrent request in between
            row = PortalThrottle.objects.select_for_update().get(bucket=bucket, key_hash=key, window_start=start)
        if row.count >= limit:
            return False
        PortalThrottle.objects.filter(pk=row.pk).update(count=F("count") + 1)
    return True


def purge(before: dt.datetime) -> int:
    return PortalThrottle.objects.filter(window_start__lt=before).delete()[0]


class Refused(ServiceError):
    """A portal request refused by the anti-flood checks: one plain message, nothing about which check."""

    def __init__(self, status: int = 429):
        super().__init__("refused", "提交过于频繁或未通过校验，请稍后再试", "Too many submissions or the form check "
                                                              "failed; try again later", status=status)


def form_stamp() -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(int(time.time())))


def check_stamp(stamp: str, limits: dict[str, Any] | None = None) -> None:
    limits = limits or portal_limits()
    try:
        served = int(signing.TimestampSigner(salt=SALT).unsign(stamp or "", max_age=limits["max_fill_hours"] * 3600))
    except (signing.BadSignature, ValueError):
        raise Refused(400) from None
    if time.time() - served < limits["min_fill_seconds"]:
        raise Refused(400)


def guard_filing(request: HttpRequest) -> None:
    """All of the portal form's checks, before anything is read: honeypot, fill time, then the rate limits."""
    limits = portal_limits()
    if request.POST.get(HONEYPOT, ""):
        raise Refused(400)
    check_stamp(request.POST.get("started", ""), limits)
    addr = address(request)
    if not (allow("file-hour", addr, limits["file_per_hour"], 3600)
            and allow("file-day", addr, limits["file_per_day"], 86400)):
        raise Refused()


def guard_tracking(request: HttpRequest) -> None:
    """Lookups by serial and code are limited too: the code must not be guessable by trying."""
    if not allow("track-hour", address(request), portal_limits()["track_per_hour"], 3600):
        raise Refused()
