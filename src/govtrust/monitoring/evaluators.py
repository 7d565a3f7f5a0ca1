"""The evaluators: one per rule kind, each one set-based query over the data where facts are established.

An evaluator takes the rule (its `params` hold every threshold and window), the scan's `today` and the bodies
the scanning principal reaches (None: all), and returns what triggered it: one `Found` per body and cause, with
the dedup key, a neutral summary in Chinese and the evidence (the counts, the rule's threshold, the period, the
ids and document numbers). The queries read the source tables directly; none is run per record.

| kind | reads | triggered when | key |
|---|---|---|---|
| new_serious_breach | ledger.Record | a live negative record of severity 严重 about an organization, recorded within `lookback_days` and decided within `decided_within_days` | record:<id> |
| rectification_overdue | commitments.RectificationCase | an open case whose running deadline passed `min_days_overdue` days ago | case:<id>:<due> |
| publicity_on_time_low | publicity.Decision | last complete month, per source: on-time rate < `threshold`, sample ≥ `min_sample` | body:<id>:<YYYY-MM> |
| complaints_surge | complaints.Complaint | last complete month ≥ `min_count` and > `factor` × the mean of the `window_months` before | body:<id>:<YYYY-MM> |
| commitment_breached | commitments.Commitment | breached (违诺) within `lookback_days` | commitment:<id> |
| judgment_unperformed | supervision.Judgment | due `min_days_overdue` days ago or more, no performance date | judgment:<id> |
| score_drop | evaluation.RunScore | a run published within `lookback_days` scores ≥ `drop` points under the previous period's published run | run:<id>:body:<id> |

Boundaries: a rate exactly at the threshold, a count exactly `factor` × the mean and a drop just under `drop` do
not trigger; rates and ratios are compared as exact decimals, never as floats.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from govtrust.commitments.models import OPEN_CASE_STATUSES, CaseStatus, Commitment, RectificationCase
from govtrust.commitments.models import Status as CommitmentStatus
from govtrust.complaints.models import Complaint
from govtrust.complaints.models import Status as ComplaintStatus
from govtrust.core.errors import Conflict, ServiceError
from govtrust.evaluation import periods
from govtrust.evaluation.models import Run, RunScore, RunStatus
from govtrust.ledger.models import LIVE_STATUSES, Polarity, Record, Severity
from govtrust.publicity.models import Decision
from govtrust.supervision.models import Judgment

from .models import RuleKind, WarningRule

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Param:
    """One parameter a rule kind needs: its type and the range a value must lie in (validation, not a threshold)."""

    label: str
    label_en: str
    type: str  # "int" | "decimal"
    low: Decimal
    high: Decimal


def _p(label: str, label_en: str, type_: str, low: str, high: str) -> Param:
    return Param(label, label_en, type_, Decimal(low), Decimal(high))


LOOKBACK = _p("回看天数", "look-back days", "int", "1", "3660")
OVERDUE = _p("逾期天数下限（自然日）", "minimum days overdue", "int", "1", "3660")
PARAMS: dict[str, dict[str, Param]] = {
    RuleKind.NEW_SERIOUS_BREACH: {"lookback_days": LOOKBACK,
                                  "decided_within_days": _p("决定日期时限（天）", "decided within days", "int", "1", "36600")},
    RuleKind.RECTIFICATION_OVERDUE: {"min_days_overdue": OVERDUE},
    RuleKind.PUBLICITY_ON_TIME_LOW: {"threshold": _p("按时公示率阈值（0—1）", "on-time rate threshold (0–1)", "decimal", "0", "1"),
                                     "min_sample": _p("最小样本量（件）", "minimum sample", "int", "1", "100000")},
    RuleKind.COMPLAINTS_SURGE: {"factor": _p("倍数", "factor", "decimal", "1", "100"),
                                "window_months": _p("比较月数", "months compared", "int", "1", "36"),
                                "min_count": _p("最小件数", "minimum count", "int", "1", "100000")},
    RuleKind.COMMITMENT_BREACHED: {"lookback_days": LOOKBACK},
    RuleKind.JUDGMENT_UNPERFORMED: {"min_days_overdue": OVERDUE},
    RuleKind.SCORE_DROP: {"drop": _p("下降分值", "points dropped", "decimal", "0.01", "100"),
                          "lookback_days": LOOKBACK},
}


@dataclass(frozen=True)
class Found:
    body_id: int
    key: str
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    period: str = ""


Bodies = QuerySet[Any] | None  # Organization pks the scanning principal reaches; None: all
Evaluator = Callable[[WarningRule, dt.date, Bodies], list[Found]]


def param(rule: WarningRule, name: str) -> Any:
    """The rule's parameter as int or Decimal; a rule whose params were never validated fails with its name."""
    spec = PARAMS[rule.kind][name]
    raw = (rule.params or {}).get(name)
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not spec.low <= value <= spec.high or (
            spec.type == "int" and value != value.to_integral_value()):
        raise Conflict(f"预警规则“{rule.name}”的参数{name}（{spec.label}）无效：{raw!r}",
                       f"warning rule {rule.code}: parameter {name} ({spec.label_en}) is invalid: {raw!r}")
    return int(value) if spec.type == "int" else value


