"""The raw inputs of a run: one grouped SQL query per data source, over the ledger and the workflow tables.

`read(codes, start, end, asof)` answers {source code: {organization id: (num, den)}} for the organizations with
anything to count in [start, end] (inclusive). One query may feed several sources that read the same rows
(the three 双公示 rates, the two breach counts, the three complaint figures): it runs once per read. The pair is what the indicator value rests on, so that a
subject's figures can be rolled up from its units and its value traced to its inputs:

- a rate: num of den (value num / den; den is the sample the minimum sample size applies to);
- a count: num (den 1 for every organization: the sample is the subject itself);
- a score: the sum of num scores over den scores (value the mean).

Each query groups in the database by the body the figure belongs to (the department that publishes 双公示,
the unit a commitment belongs to, the body a case, a judgment or a complaint concerns); Python never loops
over records. Statuses that depend on the day ("overdue") are read as of `asof` — the period's end, or the
cut-off when the period has not ended — so that a rerun over the same data gives the same figures.

The definitions are the ones the workflow figures publish (commitments.figures, rectification_figures,
complaints.figures, publicity.metrics), restated here for a body and a period; sources.SOURCES says each
in words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from govtrust.commitments.models import OPEN_CASE_STATUSES, CaseStatus, Commitment, RectificationCase
from govtrust.commitments.models import Status as CommitmentStatus
from govtrust.complaints.models import FOUND_TRUE, Complaint, Rating
from govtrust.complaints.models import Status as ComplaintStatus
from govtrust.ledger.models import (
    LIVE_STATUSES,
    Polarity,
    Record,
    RecordStatus,
    Revision,
    RevisionKind,
    Severity,
)
from govtrust.publicity.models import Decision
from govtrust.supervision.models import (
    SATISFIED,
    Assessment,
    AssessmentKind,
    Inspection,
    Judgment,
    LitigationCase,
    Proposal,
)
from govtrust.supervision.models import Outcome as LitigationOutcome

Pairs = dict[int, tuple[float, float]]
Figures = dict[str, Pairs]
DEBTOR_CATEGORY = "dishonest_judgment_debtor"  # 失信被执行人 in the ledger catalog
ENDED = (RecordStatus.REPAIRED, RecordStatus.REVOKED, RecordStatus.EXPIRED)
ENDING = (RevisionKind.REPAIR, RevisionKind.REVOKE, RevisionKind.EXPIRE)  # the revisions that end a record


def _grouped(qs: QuerySet[Any], body: str, figures: dict[str, tuple[Any, Any]]) -> Figures:
    """One grouped query computing several figures per body: {figure: (num expr, den expr)}; a den of None
    makes a count — (n, 1) for the bodies with n > 0."""
    exprs = {f"{name}_{part}": e for name, pair in figures.items()
             for part, e in zip(("n", "d"), pair, strict=True) if e is not None}
    out: Figures = {name: {} for name in figures}
    for row in qs.order_by().values(body).annotate(**exprs).values(body, *exprs):
        for name, (_num, den_expr) in figures.items():
            num = float(row[f"{name}_n"] or 0)
            den = float(row[f"{name}_d"] or 0) if den_expr is not None else float(num > 0)
            if den:
                out[name][row[body]] = (num, den)
    return out


def _share(num: Any, den: Any = None) -> tuple[Any, Any]:
    """(count where `num`, count where `den` or of all): the conditions are Q objects or boolean expressions."""
    return Count("pk", filter=num), Count("pk", filter=den) if den is not None else Count("pk")


def _one(qs: QuerySet[Any], body: str, num: Any, den: Any) -> Pairs:
    return _grouped(qs, body, {"x": (num, den)})["x"]


def _mean(qs: QuerySet[Any], body: str) -> Pairs:
    return _one(qs.filter(score__isnull=False), body, Sum("score"), Count("score"))


def _publicity(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    qs = Decision.objects.filter(decision_date__gte=s, decision_date__lte=e)
    return _grouped(qs, "source_id", {"publicity.on_time_rate": _share(Q(on_time=True), Q(on_time__isnull=False)),
                                      "publicity.completeness": _share(Q(complete=True)),
                                      "publicity.accuracy": _share(Q(accurate=True))})


def _litigation(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    qs = LitigationCase.objects.filter(judged_on__gte=s, judged_on__lte=e)
    return _grouped(qs, "body_id", {"litigation.lost_rate": _share(Q(outcome=LitigationOutcome.LOST)),
                                    "litigation.head_appearance_rate": _share(Q(head_appeared=True))})


def _breaches(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    """New negative records about bodies decided in the period, by severity (revoked ones left out)."""
    qs = Record.objects.filter(organization__isnull=False, category__polarity=Polarity.NEGATIVE,
                               severity__in=(Severity.SERIOUS, Severity.GENERAL), decision_date__gte=s,
                               decision_date__lte=e).exclude(status=RecordStatus.REVOKED)
    return _grouped(qs, "organization_id", {
        "ledger.new_serious": (Count("pk", filter=Q(severity=Severity.SERIOUS)), None),
        "ledger.new_general": (Count("pk", filter=Q(severity=Severity.GENERAL)), None)})


def _commitments(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    """Fulfilled of those due in the period and not changed by law (fulfilled + breached + overdue)."""
    qs = Commitment.objects.filter(due_date__gte=s, due_date__lte=e)
    fulfilled = Q(status=CommitmentStatus.FULFILLED)
    due = fulfilled | Q(status=CommitmentStatus.BREACHED) | Q(status=CommitmentStatus.IN_PROGRESS, due_date__lt=a)
    return {"commitments.fulfilment_rate": _one(qs, "unit_id", *_share(fulfilled, due))}


def _rectification(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    """整改到位率: accepted of the cases due in the period, accepted or overdue (rectification_figures)."""
    qs = RectificationCase.objects.alias(deadline=Coalesce("rectification_due", "explanation_due")).filter(
        deadline__gte=s, deadline__lte=e)
    accepted = Q(status=CaseStatus.ACCEPTED)
    return {"rectification.completion_rate": _one(
        qs, "body_id", *_share(accepted, accepted | Q(status__in=OPEN_CASE_STATUSES, deadline__lt=a)))}


def _moment(day: dt.date) -> dt.datetime:
    """The start of `day` in the platform's time zone (revisions are stamped with aware datetimes)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _debtors(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    """失信被执行人 records listed at some time in the period (decided by its end, not ended before its start);
    num: those ended (repaired, revoked, expired) within it. An ended status is final (ledger.services
    TRANSITIONS), so only the records that ended are probed for their one ending revision — live ones are
    listed without touching the revisions."""
    begin, after = _moment(s), _moment(e + dt.timedelta(days=1))
    ending = Revision.objects.filter(record=OuterRef("pk"), kind__in=ENDING)
    qs = (Record.objects.filter(category__code=DEBTOR_CATEGORY, organization__isnull=False, decision_date__lte=e)
          .filter(Q(status__in=LIVE_STATUSES) | Exists(ending.filter(recorded_at__gte=begin))))
    cleared = Q(status__in=ENDED) & Exists(ending.filter(recorded_at__gte=begin, recorded_at__lt=after))
    return {"ledger.debtor_cleared_rate": _one(qs, "organization_id", *_share(cleared))}


def _complaints(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    """Replied on time (of those replied in the period), satisfied (of those rated at a visit in the period) and
    found true (closed in the period with 属实 / 部分属实): one pass over the complaints of the period."""
    replied = Q(replied_on__gte=s, replied_on__lte=e, on_time__isnull=False)
    rated = Q(visited_on__gte=s, visited_on__lte=e) & ~Q(rating="")
    found = Q(closed_on__gte=s, closed_on__lte=e, finding__in=FOUND_TRUE,
              status__in=(ComplaintStatus.CLOSED, ComplaintStatus.VISITED))
    qs = Complaint.objects.filter(replied | rated | found)
    return _grouped(qs, "body_id", {
        "complaints.on_time_rate": _share(replied & Q(on_time=True), replied),
        "complaints.satisfaction": _share(rated & Q(rating__in=(Rating.SATISFIED, Rating.BASICALLY)), rated),
        "complaints.found_true": (Count("pk", filter=found), None)})


def _proposals(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    """Answered by the deadline (of those due in the period); satisfied (of those answered and rated in it)."""
    due = Q(due_on__gte=s, due_on__lte=e)
    rated = Q(answered_on__gte=s, answered_on__lte=e) & ~Q(satisfaction="")
    return _grouped(Proposal.objects.filter(due | rated), "body_id", {
        "proposals.on_time_rate": _share(due & Q(answered_on__isnull=False, answered_on__lte=F("due_on")), due),
        "proposals.satisfaction": _share(rated & Q(satisfaction__in=SATISFIED), rated)})


def _judgments(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    qs = Judgment.objects.filter(due_on__gte=s, due_on__lte=e)
    return {"judgments.performed_rate": _one(
        qs, "body_id", *_share(Q(performed_on__isnull=False, performed_on__lte=F("due_on"))))}


def _inspections(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    return {"inspections.mean_score": _mean(Inspection.objects.filter(inspected_on__gte=s, inspected_on__lte=e),
                                            "body_id")}


def _assessments(s: dt.date, e: dt.date, a: dt.date) -> Figures:
    qs = Assessment.objects.filter(period_start__gte=s, period_end__lte=e, score__isnull=False)
    return _grouped(qs, "body_id", {
        "assessments.third_party": (Sum("score", filter=Q(kind=AssessmentKind.THIRD_PARTY)),
                                    Count("score", filter=Q(kind=AssessmentKind.THIRD_PARTY))),
        "assessments.self": (Sum("score", filter=Q(kind=AssessmentKind.SELF)),
                             Count("score", filter=Q(kind=AssessmentKind.SELF)))})


Query = Callable[[dt.date, dt.date, dt.date], Figures]
QUERIES: dict[tuple[str, ...], Query] = {
    ("publicity.on_time_rate", "publicity.completeness", "publicity.accuracy"): _publicity,
    ("litigation.lost_rate", "litigation.head_appearance_rate"): _litigation,
    ("judgments.performed_rate",): _judgments,
    ("commitments.fulfilment_rate",): _commitments,
    ("ledger.new_serious", "ledger.new_general"): _breaches,
    ("rectification.completion_rate",): _rectification,
    ("ledger.debtor_cleared_rate",): _debtors,
    ("complaints.on_time_rate", "complaints.satisfaction", "complaints.found_true"): _complaints,
    ("proposals.on_time_rate", "proposals.satisfaction"): _proposals,
    ("inspections.mean_score",): _inspections,
    ("assessments.third_party", "assessments.self"): _assessments,
}


def read(codes: Iterable[str], start: dt.date, end: dt.date, asof: dt.date) -> dict[str, Pairs]:
    """The raw inputs of every source named, per organization (each query once, however many sources it feeds)."""
    wanted = set(codes)
    out: dict[str, Pairs] = {}
    for sources, query in QUERIES.items():
        if wanted.intersection(sources):
            out.update(query(start, end, asof))
    return {code: out[code] for code in sorted(wanted)}
