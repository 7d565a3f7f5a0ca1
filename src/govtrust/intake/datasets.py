"""Datasets: what an import file may hold, and how each of its rows reaches a service function.

A Dataset names its columns (the Chinese header of the template, the field name the row handler
receives, whether it is required, the other headers people use for it) and a row handler that calls
the owning app's service function. Apps declare their datasets in `<app>/datasets.py`; the registry
finds them on first use, as Django's admin finds admin.py, so intake never imports the apps it feeds.

Header matching forgives what people do to headers (full-width characters, spaces, a "*" marking a
required column, the English field name). Values are checked here only for what every dataset shares:
required, one of a list, a number Excel already rounded, data in a column without a header. What a
value means is the service function's business; its field errors are renamed to the header the user
wrote, so the message points at the user's own column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.module_loading import autodiscover_modules

from govtrust.core.errors import FieldError, ServiceError

from .tabular import Row, StreamTable, Table

# Columns that intake itself adds to a rejects file; a corrected rejects file can be imported again.
ROW_NUMBER_HEADER = "原行号"
REASON_HEADER = "错误原因"
ANNOTATION_HEADERS = (ROW_NUMBER_HEADER, REASON_HEADER)


@dataclass(frozen=True)
class Column:
    header: str  # as in the template
    field: str  # the key the row handler receives
    required: bool = False
    aliases: tuple[str, ...] = ()  # other headers accepted for this column
    identifier: bool = False  # a code: text in templates, and a number Excel rounded is refused
    choices: tuple[tuple[str, Any], ...] = ()  # (code, label): the code or either label is accepted
    example: str = ""
    note: str = ""  # for the template's instructions

    @property
    def accepted_headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases, self.field)

    def choice_labels(self, language: str = "zh-hans") -> list[str]:
        with translation.override(language):
            return [str(label) for _, label in self.choices]


@dataclass(frozen=True)
class RowContext:
    """What a row handler gets besides the row's values."""

    principal: Any
    row: int
    reason: str  # for the audit trail; names the file and the row
    memo: dict[Any, Any]  # lookups shared by the rows of one import (e.g. organizations by USCC)


Handler = Callable[[RowContext, dict[str, str]], Any]


@dataclass(frozen=True)
class Dataset:
    name: str  # in URLs and on the command line
    title: str
    title_en: str
    perm: str  # what the principal needs besides Perm.IMPORT
    columns: tuple[Column, ...]
    handler: Handler | None  # creates one row's object through a service function, or raises ServiceError
    key_field: str  # the column that identifies a row's subject; a repeat within the file is a duplicate
    normalize_key: Callable[[str], str] = str
    # A row's identity when one column is not enough (a natural key over several columns, e.g. kind, year and
    # number); a repeat within the file is a duplicate, named at `key_field`'s column. Empty: no identity.
    row_key: Callable[[dict[str, str]], str] | None = None
    one_of: tuple[tuple[str, ...], ...] = ()  # groups of columns of which at least one must be given
    # The service functions' field names, mapped to the columns their values came from.
    error_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The columns that decide where a row lands: named when the service refuses the row as out of scope.
    placement_fields: tuple[str, ...] = ()
    # Columns that come from data (the catalog's category-specific fields), read when a file is bound.
    extra_columns: Callable[[], tuple[Column, ...]] | None = None
    # A set-based importer that takes the whole file instead of one row at a time (the ledger's records).
    bulk: Callable[..., Any] | None = None
    # The columns of a template variant (records: one category's template); the note on its instructions.
    template_columns: Callable[[str | None], tuple[Column, ...]] | None = None
    template_note: str = ""

    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + (self.extra_columns() if self.extra_columns else ())

    def column(self, name: str) -> Column:
        return next(c for c in self.all_columns() if c.field == name)


class Registry(Mapping[str, Dataset]):
    """Datasets by name, filled from every installed app's `datasets` module on first use."""

    def __init__(self) -> None:
        self._datasets: dict[str, Dataset] = {}
        self._discovered = False

    def register(self, dataset: Dataset) -> Dataset:
        if self._datasets.get(dataset.name, dataset) is not dataset:
            raise ValueError(f"dataset {dataset.name!r} is registered twice")
        self._datasets[dataset.name] = dataset
        return dataset

    def _all(self) -> dict[str, Dataset]:
        if not self._discovered:
            self._discovered = True
            autodiscover_modules("datasets")
        return self._datasets

    def __getitem__(self, name: str) -> Dataset:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


DATASETS = Registry()
register = DATASETS.register


def get_dataset(name: str) -> Dataset:
    if name not in DATASETS:
        known = "、".join(DATASETS)
        raise ServiceError("unknown_dataset", f"没有名为“{name}”的数据集，可选：{known}",
                           f"There is no dataset named {name!r}; choose one of: {', '.join(DATASETS)}", status=404)
    return DATASETS[name]


