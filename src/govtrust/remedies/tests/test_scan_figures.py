"""The daily scan (reminders before a deadline, 逾期督办 after it, once each) and the figures."""

import datetime as dt

import pytest

from govtrust.commitments.models import Notice
from govtrust.core.access import SYSTEM
from govtrust.jobs import scans
from govtrust.remedies import figures, objections, repairs, services
from govtrust.remedies.models import Case, CaseEvent, EventKind
from govtrust.remedies.scan import scan
from govtrust.testing import factories

from .conftest import filing, repair_filing

pytestmark = pytest.mark.django_db


@pytest.fixture
def penalty(world, make_record):
    return make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=200)


def test_reminded_before_and_overdue_after_once_each(world, penalty, office_a):
    c, _ = objections.file(office_a, penalty.pk, filing(), today=dt.date(2026, 11, 2))  # due Tue 3 Nov
    first = scan(SYSTEM, dt.date(2026, 11, 2))
    assert (first.reminded, first.overdue) == (1, 0)
    assert scan(SYSTEM, dt.date(2026, 11, 2)).reminded == 0  # once per deadline
    late = scan(SYSTEM, dt.date(2026, 11, 4))
    assert (late.reminded, late.overdue) == (0, 1)
    assert scan(SYSTEM, dt.date(2026, 11, 5)).overdue == 0
    c.refresh_from_db()
    assert c.overdue
    assert list(CaseEvent.objects.filter(case=c).exclude(kind=EventKind.FILED).values_list("kind", flat=True)) == [
        EventKind.REMINDED, EventKind.OVERDUE]
    assert Notice.objects.filter(recipient=world.credit_a, kind="异议与修复逾期督办").count() == 1
    # accepting starts a new deadline: the overdue flag is cleared and the new deadline reminded afresh
    services.accept(office_a, c, today=dt.date(2026, 11, 5))
    c.refresh_from_db()
    assert not c.overdue and c.current_due == dt.date(2026, 11, 12)


def test_a_forwarded_case_reminds_the_organization_holding_it(world, penalty, office_a):
    c, _ = objections.file(office_a, penalty.pk, filing(), today=dt.date(2026, 11, 2))
    services.accept(office_a, c, today=dt.date(2026, 11, 2))
    services.forward(office_a, c, organization=world.finance_a, today=dt.date(2026, 11, 3))
    c.refresh_from_db()
    scan(SYSTEM, c.current_due)
    assert Notice.objects.filter(recipient=world.finance_a, kind="异议与修复临期提醒").count() == 1


def test_the_scan_is_registered_with_the_deadline_scans(penalty, office_a):
    objections.file(office_a, penalty.pk, filing(), today=dt.date(2026, 11, 2))
    assert scans.run(SYSTEM, dt.date(2026, 11, 10), only=["remedies"])["remedies"].overdue == 1


def test_figures_count_outcomes_on_time_and_working_days(world, make_record, office_a, finance_a_user):
    a = make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=200)
    b = make_record(world.finance_a, "procurement_violation", severity="general", days_ago=200)
    upheld, _ = objections.file(office_a, a.pk, filing(), today=dt.date(2026, 11, 2))
    services.accept(office_a, upheld, today=dt.date(2026, 11, 3))
    services.decide(office_a, upheld, upheld=True, outcome="revoked", reason="撤销", today=dt.date(2026, 11, 6))
    late, _ = objections.file(office_a, b.pk, filing(), today=dt.date(2026, 11, 2))
    services.accept(office_a, late, today=dt.date(2026, 11, 3))
    services.decide(office_a, late, upheld=False, reason="维持", today=dt.date(2026, 11, 16))  # due 10 Nov
    refused, _ = repairs.apply(finance_a_user, b.pk, repair_filing(), today=dt.date(2026, 11, 20))
    services.refuse(office_a, refused, reason="材料不全", today=dt.date(2026, 11, 23))
    out = figures.figures(office_a, dt.date(2026, 11, 1), dt.date(2026, 11, 30))["kinds"]
    o, r = out["objection"], out["repair"]
    assert (o["received"], o["revoked"], o["rejected"], o["decided"], o["on_time"]) == (2, 1, 1, 2, 1)
    assert o["on_time_rate"] == 0.5
    assert o["mean_working_days"] == (4 + 10) / 2 and o["max_working_days"] == 10  # 2→6 Nov: 4; 2→16 Nov: 10
    assert (r["received"], r["refused"], r["on_time_rate"]) == (1, 1, 1.0)
    county_b = factories.user("credit_office", world.finance_b)
    assert figures.figures(county_b, dt.date(2026, 11, 1), dt.date(2026, 11, 30))["kinds"]["objection"]["received"] == 0
    assert Case.objects.count() == 3
