"""Imports: a file becomes rows, each row goes through its dataset's service function, all in one transaction.

All-or-nothing by default: if any row is refused, the whole import is rolled back (the audit events
with it) and the error lists every bad row, so the user fixes the file once rather than row by row.
With `accept_valid`, each row runs in its own savepoint, the valid rows are kept and the refused
rows come back with their reasons, to download as a file, fix and import again.

Rows are processed in file order, so a row may refer to one above it (a county below the city it
follows, a department below its government). A subject whose key already exists (division code, USCC,
resident ID) is refused as a duplicate, as is a second row with the same key in one file: an import
creates; changes go through the subjects' update functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import FieldError, ServiceError, field_error

from . import writers
from .datasets import (
    ANNOTATION_HEADERS,
    REASON_HEADER,
    ROW_NUMBER_HEADER,
    Binding,
    RowContext,
    bind,
    get_dataset,
)
from .tabular import Row, Source, read_table

FORMATS = ("xlsx", "csv")


class RejectedRow(NamedTuple):
    row: int  # as the spreadsheet shows it
    values: dict[str, str]  # the row as the file had it: header → cell
    errors: list[FieldError]


@dataclass
class ImportResult:
    dataset: str
    filename: str
    headers: tuple[str, ...]  # the file's header row, for the rejects file
    total: int = 0
    created: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)  # e.g. unrecognized columns, ignored
    revised: int = 0  # records: an existing record changed by the file (a new revision)
    unchanged: int = 0  # records: already in the ledger exactly as the file has them
    batch_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "batch_id": self.batch_id,
            "total": self.total,
            "created": self.created,
            "revised": self.revised,
            "unchanged": self.unchanged,
            "rejected": [{"row": r.row, "errors": [e.as_dict() for e in r.errors]} for r in self.rejected],
            "warnings": [w.as_dict() for w in self.warnings],
        }


class ImportRejected(ServiceError):
    """An all-or-nothing import that was rolled back; `result` holds every refused row."""

    def __init__(self, result: ImportResult):
        bad = len(result.rejected)
        super().__init__(
            "import_rejected",
            f"导入未完成：共{result.total}行，其中{bad}行有错误，未写入任何数据。请修正后重新导入，或选择只导入正确的行",
            f"Import rejected: {bad} of {result.total} rows have errors and nothing was written. "
            "Fix them and import again, or choose to import only the valid rows",
            errors=[e for r in result.rejected for e in r.errors],
        )
        self.result = result


def run_import(principal: Any, *, dataset: str, filename: str, content: Source, accept_valid: bool = False,
               reason: str = "", limit: int | None = None, **options: Any) -> ImportResult:
    """Import a file (bytes, a path or a binary file) into a dataset; bulk datasets take `options`.

    `limit` is the largest file accepted (default: settings.IMPORT_MAX_BYTES, the upload limit).
    """
    ds = get_dataset(dataset)
    access.require(principal, Perm.IMPORT)
    access.require(principal, ds.perm)
    reason = _reason(reason, filename)
    if ds.bulk is not None:
        return ds.bulk(principal, source=content, filename=filename, accept_valid=accept_valid, reason=reason,
                       limit=limit, **options)
    table = read_table(content, filename, limit)
    binding = bind(ds, table)
    result = ImportResult(ds.name, filename, table.headers, total=len(table.rows), warnings=list(binding.warnings))
    memo: dict[Any, Any] = {}
    seen: dict[str, int] = {}
    with transaction.atomic():
        for row in table.rows:
            context = RowContext(principal, row.number, f"{reason} 第{row.number}行", memo)
            errors = _import_row(binding, row, context, seen)
            if errors:
                result.rejected.append(RejectedRow(row.number, binding.original(row), errors))
            else:
                result.created += 1
        if result.rejected and not accept_valid:
            raise ImportRejected(result)  # leaving the atomic block by an exception rolls everything back
    return result


def _reason(reason: str, filename: str) -> str:
    """The audit reason of every row: the user's reason, and which file the row came from."""
    reason = (reason or "").strip()
    if not reason and current().channel == "console":
        raise field_error("reason", "在工作台中导入数据必须填写理由", "A reason is required for imports made in the console")
    return f"{reason}（导入文件：{filename}）" if reason else f"导入文件：{filename}"


