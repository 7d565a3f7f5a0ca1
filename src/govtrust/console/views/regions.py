"""Regions: the division tree, read-only here (divisions come from GB/T 2260 imports)."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.subjects.models import Region

from .base import console_view, paginate


@console_view(Perm.SUBJECTS_VIEW)
def region_list(request: HttpRequest) -> HttpResponse:
    """Sorted by code, which lists every division right after its parent: the tree, flattened."""
    q = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    regions = access.restrict(request.user, Region.objects.select_related("parent"))
    if q:
        regions = regions.filter(Q(name__icontains=q) | Q(code__startswith=q))
    if level in Region.Level.values:
        regions = regions.filter(level=level)
    return render(request, "console/regions/list.html", {
        "page": paginate(request, regions.order_by("code"), per_page=50), "q": q, "level": level,
        "levels": Region.Level.choices,
    })
