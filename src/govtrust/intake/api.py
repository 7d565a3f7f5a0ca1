"""Import API: upload a CSV or Excel file for a dataset, download a dataset's template.

POST /imports/{dataset} is all-or-nothing unless `accept_valid` is set: a refused import answers 400
with code `import_rejected` and every bad row's errors (each naming its row and column); an accepted
one answers with the counts and the rows left out.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Schema, UploadedFile

from govtrust.core import access
from govtrust.core.access import Perm

from .datasets import DATASETS, get_dataset
from .services import run_import, template_file
from .tabular import check_size

router = Router(tags=["intake"])

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class FieldErrorOut(Schema):
    field: str
    message: str
    message_en: str
    row: int | None = None


class RejectedRowOut(Schema):
    row: int
    errors: list[FieldErrorOut]


class ImportOut(Schema):
    dataset: str
    total: int
    created: int
    rejected: list[RejectedRowOut]
    warnings: list[FieldErrorOut]


class ColumnOut(Schema):
    header: str
    field: str
    required: bool
    aliases: list[str]


class DatasetOut(Schema):
    name: str
    title: str
    title_en: str
    columns: list[ColumnOut]


@router.get("/imports", response=list[DatasetOut], summary="可导入的数据集 / importable datasets")
def list_datasets(request: HttpRequest) -> list[dict]:
    access.require(request.auth, Perm.IMPORT)
    return [
        {"name": ds.name, "title": ds.title, "title_en": ds.title_en,
         "columns": [{"header": c.header, "field": c.field, "required": c.required, "aliases": list(c.aliases)}
                     for c in ds.columns]}
        for ds in DATASETS.values()
    ]


@router.post("/imports/{dataset}", response=ImportOut, summary="导入文件 / import a file")
def import_file(request: HttpRequest, dataset: str, file: File[UploadedFile],
                accept_valid: Form[bool] = False, reason: Form[str] = "") -> dict:
    access.require(request.auth, Perm.IMPORT)
    check_size(file.size or 0)  # before reading an oversized upload into memory
    result = run_import(request.auth, dataset=dataset, filename=file.name or "", content=file.read(),
                        accept_valid=accept_valid, reason=reason)
    return result.as_dict()


@router.get("/imports/{dataset}/template", summary="下载导入模板 / download the import template")
def download_template(request: HttpRequest, dataset: str, format: Literal["xlsx", "csv"] = "xlsx") -> HttpResponse:
    access.require(request.auth, Perm.IMPORT)
    ds = get_dataset(dataset)
    response = HttpResponse(template_file(ds.name, format), content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = content_disposition_header(True, f"{ds.title}导入模板.{format}")
    return response
