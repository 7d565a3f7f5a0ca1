"""Complaint figures and the register (台账), over the complaints received in a period and visible to the caller.

Per group (body, region, category, month of receipt) — set-based aggregates, one query per grouping:
- volume: complaints received; declined; merged;
- on-time handling = replied on or before the handling deadline / replied (None when none replied);
- satisfaction = rated 满意 or 基本满意 / rated (follow-up visits, last rating of each case);
- reopen rate = cases reopened at least once / cases closed at least once;
- found true: closed with the finding 属实 or 部分属实.
Example: 4 replied of which 3 on time → on-time rate 0.75.

The register is the list of cases as XLSX (intake.writers: identifiers as text, formula-like cells escaped);
the complainant appears masked, never with a contact. An export releases data, so it is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.errors import FieldError, invalid
from govtrust.intake import writers

from .models import FOUND_TRUE, Complaint, Rating, Status

GROUPS = {
    "by_body": ("body_id", "body__name", "body__region__name"),
    "by_region": ("body__region__code", "body__region__name"),
    "by_category": ("category__code", "category__name"),
}
COUNTS = {
    "total": Count("pk"),
    "declined": Count("pk", filter=Q(status=Status.DECLINED)),
    "merged": Count("pk", filter=Q(status=Status.MERGED)),
    "replied": Count("pk", filter=Q(on_time__isnull=False)),
    "on_time": Count("pk", filter=Q(on_time=True)),
    "rated": Count("pk", filter=~Q(rating="")),
    "satisfied": Count("pk", filter=Q(rating__in=(Rating.SATISFIED, Rating.BASICALLY))),
    "closed": Count("pk", filter=Q(closed_on__isnull=False)),
    "reopened": Count("pk", filter=Q(reopen_count__gt=0)),
    "found_true": Count("pk", filter=Q(finding__in=FOUND_TRUE, status__in=(Status.CLOSED, Status.VISITED))),
    "overdue": Count("pk", filter=Q(overdue=True)),
}


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    return row | {"on_time_rate": _ratio(row["on_time"], row["replied"]),
                  "satisfaction": _ratio(row["satisfied"], row["rated"]),
                  "reopen_rate": _ratio(row["reopened"], row["closed"])}


def in_period(principal: Any, start: dt.date, end: dt.date) -> QuerySet[Complaint]:
    if end < start:
        raise invalid([FieldError("end", "结束日期不能早于开始日期", "the end is before the start")])
    qs = access.restrict(principal, Complaint.objects.all(), Perm.COMPLAINTS_VIEW)
    return qs.filter(received_on__gte=start, received_on__lte=end)


def report(principal: Any, start: dt.date, end: dt.date) -> dict[str, Any]:
    qs = in_period(principal, start, end).order_by()
    out: dict[str, Any] = {"start": start, "end": end, "total": _rates(qs.aggregate(**COUNTS))}
    for name, fields in GROUPS.items():
        out[name] = [_rates(dict(r)) for r in qs.values(*fields).annotate(**COUNTS).order_by(*fields)]
    months = qs.annotate(month=TruncMonth("received_on")).values("month").annotate(**COUNTS).order_by("month")
    out["by_month"] = [_rates(dict(r) | {"month": r["month"].strftime("%Y-%m")}) for r in months]
    return out


REGISTER_HEADERS = ["编号", "12345工单号", "渠道", "登记日期", "类别", "被投诉单位", "区划", "投诉人", "状态", "承办单位",
                    "派单日期", "办理期限", "答复日期", "按时答复", "核查结论", "办结日期", "满意度", "重办次数", "退单次数",
                    "并入", "重大投诉", "信用记录文书号", "事实和理由", "答复"]
_FIELDS = ("serial", "hotline_number", "channel", "received_on", "category__name", "body__name", "body__region__name",
           "name_masked", "anonymous", "status", "assignee__name", "assigned_on", "handle_due", "replied_on", "on_time",
           "finding", "closed_on", "rating", "reopen_count", "return_count", "merged_into__serial", "serious",
           "ledger_record__document_number", "facts", "reply")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def register_rows(principal: Any, start: dt.date, end: dt.date) -> list[list[str]]:
    labels = {"channel": dict(Complaint._meta.get_field("channel").choices),
              "status": dict(Complaint._meta.get_field("status").choices),
              "finding": dict(Complaint._meta.get_field("finding").choices),
              "rating": dict(Complaint._meta.get_field("rating").choices)}
    rows = []
    qs = in_period(principal, start, end).order_by("received_on", "id").values_list(*_FIELDS)
    for values in qs.iterator(chunk_size=2000):
        v = dict(zip(_FIELDS, values, strict=True))
        who = "匿名" if v.pop("anonymous") else v["name_masked"]
        v["name_masked"] = who
        rows.append([writers.escape_cell(_text(labels[k].get(x, x) if k in labels else x)) for k, x in v.items()])
    return rows


def register_xlsx(principal: Any, start: dt.date, end: dt.date) -> bytes:
    rows = register_rows(principal, start, end)
    audit.record_many([audit.Change("export", Complaint._meta.label_lower, f"{start}..{end}", "投诉举报台账", None,
                                    {"start": start.isoformat(), "end": end.isoformat(), "rows": len(rows)},
                                    "导出投诉举报台账")])
    return writers.xlsx_bytes([writers.Sheet("投诉举报台账", REGISTER_HEADERS, rows, text_columns={0, 1},
                                             wrap_columns={22, 23})])
