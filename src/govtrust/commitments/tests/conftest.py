import datetime as dt

import pytest

from govtrust.commitments import services
from govtrust.testing import factories


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def office_a(world):
    """The credit office of county A (五华区)."""
    return factories.user("credit_office", world.credit_a)


@pytest.fixture
def dept_a(world):
    """A department user at county A's finance bureau."""
    return factories.user("department", world.finance_a)


@pytest.fixture
def make_commitment(world, office_a):
    def make(subject=None, kind="service_quality", start=dt.date(2026, 1, 1), due=dt.date(2026, 6, 30), **kw):
        kw.setdefault("title", f"承诺{kind}{due}")
        kw.setdefault("content", "窗口办件一次办结率不低于95%")
        return services.create(office_a, subject=subject or world.finance_a, kind=kind, start_date=start,
                               due_date=due, **kw)
    return make
