"""Overdue and missing-data warnings (监测预警) for the department concerned and its credit office.

A warning is derived, not stored: `for_principal` reads `metrics.report` for the principal's scope and keeps
what concerns it, i.e. the departments the principal reaches through the access layer. A department user
(organization scope) hears about its own decisions; a credit office (region scope) about every department
of its region. Each warning says what triggered it: the counts, the publication rule in force (its name,
its basis and its number of working days), and a few of the decisions, so that the reader can act on it.

Kinds of warning:
- overdue: decisions published after the deadline (the rule's Nth working day after the decision date);
- incomplete: decisions missing required national fields (measured at intake, never refused for it);
- inaccurate: decisions with accuracy problems (codes, categories, implausible amounts);
- silent: a month that has ended with neither decisions nor an empty-month declaration (本月无数据).

A month that has not ended yet is not called silent: the department still has time to report.
No table holds warnings: they are recomputed from the decisions, so they disappear when the data is
corrected or a month is declared empty, and every figure can be traced to the report it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.subjects.models import Organization

from . import metrics
from .metrics import Period
from .models import Decision, Kind, PublicityRule

EXAMPLES = 5  # decisions named in each warning
TYPES = {
    "overdue": ("超期公示", "overdue"),
    "incomplete": ("要素缺失", "missing data"),
    "inaccurate": ("数据不准确", "inaccurate data"),
    "silent": ("未报送", "silent month"),
}


@dataclass(frozen=True)
class Example:
    """One decision behind a warning, with what is wrong with it."""

    pk: int
    document_number: str
    counterparty_name: str
    detail: str


@dataclass(frozen=True)
class PublicityWarning:
    type: str  # overdue | incomplete | inaccurate | silent
    department_id: int
    department: str
    region: str
    count: int  # decisions concerned (silent: 1 month)
    message: str
    message_en: str
    basis: str  # the rule or the requirement that the warning applies
    start: dt.date  # the decisions' (or the silent month's) date range, for the filtered list
    end: dt.date  # inclusive
    kind: str = ""  # silent: the kind not reported
    month: str = ""  # silent: YYYY-MM
    examples: list[Example] = field(default_factory=list)

    @property
    def label(self) -> str:
        return TYPES[self.type][0]

    @property
    def check(self) -> str:
        """The decision list's filter that shows this warning's decisions."""
        return {"overdue": "late", "incomplete": "incomplete", "inaccurate": "inaccurate"}.get(self.type, "")


def default_period(today: dt.date) -> Period:
    """The previous and the current month: a silent month stays in view for a month after it ends."""
    start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    end = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return Period(f"{start:%Y-%m}—{today:%Y-%m}", start, end)


def rules_in_force(period: Period) -> list[PublicityRule]:
    """The publication rules that governed decisions dated in the period (the one in force at its start and
    any that took effect during it)."""
    rules = list(PublicityRule.objects.filter(in_force_from__lt=period.end).order_by("in_force_from"))
    first = [r for r in rules if r.in_force_from <= period.start][-1:]
    return first + [r for r in rules if r.in_force_from > period.start]


_DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")


def rule_basis(rules: list[PublicityRule], short: bool = False) -> str:
    """The rules as a sentence: in full (the basis as entered), or short (the documents' numbers only)."""
    if not rules:
        return "自作出行政决定之日起7个工作日内上网公开（国办发〔2015〕51号）"
    if short:
        return "；".join(f"{r.name}（{r.working_days}个工作日；"
                        f"{'、'.join(dict.fromkeys(_DOCUMENT_NUMBER.findall(r.basis))) or r.basis}）" for r in rules)
    return "；".join(f"{r.name}（时限{r.working_days}个工作日，{r.in_force_from:%Y-%m-%d}起施行；依据：{r.basis}）"
                    for r in rules)


def _examples(qs: QuerySet[Decision], kind: str) -> list[Example]:
    out = []
    for d in qs.order_by("-decision_date", "-pk").only(
            "pk", "document_number", "counterparty_name", "deadline", "days_late", "missing", "issues")[:EXAMPLES]:
        if kind == "overdue":
            detail = f"超期{d.days_late}个工作日（期限{d.deadline:%Y-%m-%d}）" if d.deadline else f"超期{d.days_late}个工作日"
        elif kind == "incomplete":
            detail = "缺少：" + "、".join(d.missing)
        else:
            detail = "；".join(d.issues)
        out.append(Example(d.pk, d.document_number, d.counterparty_name, detail))
    return out


def for_principal(principal: Any, period: Period, kind: str | None = None,
                  today: dt.date | None = None) -> list[PublicityWarning]:
    """The warnings that concern `principal` for decisions dated in `period` (and the months of it that ended)."""
    today = today or timezone.localdate()
    data = metrics.report(principal, period, kind)
    reached = set(access.restrict(principal, Organization.objects.filter(
        pk__in={r["source_id"] for r in data["by_department"]}), Perm.PUBLICITY_VIEW).values_list("pk", flat=True))
    basis = rule_basis(rules_in_force(period), short=True)
    last_day = period.end - dt.timedelta(days=1)
    decisions = metrics.decisions(principal, period, kind)
    out: list[PublicityWarning] = []
    for row in data["by_department"]:
        if row["source_id"] not in reached:
            continue  # a decision this principal made but another department published: theirs to hear about
        common = {"department_id": row["source_id"], "department": row["source__name"],
                  "region": row["source__region__name"] or "", "start": period.start, "end": last_day}
        mine = decisions.filter(source_id=row["source_id"])
        if row["late"]:
            out.append(PublicityWarning(
                "overdue", count=row["late"], basis=basis,
                message=f"{row['late']}项决定超过公示时限上网公示，累计超期{row['days_late_total']}个工作日",
                message_en=f"{row['late']} decisions published after the deadline, "
                           f"{row['days_late_total']} working days late in all",
                examples=_examples(mine.filter(on_time=False), "overdue"), **common))
        incomplete = row["total"] - row["complete_count"]
        if incomplete:
            out.append(PublicityWarning(
                "incomplete", count=incomplete, basis="国家双公示数据标准必填要素（行政处罚/行政许可信息数据项）",
                message=f"{incomplete}项决定缺少必填要素（共{row['total']}项）",
                message_en=f"{incomplete} of {row['total']} decisions lack required fields",
                examples=_examples(mine.filter(complete=False), "incomplete"), **common))
        inaccurate = row["total"] - row["accurate_count"]
        if inaccurate:
            out.append(PublicityWarning(
                "inaccurate", count=inaccurate, basis="代码校验、主体类别一致性与金额合理性规则",
                message=f"{inaccurate}项决定存在准确性问题（共{row['total']}项）",
                message_en=f"{inaccurate} of {row['total']} decisions have accuracy problems",
                examples=_examples(mine.filter(accurate=False), "inaccurate"), **common))
    out += _silent(principal, data["coverage"], today)
    return out


def _silent(principal: Any, coverage: list[dict[str, Any]], today: dt.date) -> list[PublicityWarning]:
    ids = {i for c in coverage for i in c["silent_department_ids"]}
    if not ids:
        return []
    departments = {o.pk: o for o in access.restrict(principal, Organization.objects.filter(pk__in=ids),
                                                    Perm.PUBLICITY_VIEW).select_related("region")}
    out = []
    for c in coverage:
        month = dt.date.fromisoformat(c["month"] + "-01")
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        if nxt > today:
            continue  # the month has not ended: not silent yet
        label = Kind(c["kind"]).label
        for pk in c["silent_department_ids"]:
            org = departments.get(pk)
            if org is None:
                continue
            out.append(PublicityWarning(
                "silent", department_id=pk, department=org.name, region=org.region.name, count=1,
                message=f"{c['month']}未报送{label}信息，也未申报本月无{label}决定",
                message_en=f"no {c['kind']} decisions reported for {c['month']} and no empty-month declaration",
                basis="双公示信息应全量报送；当月没有决定的，应申报“本月无数据”",
                start=month, end=nxt - dt.timedelta(days=1), kind=c["kind"], month=c["month"]))
    return out


def count_for(principal: Any, today: dt.date | None = None) -> int:
    """How many warnings concern the principal in the default window (for the console home page)."""
    today = today or timezone.localdate()
    return len(for_principal(principal, default_period(today), today=today))
