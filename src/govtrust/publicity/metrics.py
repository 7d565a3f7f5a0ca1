"""Timeliness and quality of 双公示 per source department and region, per month or quarter (set-based).

Every figure is an aggregate over the columns intake computed for each decision (on_time, days_late,
complete, accurate), grouped in the database; Python only divides the per-group counts. A decision counts
in the period of its decision date. Rates leave out what cannot be measured yet (a deadline in a year whose
holiday schedule is not entered): `unknown` says how many. A decision counts whatever became of it later
(withdrawn, expired, or ENDED by the credit repair of its record): the figures say how it was published,
and it was; what the public listing holds now is `services.public_decisions`, which these do not count.

Coverage: the departments (subjects with kind 政府部门) in the reader's scope are expected to publish or to
declare a month empty; for each month and kind they are counted as reported, declared empty, or silent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import field_error
from govtrust.subjects.models import Organization

from .models import Decision, EmptyMonthDeclaration, Kind


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date  # exclusive

    def months(self) -> list[dt.date]:
        out, day = [], self.start
        while day < self.end:
            out.append(day)
            day = _next_month(day)
        return out


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def parse_period(text: str) -> Period:
    """'2026-10' (a month) or '2026Q4' / '2026-Q4' (a quarter)."""
    text = (text or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            start = dt.date(year, month, 1)
            return Period(f"{year}-{month:02d}", start, _next_month(start))
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        return Period(f"{year}Q{quarter}", start, _next_month(_next_month(_next_month(start))))
    raise field_error("period", f"“{text}”不是有效的月份或季度（如2026-10、2026Q4）",
                      f"{text!r} is not a month or quarter (e.g. 2026-10, 2026Q4)")


_COUNTS = {
    "total": Count("id"),
    "on_time_count": Count("id", filter=Q(on_time=True)),
    "late": Count("id", filter=Q(on_time=False)),
    "unknown": Count("id", filter=Q(on_time__isnull=True)),
    "complete_count": Count("id", filter=Q(complete=True)),
    "accurate_count": Count("id", filter=Q(accurate=True)),
    "days_late_total": Sum("days_late"),
}
GROUPS = {
    "department": ("source_id", "source__name", "source__region__name"),
    "region": ("source__region__code", "source__region__name"),
}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _row(values: dict[str, Any]) -> dict[str, Any]:
    measured = values["on_time_count"] + values["late"]
    return values | {
        "days_late_total": values["days_late_total"] or 0,
        "on_time_rate": _rate(values["on_time_count"], measured),
        "completeness": _rate(values["complete_count"], values["total"]),
        "accuracy": _rate(values["accurate_count"], values["total"]),
    }


def decisions(principal: Any, period: Period, kind: str | None = None) -> Any:
    qs = access.restrict(principal, Decision.objects.all(), Perm.PUBLICITY_VIEW).filter(
        decision_date__gte=period.start, decision_date__lt=period.end)
    return qs.filter(kind=kind) if kind else qs


def report(principal: Any, period: Period, kind: str | None = None) -> dict[str, Any]:
    """The figures for one period: totals, per department, per region, month coverage, and warnings."""
    if kind and kind not in Kind.values:
        raise field_error("kind", f"不支持的类型“{kind}”（licence / penalty）", f"unknown kind {kind!r} (licence / penalty)")
    qs = decisions(principal, period, kind)
    total = _row(qs.aggregate(**_COUNTS))
    groups = {name: [_row(r) for r in qs.values(*fields).annotate(**_COUNTS).order_by(*fields)]
              for name, fields in GROUPS.items()}
    coverage = _coverage(principal, period, kind)
    return {
        "period": period.label, "start": period.start.isoformat(), "end": (period.end - dt.timedelta(days=1)).isoformat(),
        "kind": kind or "all", "total": total, "by_department": groups["department"], "by_region": groups["region"],
        "coverage": coverage, "warnings": _warnings(groups["department"], coverage),
    }


def _coverage(principal: Any, period: Period, kind: str | None) -> list[dict[str, Any]]:
    departments = dict(access.restrict(principal, Organization.objects.filter(kind=Organization.Kind.DEPARTMENT))
                       .values_list("id", "name"))
    reported: dict[tuple[dt.date, str], set[int]] = {}
    rows = (decisions(principal, period, kind).annotate(month=TruncMonth("decision_date"))
            .values_list("month", "kind", "source_id").distinct())
    for month, k, source in rows:
        reported.setdefault((_as_date(month), k), set()).add(source)
    declared: dict[tuple[dt.date, str], set[int]] = {}
    for month, k, dept in EmptyMonthDeclaration.objects.filter(
            department_id__in=departments, month__gte=period.start, month__lt=period.end,
            **({"kind": kind} if kind else {})).values_list("month", "kind", "department_id"):
        declared.setdefault((month, k), set()).add(dept)
    out = []
    for month in period.months():
        for k in [kind] if kind else Kind.values:
            got = reported.get((month, k), set())
            empty = declared.get((month, k), set()) - got
            silent = sorted(set(departments) - got - empty)
            out.append({"month": f"{month:%Y-%m}", "kind": k, "departments": len(departments),
                        "reported": len(got & set(departments)), "declared_empty": len(empty), "silent": len(silent),
                        "silent_departments": [departments[d] for d in silent], "silent_department_ids": silent})
    return out


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _warnings(by_department: list[dict[str, Any]], coverage: list[dict[str, Any]]) -> list[dict[str, str]]:
    """What the department and the credit office should hear about (the warning workflow comes later)."""
    out = []
    for row in by_department:
        if row["late"]:
            out.append({"type": "overdue", "department": row["source__name"],
                        "message": f"{row['late']}项决定超过7个工作日公示，累计超期{row['days_late_total']}个工作日"})
        if row["total"] - row["complete_count"]:
            out.append({"type": "incomplete", "department": row["source__name"],
                        "message": f"{row['total'] - row['complete_count']}项决定缺少必填要素"})
        if row["total"] - row["accurate_count"]:
            out.append({"type": "inaccurate", "department": row["source__name"],
                        "message": f"{row['total'] - row['accurate_count']}项决定存在准确性问题"})
    for month in coverage:
        for name in month["silent_departments"]:
            out.append({"type": "silent", "department": name,
                        "message": f"{month['month']}未报送{Kind(month['kind']).label}信息，也未申报无数据"})
    return out


def monthly_series(principal: Any, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per month: decisions and on-time rate (for the dashboard chart)."""
    qs = access.restrict(principal, Decision.objects.all(), Perm.PUBLICITY_VIEW).filter(
        decision_date__gte=start, decision_date__lt=end)
    rows = qs.annotate(month=TruncMonth("decision_date")).values("month").annotate(**_COUNTS).order_by("month")
    return [_row(r) | {"month": f"{_as_date(r['month']):%Y-%m}"} for r in rows]
