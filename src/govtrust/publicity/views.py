"""The portal's 双公示 pages: search current decisions, read one. No login; public fields only.

Reads go through `services.public_decisions` (current items: within their disclosure period; withdrawn ones
with their public note) and never touch encrypted identifiers: a natural person shows only the masked number.
The list is paginated and ordered by decision date (indexed), reading only the columns the page shows.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Kind, PenaltyKind
from .queries import Search, parse_day, search
from .services import public_decisions

PAGE_SIZE = 20


def _search(request: HttpRequest) -> Search:
    g = request.GET
    kind = g.get("kind", "")
    return Search(q=g.get("q", "").strip(), kind=kind if kind in Kind.values else "",
                  authority=g.get("authority", "").strip(), date_from=parse_day(g.get("from")),
                  date_to=parse_day(g.get("to")))


def decision_list(request: HttpRequest) -> HttpResponse:
    s = _search(request)
    qs = search(public_decisions(), s).order_by("-decision_date", "-pk").only(
        "id", "kind", "counterparty_name", "counterparty_category", "uscc", "id_masked", "document_number",
        "decision_date", "authority_name", "status", "withdrawn_note", "penalty_content", "licence_content",
        "source__name", "authority__name")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "publicity/list.html", {"s": s, "page": page, "kinds": Kind.choices})


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision = public_decisions().filter(pk=pk).first()
    if decision is None:
        raise Http404
    kinds = dict(PenaltyKind.objects.values_list("code", "name"))
    return render(request, "publicity/detail.html", {
        "d": decision, "penalty_kinds": "、".join(kinds.get(k, k) for k in decision.penalty_kinds)})
