"""The demo loader runs the scan over the demo data: warnings appear, and a second run adds none."""

import datetime as dt

import pytest

from govtrust.core.context import acting
from govtrust.monitoring.demo import load_warnings
from govtrust.monitoring.models import Warning
from govtrust.subjects.demo import load_demo
from govtrust.supervision.demo import load_supervision

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 1)


def test_demo_warnings_once():
    load_demo(civil_servants=0)
    with acting(actor_label="demo", channel="cli"):
        load_supervision(today=TODAY)
        made = load_warnings(today=TODAY)
        assert made > 0 and load_warnings(today=TODAY) == 0
    assert Warning.objects.count() == made
    assert Warning.objects.filter(rule__code="judgment_unperformed").exists()
