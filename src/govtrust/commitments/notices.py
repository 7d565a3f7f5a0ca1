"""The console inbox (站内通知): notices to an organization, written by the deadline scans — commitments'
warnings and overdue marks (to the committing unit), rectification reminders (to the body) and 通报 (to the
level above). A user's inbox holds the notices addressed to the user's own organization; the top bar shows
the unread count (console context processor). Marking read is audited like any change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from govtrust.core import audit
from govtrust.core.errors import NotFound

from .models import Notice


def notify_many(notices: Iterable[tuple[int | None, str, str, str]]) -> int:
    """Write (recipient organization id, kind, text, link) notices in one insert; no recipient, no notice."""
    now = timezone.now()
    rows = [Notice(recipient_id=r, kind=k, text=t, link=link, created=now) for r, k, t, link in notices if r]
    Notice.objects.bulk_create(rows)
    return len(rows)


def inbox(user: Any) -> QuerySet[Notice]:
    org_id = getattr(user, "organization_id", None)
    return Notice.objects.filter(recipient_id=org_id) if org_id else Notice.objects.none()


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user).filter(read_at__isnull=True).count()


@transaction.atomic
def mark_read(user: Any, notice_id: int | None = None) -> int:
    """Mark one notice (or, without an id, every unread notice) of the user's inbox as read."""
    unread = inbox(user).filter(read_at__isnull=True)
    if notice_id is not None:
        if not inbox(user).filter(pk=notice_id).exists():
            raise NotFound("站内通知", "Notice")
        unread = unread.filter(pk=notice_id)
    ids = list(unread.select_for_update().values_list("pk", flat=True))
    now = timezone.now()
    Notice.objects.filter(pk__in=ids).update(read_at=now)
    audit.record_many(audit.Change("read", Notice._meta.label_lower, str(pk), "", None, {"read_at": now.isoformat()},
                                   "标记站内通知为已读") for pk in ids)
    return len(ids)
