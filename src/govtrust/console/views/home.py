"""The console home: what the user may see, in figures and one chart."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.monitoring import queries as monitoring_queries
from govtrust.publicity import warnings as publicity_warnings
from govtrust.subjects.models import CivilServant, Organization, Region

from .base import console_view


def _organizations_by_kind(user: object) -> dict[str, object]:
    rows = access.restrict(user, Organization.objects.all()).values("kind").annotate(n=Count("id")).order_by("kind")
    counts = {row["kind"]: row["n"] for row in rows}
    kinds = [kind for kind in Organization.Kind if counts.get(kind.value)]
    return {"name": _("单位数"), "labels": [str(k.label) for k in kinds], "values": [counts[k.value] for k in kinds]}


@console_view()
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, object] = {"sees_subjects": access.can(user, Perm.SUBJECTS_VIEW)}
    if context["sees_subjects"]:
        context |= {
            "region_count": access.restrict(user, Region.objects.all()).count(),
            "organization_count": access.restrict(user, Organization.objects.all()).count(),
            "civil_servant_count": access.restrict(user, CivilServant.objects.all()).count(),
            "by_kind": _organizations_by_kind(user),
        }
    if access.can(user, Perm.PUBLICITY_VIEW):  # 双公示 warnings concerning the user's department or region
        context["publicity_warning_count"] = publicity_warnings.count_for(user)
    if access.can(user, Perm.WARNINGS_VIEW):  # open early warnings (监测预警) about the bodies in the user's scope
        context["open_warnings"] = monitoring_queries.open_counts(user)
    return render(request, "console/home.html", context)
