import datetime as dt

import pytest

from govtrust.complaints import intake, services
from govtrust.complaints.models import Complaint
from govtrust.console.tests.browser import page  # noqa: F401  (the e2e tests' browser fixture)
from govtrust.testing import factories


@pytest.fixture(autouse=True)
def media(media_root, settings):
    settings.COMPLAINT_PORTAL = {"min_fill_seconds": 0}
    return media_root


@pytest.fixture
def finance_a_user(world):
    """A department user at county A's finance bureau (a handling organization)."""
    return factories.user("department", world.finance_a)


@pytest.fixture
def file_one(world):
    """`file_one(day=…, **filing)` → a complaint filed on the portal on `day` (anonymous unless a name is given)."""

    def make(day=dt.date(2026, 9, 21), **kw) -> Complaint:
        kw.setdefault("category", "arrears")
        kw.setdefault("body", world.finance_a.name)
        kw.setdefault("facts", "货物已于2026年6月验收，至今未付款。")
        kw.setdefault("anonymous", "name" not in kw)
        c, _code = intake.file_public(intake.Filing(**kw), today=day)
        return c

    return make


@pytest.fixture
def assigned(file_one, office_a):
    """`assigned(day, organization=None)` → a complaint accepted and assigned on `day`."""

    def make(day=dt.date(2026, 9, 21), organization=None, **kw) -> Complaint:
        c = file_one(day=day, **kw)
        services.accept(office_a, c, today=day)
        return services.assign(office_a, c, organization=organization, today=day)

    return make