def _within(qs: QuerySet[Any], body_field: str, bodies: Bodies) -> QuerySet[Any]:
    return qs if bodies is None else qs.filter(**{f"{body_field}__in": bodies})


def _last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def _months_before(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _fmt(value: Decimal, places: Decimal = CENT, rounding: str = ROUND_HALF_UP) -> str:
    return str(value.quantize(places, rounding=rounding))


def _month_label(first: dt.date) -> str:
    return f"{first.year}-{first.month:02d}"


def _month_zh(first: dt.date) -> str:
    return f"{first.year}年{first.month}月"


# ----------------------------------------------------------------------------------------------- evaluators

def new_serious_breach(rule: WarningRule, today: dt.date, bodies: Bodies) -> list[Found]:
    days, decided_within = param(rule, "lookback_days"), param(rule, "decided_within_days")
    since = today - dt.timedelta(days=days)
    qs = Record.objects.filter(
        organization__isnull=False, category__polarity=Polarity.NEGATIVE, severity=Severity.SERIOUS,
        status__in=LIVE_STATUSES, created_at__gte=_day_start(since), created_at__lt=_day_start(today + dt.timedelta(days=1)),
        decision_date__gte=today - dt.timedelta(days=decided_within))
    rows = _within(qs, "organization_id", bodies).values(
        "pk", "organization_id", "document_number", "authority", "decision_date", "created_at", "category__code",
        "category__name").order_by("pk")
    out = []
    for r in rows:
        recorded = timezone.localtime(r["created_at"]).date()
        out.append(Found(r["organization_id"], f"record:{r['pk']}", (
            f"{recorded.isoformat()}归集严重失信记录1条：{r['category__name']}，文书号{r['document_number']}"
            f"（{r['authority']}，决定日期{r['decision_date'].isoformat()}）"), {
            "record_id": r["pk"], "document_number": r["document_number"], "category": r["category__code"],
            "category_name": r["category__name"], "severity": Severity.SERIOUS.value, "authority": r["authority"],
            "decision_date": r["decision_date"].isoformat(), "recorded_on": recorded.isoformat(),
            "lookback_days": days, "decided_within_days": decided_within,
            "window": [since.isoformat(), today.isoformat()]}))
    return out


def rectification_overdue(rule: WarningRule, today: dt.date, bodies: Bodies) -> list[Found]:
    days = param(rule, "min_days_overdue")
    qs = RectificationCase.objects.filter(status__in=OPEN_CASE_STATUSES, current_due__isnull=False,
                                          current_due__lte=today - dt.timedelta(days=days))
    rows = _within(qs, "body_id", bodies).values(
        "pk", "body_id", "status", "current_due", "opened_on", "record_id", "record__document_number",
        "record__category__name", "escalation_level").order_by("pk")
    out = []
    for r in rows:
        stage = "书面说明" if r["status"] == CaseStatus.AWAITING_EXPLANATION else "整改"
        late = (today - r["current_due"]).days
        status = str(CaseStatus(r["status"]).label)
        out.append(Found(r["body_id"], f"case:{r['pk']}:{r['current_due'].isoformat()}", (
            f"整改案件（{r['record__category__name']}，文书号{r['record__document_number']}）{stage}期限"
            f"{r['current_due'].isoformat()}已过，截至{today.isoformat()}逾期{late}天，案件状态：{status}"), {
            "case_id": r["pk"], "record_id": r["record_id"], "document_number": r["record__document_number"],
            "stage": stage, "due": r["current_due"].isoformat(), "days_overdue": late, "case_status": r["status"],
            "opened_on": r["opened_on"].isoformat(), "min_days_overdue": days, "as_of": today.isoformat()}))
    return out


def publicity_on_time_low(rule: WarningRule, today: dt.date, bodies: Bodies) -> list[Found]:
    threshold, min_sample = param(rule, "threshold"), param(rule, "min_sample")
    first, last = _last_month(today)
    qs = Decision.objects.filter(decision_date__gte=first, decision_date__lte=last, on_time__isnull=False)
    rows = _within(qs, "source_id", bodies).values("source_id").annotate(
        n=Count("id"), on_time_n=Count("id", filter=Q(on_time=True))).filter(n__gte=min_sample).order_by("source_id")
    out = []
    for r in rows:
        rate = Decimal(r["on_time_n"]) / Decimal(r["n"])
        if rate >= threshold:
            continue
        shown = _fmt(rate, rounding=ROUND_DOWN)  # never shown as reaching the threshold
        out.append(Found(r["source_id"], f"body:{r['source_id']}:{_month_label(first)}", (
            f"{_month_zh(first)}双公示按时公示率{shown}，低于规则阈值{_fmt(threshold)}"
            f"（样本{r['n']}件，按时公示{r['on_time_n']}件）"), {
            "period": _month_label(first), "from": first.isoformat(), "to": last.isoformat(), "sample": r["n"],
            "on_time": r["on_time_n"], "late": r["n"] - r["on_time_n"], "rate": str(rate.quantize(Decimal("0.0001"))),
            "threshold": str(threshold), "min_sample": min_sample}, _month_label(first)))
    return out


def complaints_surge(rule: WarningRule, today: dt.date, bodies: Bodies) -> list[Found]:
    factor, window, min_count = param(rule, "factor"), param(rule, "window_months"), param(rule, "min_count")
    first, last = _last_month(today)
    before = _months_before(first, window)
    qs = Complaint.objects.exclude(status=ComplaintStatus.MERGED).filter(received_on__gte=before, received_on__lte=last)
    rows = _within(qs, "body_id", bodies).values("body_id").annotate(
        month=Count("id", filter=Q(received_on__gte=first)), prior=Count("id", filter=Q(received_on__lt=first)),
    ).filter(month__gte=min_count).order_by("body_id")
    out = []
    for r in rows:
        if Decimal(r["month"]) * window <= factor * r["prior"]:
            continue
        mean = Decimal(r["prior"]) / window
        out.append(Found(r["body_id"], f"body:{r['body_id']}:{_month_label(first)}", (
            f"{_month_zh(first)}登记投诉举报{r['month']}件，此前{window}个月（{_month_label(before)}至"
            f"{_month_label(_months_before(first, 1))}）月均{_fmt(mean)}件，超过月均的规则倍数{factor}倍"
            f"（规则最小件数{min_count}件）"), {
            "period": _month_label(first), "count": r["month"], "prior_total": r["prior"],
            "prior_from": before.isoformat(), "prior_to": (first - dt.timedelta(days=1)).isoformat(),
            "window_months": window, "mean": str(mean.quantize(Decimal("0.0001"))), "factor": str(factor),
            "min_count": min_count}, _month_label(first)))
    return out


def commitment_breached(rule: WarningRule, today: dt.date, bodies: Bodies) -> list[Found]:
    days = param(rule, "lookback_days")
    since = today - dt.timedelta(days=days)
    qs = Commitment.objects.filter(status=CommitmentStatus.BREACHED, concluded_on__gte=since, concluded_on__lte=today)
    rows = _within(qs, "unit_id", bodies).values(
        "pk", "unit_id", "title", "subject_name", "due_date", "concluded_on", "kind__name", "ledger_record_id",
        "ledger_record__document_number").order_by("pk")
    return [Found(r["unit_id"], f"commitment:{r['pk']}", (
        f"信用承诺“{r['title']}”（承诺主体：{r['subject_name']}，履行期限{r['due_date'].isoformat()}）"
        f"于{r['concluded_on'].isoformat()}被认定未履行"), {
        "commitment_id": r["pk"], "title": r["title"], "subject_name": r["subject_name"], "kind": r["kind__name"],
        "due_date": r["due_date"].isoformat(), "concluded_on": r["concluded_on"].isoformat(),
        "record_id": r["ledger_record_id"], "document_number": r["ledger_record__document_number"] or "",
        "lookback_days": days}) for r in rows]


def judgment_unperformed(rule: WarningRule, today: dt.date, bodies: Bodies) -> list[Found]:
    days = param(rule, "min_days_overdue")
    qs = Judgment.objects.filter(due_on__lte=today - dt.timedelta(days=days)).filter(
        Q(performed_on__isnull=True) | Q(performed_on__gt=today))
    rows = _within(qs, "body_id", bodies).values("pk", "body_id", "case_number", "court", "effective_on",
                                                  "due_on").order_by("pk")
    out = []
    for r in rows:
        late = (today - r["due_on"]).days
        out.append(Found(r["body_id"], f"judgment:{r['pk']}", (
            f"生效判决{r['case_number']}（{r['court']}）履行期限{r['due_on'].isoformat()}已过，截至{today.isoformat()}"
            f"未登记履行日期（逾期{late}天）"), {
            "judgment_id": r["pk"], "case_number": r["case_number"], "court": r["court"],
            "effective_on": r["effective_on"].isoformat(), "due_on": r["due_on"].isoformat(), "days_overdue": late,
            "min_days_overdue": days, "as_of": today.isoformat()}))
    return out


def score_drop(rule: WarningRule, today: dt.date, bodies: Bodies) -> list[Found]:
    drop, days = param(rule, "drop"), param(rule, "lookback_days")
    since = today - dt.timedelta(days=days)
    runs = Run.objects.filter(status=RunStatus.PUBLISHED, published_at__gte=_day_start(since),
                              published_at__lt=_day_start(today + dt.timedelta(days=1)))
    previous: dict[int, str] = {}
    for pk, label in runs.values_list("pk", "period"):  # the runs (a handful per period), not their scores
        try:
            previous[pk] = periods.parse(label).previous.label
        except ServiceError:  # a label the parser refuses has no previous period to compare with
            continue
    if not previous:
        return []
    prior = RunScore.objects.filter(
        subject_id=OuterRef("subject_id"), score__isnull=False, run__status=RunStatus.PUBLISHED,
        run__system__code=OuterRef("run__system__code"), run__region_id=OuterRef("run__region_id"),
        run__period=OuterRef("prev_period")).order_by("-run__published_at", "-run_id")
    qs = RunScore.objects.filter(run_id__in=list(previous), score__isnull=False).annotate(
        prev_period=Case(*[When(run_id=pk, then=Value(label)) for pk, label in previous.items()],
                         output_field=CharField()),
        prev_score=Subquery(prior.values("score")[:1]), prev_run=Subquery(prior.values("run_id")[:1]),
    ).filter(prev_score__gt=F("score"))  # the exact comparison with `drop` is made in decimals below
    rows = _within(qs, "subject_id", bodies).values(
        "subject_id", "score", "prev_score", "prev_run", "prev_period", "run_id", "run__period", "run__system__code",
        "grade").order_by("run_id", "subject_id")
    out = []
    for r in rows:
        score, prev = Decimal(str(r["score"])).quantize(CENT), Decimal(str(r["prev_score"])).quantize(CENT)
        diff = prev - score
        if diff < drop:
            continue
        out.append(Found(r["subject_id"], f"run:{r['run_id']}:body:{r['subject_id']}", (
            f"{r['run__period']}政务诚信评价得分{score}，较上期（{r['prev_period']}）{prev}下降{diff}分，"
            f"达到规则下降分值{_fmt(drop)}分（指标体系{r['run__system__code']}）"), {
            "system": r["run__system__code"], "run_id": r["run_id"], "period": r["run__period"], "score": str(score),
            "grade": r["grade"], "previous_run_id": r["prev_run"], "previous_period": r["prev_period"],
            "previous_score": str(prev), "drop": str(diff), "threshold": str(drop), "lookback_days": days},
            r["run__period"]))
    return out


EVALUATORS: dict[str, Evaluator] = {
    RuleKind.NEW_SERIOUS_BREACH: new_serious_breach,
    RuleKind.RECTIFICATION_OVERDUE: rectification_overdue,
    RuleKind.PUBLICITY_ON_TIME_LOW: publicity_on_time_low,
    RuleKind.COMPLAINTS_SURGE: complaints_surge,
    RuleKind.COMMITMENT_BREACHED: commitment_breached,
    RuleKind.JUDGMENT_UNPERFORMED: judgment_unperformed,
    RuleKind.SCORE_DROP: score_drop,
}
