"""The rectification scans (registered in scans.py; `govtrust deadlines scan` runs them daily).

`open_cases(principal, today)` — `rectification-open`:
- every live negative ledger record about a government body or public institution (rectification.BODY_KINDS)
  without a case gets one, in a single INSERT … SELECT over the ledger (no loop over records). The written
  explanation is due `rule.explanation_working_days` working days after the record's creation date (local
  date), under the rule in force on that date; the due dates are computed in Python once per distinct
  creation date and handed to the SELECT as a CASE. Dates whose calendar year is not known yet are left for
  a later run (counted in the summary);
- every open case whose record is no longer live (repaired, revoked, expired) is closed.

`escalate(principal, today)` — `rectification-deadlines`: a case whose running deadline (`current_due`) has
passed gets one reminder; when `rule.escalation_working_days` more working days have passed too, a 通报 to
the level above (the body's parent organization, else the government of the level above). Both steps
select on `escalation_level` and set it in the same transaction, so a second run finds nothing to do.
A reminder leaves a notice in the body's console inbox, a 通报 one in the inbox of the level above.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, DateField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone

from govtrust.core import access, audit, calendar
from govtrust.core.access import Perm
from govtrust.core.calendar import UnknownCalendarYear
from govtrust.core.context import current
from govtrust.ledger.models import LIVE_STATUSES, Polarity, Record
from govtrust.subjects.models import Organization

from .models import OPEN_CASE_STATUSES, CaseEvent, CaseEventKind, CaseStatus, NoticeKind, RectificationCase
from .notices import notify_many
from .rectification import BODY_KINDS, rule_in_force, rules

CASE_LABEL = RectificationCase._meta.label_lower
RUNNING = (CaseStatus.AWAITING_EXPLANATION, CaseStatus.RECTIFYING, CaseStatus.RETURNED)


@dataclass(frozen=True)
class OpenResult:
    opened: int
    closed: int
    waiting: int  # records whose due date cannot be counted yet (calendar year not entered)

    def summary(self) -> str:
        return (f"整改：新立案{self.opened}件，记录修复或撤销结案{self.closed}件，待录入工作日历{self.waiting}条 / "
                f"rectification: {self.opened} opened, {self.closed} closed, {self.waiting} waiting for a calendar")


@dataclass(frozen=True)
class EscalationResult:
    reminded: int
    escalated: int

    def summary(self) -> str:
        return (f"整改：逾期提醒{self.reminded}件，通报上级{self.escalated}件 / "
                f"rectification: {self.reminded} reminded, {self.escalated} escalated")


def insert_select(model: Any, source: QuerySet[Any], values: dict[str, Any]) -> int:
    """INSERT INTO model's table (columns) SELECT … FROM `source`: one statement, nothing read into Python.

    `values` maps field names to expressions over `source`; other non-null fields get their default. Rows
    that would break a unique constraint are skipped (ON CONFLICT DO NOTHING, SQLite and PostgreSQL).
    """
    columns, select = [], {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name in values:
            expr = values[field.name]
        elif field.null:
            continue
        else:
            expr = Value(field.get_default(), output_field=field)
        columns.append(connection.ops.quote_name(field.column))
        select[f"v_{field.column}"] = expr
    sql, params = source.order_by().annotate(**select).values(*select).query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {sql} ON CONFLICT DO NOTHING", params)
        return cursor.rowcount


def candidates(principal: Any) -> QuerySet[Record]:
    """The live negative records about a body in the principal's scope that have no case yet."""
    bodies = access.restrict(principal, Organization.objects.filter(kind__in=BODY_KINDS), Perm.RECTIFICATION_REVIEW)
    return (Record.objects.filter(status__in=LIVE_STATUSES, category__polarity=Polarity.NEGATIVE,
                                  person__isnull=True, organization__in=bodies.values("pk"))
            .exclude(Exists(RectificationCase.objects.filter(record_id=OuterRef("pk")))))


def _opened_audit(ids: list[int]) -> None:
    rows = RectificationCase.objects.filter(pk__in=ids).values("pk", "record_id", "body_id", "explanation_due")
    audit.record_many(audit.Change(
        "create", CASE_LABEL, str(r["pk"]), f"{r['body_id']} · {r['record_id']}", None,
        {"record": r["record_id"], "body": r["body_id"], "explanation_due": r["explanation_due"].isoformat()},
        "政务失信记录立案整改：书面说明原因并限期加以整改") for r in rows)


def _bulk_events(rows: list[dict[str, Any]], kind: str, reason: Any, day: dt.date) -> None:
    now, actor = timezone.now(), current().actor_label
    CaseEvent.objects.bulk_create([CaseEvent(case_id=r["pk"], kind=kind, actor=actor, reason=reason(r), day=day, at=now)
                                   for r in rows])
    audit.record_many(audit.Change(kind, CASE_LABEL, str(r["pk"]), f"{r['body_id']} · {r['record_id']}", None,
                                   {"day": day.isoformat()} | {k: str(v) for k, v in r.items() if k != "pk"},
                                   reason(r)) for r in rows)