def _import_row(binding: Binding, row: Row, context: RowContext, seen: dict[str, int]) -> list[FieldError]:
    ds = binding.dataset
    values, errors = binding.values(row)
    key = ds.row_key(values) if ds.row_key else (ds.normalize_key(values[ds.key_field]) if values[ds.key_field] else "")
    if key:
        first = seen.setdefault(key, row.number)
        if first != row.number:
            errors.append(FieldError(binding.label(ds.key_field), f"与第{first}行重复", f"duplicates row {first}",
                                     row=row.number))
    if errors:
        return errors
    try:
        with transaction.atomic():  # a savepoint: a refused row leaves nothing half-written
            ds.handler(context, values)
    except ServiceError as err:
        return binding.errors_from(err, row, values)
    return []


def reject_text(errors: list[FieldError]) -> str:
    return "\n".join(f"{e.field}: {e.message} / {e.field}: {e.message_en}" for e in errors)


def rejects_file(result: ImportResult, fmt: str = "csv") -> bytes:
    """The refused rows as the user wrote them, with the row number and the reasons, ready to fix."""
    _check_format(fmt)
    headers = [h for h in result.headers if h and h not in ANNOTATION_HEADERS]
    rows = [[r.values.get(h, "") for h in headers] + [str(r.row), reject_text(r.errors)] for r in result.rejected]
    all_headers = [*headers, ROW_NUMBER_HEADER, REASON_HEADER]
    if fmt == "csv":
        return writers.csv_bytes(all_headers, rows)
    return writers.xlsx_bytes([writers.Sheet(
        "未导入的行", all_headers, rows, text_columns=set(range(len(headers))), wrap_columns={len(headers) + 1},
    )])


def template_file(dataset: str, fmt: str = "xlsx", variant: str | None = None) -> bytes:
    """An empty import file for a dataset: the headers, one example row, and (XLSX) instructions.

    `variant` picks a dataset's template variant (for records, a category's own columns).
    """
    _check_format(fmt)
    ds = get_dataset(dataset)
    all_columns = ds.template_columns(variant) if ds.template_columns else ds.columns
    headers = [c.header for c in all_columns]
    example = [c.example for c in all_columns]
    if fmt == "csv":
        return writers.csv_bytes(headers, [example])
    columns = list(enumerate(all_columns))
    data = writers.Sheet(
        ds.title, headers, [example],
        text_columns={i for i, c in columns if c.identifier},
        required={i for i, c in columns if c.required},
        choices={i: c.choice_labels() for i, c in columns if c.choices},
    )
    return writers.xlsx_bytes([data, _instructions(ds, all_columns)])


def _instructions(ds: Any, columns: Any) -> writers.Sheet:
    groups = {name: group for group in ds.one_of for name in group}
    rows = []
    for c in columns:
        if c.required:
            need = "必填"
        elif c.field in groups:
            need = "与" + "、".join(ds.column(n).header for n in groups[c.field] if n != c.field) + "至少填一项"
        else:
            need = "选填"
        rows.append([c.header, need, "、".join(c.aliases), "、".join(c.choice_labels()), c.note])
    note = ds.template_note or ("第一个工作表为数据；请勿修改表头。每行一条，按顺序导入，可引用前面的行。"
                                "已存在的主体会被拒绝为重复（本导入只新增，不修改）。")
    rows.append(["", "", "", "", note])
    return writers.Sheet("填写说明", ["列名", "是否必填", "也可写作", "可选值", "说明"], rows, wrap_columns={4})


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise field_error("format", f"不支持的格式“{fmt}”，可选：xlsx、csv", f"unsupported format {fmt!r}; use xlsx or csv")
