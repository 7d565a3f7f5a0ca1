"""Every change of a warning or a warning rule: check the role and the reach, validate, write, audit — in one
transaction. The scan (`scan`, registered as the daily scan "warnings" in scans.py), the console, the API and the
demo call these.

    open ─acknowledge→ acknowledged ─report_action→ actioned
      └──────────── report_action ────────────────────┘        (reporting also acknowledges)
    any but closed ─close (the credit office, with a reason)→ closed

- `scan(principal, today)`: runs every active rule in force on `today` over the bodies the principal reaches,
  and stores the new warnings in bulk; a warning already stored for the rule and key is left alone, so a
  rescan (or a re-run of a missed day) never duplicates. Returns the counts per rule.
- `acknowledge` / `report_action`: the warned body's own users (organization scope, WARNINGS_RESPOND).
- `close`: the credit office (EVALUATION_MANAGE), e.g. when the action report is accepted or the warning rested
  on data since corrected.
- `update_rule`: the credit office edits a rule's level, params and active flag; params are checked against the
  rule kind's parameter list (evaluators.PARAMS).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm, Scope
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, PermissionDenied, invalid
from govtrust.subjects.models import Organization

from .evaluators import EVALUATORS, PARAMS, Found
from .models import Level, Warning, WarningRule, WarningStatus

CHUNK = 500
AUDITED = ("status", "acknowledged_by", "acknowledged_at", "acknowledge_note", "action_report", "reported_by",
           "reported_at", "closed_by", "closed_at", "close_reason")
RULE_AUDITED = ("level", "params", "active")
MAX_TEXT = 4000


@dataclass(frozen=True)
class ScanResult:
    today: dt.date
    created: dict[str, int] = field(default_factory=dict)  # rule code → new warnings
    triggered: dict[str, int] = field(default_factory=dict)  # rule code → triggered (new and already stored)

    @property
    def total(self) -> int:
        return sum(self.created.values())

    def summary(self) -> str:
        parts = "，".join(f"{code} {n}" for code, n in self.created.items() if n)
        return (f"监测预警：新增{self.total}条（{parts or '无'}） / warnings: {self.total} new"
                + (f" ({', '.join(f'{c} {n}' for c, n in self.created.items() if n)})" if self.total else ""))


# ---------------------------------------------------------------------------------------------------- scan

def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]


def _store(rule: WarningRule, found: list[Found], today: dt.date) -> int:
    """Insert the warnings not stored yet for this rule (the rule row is locked: concurrent scans queue here)."""
    WarningRule.objects.select_for_update().filter(pk=rule.pk).first()
    unique = list({f.key: f for f in found}.values())
    stored: set[str] = set()
    for part in _chunks([f.key for f in unique]):
        stored |= set(Warning.objects.filter(rule=rule, key__in=part).values_list("key", flat=True))
    new = [f for f in unique if f.key not in stored]
    if not new:
        return 0
    now = timezone.now()
    Warning.objects.bulk_create([
        Warning(rule=rule, body_id=f.body_id, level=rule.level, key=f.key, evidence=f.evidence | {
            "rule": rule.code, "params": rule.params}, summary=f.summary, period=f.period, triggered_on=today,
            triggered_at=now) for f in new], batch_size=CHUNK)
    created: list[Warning] = []
    for part in _chunks([f.key for f in new]):
        created += list(Warning.objects.filter(rule=rule, key__in=part).only(
            "pk", "level", "key", "body_id", "summary", "evidence", "period", "triggered_on"))
    reason = f"监测预警扫描：{rule.name}（{today.isoformat()}）"
    audit.record_many(audit.Change.of("trigger", w, after={
        "rule": rule.code, "body_id": w.body_id, "level": w.level, "key": w.key, "summary": w.summary,
        "evidence": w.evidence, "triggered_on": today.isoformat()}, reason=reason) for w in created)
    return len(created)


def scan(principal: Any, today: dt.date) -> ScanResult:
    """Run every active rule in force on `today`; one transaction per rule, so one failing rule keeps the others."""
    access.require(principal, Perm.EVALUATION_MANAGE)
    bodies = None
    if access.policy(principal).scope != Scope.ALL:
        bodies = access.restrict(principal, Organization.objects.all()).values("pk")
    result = ScanResult(today)
    for rule in WarningRule.objects.filter(active=True, in_force_from__lte=today).order_by("ordering", "code"):
        with transaction.atomic():
            found = EVALUATORS[rule.kind](rule, today, bodies)
            result.created[rule.code] = _store(rule, found, today)
            result.triggered[rule.code] = len(found)
    return result


# ----------------------------------------------------------------------------------------------- responses

def _state(w: Warning) -> dict[str, Any]:
    return audit.snapshot(w, AUDITED)


def _text(name: str, value: Any, message: str, message_en: str, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise invalid([FieldError(name, message, message_en)])
    if len(text) > MAX_TEXT:
        raise invalid([FieldError(name, f"不能超过{MAX_TEXT}个字", f"longer than {MAX_TEXT} characters")])
    return text


def _require_body(principal: Any, warning: Warning) -> None:
    """Only the warned body's own users (and the administrator) respond to a warning."""
    if not access.can(principal, Perm.WARNINGS_RESPOND):
        raise PermissionDenied("只有被预警单位可以签收预警和报告处置情况",
                               "Only the warned body may acknowledge a warning or report the action taken")
    if not access.in_scope(principal, warning):
        raise PermissionDenied("该预警不是发给您所在单位的，不能签收或报告处置情况",
                               "This warning is not addressed to your organization")


