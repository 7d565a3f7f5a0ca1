"""The ledger sources of a run against hand counts: new breach records by severity in the period (revoked ones
left out), and 失信被执行人 cleared — listed at some time in the period, and of those ended within it."""

import datetime as dt

import pytest

from govtrust.core.access import SYSTEM
from govtrust.evaluation import inputs
from govtrust.intake.services import run_import
from govtrust.ledger import services as ledger
from govtrust.ledger.models import Record, RevisionKind
from govtrust.testing import factories

pytestmark = pytest.mark.django_db
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def record(world, category, decided, severity="", subject=None, **cells):
    row = factories.record_row(category, subject or world.finance_a, decided=decided, source=world.credit_a,
                               **({"失信程度": severity} if severity else {}), **cells)
    result = run_import(SYSTEM, dataset="records", filename="r.csv", content=factories.records_csv([row]),
                        reason="测试")
    return Record.objects.get(batch_id=result.batch_id)


def test_new_breaches_by_severity_in_the_period(world):
    penalty = factories.category("eval_penalty", name="评价测试处罚")
    record(world, penalty.name, "2026-04-10", "严重")
    record(world, penalty.name, "2026-06-30", "严重")
    record(world, penalty.name, "2026-07-01", "严重")  # after the quarter
    revoked = record(world, penalty.name, "2026-05-05", "严重")
    ledger.change_status(SYSTEM, revoked, RevisionKind.REVOKE, reason="决定被撤销")
    record(world, penalty.name, "2026-05-06", "一般", subject=world.gov_b)
    got = inputs.read(["ledger.new_serious", "ledger.new_general"], *Q2, Q2[1])
    assert got["ledger.new_serious"] == {world.finance_a.pk: (2.0, 1.0)}
    assert got["ledger.new_general"] == {world.gov_b.pk: (1.0, 1.0)}


def test_judgment_debtors_cleared_in_the_period(world):
    cells = {"执行案号": "（2025）云0102执1号", "执行法院": "五华区人民法院"}
    record(world, "失信被执行人", "2025-03-01", **cells)  # still listed
    repaired = record(world, "失信被执行人", "2025-05-01", **cells | {"执行案号": "（2025）云0102执2号"})
    record(world, "失信被执行人", "2025-04-20", **cells | {"执行案号": "（2025）云0102执3号"})
    revoked = record(world, "失信被执行人", "2025-02-01", **cells | {"执行案号": "（2025）云0102执4号"})
    ledger.change_status(SYSTEM, revoked, RevisionKind.REVOKE, reason="撤销")  # also ends, today
    ledger.change_status(SYSTEM, repaired, RevisionKind.REPAIR, reason="已履行，准予修复")  # ended today
    today = dt.date.today()  # revisions are stamped with the real time: the period that contains today
    got = inputs.read(["ledger.debtor_cleared_rate"], today - dt.timedelta(days=30), today, today)
    assert got["ledger.debtor_cleared_rate"] == {world.finance_a.pk: (2.0, 4.0)}  # 4 listed, 2 ended
    earlier = inputs.read(["ledger.debtor_cleared_rate"], dt.date(2025, 4, 1), dt.date(2025, 4, 30),
                          dt.date(2025, 4, 30))["ledger.debtor_cleared_rate"]
    assert earlier == {world.finance_a.pk: (0.0, 3.0)}  # decided by 30 April: 3 listed, none ended then


def test_every_data_source_has_exactly_one_query(django_assert_num_queries):
    from govtrust.evaluation.sources import SOURCES

    fed = [code for codes in inputs.QUERIES for code in codes]
    assert sorted(fed) == sorted(SOURCES)  # none missing, none fed twice
    with django_assert_num_queries(len(inputs.QUERIES)):
        got = inputs.read(SOURCES, *Q2, Q2[1])
    assert set(got) == set(SOURCES)
