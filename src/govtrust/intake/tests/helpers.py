"""Building import files in tests: CSV in a chosen encoding, XLSX through openpyxl, and reading them back."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl

ORG_HEADERS = ["单位名称", "统一社会信用代码", "单位类别", "所属区划代码", "上级单位统一社会信用代码", "上级单位名称", "曾用名"]
PERSON_HEADERS = ["姓名", "公民身份号码", "所在单位统一社会信用代码", "所在单位名称", "职务", "职级", "状态"]


def csv_file(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_file(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_xlsx(content: bytes, sheet: int = 0) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(r) for r in book.worksheets[sheet].iter_rows(values_only=True)]


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "CSV for Excel must carry a UTF-8 BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def run_import_command(*args):
    """`govtrust import …` in process: (exit status, standard output, standard error with the error)."""
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()
