"""Demo: published evaluation runs for the four most recent quarters that have ended, for every city in the
demo world (each city's credit office sees its own), so the rankings, trends and body pages have history.

Idempotent: a quarter that already has a published run for the city is left alone. A quarter without any
data in a city is skipped, as a credit office would not publish it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from govtrust.core.access import SYSTEM
from govtrust.core.errors import ServiceError
from govtrust.subjects.models import Region

from . import periods, runs
from .catalog import DEFAULT_CODE
from .models import Run, RunStatus

QUARTERS = 4
NOTE = "演示数据：季度政务诚信监测评价 demo quarterly evaluation"


def ended_quarters(today: dt.date, count: int = QUARTERS) -> list[periods.Period]:
    """The `count` latest quarters that ended before `today`, oldest first."""
    quarter = periods.parse(f"{today.year}Q{(today.month - 1) // 3 + 1}").previous
    found = []
    for _ in range(count):
        found.append(quarter)
        quarter = quarter.previous
    return found[::-1]


def load_runs(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    made = 0
    for region in Region.objects.filter(level=Region.Level.CITY).order_by("code"):
        for quarter in ended_quarters(today):
            if Run.objects.filter(system__code=DEFAULT_CODE, region=region, period=quarter.label,
                                  status=RunStatus.PUBLISHED).exists():
                continue
            try:
                run = runs.create_run(SYSTEM, period=quarter.label, region=region, note=NOTE)
            except ServiceError:  # no data in this city for the quarter
                continue
            runs.publish_run(SYSTEM, run)
            made += 1
    return made