@transaction.atomic
def open_cases(principal: Any, today: dt.date) -> OpenResult:
    access.require(principal, Perm.RECTIFICATION_REVIEW)
    found = candidates(principal).annotate(created_on=TruncDate("created_at"))
    available = rules()
    due: dict[dt.date, tuple[int, dt.date]] = {}
    waiting = 0
    for day in found.order_by().values_list("created_on", flat=True).distinct():
        rule = rule_in_force(day, available)
        try:
            due[day] = (rule.pk, calendar.add_working_days(day, rule.explanation_working_days))
        except UnknownCalendarYear:
            waiting += found.filter(created_on=day).count()
    opened = 0
    if due:
        now = timezone.now()
        by_date = [(d, rule_id, when) for d, (rule_id, when) in due.items()]
        insert_select(RectificationCase, found.filter(created_on__in=list(due)), {
            "record": F("pk"), "body": F("organization_id"),
            "rule": Case(*[When(created_on=d, then=Value(r)) for d, r, _ in by_date], output_field=IntegerField()),
            "opened_on": F("created_on"),
            "explanation_due": Case(*[When(created_on=d, then=Value(w)) for d, _, w in by_date],
                                    output_field=DateField()),
            "current_due": Case(*[When(created_on=d, then=Value(w)) for d, _, w in by_date], output_field=DateField()),
            "status": Value(CaseStatus.AWAITING_EXPLANATION.value),
            "created_at": Value(now), "updated_at": Value(now),
        })
        fresh = list(RectificationCase.objects.filter(~Exists(CaseEvent.objects.filter(case_id=OuterRef("pk"))))
                     .values_list("pk", flat=True))
        opened = len(fresh)
        insert_select(CaseEvent, RectificationCase.objects.filter(pk__in=fresh), {
            "case": F("pk"), "kind": Value(CaseEventKind.OPENED.value), "actor": Value(current().actor_label),
            "reason": Value("政务失信记录立案：书面说明原因并限期加以整改"), "day": Value(today), "at": Value(now)})
        _opened_audit(fresh)
    return OpenResult(opened, close_dead(principal, today), waiting)


def close_dead(principal: Any, today: dt.date) -> int:
    """Close the open cases whose ledger record is no longer live (repaired, revoked, expired)."""
    dead = access.restrict(principal, RectificationCase.objects.filter(status__in=OPEN_CASE_STATUSES),
                           Perm.RECTIFICATION_REVIEW).exclude(record__status__in=LIVE_STATUSES)
    rows = list(dead.select_for_update(of=("self",)).values("pk", "record_id", "body_id", "record__status"))
    RectificationCase.objects.filter(pk__in=[r["pk"] for r in rows]).update(
        status=CaseStatus.CLOSED, closed_on=today, current_due=None, updated_at=timezone.now())
    _bulk_events(rows, CaseEventKind.CLOSED, lambda r: f"信用记录状态为“{r['record__status']}”，不再有效，整改案件结案",
                 today)
    return len(rows)


def level_above(body: Organization) -> Organization | None:
    """Where a 通报 goes: the body's parent organization, else the government of the level above."""
    if body.parent_id:
        return body.parent
    region = body.region.parent if body.kind == Organization.Kind.GOVERNMENT else body.region
    if region is None:
        return None
    return (Organization.objects.filter(region=region, kind=Organization.Kind.GOVERNMENT).exclude(pk=body.pk)
            .order_by("pk").first())


@transaction.atomic
def escalate(principal: Any, today: dt.date) -> EscalationResult:
    access.require(principal, Perm.RECTIFICATION_REVIEW)
    live = access.restrict(principal, RectificationCase.objects.filter(status__in=RUNNING, current_due__isnull=False),
                           Perm.RECTIFICATION_REVIEW)
    fields = ("pk", "record_id", "body_id", "current_due", "status", "body__name")

    late = list(live.select_for_update(of=("self",)).filter(current_due__lt=today, escalation_level=0).values(*fields))
    RectificationCase.objects.filter(pk__in=[r["pk"] for r in late]).update(
        escalation_level=1, reminded_on=today, updated_at=timezone.now())
    def remind(r: dict[str, Any]) -> str:
        return f"已超过期限{r['current_due'].isoformat()}，请尽快办理"

    _bulk_events(late, CaseEventKind.REMINDED, remind, today)
    notify_many((r["body_id"], NoticeKind.RECTIFICATION_REMINDED, f"整改案件第{r['pk']}号：{remind(r)}",
                 reverse("console:rectification_case", args=[r["pk"]])) for r in late)

    reminded = live.filter(escalation_level=1)
    pairs = reminded.order_by().values_list("current_due", "rule__escalation_working_days").distinct()
    q = Q(pk__in=[])
    for due, n in pairs:
        try:
            if calendar.add_working_days(due, n) < today:
                q |= Q(current_due=due, rule__escalation_working_days=n)
        except UnknownCalendarYear:
            continue
    rows = list(reminded.select_for_update(of=("self",)).filter(q).values(*fields))
    targets: dict[int, Organization | None] = {}
    for body in Organization.objects.filter(pk__in={r["body_id"] for r in rows}).select_related("parent", "region"):
        targets[body.pk] = level_above(body)
    for r in rows:
        target = targets.get(r["body_id"])
        r["escalated_to"] = target.name if target else "上级机关"
    for target_id in {t.pk if t else None for t in targets.values()}:
        ids = [r["pk"] for r in rows if (targets[r["body_id"]].pk if targets[r["body_id"]] else None) == target_id]
        RectificationCase.objects.filter(pk__in=ids).update(
            escalation_level=2, escalated_on=today, escalated_to_id=target_id, updated_at=timezone.now())
    def escalated(r: dict[str, Any]) -> str:
        return f"期限{r['current_due'].isoformat()}届满后仍未办理，通报{r['escalated_to']}"

    _bulk_events(rows, CaseEventKind.ESCALATED, escalated, today)
    notify_many((getattr(targets[r["body_id"]], "pk", None), NoticeKind.RECTIFICATION_ESCALATED,
                 f"整改案件第{r['pk']}号（{r['body__name']}）{escalated(r)}",
                 reverse("console:rectification_case", args=[r["pk"]])) for r in rows)
    return EscalationResult(len(late), len(rows))
