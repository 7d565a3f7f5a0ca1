"""Import API: upload a CSV or Excel file for a dataset, download a dataset's template.

POST /imports/{dataset} is all-or-nothing unless `accept_valid` is set: a refused import answers 400
with code `import_rejected` and every bad row's errors (each naming its row and column); an accepted
one answers with the counts and the rows left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Schema, UploadedFile

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.errors import ServiceError

from . import writers
from .datasets import DATASETS, get_dataset, header_key
from .models import Batch
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
    batch_id: int | None = None
    total: int
    created: int
    revised: int = 0
    unchanged: int = 0
    rejected: list[RejectedRowOut]
    warnings: list[FieldErrorOut]


class BatchOut(Schema):
    id: int
    dataset: str
    filename: str
    sha256: str
    size: int
    channel: str
    actor: str
    organization_id: int | None
    accept_valid: bool
    status: str
    total: int
    created: int
    revised: int
    unchanged: int
    rejected: int
    message: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    created_at: dt.datetime


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
                accept_valid: Form[bool] = False, reason: Form[str] = "", match_names: Form[bool] = False) -> dict:
    access.require(request.auth, Perm.IMPORT)
    check_size(file.size or 0)  # before reading an oversized upload
    options = {"match_names": True} if match_names else {}
    result = run_import(request.auth, dataset=dataset, filename=file.name or "", content=file.file,
                        accept_valid=accept_valid, reason=reason, **options)
    return result.as_dict()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@router.get("/intake/batches", response=list[BatchOut], summary="归集批次 / intake batches")
def list_batches(request: HttpRequest, status: str | None = None, limit: int = 50) -> Any:
    qs = access.restrict(request.auth, Batch.objects.all(), Perm.IMPORT)
    if status:
        qs = qs.filter(status=status)
    return qs[: max(1, min(limit, 500))]


@router.get("/intake/batches/{batch_id}", response=BatchOut, summary="归集批次详情 / one batch")
def get_batch(request: HttpRequest, batch_id: int) -> Batch:
    return access.get_visible(request.auth, Batch.objects.all(), Perm.IMPORT, pk=batch_id)


@router.get("/imports/{dataset}/template", summary="下载导入模板 / download the import template")
def download_template(request: HttpRequest, dataset: str, format: Literal["xlsx", "csv"] = "xlsx",
                      category: str | None = None) -> HttpResponse:
    """The template; for records, `category` (a catalog code) gives that category's own columns."""
    access.require(request.auth, Perm.IMPORT)
    ds = get_dataset(dataset)
    response = HttpResponse(template_file(ds.name, format, category), content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = content_disposition_header(True, f"{ds.title}导入模板.{format}")
    return response


# Declared last: Django takes the first matching path, and this one would shadow the fixed /intake/… paths above.
@router.post("/intake/{dataset}", response=ImportOut,
             summary="推送信用记录、行政处罚、行政许可等（JSON数组）/ push rows (records, penalties, licences …) as a JSON array")
def push_records(request: HttpRequest, dataset: str, rows: list[dict[str, Any]], accept_valid: bool = False,
                 match_names: bool = False, reason: str = "") -> dict:
    """Each object is one row: keys are the template's headers (Chinese) or field names, as in a file.

    The rows take the same door as an uploaded file (one batch, one transaction, the same checks). Only the
    set-based datasets (credit records, 双公示 decisions) take pushes; the registry datasets are uploaded.
    """
    access.require(request.auth, Perm.IMPORT)
    ds = get_dataset(dataset)
    if ds.bulk is None:
        raise ServiceError("push_unsupported", f"数据集“{ds.title}”不接受推送，请上传文件",
                           f"the {ds.title_en} dataset takes file uploads, not pushes", status=404)
    # Every accepted spelling of a key (header, alias, field name) becomes the template's header, so objects
    # that spell a column differently still land in one column.
    names = {header_key(h): c.header for c in ds.all_columns() for h in c.accepted_headers}
    rows = [{names.get(header_key(str(k)), str(k)): v for k, v in row.items()} for row in rows]
    headers = list(dict.fromkeys(k for row in rows for k in row))
    table = [[_cell(row.get(h)) for h in headers] for row in rows]
    options = {"match_names": True} if match_names else {}
    result = run_import(request.auth, dataset=ds.name, filename="api-push.csv",
                        content=writers.csv_bytes(headers, table, escape=False), accept_valid=accept_valid,
                        reason=reason, **options)
    return result.as_dict()
