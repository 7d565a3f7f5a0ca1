"""Demo warnings: the monitoring scan run over the demo data (records, rectification cases, 双公示 decisions,
complaints, commitments, judgments, evaluation runs) as of today, through `services.scan` like the daily job.

Idempotent like every scan: a second run adds only what newly triggered.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from govtrust.core.access import SYSTEM

from . import services


def load_warnings(today: dt.date | None = None) -> int:
    """Run the scan as of `today` (default: today); the number of new warnings."""
    return services.scan(SYSTEM, today or timezone.localdate()).total
