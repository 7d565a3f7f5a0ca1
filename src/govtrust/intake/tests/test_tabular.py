import datetime as dt

import pytest

from govtrust.core.errors import ServiceError
from govtrust.intake.tabular import read_table

from .helpers import csv_file, xlsx_file

ROWS = [["区划代码", "名称"], ["530102", "五华区"], ["530103", "盘龙区"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_accepted_encoding_reads_the_same(encoding):
    table = read_table(csv_file(ROWS, encoding), "regions.csv")
    assert table.headers == ("区划代码", "名称")
    assert [(r.number, r.cells) for r in table.rows] == [(2, ("530102", "五华区")), (3, ("530103", "盘龙区"))]


def test_row_numbers_are_the_spreadsheets_even_with_blank_rows_and_cells_are_stripped():
    content = csv_file([[], ["区划代码", "名称"], [" 530102\u3000", "\ufeff五华区 "], ["", ""], ["530103", "盘龙区"]])
    table = read_table(content, "r.csv")
    assert table.header_row == 2
    assert [(r.number, r.cells) for r in table.rows] == [(3, ("530102", "五华区")), (5, ("530103", "盘龙区"))]


def test_quoted_newline_stays_in_one_row():
    table = read_table(csv_file([["名称", "备注"], ["甲", "第一行\n第二行"], ["乙", ""]]), "a.csv")
    assert [r.number for r in table.rows] == [2, 3]
    assert table.rows[0].cells[1] == "第一行\n第二行"


def test_tab_separated_text_is_read():
    table = read_table("区划代码\t名称\n530102\t五华区\n".encode(), "r.txt")
    assert table.rows[0].cells == ("530102", "五华区")


def test_xlsx_numbers_become_the_text_the_user_typed():
    content = xlsx_file([
        [None, None, None],
        ["区划代码", "名称", "金额"],
        [530102, "五华区", 1.5],
        [None, None, None],
        [530103.0, dt.date(2024, 5, 6), True],
    ])
    table = read_table(content, "r.xlsx")
    assert table.header_row == 2
    assert [(r.number, r.cells) for r in table.rows] == [
        (3, ("530102", "五华区", "1.5")), (5, ("530103", "2024-05-06", "TRUE"))]
    assert all(not r.lossy for r in table.rows)


def test_numbers_excel_already_rounded_are_flagged():
    xlsx = read_table(xlsx_file([["公民身份号码"], [530102199001010028]]), "p.xlsx")
    assert xlsx.rows[0].lossy == {0}
    text = read_table(csv_file([["公民身份号码", "统一社会信用代码"], ["5.30102E+17", "1253010200000004E8"]]), "p.csv")
    assert text.rows[0].lossy == {0}  # a USCC may hold digits, an E and digits: not a number


def test_a_spreadsheet_named_csv_is_still_read_as_a_spreadsheet():
    table = read_table(xlsx_file(ROWS), "regions.csv")
    assert table.rows[0].cells == ("530102", "五华区")


def _refusal(content: bytes, filename: str) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        read_table(content, filename)
    assert caught.value.code == "invalid_file"
    return caught.value


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n , \r\n"])
def test_empty_files_are_refused(content):
    err = _refusal(content, "a.csv")
    assert err.message == "文件为空" and err.message_en == "The file is empty"


def test_a_header_without_data_is_refused():
    err = _refusal(csv_file([["区划代码", "名称"]]), "a.csv")
    assert "没有数据行" in err.message and "no data rows" in err.message_en


@pytest.mark.parametrize("content", ["区划代码,名称\n530102,五华区\n".encode("utf-16"), b"name\ncaf\xe9,x\n"])
def test_undecodable_text_is_refused_not_guessed(content):
    err = _refusal(content, "a.csv")
    assert "编码" in err.message and "encoding" in err.message_en


def test_oversized_files_are_refused_with_the_limit(settings):
    settings.IMPORT_MAX_BYTES = 100
    err = _refusal(b"x" * 101, "a.csv")
    assert err.status == 413
    assert "文件过大" in err.message and "too large" in err.message_en


def test_unsupported_and_damaged_files_are_refused():
    assert "不支持的文件类型" in _refusal(b"%PDF-1.4", "a.pdf").message
    err = _refusal(b"PK\x03\x04 not really a zip", "a.xlsx")
    assert "无法读取" in err.message and "cannot be read" in err.message_en
