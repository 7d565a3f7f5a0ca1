"""Ledger test helpers: records made through the real intake pipeline."""

import pytest

from govtrust.intake.services import run_import
from govtrust.testing import factories


@pytest.fixture
def penalty(db):
    return factories.category("test_penalty", name="测试行政处罚")


@pytest.fixture
def make_records(world, penalty):
    """`make_records(n, subject=world.finance_a)` → the new records, imported as one batch."""

    def make(n=1, subject=None, **cells):
        from govtrust.ledger.models import Record

        rows = [factories.record_row(penalty.name, subject or world.finance_a, source=world.credit_a, **cells)
                for _ in range(n)]
        result = run_import(factories.SYSTEM, dataset="records", filename="r.csv", content=factories.records_csv(rows),
                            reason="测试")
        return list(Record.objects.filter(batch_id=result.batch_id).order_by("id"))

    return make
