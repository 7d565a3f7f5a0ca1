"""The console's 双公示 dashboard: the period's figures, per department and region, coverage, warnings, charts."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from govtrust.console.views.base import console_view
from govtrust.core.access import Perm
from govtrust.core.errors import ServiceError

from . import metrics
from .models import Kind

SERIES_MONTHS = 12


@console_view(Perm.PUBLICITY_VIEW)
def dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    text = request.GET.get("period") or f"{today:%Y-%m}"
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else None
    error = None
    try:
        period = metrics.parse_period(text)
    except ServiceError as err:
        error, period = err, metrics.parse_period(f"{today:%Y-%m}")
    data = metrics.report(request.user, period, kind)
    start = (period.end.replace(day=1) - dt.timedelta(days=SERIES_MONTHS * 31)).replace(day=1)
    series = metrics.monthly_series(request.user, start, period.end)
    labels = [row["month"] for row in series]
    return render(request, "console/publicity/dashboard.html", {
        "data": data, "period_text": text, "kind": kind or "", "kinds": Kind.choices, "error": error,
        "by_month": {"name": _("决定数"), "labels": labels, "values": [row["total"] for row in series]},
        "on_time_by_month": {"name": _("按时公示率（%）"), "labels": labels,
                             "values": [round((row["on_time_rate"] or 0) * 100, 1) for row in series]},
    })
