"""Reading an uploaded table (CSV or a spreadsheet: bytes, a file on disk, or an uploaded file) into text rows.

Every cell comes back as text: identifiers (division codes, USCCs, resident IDs) must never pass
through a number. Rows keep the numbers the user sees in the spreadsheet (header row 1, first data
row 2, blank rows counted but skipped), so that an error can send the user to the right line.

CSV is decoded as UTF-8 (with or without BOM) and else as GB18030, the superset of GBK and GB2312
that Excel and older government systems write; a file that is neither is refused rather than
guessed. Spreadsheets (XLSX, XLS, ODS) are read with python-calamine, first sheet only.

`open_table` streams: CSV rows are parsed as they are read, so a file of any size is read in constant
memory (the bulk ledger intake relies on it); `read_table` collects the rows of a small file. A
spreadsheet is checked before it is read: an XLSX that would expand past IMPORT_MAX_EXPANDED_BYTES (a
"zip bomb"), formulas, and merged cells are refused with the cells named.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import python_calamine
from django.conf import settings

from govtrust.core.errors import FieldError, ServiceError

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (xlsx, ods), OLE2 (xls)
# Excel keeps 15 significant digits: a longer number has already lost its tail, and CSV exports show it
# in scientific notation ("5.30102E+17"; the "+" tells it from a USCC such as …0004E8). Either way the
# identifier cannot be recovered from the file.
_EXACT_LIMIT = 10**15
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE]\+\d+")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))
_INVISIBLE_RE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")


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


@dataclass
class StreamTable:
    """A table whose data rows are read as they are consumed (once)."""

    headers: tuple[str, ...]
    header_row: int
    rows: Iterator[Row]


Source = bytes | str | PurePath | IO[bytes]  # content, a path, or a binary file object (seekable)
_NO_LOSS: frozenset[int] = frozenset()


def file_error(message: str, message_en: str, status: int = 400, errors: Any = None) -> ServiceError:
    return ServiceError("invalid_file", message, message_en, errors=errors or [], status=status)


def check_size(size: int, limit: int | None = None) -> None:
    """Refuse empty and oversized files before anything is parsed (callers may know the size first)."""
    if size == 0:
        raise file_error("文件为空", "The file is empty")
    limit = limit or settings.IMPORT_MAX_BYTES
    if size > limit:
        raise file_error(
            f"文件过大（{size / 1048576:.1f} MB），上限为 {limit / 1048576:.1f} MB，请拆分后分批导入",
            f"The file is too large ({size / 1048576:.1f} MB); the limit is {limit / 1048576:.1f} MB. "
            "Split it and import the parts.",
            status=413,
        )


def read_table(content: Source, filename: str, limit: int | None = None) -> Table:
    """A whole (small) table in memory."""
    stream = open_table(content, filename, limit)
    rows = tuple(stream.rows)
    if not rows:
        raise _header_only(stream.header_row)
    return Table(stream.headers, stream.header_row, rows)


def open_table(source: Source, filename: str, limit: int | None = None) -> StreamTable:
    """The header row, and an iterator over the data rows (blank rows skipped, numbers kept)."""
    file = binary_file(source)
    check_size(_size(file), limit)
    suffix = PurePath(filename or "").suffix.lower()
    magic = file.read(4)
    file.seek(0)
    if magic in _SPREADSHEET_MAGIC or suffix in SPREADSHEET_SUFFIXES:
        raw = _spreadsheet_rows(file, is_zip=magic == _SPREADSHEET_MAGIC[0])
    elif suffix in TEXT_SUFFIXES or not suffix:
        raw = _csv_rows(io.TextIOWrapper(file, encoding=_encoding(file), newline=""))
    else:
        raise file_error(f"不支持的文件类型“{suffix}”，请上传CSV或Excel（XLSX、XLS）文件",
                         f"Unsupported file type {suffix!r}; upload a CSV or Excel (XLSX, XLS) file")
    return _stream(raw)


def binary_file(source: Source) -> IO[bytes]:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | PurePath):
        return open(source, "rb")
    return source


def _size(file: IO[bytes]) -> int:
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    return size


def decode(content: bytes) -> str:
    return content.decode(_encoding(io.BytesIO(content)))


def _encoding(file: IO[bytes], block: int = 1 << 20) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, else GB18030 if it does; else refuse.

    Checked in blocks with incremental decoders, so a large file is not held in memory; a UTF-16 file
    without a BOM "decodes" into NULs and is refused too.
    """
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        file.seek(0)
        try:
            while chunk := file.read(block):
                if b"\x00" in chunk:
                    raise UnicodeDecodeError(encoding, chunk, 0, 1, "NUL")
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        finally:
            file.seek(0)
        return encoding
    raise file_error(
        "无法识别文件编码：请将CSV另存为UTF-8或GBK（GB18030）编码",
        "The file's encoding is not recognized: save the CSV as UTF-8 or GBK (GB18030)",
    )


