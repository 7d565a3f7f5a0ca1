"""/api/v1/audit: the audit trail and its verification, for the security auditor only (三员分立).

Both endpoints go through govtrust.core.audit (events_for checks Perm.AUDIT_VIEW); any other principal
gets the 403 error shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Query, Router, Schema

from . import access, audit
from .access import Perm
from .errors import field_error

router = Router(tags=["audit"])

MOMENT_HELP = "YYYY-MM-DD（整天）或 ISO 8601 时间，含当时 / a date (whole day) or an ISO 8601 time, inclusive"


class AuditEventOut(Schema):
    seq: int
    occurred_at: dt.datetime
    actor: str
    actor_user_id: int | None
    channel: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any
    after: Any
    reason: str
    request_id: str
    prev_hash: str
    hash: str


class AuditEventPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AuditEventOut]


class ProblemOut(Schema):
    seq: int
    reason: str
    reason_en: str


class HeadOut(Schema):
    seq: int
    hash: str


class VerificationOut(Schema):
    ok: bool
    checked: int
    head: HeadOut
    problem: ProblemOut | None


def _moment(name: str, text: str) -> dt.date | dt.datetime | None:
    """A date alone means the whole day; anything longer must be a full ISO 8601 time."""
    text = text.strip()
    if not text:
        return None
    try:
        value = parse_date(text) if len(text) == 10 else parse_datetime(text)
    except ValueError:
        value = None
    if value is None:
        raise field_error(name, "日期时间格式应为 YYYY-MM-DD 或 ISO 8601", "expected YYYY-MM-DD or an ISO 8601 time")
    return value


@router.get("/events", response=AuditEventPage, summary="审计事件 / audit events (newest first)")
def list_events(
    request: HttpRequest,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    request_id: str = "",
    since: str = Query("", description=MOMENT_HELP),
    until: str = Query("", description=MOMENT_HELP),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    principal = request.auth  # type: ignore[attr-defined]  # set by ninja's authentication
    events = audit.events_for(
        principal, actor=actor, action=action, object_type=object_type, object_id=object_id,
        request_id=request_id, since=_moment("since", since), until=_moment("until", until),
    )
    return {"count": events.count(), "limit": limit, "offset": offset, "items": list(events[offset: offset + limit])}


@router.get("/verify", response=VerificationOut, summary="校验审计链 / verify the audit chain")
def verify_chain(request: HttpRequest) -> dict[str, Any]:
    """Walks the whole chain against its head and the checkpoints file (var/audit-checkpoints)."""
    access.require(request.auth, Perm.AUDIT_VIEW)  # type: ignore[attr-defined]
    result = audit.verify(audit.recorded_checkpoints())
    return {
        "ok": result.ok,
        "checked": result.checked,
        "head": {"seq": result.head.seq, "hash": result.head.hash},
        "problem": result.problem.as_dict() if result.problem else None,
    }
