"""The public portal: home, organization search and organization detail (with the organization's publicly
disclosed ledger records, `queries.public_records`). No login, public data only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import queries

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"figures": queries.headline_figures()})


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    results = queries.search_public_organizations(q).order_by("region__code", "name")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/search.html", {"q": q, "page": page})


def organization(request: HttpRequest, pk: int) -> HttpResponse:
    org = queries.public_organizations().filter(pk=pk).first()
    if org is None:
        raise Http404
    records = Paginator(queries.public_records(org), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/organization.html", {"org": org, "page": records})


def integrity(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/integrity.html")
