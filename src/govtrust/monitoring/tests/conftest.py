"""Monitoring test helpers: the day the scans run, users of county A, and small builders of what triggers rules,
each made through the service functions of the app where the fact is established."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from govtrust.core.access import SYSTEM
from govtrust.monitoring import services
from govtrust.monitoring.models import Warning, WarningRule
from govtrust.testing import factories

TODAY = dt.date(2026, 10, 15)  # the last complete month is September 2026
_seq = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_default_timezone())


def scan(today: dt.date = TODAY, principal=SYSTEM):
    return services.scan(principal, today)


def of(rule_code: str):
    return Warning.objects.filter(rule__code=rule_code).order_by("body_id", "key")


def rule(code: str) -> WarningRule:
    return WarningRule.objects.get(code=code)


@pytest.fixture(autouse=True)
def media(media_root, settings):
    settings.COMPLAINT_PORTAL = {"min_fill_seconds": 0}  # complaints are filed through the portal's intake
    return media_root


@pytest.fixture
def penalty(db):
    return factories.category("mon_penalty", name="监测测试行政处罚")


@pytest.fixture
def make_record(world, penalty):
    """`make_record(subject, created=day, severity="严重")`: one ledger record imported through intake."""
    from govtrust.intake.services import run_import
    from govtrust.ledger.models import Record

    def make(subject=None, created=dt.date(2026, 10, 10), severity="严重", **cells):
        row = factories.record_row(penalty.name, subject if subject is not None else world.finance_a,
                                   source=world.credit_a, **{"失信程度": severity}, **cells)
        result = run_import(SYSTEM, dataset="records", filename="r.csv", content=factories.records_csv([row]),
                            reason="测试")
        record = Record.objects.get(batch_id=result.batch_id)
        Record.objects.filter(pk=record.pk).update(created_at=at(created))
        record.refresh_from_db()
        return record

    return make


@pytest.fixture
def judgment(world):
    """`judgment(due_on, performed_on=None, body=…)` → a Judgment entered through supervision.services."""
    from govtrust.supervision import services as supervision

    def make(due_on=dt.date(2026, 10, 1), performed_on=None, body=None):
        return supervision.save_judgment(
            SYSTEM, case_number=f"（2026）云0102行初{next(_seq)}号", body=body or world.finance_a, court="五华区人民法院",
            effective_on=dt.date(2026, 5, 1), due_on=due_on, performed_on=performed_on, reason="测试",
            today=TODAY).obj

    return make


@pytest.fixture
def warning(judgment):
    """One open warning about county A's finance bureau (an unperformed judgment)."""
    judgment()
    scan()
    return of("judgment_unperformed").get()


@pytest.fixture
def make_run(world):
    """`make_run(period, scores={org: score}, published=…)`: a published evaluation run with its scores, stored
    directly (the run computation is tested in evaluation/)."""
    from govtrust.evaluation import periods
    from govtrust.evaluation.models import IndicatorSystem, Run, RunScore

    def make(period, scores, published=None, status="published", region=None, system=None):
        published = published or at(TODAY - dt.timedelta(days=5))
        system = system or IndicatorSystem.objects.filter(status="published").order_by("code", "-version").first()
        p = periods.parse(period)
        run = Run.objects.create(system=system, period=p.label, period_start=p.start, period_end=p.end,
                                 region=region or world.city, kinds=["government", "department"], cutoff=published,
                                 fingerprint="0" * 64, status=status, created_by="test", created_at=published,
                                 published_by="test" if status == "published" else "",
                                 published_at=published if status != "draft" else None)
        for i, (org, score) in enumerate(scores.items()):
            RunScore.objects.create(run=run, subject=org, kind=org.kind,
                                    score=None if score is None else Decimal(score), grade="",
                                    rank=i + 1, coverage=Decimal("1"))
        return run

    return make
