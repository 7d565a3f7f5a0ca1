"""Demo supervision inputs for the demo world's governments (and the departments of 昆明市 and its counties) over the
quarters of this year up to today: suggestions and proposals (most assigned after the spring sessions), administrative cases and the judgments
of the lost ones, inspections, self-assessments each quarter and third-party assessments of the past quarters.

Each body gets a steady "quality" drawn once, which moves its on-time rates, lost cases, head appearances and
scores together (with noise), so the later rankings differ. Everything goes through the services.

Idempotent: when demo proposals exist, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govtrust.core.access import SYSTEM
from govtrust.subjects.models import Organization, Region

from . import services
from .models import AssessmentKind, Outcome, Proposal, ProposalKind, Satisfaction

PREFIX = "演示"
REASON = "加载演示数据 load demo data"
DEMO_CITY = "530100"  # every government has inputs; of the departments, those of this city and its counties
ASSESSOR = "云南政务诚信评估研究中心（演示）"
COURTS = {"province": "高级人民法院", "city": "中级人民法院"}  # a county's own court otherwise
METHOD = "指标核查＋问卷调查＋实地暗访"
TITLES = ("关于优化营商环境的建议", "关于加快老旧小区改造的建议", "关于加强政务诚信建设的提案", "关于规范涉企收费的建议",
          "关于及时支付中小企业账款的提案", "关于推进“一网通办”的建议", "关于完善信用修复机制的提案", "关于加强招商引资承诺兑现的建议")
FINDINGS = ("", "政务公开栏目更新不及时", "部分承诺事项未按期兑现", "招商引资政策兑现台账不完整", "信用承诺公示不规范",
            "涉企行政检查记录不全", "行政复议纠错意见落实滞后")


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def _score(value: float) -> Decimal:
    return Decimal(str(round(min(100.0, max(0.0, value)), 2)))


def _quarters(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    found = [services.period_bounds(f"{today.year}Q{q}") for q in range(1, 5)]
    return [b for b in found if b is not None and b[1] <= today]


def _proposals(rng: random.Random, body: Organization, q: float, today: dt.date, serial: list[int]) -> int:
    made = 0
    count = rng.randint(4, 10) if body.kind == Organization.Kind.GOVERNMENT else rng.randint(1, 5)
    for _ in range(count):
        serial[0] += 1
        kind = ProposalKind.SUGGESTION if rng.random() < 0.55 else ProposalKind.PROPOSAL
        spring = rng.random() < 0.7
        received = _day(rng, dt.date(today.year, 3, 5), dt.date(today.year, 4, 15)) if spring else _day(
            rng, dt.date(today.year, 1, 5), today - dt.timedelta(days=10))
        due = received + dt.timedelta(days=90)
        answered = None
        if rng.random() < 0.75 + 0.25 * q:
            late = rng.random() > 0.55 + 0.45 * q
            answered = due + dt.timedelta(days=rng.randint(1, 40)) if late else due - dt.timedelta(days=rng.randint(0, 60))
            answered = max(answered, received + dt.timedelta(days=5))
            if answered > today:
                answered = None
        satisfaction = ""
        if answered is not None and rng.random() < 0.9:
            satisfaction = rng.choices(Satisfaction.values, weights=(0.4 + 0.5 * q, 0.4, 0.3 * (1 - q) + 0.02))[0]
        services.save_proposal(SYSTEM, kind=kind, year=today.year, number=f"{PREFIX}第{serial[0]:04d}号",
                               title=rng.choice(TITLES), body=body, received_on=received, due_on=due,
                               answered_on=answered, satisfaction=satisfaction, reason=REASON, today=today)
        made += 1
    return made


def _litigation(rng: random.Random, body: Organization, q: float, today: dt.date, serial: list[int]) -> int:
    made = 0
    count = rng.randint(0, 4) if body.kind == Organization.Kind.GOVERNMENT else rng.randint(0, 2)
    code = body.region.code[:4]
    for _ in range(count):
        serial[0] += 1
        number = f"（{today.year}）{PREFIX}{code}行初{serial[0]}号"
        filed = _day(rng, dt.date(today.year, 1, 3), today - dt.timedelta(days=20))
        judged = filed + dt.timedelta(days=rng.randint(45, 200))
        outcome = ""
        if judged <= today:
            lost = 0.04 + 0.3 * (1 - q)
            outcome = rng.choices((Outcome.LOST, Outcome.WITHDRAWN, Outcome.OTHER, Outcome.WON),
                                  weights=(lost, 0.15, 0.05, 0.8 - lost))[0]
        else:
            judged = None
        court = body.region.name + COURTS.get(body.region.level, "人民法院")
        services.save_litigation(SYSTEM, case_number=number, body=body, court=court, filed_on=filed, judged_on=judged,
                                 outcome=outcome, head_appeared=rng.random() < 0.3 + 0.6 * q, reason=REASON,
                                 today=today)
        made += 1
        if outcome == Outcome.LOST and judged is not None:
            effective = judged + dt.timedelta(days=15)
            if effective <= today:
                due = effective + dt.timedelta(days=rng.choice((30, 60, 90)))
                performed = None
                if rng.random() < 0.6 + 0.4 * q:
                    late = rng.random() > 0.5 + 0.5 * q
                    performed = due + dt.timedelta(days=rng.randint(1, 45)) if late else _day(rng, effective, due)
                    performed = performed if performed <= today else None
                services.save_judgment(SYSTEM, case_number=number, body=body, court=court, effective_on=effective,
                                       due_on=due, performed_on=performed, reason=REASON, today=today)
                made += 1
    return made


def _inspections(rng: random.Random, body: Organization, q: float, today: dt.date, serial: list[int]) -> int:
    made = 0
    inspector = f"{body.parent.name}督查室" if body.parent else f"{body.region.name}上级人民政府督查室"
    for _name, start, end in _quarters(today):
        if rng.random() < 0.45:
            continue
        serial[0] += 1
        services.save_inspection(
            SYSTEM, inspector=inspector, document_number=f"{PREFIX}督〔{today.year}〕{serial[0]}号", body=body,
            inspected_on=_day(rng, start, min(end, today)), findings=rng.choice(FINDINGS) if q < 0.8 else "",
            score=_score(68 + 28 * q + rng.gauss(0, 4)) if rng.random() < 0.85 else None, reason=REASON, today=today)
        made += 1
    return made


def _assessments(rng: random.Random, body: Organization, q: float, today: dt.date) -> int:
    made = 0
    for period, _start, end in _quarters(today):
        services.save_assessment(SYSTEM, kind=AssessmentKind.SELF, body=body, period=period,
                                 score=_score(84 + 12 * q + rng.gauss(0, 3)), reason=REASON, today=today)
        made += 1
        if end < today and rng.random() < 0.9:
            services.save_assessment(SYSTEM, kind=AssessmentKind.THIRD_PARTY, body=body, period=period, assessor=ASSESSOR,
                                     method=METHOD, score=_score(58 + 34 * q + rng.gauss(0, 5)), reason=REASON,
                                     today=today)
            made += 1
    return made


def load_supervision(today: dt.date | None = None) -> int:
    """The demo supervision inputs (idempotent); returns how many rows were created."""
    if Proposal.objects.filter(number__startswith=PREFIX).exists():
        return 0
    today = today or timezone.localdate()
    city = Region.objects.filter(code=DEMO_CITY).first()
    wanted = Q(kind=Organization.Kind.GOVERNMENT) | Q(kind=Organization.Kind.DEPARTMENT, **(
        {"region__path__startswith": city.path} if city else {}))
    bodies = list(Organization.objects.filter(wanted, status=Organization.Status.ACTIVE)
                  .select_related("region", "parent").order_by("pk"))
    rng = random.Random(26)
    made = 0
    proposals, cases, inspections = [0], [0], [0]
    with transaction.atomic():
        for body in bodies:
            q = rng.betavariate(3, 2)  # most bodies do fairly well; a few do poorly
            made += _proposals(rng, body, q, today, proposals)
            made += _litigation(rng, body, q, today, cases)
            made += _inspections(rng, body, q, today, inspections)
            made += _assessments(rng, body, q, today)
    return made
