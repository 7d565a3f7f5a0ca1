"""Monitoring API (监测预警): the warnings in scope (filters: status, level, rule, body, period; paged), one warning
with its evidence, the body's acknowledgement and action report, the credit office's closing; the rules with their
basis, and editing a rule. Reads go through the access layer (another county's warning answers 404); writes
through `services`, whose refusals come back as {code, message, message_en, errors[]}.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import NotFound

from . import queries, services
from .models import WarningRule

router = Router(tags=["monitoring 监测预警"])
MAX_PAGE = 200


class WarningFilters(Schema):
    status: str = ""  # open (open + acknowledged), acknowledged, actioned, closed
    level: str = ""  # red, orange, yellow
    rule: str = ""  # rule code
    body: int | None = None  # the body's id
    period: str = ""  # 2026-09, 2026Q3 … for rules with a period
    offset: int = 0
    limit: int = 50


class WarningOut(Schema):
    id: int
    rule: str
    rule_name: str
    kind: str
    level: str
    level_label: str
    body_id: int
    body_name: str
    key: str
    period: str
    summary: str
    evidence: dict[str, Any]
    triggered_on: dt.date
    triggered_at: dt.datetime
    status: str
    status_label: str
    acknowledged_by: str
    acknowledged_at: dt.datetime | None
    acknowledge_note: str
    action_report: str
    reported_by: str
    reported_at: dt.datetime | None
    closed_by: str
    closed_at: dt.datetime | None
    close_reason: str

    @staticmethod
    def resolve_rule(obj: Any) -> str:
        return obj.rule.code

    @staticmethod
    def resolve_rule_name(obj: Any) -> str:
        return obj.rule.name

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return obj.rule.kind

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_body_name(obj: Any) -> str:
        return obj.body.name

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class WarningPage(Schema):
    count: int
    items: list[WarningOut]


class AcknowledgeIn(Schema):
    note: str = ""


class ActionIn(Schema):
    text: str = ""


class CloseIn(Schema):
    reason: str = ""


class RuleOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    level: str
    params: dict[str, Any]
    basis: str
    active: bool
    in_force_from: dt.date
    updated_by: str
    updated_at: dt.datetime | None


class RuleIn(Schema):
    reason: str = ""
    level: str | None = None
    params: dict[str, Any] | None = None
    active: bool | None = None


@router.get("/monitoring/warnings", response=WarningPage)
def list_warnings(request: HttpRequest, f: Query[WarningFilters]) -> dict[str, Any]:
    qs = queries.filter_warnings(request.auth, queries.Filters(f.status.strip(), f.level.strip(), f.rule.strip(),
                                                               f.body, f.period.strip().upper()))
    limit, offset = max(1, min(f.limit, MAX_PAGE)), max(0, f.offset)
    return {"count": qs.count(), "items": list(qs[offset:offset + limit])}


@router.get("/monitoring/warnings/{warning_id}", response=WarningOut)
def get_warning(request: HttpRequest, warning_id: int) -> Any:
    return queries.get(request.auth, warning_id)


@router.post("/monitoring/warnings/{warning_id}/acknowledge", response=WarningOut)
def acknowledge(request: HttpRequest, warning_id: int, payload: AcknowledgeIn) -> Any:
    return services.acknowledge(request.auth, queries.get(request.auth, warning_id), payload.note)


@router.post("/monitoring/warnings/{warning_id}/action", response=WarningOut)
def report_action(request: HttpRequest, warning_id: int, payload: ActionIn) -> Any:
    return services.report_action(request.auth, queries.get(request.auth, warning_id), payload.text)


@router.post("/monitoring/warnings/{warning_id}/close", response=WarningOut)
def close(request: HttpRequest, warning_id: int, payload: CloseIn) -> Any:
    return services.close(request.auth, queries.get(request.auth, warning_id), payload.reason)


@router.get("/monitoring/rules", response=list[RuleOut])
def list_rules(request: HttpRequest) -> Any:
    return list(access.restrict(request.auth, WarningRule.objects.order_by("ordering", "code"), Perm.WARNINGS_VIEW))


@router.patch("/monitoring/rules/{code}", response=RuleOut)
def update_rule(request: HttpRequest, code: str, payload: RuleIn) -> Any:
    rule = access.restrict(request.auth, WarningRule.objects.all(), Perm.WARNINGS_VIEW).filter(code=code).first()
    if rule is None:
        raise NotFound("预警规则", "Warning rule")
    return services.update_rule(request.auth, rule, reason=payload.reason, level=payload.level, params=payload.params,
                                active=payload.active)
