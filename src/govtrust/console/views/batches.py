"""The intake batch history (归集批次): every file or push that tried to enter the ledger, how it ended."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.intake.datasets import DATASETS
from govtrust.intake.models import Batch

from .base import console_view, is_htmx, paginate


def _batches(user: object) -> object:
    return access.restrict(user, Batch.objects.select_related("organization"), Perm.IMPORT)


@console_view(Perm.IMPORT)
def batch_list(request: HttpRequest) -> HttpResponse:
    params = {name: request.GET.get(name, "").strip() for name in ("status", "dataset", "q")}
    batches = _batches(request.user)
    if params["status"] in Batch.Status.values:
        batches = batches.filter(status=params["status"])
    if params["dataset"]:
        batches = batches.filter(dataset=params["dataset"])
    if params["q"]:
        batches = batches.filter(filename__contains=params["q"])
    context = {"page": paginate(request, batches), "params": params, "statuses": Batch.Status.choices,
               "datasets": [(ds.name, ds.title) for ds in DATASETS.values() if ds.bulk is not None]}
    template = "console/batches/_results.html" if is_htmx(request) else "console/batches/list.html"
    return render(request, template, context)


@console_view(Perm.IMPORT)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.get_visible(request.user, _batches(request.user), Perm.IMPORT, pk=pk)
    context = {"batch": batch, "can_browse": access.can(request.user, Perm.LEDGER_VIEW)}
    return render(request, "console/batches/detail.html", context)