def _csv_rows(text: IO[str]) -> Iterator[tuple[int, tuple[str, ...], frozenset[int]]]:
    first_line = text.readline()
    text.seek(0)
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    # Invisible characters are removed line by line (one call per line, not per cell: bulk intake reads
    # millions of cells); what is left to do per cell is trimming spaces.
    invisible = _INVISIBLE_RE.search
    reader = csv.reader((line.translate(_INVISIBLE) if invisible(line) else line for line in text), delimiter=delimiter)
    scientific = _SCIENTIFIC.fullmatch
    strip = str.strip
    try:
        for number, record in enumerate(reader, start=1):  # records, as a spreadsheet numbers its rows
            cells = tuple(map(strip, record))
            lossy = (frozenset(i for i, c in enumerate(cells) if ("E+" in c or "e+" in c) and scientific(c))
                     if "+" in "".join(cells) else _NO_LOSS)  # most rows hold no "+": one C-level scan
            yield number, cells, lossy
    except csv.Error as exc:
        raise file_error(f"CSV第{reader.line_num}行格式错误：{exc}",
                         f"CSV line {reader.line_num} is malformed: {exc}") from None


def _spreadsheet_rows(file: IO[bytes], is_zip: bool) -> Iterator[tuple[int, tuple[str, ...], frozenset[int]]]:
    if is_zip:
        _check_package(file)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(file)
        if not book.sheet_names:
            raise file_error("Excel文件中没有工作表", "The workbook has no sheet")
        sheet = book.get_sheet_by_index(0)
        merged = sheet.merged_cell_ranges or []
        # skip_empty_area=False keeps leading blank rows and columns, so row numbers match the sheet.
        values = sheet.iter_rows() if sheet.start in (None, (0, 0)) else iter(sheet.to_python(skip_empty_area=False))
    except python_calamine.PasswordError:
        raise file_error("Excel文件有密码保护，请取消密码后上传", "The workbook is password-protected") from None
    except (python_calamine.CalamineError, ValueError, OSError, zipfile.BadZipFile):
        raise file_error("无法读取该Excel文件（文件损坏或不是Excel格式）",
                         "The spreadsheet cannot be read (damaged or not an Excel file)") from None
    if merged:
        cells = [f"{_ref(a)}:{_ref(b)}" for a, b in merged[:5]]
        raise file_error(f"工作表含合并单元格（{'、'.join(cells)}）：请取消合并，并在每一行填写完整",
                         f"The sheet has merged cells ({', '.join(cells)}): unmerge them and fill in every row",
                         errors=[FieldError(c, "合并单元格", "merged cells") for c in cells])
    return _sheet_rows(values)


def _sheet_rows(values: Any) -> Iterator[tuple[int, tuple[str, ...], frozenset[int]]]:
    for number, record in enumerate(values, start=1):
        texts = [_cell_text(v) for v in record]
        yield number, tuple(_clean(t) for t, _ in texts), frozenset(i for i, (_, lost) in enumerate(texts) if lost)


def _ref(cell: tuple[int, int]) -> str:
    row, col = cell
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*>(?:<v>[^<]*</v>)?<f[ >]')


def _check_package(file: IO[bytes]) -> None:
    """An XLSX is a zip: refuse one that expands past the limit, and one whose first sheet has formulas."""
    try:
        with zipfile.ZipFile(file) as package:
            expanded = sum(info.file_size for info in package.infolist())
            limit = settings.IMPORT_MAX_EXPANDED_BYTES
            if expanded > limit:
                raise file_error(
                    f"Excel文件解压后过大（{expanded / 1048576:.0f} MB，上限{limit / 1048576:.0f} MB），可能已损坏或被构造",
                    f"The workbook expands to {expanded / 1048576:.0f} MB (limit {limit / 1048576:.0f} MB); "
                    "it may be damaged or crafted", status=413)
            sheets = sorted(n for n in package.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            if sheets:
                found = _formula_cells(package, sheets[0])
                if found:
                    raise file_error(
                        f"工作表含公式（{'、'.join(found)}）：平台不计算公式，请将其复制后“粘贴为数值”再上传",
                        f"The sheet has formulas ({', '.join(found)}): formulas are never evaluated; paste them "
                        "as values and upload again", errors=[FieldError(c, "公式单元格", "formula cell") for c in found])
    except zipfile.BadZipFile:
        pass  # not a zip after all: calamine reports an unreadable file
    finally:
        file.seek(0)


def _formula_cells(package: zipfile.ZipFile, name: str, limit: int = 5) -> list[str]:
    found: list[str] = []
    tail = b""
    with package.open(name) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            found += [m.group(1).decode() for m in _FORMULA_CELL.finditer(data)]
            if len(found) >= limit:
                break
            tail = data[-4096:]
    return list(dict.fromkeys(found))[:limit]


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


def _stream(raw: Iterator[tuple[int, tuple[str, ...], frozenset[int]]]) -> StreamTable:
    rows = ((n, cells, lossy) for n, cells, lossy in raw if any(cells))
    first = next(rows, None)
    if first is None:
        raise file_error("文件为空", "The file is empty")
    header_row, headers, _ = first
    return StreamTable(headers, header_row, (Row(n, cells, lossy) for n, cells, lossy in rows))


def _header_only(header_row: int) -> ServiceError:
    return file_error(f"文件只有表头（第{header_row}行），没有数据行",
                      f"The file has a header (row {header_row}) but no data rows")
