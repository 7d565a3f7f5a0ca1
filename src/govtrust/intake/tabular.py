"""Reading an uploaded table (CSV or a spreadsheet, given as bytes and a file name) into text rows.

Every cell comes back as text: identifiers (division codes, USCCs, resident IDs) must never pass
through a number. Rows keep the numbers the user sees in the spreadsheet (header row 1, first data
row 2, blank rows counted but skipped), so that an error can send the user to the right line.

CSV is decoded as UTF-8 (with or without BOM) and else as GB18030, the superset of GBK and GB2312
that Excel and older government systems write; a file that is neither is refused rather than
guessed. Spreadsheets (XLSX, XLS, ODS) are read with python-calamine, first sheet only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import python_calamine
from django.conf import settings

from govtrust.core.errors import ServiceError

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (xlsx, ods), OLE2 (xls)
# Excel keeps 15 significant digits: a longer number has already lost its tail, and CSV exports show it
# in scientific notation ("5.30102E+17"; the "+" tells it from a USCC such as …0004E8). Either way the
# identifier cannot be recovered from the file.
_EXACT_LIMIT = 10**15
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE]\+\d+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it
    cells: tuple[str, ...]
    lossy: frozenset[int] = frozenset()  # indexes of cells holding numbers Excel had already rounded


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    header_row: int
    rows: tuple[Row, ...]


def file_error(message: str, message_en: str, status: int = 400) -> ServiceError:
    return ServiceError("invalid_file", message, message_en, status=status)


def check_size(size: int) -> None:
    """Refuse empty and oversized files before anything is parsed (callers may know the size first)."""
    if size == 0:
        raise file_error("文件为空", "The file is empty")
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise file_error(
            f"文件过大（{size / 1048576:.1f} MB），上限为 {limit / 1048576:.1f} MB，请拆分后分批导入",
            f"The file is too large ({size / 1048576:.1f} MB); the limit is {limit / 1048576:.1f} MB. "
            "Split it and import the parts.",
            status=413,
        )


def read_table(content: bytes, filename: str) -> Table:
    check_size(len(content))
    suffix = PurePath(filename or "").suffix.lower()
    if content.startswith(_SPREADSHEET_MAGIC) or suffix in SPREADSHEET_SUFFIXES:
        raw = _spreadsheet_rows(content)
    elif suffix in TEXT_SUFFIXES or not suffix:
        raw = _csv_rows(decode(content))
    else:
        raise file_error(f"不支持的文件类型“{suffix}”，请上传CSV或Excel（XLSX、XLS）文件",
                         f"Unsupported file type {suffix!r}; upload a CSV or Excel (XLSX, XLS) file")
    return _table(raw)


def decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # UTF-16 without a BOM decodes "successfully" into NULs
            return text
    raise file_error(
        "无法识别文件编码：请将CSV另存为UTF-8或GBK（GB18030）编码",
        "The file's encoding is not recognized: save the CSV as UTF-8 or GBK (GB18030)",
    )


def _csv_rows(text: str) -> list[tuple[int, tuple[str, ...], frozenset[int]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for number, record in enumerate(reader, start=1):
            cells = tuple(_clean(c) for c in record)
            lossy = frozenset(i for i, c in enumerate(cells) if _SCIENTIFIC.fullmatch(c))
            rows.append((number, cells, lossy))
    except csv.Error as exc:
        raise file_error(f"CSV第{reader.line_num}行格式错误：{exc}",
                         f"CSV line {reader.line_num} is malformed: {exc}") from None
    return rows


def _spreadsheet_rows(content: bytes) -> list[tuple[int, tuple[str, ...], frozenset[int]]]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        if not book.sheet_names:
            raise file_error("Excel文件中没有工作表", "The workbook has no sheet")
        # skip_empty_area=False keeps leading blank rows and columns, so row numbers match the sheet.
        values = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except python_calamine.PasswordError:
        raise file_error("Excel文件有密码保护，请取消密码后上传", "The workbook is password-protected") from None
    except (python_calamine.CalamineError, ValueError, OSError):
        raise file_error("无法读取该Excel文件（文件损坏或不是Excel格式）",
                         "The spreadsheet cannot be read (damaged or not an Excel file)") from None
    rows = []
    for number, record in enumerate(values, start=1):
        texts = [_cell_text(v) for v in record]
        rows.append((number, tuple(_clean(t) for t, _ in texts), frozenset(i for i, (_, lost) in enumerate(texts) if lost)))
    return rows


def _cell_text(value: Any) -> tuple[str, bool]:
    """A spreadsheet value as the text the user typed, and whether digits were already lost."""
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value), False
        return str(int(value)), abs(value) >= _EXACT_LIMIT  # calamine gives 530102.0 for 530102
    if isinstance(value, dt.datetime):
        return (value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")), False
    if isinstance(value, dt.date | dt.time):
        return value.isoformat(), False
    return str(value), False


def _clean(cell: str) -> str:
    return cell.translate(_INVISIBLE).strip()


def _table(raw: list[tuple[int, tuple[str, ...], frozenset[int]]]) -> Table:
    rows = [(n, cells, lossy) for n, cells, lossy in raw if any(cells)]
    if not rows:
        raise file_error("文件为空", "The file is empty")
    (header_row, headers, _), data = rows[0], rows[1:]
    if not data:
        raise file_error(f"文件只有表头（第{header_row}行），没有数据行",
                         f"The file has a header (row {header_row}) but no data rows")
    return Table(headers, header_row, tuple(Row(n, cells, lossy) for n, cells, lossy in data))
