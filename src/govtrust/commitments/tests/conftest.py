import datetime as dt

import pytest
from django.utils import timezone

from govtrust.commitments import services
from govtrust.testing import factories


@pytest.fixture(autouse=True)
def media(media_root):
    return media_root


@pytest.fixture
def make_commitment(world, office_a):
    def make(subject=None, kind="service_quality", start=dt.date(2026, 1, 1), due=dt.date(2026, 6, 30), **kw):
        kw.setdefault("title", f"承诺{kind}{due}")
        kw.setdefault("content", "窗口办件一次办结率不低于95%")
        return services.create(office_a, subject=subject or world.finance_a, kind=kind, start_date=start,
                               due_date=due, **kw)
    return make


@pytest.fixture
def penalty(db):
    return factories.category("test_penalty", name="测试行政处罚")


@pytest.fixture
def praise(db):
    return factories.category("test_praise", polarity="positive", name="测试表彰")


@pytest.fixture
def make_record(world, penalty):
    """`make_record(subject, category, created)`: one ledger record imported through intake, created on `created`."""
    from govtrust.intake.services import run_import
    from govtrust.ledger.models import Record

    def make(subject=None, category=None, created=dt.date(2026, 9, 29), **cells):
        row = factories.record_row((category or penalty).name, subject or world.finance_a, source=world.credit_a,
                                   **cells)
        result = run_import(factories.SYSTEM, dataset="records", filename="r.csv",
                            content=factories.records_csv([row]), reason="测试")
        record = Record.objects.get(batch_id=result.batch_id)
        at = dt.datetime.combine(created, dt.time(10, 0), tzinfo=timezone.get_default_timezone())
        Record.objects.filter(pk=record.pk).update(created_at=at)
        return record
    return make