def _locked(warning: Warning, allowed: tuple[str, ...], doing: str, doing_en: str) -> Warning:
    w = Warning.objects.select_for_update().select_related("rule", "body").get(pk=warning.pk)
    if w.status not in allowed:
        raise Conflict(f"预警当前为“{w.get_status_display()}”，不能{doing}",
                       f"the warning is {w.status}; it cannot be {doing_en}")
    return w


def _save(w: Warning, action: str, before: dict[str, Any], reason: str) -> Warning:
    w.save()
    audit.record(action, w, before=before, after=_state(w), reason=reason)
    return w


@transaction.atomic
def acknowledge(principal: Any, warning: Warning, note: str = "") -> Warning:
    """The body signs for the warning (签收), optionally with a note."""
    _require_body(principal, warning)
    note = _text("note", note, "", "", required=False)
    w = _locked(warning, (WarningStatus.OPEN,), "签收", "acknowledged")
    before = _state(w)
    w.status, w.acknowledged_by, w.acknowledged_at = WarningStatus.ACKNOWLEDGED, current().actor_label, timezone.now()
    w.acknowledge_note = note
    return _save(w, "acknowledge", before, note or "签收预警")


@transaction.atomic
def report_action(principal: Any, warning: Warning, text: str) -> Warning:
    """The body reports what it did about the warning (处置情况); an unacknowledged warning is acknowledged too."""
    _require_body(principal, warning)
    text = _text("action_report", text, "必须填写处置情况", "the action taken is required")
    w = _locked(warning, (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED), "报告处置情况", "reported on")
    before, now, actor = _state(w), timezone.now(), current().actor_label
    if w.status == WarningStatus.OPEN:
        w.acknowledged_by, w.acknowledged_at = actor, now
    w.status, w.action_report, w.reported_by, w.reported_at = WarningStatus.ACTIONED, text, actor, now
    return _save(w, "report_action", before, text)


@transaction.atomic
def close(principal: Any, warning: Warning, reason: str) -> Warning:
    """The credit office closes a warning, with a reason (an accepted report, data since corrected …)."""
    access.require(principal, Perm.EVALUATION_MANAGE, warning)
    reason = _text("reason", reason, "必须填写关闭理由", "a reason for closing is required")
    w = _locked(warning, (WarningStatus.OPEN, WarningStatus.ACKNOWLEDGED, WarningStatus.ACTIONED), "关闭", "closed")
    before = _state(w)
    w.status, w.closed_by, w.closed_at, w.close_reason = (WarningStatus.CLOSED, current().actor_label, timezone.now(),
                                                          reason)
    return _save(w, "close", before, reason)


# ---------------------------------------------------------------------------------------------------- rules

def check_params(kind: str, params: Any) -> tuple[dict[str, Any], list[FieldError]]:
    """The params for a rule kind, each named one parsed and in range; every error names `params.<name>`."""
    specs, errors, out = PARAMS[kind], [], {}
    if not isinstance(params, dict):
        return {}, [FieldError("params", "参数应为键值对象", "params must be an object")]
    for name in params:
        if name not in specs:
            errors.append(FieldError(f"params.{name}", f"未知参数“{name}”，可用：{'、'.join(specs)}",
                                     f"unknown parameter {name!r}; expected: {', '.join(specs)}"))
    for name, spec in specs.items():
        raw = params.get(name)
        if raw is None or str(raw).strip() == "":
            errors.append(FieldError(f"params.{name}", f"{spec.label}不能为空", f"{spec.label_en} is required"))
            continue
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or (spec.type == "int" and value != value.to_integral_value()):
            kind_zh = "整数" if spec.type == "int" else "数字"
            errors.append(FieldError(f"params.{name}", f"{spec.label}“{raw}”应为{kind_zh}",
                                     f"{spec.label_en} {raw!r} must be {'an integer' if spec.type == 'int' else 'a number'}"))
        elif not spec.low <= value <= spec.high:
            errors.append(FieldError(f"params.{name}", f"{spec.label}应在{spec.low}至{spec.high}之间",
                                     f"{spec.label_en} must be from {spec.low} to {spec.high}"))
        else:
            out[name] = int(value) if value == value.to_integral_value() else float(value)
    return out, errors


@transaction.atomic
def update_rule(principal: Any, rule: WarningRule, *, reason: str, level: str | None = None,
                params: dict[str, Any] | None = None, active: bool | None = None) -> WarningRule:
    """Edit a rule's level, params or active flag (the credit office); unchanged values write nothing."""
    access.require(principal, Perm.EVALUATION_MANAGE)
    r = WarningRule.objects.select_for_update().get(pk=rule.pk)
    errors: list[FieldError] = []
    changes: dict[str, Any] = {}
    if level is not None:
        if level not in Level.values:
            errors.append(FieldError("level", f"预警级别“{level}”无效，可选：red（红色）、orange（橙色）、yellow（黄色）",
                                     f"level {level!r} is not valid; choose red, orange or yellow"))
        else:
            changes["level"] = level
    if params is not None:
        parsed, problems = check_params(r.kind, params)
        errors += problems
        changes["params"] = parsed
    if active is not None:
        changes["active"] = bool(active)
    reason = (reason or "").strip()
    if not reason:
        errors.append(FieldError("reason", "必须填写修改理由", "a reason for the change is required"))
    if errors:
        raise invalid(errors)
    changes = {k: v for k, v in changes.items() if getattr(r, k) != v}
    if not changes:
        return r
    before = audit.snapshot(r, RULE_AUDITED)
    for name, value in changes.items():
        setattr(r, name, value)
    r.updated_by, r.updated_at = current().actor_label, timezone.now()
    r.save()
    audit.record("update", r, before=before, after=audit.snapshot(r, RULE_AUDITED), reason=reason)
    return r
