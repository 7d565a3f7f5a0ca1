"""Writing tables for people to open in Excel: import templates and rejects files.

CSV is written as UTF-8 with a BOM, which is how Excel on Windows recognizes UTF-8 instead of garbling
the Chinese. In XLSX every value is written as a string, and identifier columns are formatted as text,
so that what the user types there later stays text (Excel keeps 15 significant digits; a resident ID
has 18, and a division code typed as a number becomes 530102.0 on the way back).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

TEXT_FORMAT = "@"


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[str]]
    text_columns: set[int] = field(default_factory=set)  # indexes formatted as text
    required: set[int] = field(default_factory=set)  # headers shown in red
    choices: dict[int, list[str]] = field(default_factory=dict)  # dropdown lists
    wrap_columns: set[int] = field(default_factory=set)


# A cell starting with one of these is a formula to Excel and LibreOffice ("CSV injection"): exports write
# it with a leading apostrophe, which the spreadsheet shows as text and never evaluates.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: str) -> str:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_bytes(headers: list[str], rows: list[list[str]], escape: bool = True) -> bytes:
    """CSV for people (UTF-8 with BOM, formula-like cells escaped); `escape=False` for machine hand-over."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([[escape_cell(c) for c in row] for row in rows] if escape else rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        _write_sheet(book.create_sheet(spec.title), spec)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(ws: Any, spec: Sheet) -> None:
    ws.append(spec.headers)
    for row in spec.rows:
        ws.append(row)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # the user's text, never a formula
    for i, header in enumerate(spec.headers):
        letter = get_column_letter(i + 1)
        ws[f"{letter}1"].font = Font(bold=True, color="C00000" if i in spec.required else None)
        values = [header, *(row[i] for row in spec.rows if i < len(row))]
        ws.column_dimensions[letter].width = min(60, max(_display_width(v) for v in values) + 4)
        if i in spec.text_columns:
            ws.column_dimensions[letter].number_format = TEXT_FORMAT  # cells the user adds later
            for (cell,) in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                cell.number_format = TEXT_FORMAT
        if i in spec.wrap_columns:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        if i in spec.choices:
            validation = DataValidation(type="list", formula1='"' + ",".join(spec.choices[i]) + '"', allow_blank=True)
            validation.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(validation)
    ws.freeze_panes = "A2"


def _display_width(text: str) -> int:
    line = max(str(text).split("\n"), key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
