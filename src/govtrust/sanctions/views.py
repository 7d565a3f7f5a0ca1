"""The portal's 联合奖惩措施清单: the published measures, by kind, with the scenes and the lists they draw on.

A measure that is not published is never applied (REFERENCE §3), so the public sees exactly the measures
that checks apply today: drafts and withdrawn measures are not listed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import catalog
from .display import measure_views
from .models import Measure, MeasureKind, MeasureStatus, PartyList, Scene


def measure_list(request: HttpRequest) -> HttpResponse:
    published = measure_views(Measure.objects.filter(status=MeasureStatus.PUBLISHED))
    groups = [(value, label, [v for v in published if v["m"].kind == value]) for value, label in MeasureKind.choices]
    return render(request, "sanctions/public_list.html", {
        "groups": groups, "scenes": Scene.objects.filter(active=True), "lists": PartyList.objects.all(),
        "version": catalog.stamp()[0],  # the version every check names
    })
