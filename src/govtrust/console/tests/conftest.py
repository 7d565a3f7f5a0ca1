"""Console test helpers: a logged-in client for a role at a home organization of the `world`."""

import pytest

from govtrust.testing import factories


@pytest.fixture
def login(world):
    """`login(role, home)` → a Client logged in as a new user of `role` at `world.<home>` (or none)."""

    def make(role, home=None):
        return factories.client(role, getattr(world, home) if home else None)

    return make


from govtrust.console.tests.browser import page  # noqa: E402, F401  (the e2e tests' browser fixture)


@pytest.fixture
def penalty(db):
    """A negative category with one required and one choice field, independent of the shipped catalog."""
    return factories.category("test_penalty", name="测试行政处罚", fields=[
        {"name": "fine", "label": "罚款金额", "label_en": "Fine", "type": "money", "required": False},
        {"name": "kind", "label": "处罚种类", "label_en": "Kind", "type": "choice", "required": False,
         "choices": [["warning", "警告"], ["fine", "罚款"]]},
    ])


@pytest.fixture
def make_records(world, penalty):
    """`make_records(n, subject=world.finance_a, source=world.credit_a, category=penalty, **cells)` → the new
    records, imported as one batch through the real intake pipeline (cells by Chinese header)."""
    from govtrust.intake.services import run_import
    from govtrust.ledger.models import Record

    def make(n=1, subject=None, source=None, category=None, **cells):
        rows = [factories.record_row((category or penalty).name, subject or world.finance_a,
                                     source=source or world.credit_a, **cells) for _ in range(n)]
        result = run_import(factories.SYSTEM, dataset="records", filename="r.csv", content=factories.records_csv(rows),
                            reason="测试")
        records = list(Record.objects.filter(batch_id=result.batch_id).order_by("id"))
        assert len(records) == n, result
        return records

    return make
