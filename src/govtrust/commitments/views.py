"""The portal's commitments page: /commitments/ lists public commitments per body with their status,
so citizens can see which were kept. No login; only commitments marked public."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import CommitmentKind, Status
from .queries import public_commitments

PAGE_SIZE = 50


def public_list(request: HttpRequest) -> HttpResponse:
    qs = public_commitments()
    body, kind, status = (request.GET.get(k, "").strip() for k in ("body", "kind", "status"))
    if body.isdigit():
        qs = qs.filter(unit_id=int(body))
    if kind:
        qs = qs.filter(kind__code=kind)
    if status in Status.values:
        qs = qs.filter(status=status)
    bodies = (qs.order_by().values("unit_id", "unit__name", "unit__region__name")
              .annotate(total=Count("pk"), fulfilled=Count("pk", filter=Q(status=Status.FULFILLED)),
                        breached=Count("pk", filter=Q(status=Status.BREACHED)))
              .order_by("unit__region__name", "unit__name"))
    page = Paginator(qs.order_by("unit__region__code", "unit__path", "-due_date", "id"), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "commitments/public_list.html", {
        "page": page, "bodies": bodies, "kinds": CommitmentKind.objects.filter(active=True),
        "statuses": Status.choices, "params": {"body": body, "kind": kind, "status": status},
    })