def header_key(text: str) -> str:
    """The form in which headers are compared: NFKC, no spaces, no "*" marks, case-folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).strip("*").casefold()


def _choice_map(column: Column) -> dict[str, str]:
    found: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        found |= {header_key(label): code for (code, _), label in zip(column.choices, column.choice_labels(language),
                                                                      strict=True)}
    return found | {header_key(code): code for code, _ in column.choices}


@dataclass(frozen=True)
class Binding:
    """A dataset matched to one file's header row: which cell feeds which column, and what to call it."""

    dataset: Dataset
    table_headers: tuple[str, ...]
    index: dict[str, int]  # column field → cell index
    warnings: tuple[FieldError, ...]
    choices: dict[str, dict[str, str]]  # column field → accepted text → code

    def label(self, name: str) -> str:
        """The header the user wrote for a column, or the template's header when the file lacks it."""
        if name in self.index:
            return self.table_headers[self.index[name]]
        return self.dataset.column(name).header

    def original(self, row: Row) -> dict[str, str]:
        """The row as the file had it (named columns only), for the rejects file."""
        return {h: (row.cells[i] if i < len(row.cells) else "") for i, h in enumerate(self.table_headers) if h}

    def values(self, row: Row) -> tuple[dict[str, str], list[FieldError]]:
        """The row's values by column field ('' when absent), and the errors every dataset checks."""
        values: dict[str, str] = {}
        errors: list[FieldError] = []

        def error(name: str, message: str, message_en: str) -> None:
            errors.append(FieldError(name, message, message_en, row=row.number))

        for column in self.dataset.columns:
            i = self.index.get(column.field)
            cell = row.cells[i] if i is not None and i < len(row.cells) else ""
            if column.identifier and i in row.lossy:
                error(self.label(column.field), f"数字“{cell}”已被Excel改写（超过15位或科学计数法），请将该列设为文本格式后重新填写",
                      f"the number {cell} was already rounded by Excel (over 15 digits or scientific notation); "
                      "format the column as text and enter it again")
            elif column.required and not cell:
                error(self.label(column.field), "不能为空", "is required")
            elif cell and column.choices:
                code = self.choices[column.field].get(header_key(cell))
                if code is None:
                    options = "、".join(column.choice_labels())
                    error(self.label(column.field), f"“{cell}”不是有效的取值，可选：{options}",
                          f"{cell!r} is not a valid value; choose one of: {', '.join(column.choice_labels('en'))}")
                cell = code or ""
            values[column.field] = cell
        for group in self.dataset.one_of:
            if not any(values[name] for name in group):
                labels = [self.label(name) for name in group]
                error(labels[0], f"{'、'.join(labels)}至少填写一项", f"fill in at least one of: {', '.join(labels)}")
        for i, cell in enumerate(row.cells):
            if cell and (i >= len(self.table_headers) or not self.table_headers[i]):
                error(f"第{i + 1}列", "该列有数据但没有列名（可能是未加引号的逗号导致错列）",
                      f"column {i + 1} has data but no header (an unquoted comma may have shifted the columns)")
        return values, errors

    def blame(self, names: tuple[str, ...], values: dict[str, str]) -> str:
        """The label of the first of `names` the row filled in, else the first the file has."""
        chosen = next((n for n in names if values.get(n)), None) or next((n for n in names if n in self.index), names[0])
        return self.label(chosen)

    def errors_from(self, err: ServiceError, row: Row, values: dict[str, str]) -> list[FieldError]:
        """A service's refusal of one row, with its field names turned into the user's headers."""
        ds = self.dataset
        if not err.errors:
            names = ds.placement_fields if err.code == "forbidden" and ds.placement_fields else (ds.key_field,)
            return [FieldError(self.blame(names, values), err.message, err.message_en, row=row.number)]
        result = []
        for e in err.errors:
            names = ds.error_fields.get(e.field) or ((e.field,) if e.field in values else None)
            result.append(FieldError(self.blame(names, values) if names else e.field, e.message, e.message_en,
                                     row=row.number))
        return result


def bind(dataset: Dataset, table: Table | StreamTable) -> Binding:
    """Match the file's headers to the dataset's columns; refuse missing required and duplicate headers."""
    columns = dataset.all_columns()
    lookup = {header_key(h): c for c in columns for h in c.accepted_headers}
    annotations = {header_key(h) for h in ANNOTATION_HEADERS}
    index: dict[str, int] = {}
    seen: dict[str, int] = {}
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    at = table.header_row
    for i, header in enumerate(table.headers):
        key = header_key(header)
        if not key:
            continue
        column = lookup.get(key)
        same = seen.get(key, index.get(column.field) if column else None)
        if same is not None:
            errors.append(FieldError(header, f"列名重复：第{i + 1}列与第{same + 1}列“{table.headers[same]}”是同一列",
                                     f"duplicate header: column {i + 1} repeats column {same + 1} "
                                     f"({table.headers[same]})", row=at))
            continue
        seen[key] = i
        if column is not None:
            index[column.field] = i
        elif key not in annotations:
            warnings.append(FieldError(header, "未识别的列，已忽略", "unrecognized column, ignored", row=at))
    for column in columns:
        if column.required and column.field not in index:
            others = "、".join(column.aliases)
            errors.append(FieldError(column.header, "缺少必填列" + (f"（也可写作：{others}）" if others else ""),
                                     "required column is missing" + (f" (also accepted: {others})" if others else ""),
                                     row=at))
    for group in dataset.one_of:
        if not any(name in index for name in group):
            headers = [dataset.column(name).header for name in group]
            errors.append(FieldError("、".join(headers), "至少需要其中一列", "at least one of these columns is required",
                                     row=at))
    if errors:
        hint = "" if index else "；若表头显示为乱码，请检查文件编码"
        hint_en = "" if index else "; if the headers look garbled, check the file's encoding"
        raise ServiceError("invalid_headers", f"表头与“{dataset.title}”模板不符，请下载模板核对{hint}",
                           f"The headers do not match the {dataset.title_en} template; download it and compare{hint_en}",
                           errors=errors)
    choices = {c.field: _choice_map(c) for c in columns if c.choices}
    return Binding(dataset, table.headers, index, tuple(warnings), choices)
