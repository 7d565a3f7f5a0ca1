"""Supervision test helpers: a day to count from, and valid inputs of each kind for county A's bodies."""

import datetime as dt

import pytest

from govtrust.supervision import services
from govtrust.testing import factories

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def proposal(world):
    """`proposal(number="1", **changes)` → the Saved proposal, for county A's finance bureau by default."""

    def make(number="第0001号", principal=factories.SYSTEM, **kw):
        values = {"kind": "suggestion", "year": 2026, "title": "关于优化营商环境的建议", "body": world.finance_a,
                  "received_on": dt.date(2026, 3, 20), "due_on": dt.date(2026, 6, 20),
                  "answered_on": dt.date(2026, 6, 1), "satisfaction": "satisfied"} | kw
        return services.save_proposal(principal, number=number, reason="测试", today=TODAY, **values)

    return make
