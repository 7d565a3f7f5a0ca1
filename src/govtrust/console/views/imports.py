"""Imports: choose a dataset, upload a file, see what was created and which rows were refused and why;
download the templates (for records, one per catalog category) and the refused rows (to fix and import
again). A large file of a bulk dataset goes to the background worker: the user is sent to the job's
progress page instead of waiting on the request."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import NotFound
from govtrust.intake import services as intake
from govtrust.intake.datasets import DATASETS, Dataset
from govtrust.intake.jobs import queue_import, runs_in_background
from govtrust.intake.tabular import check_size
from govtrust.ledger.models import Category

from .. import rejects
from ..forms import ServiceForm, reason_field
from .base import console_view, no_store, not_found, submit


def _datasets(user: Any) -> list[Dataset]:
    return [ds for ds in DATASETS.values() if access.can(user, ds.perm)]


class ImportForm(ServiceForm):
    dataset = forms.ChoiceField(label=gettext_lazy("数据集"))
    file = forms.FileField(label=gettext_lazy("文件"), help_text=gettext_lazy("CSV 或 Excel（XLSX、XLS）"))
    accept_valid = forms.BooleanField(
        label=gettext_lazy("只导入正确的行（有错误的行不导入，可下载修正后重新导入）"), required=False,
        help_text=gettext_lazy("不勾选时，只要有一行错误，整个文件都不导入。"),
    )
    reason = reason_field(gettext_lazy("导入理由"))

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(ds.name, ds.title) for ds in _datasets(user)]


@console_view(Perm.IMPORT)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.user, request.POST or None, request.FILES or None,
                      initial={"dataset": request.GET.get("dataset", "")})  # a page's "import" link names its dataset

    def run(data: dict[str, Any]) -> Any:
        upload = data["file"]
        check_size(upload.size)
        if runs_in_background(data["dataset"], upload.size):
            return queue_import(request.user, dataset=data["dataset"], upload=upload,
                                accept_valid=data["accept_valid"], reason=data["reason"])
        return intake.run_import(request.user, dataset=data["dataset"], filename=upload.name, content=upload.read(),
                                 accept_valid=data["accept_valid"], reason=data["reason"])

    result, status = submit(request, form, run)
    if result is not None and not isinstance(result, intake.ImportResult):
        return redirect("console:job", pk=result.pk)
    if result is None and isinstance(form.service_error, intake.ImportRejected):
        result = form.service_error.result  # rolled back: show every refused row all the same
    context = {"form": form, "result": result, "datasets": _datasets(request.user),
               "categories": Category.objects.filter(active=True) if "records" in DATASETS else (),
               "background_min": settings.IMPORT_BACKGROUND_MIN_BYTES}
    if result is not None and result.rejected:
        context["rejects_token"] = rejects.keep(request, result)
    return render(request, "console/imports/upload.html", context, status=status)


@console_view(Perm.IMPORT)
def import_template(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    ds = DATASETS.get(dataset)
    if ds is None or fmt not in intake.FORMATS or ds not in _datasets(request.user):
        return not_found(request, NotFound("数据集", "dataset"))
    category = (request.GET.get("category") or None) if ds.template_columns else None
    name = Category.objects.filter(code=category, active=True).values_list("name", flat=True).first()
    if category and name is None:
        return not_found(request, NotFound("信息类别", "category"))
    content = intake.template_file(ds.name, fmt, category)
    return FileResponse(io.BytesIO(content), as_attachment=True,
                        filename=f"{ds.title}{'-' + name if name else ''}-导入模板.{fmt}")


@console_view(Perm.IMPORT)
def import_rejects(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    found = rejects.fetch(request, token, fmt)
    if found is None:
        return not_found(request, NotFound("未导入行文件（可能已过期）", "rejects file (it may have expired)"))
    dataset, content = found
    return no_store(FileResponse(io.BytesIO(content), as_attachment=True, filename=f"{dataset}-未导入的行.{fmt}"))
