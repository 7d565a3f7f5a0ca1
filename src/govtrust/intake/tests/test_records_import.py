"""Bulk intake of credit records through the one pipeline: checks, subjects, periods, idempotency, batches."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from govtrust.core.access import Role
from govtrust.core.models import AuditEvent
from govtrust.intake.models import Batch
from govtrust.intake.services import ImportRejected, rejects_file, run_import
from govtrust.ledger.models import Record, Revision
from govtrust.testing import factories

TODAY = dt.date(2026, 11, 20)
ARREARS_FIELDS = [
    {"name": "amount_owed", "label": "拖欠金额", "label_en": "Amount owed", "type": "money", "required": True},
    {"name": "due_date", "label": "应付日期", "label_en": "Due date", "type": "date", "required": True},
    {"name": "paid", "label": "清偿情况", "label_en": "Paid", "type": "choice",
     "choices": [["unpaid", "未清偿"], ["paid", "已清偿"]]},
]


@pytest.fixture
def penalty(db):
    return factories.category("test_penalty", name="测试行政处罚")


@pytest.fixture
def arrears(db):
    return factories.category("test_arrears", name="测试拖欠账款", fields=ARREARS_FIELDS,
                              subject_kinds=["government", "department"])


def _import(content, principal=factories.SYSTEM, **kw):
    kw.setdefault("today", TODAY)
    return run_import(principal, dataset="records", filename=kw.pop("filename", "records.csv"), content=content,
                      reason="测试导入", **kw)


def _refused(content, **kw):
    with pytest.raises(ImportRejected) as err:
        _import(content, **kw)
    return err.value.result


def test_a_file_becomes_records_with_a_first_revision_and_periods(world, penalty):
    content = factories.records_csv([
        factories.record_row(penalty.name, world.finance_a, "五华罚〔2026〕1号", "2026-05-20", world.credit_a, 失信程度="严重"),
        factories.record_row("test_penalty", world.gov_a, "五华罚〔2026〕2号", "2025-03-01", world.credit_a),
    ])
    result = _import(content)
    assert (result.total, result.created, result.revised, result.unchanged) == (2, 2, 0, 0)
    serious = Record.objects.get(document_number="五华罚〔2026〕1号")
    assert serious.organization == world.finance_a and serious.unit == world.finance_a and serious.person is None
    assert serious.subject_key == f"o:{world.finance_a.pk}" and serious.severity == "serious"
    assert (serious.repair_from, serious.disclosure_end) == (dt.date(2027, 5, 20), dt.date(2029, 5, 20))
    assert serious.regime_rule.regime.code == "ndrc-2026-36"
    general = Record.objects.get(document_number="五华罚〔2026〕2号")
    assert general.severity == "general"  # the category's default
    assert general.regime_rule.regime.code == "ndrc-2023-58" and general.disclosure_end == dt.date(2028, 3, 1)
    revision = serious.revisions.get()
    assert (revision.number, revision.kind, revision.status) == (1, "create", "active")
    assert revision.content["facts"] == "未按期履行" and revision.batch_id == result.batch_id
    batch = Batch.objects.get(pk=result.batch_id)
    assert (batch.status, batch.created, batch.total) == ("committed", 2, 2)
    event = AuditEvent.objects.get(action="import", object_type="intake.batch")
    assert event.after["created"] == 2 and event.after["sha256"] == batch.sha256


def test_reimporting_the_same_file_changes_nothing_and_a_changed_row_is_a_new_revision(world, penalty):
    rows = [factories.record_row(penalty.name, world.finance_a, f"罚〔2026〕{i}号", source=world.credit_a)
            for i in range(3)]
    assert _import(factories.records_csv(rows)).created == 3
    again = _import(factories.records_csv(rows))
    assert (again.created, again.revised, again.unchanged) == (0, 0, 3)
    rows[1]["事实"] = "经复核，逾期支付"
    third = _import(factories.records_csv(rows))
    assert (third.created, third.revised, third.unchanged) == (0, 1, 2)
    record = Record.objects.get(document_number="罚〔2026〕1号")
    assert record.revision == 2 and record.facts == "经复核，逾期支付"
    assert list(record.revisions.values_list("number", "kind")) == [(1, "create"), (2, "reimport")]
    assert record.revisions.get(number=1).content["facts"] == "未按期履行"  # history kept
    assert Record.objects.count() == 3 and Revision.objects.count() == 4


def test_a_file_mixing_a_new_source_and_one_with_records_still_finds_the_stored_ones(world, penalty):
    """The writer skips the lookup of stored keys only for sources that had no records when the batch met them."""
    old = factories.record_row(penalty.name, world.finance_a, "罚〔2026〕1号", source=world.credit_a)
    assert _import(factories.records_csv([old])).created == 1
    new = factories.record_row(penalty.name, world.gov_a, "罚〔2026〕9号", source=world.finance_a)
    mixed = _import(factories.records_csv([old, new]))
    assert (mixed.created, mixed.unchanged) == (1, 1)
    assert Record.objects.filter(document_number="罚〔2026〕1号").count() == 1
    third = _import(factories.records_csv([old, new]))  # both sources now have records
    assert (third.created, third.unchanged) == (0, 2)


def test_category_fields_are_checked_and_stored_typed(world, arrears):
    good = factories.record_row(arrears.name, world.finance_a, source=world.credit_a, 拖欠金额="1,234,567.5元",
                                应付日期="2026年3月5日", 清偿情况="未清偿")
    _import(factories.records_csv([good]))
    assert Record.objects.get().data == {"amount_owed": "1234567.50", "due_date": "2026-03-05", "paid": "unpaid"}
    bad = factories.record_row(arrears.name, world.gov_a, source=world.credit_a, 拖欠金额="很多", 应付日期="",
                               清偿情况="部分")
    errors = {(e.field, e.row) for e in _refused(factories.records_csv([bad])).rejected[0].errors}
    assert errors == {("拖欠金额", 2), ("应付日期", 2), ("清偿情况", 2)}


def test_all_or_nothing_by_default_and_every_bad_row_reported(world, penalty):
    rows = [
        factories.record_row(penalty.name, world.finance_a, source=world.credit_a),
        factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 决定日期="2026-12-01"),
        factories.record_row("没有这个类别", world.finance_a, source=world.credit_a),
        factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 决定日期="2026-02-30"),
        factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 事实=""),
    ]
    result = _refused(factories.records_csv(rows))
    by_row = {r.row: r.errors for r in result.rejected}
    assert set(by_row) == {3, 4, 5, 6}
    assert by_row[3][0].field == "决定日期" and "future" in by_row[3][0].message_en
    assert by_row[4][0].field == "信用信息类别" and "没有这个类别" in by_row[4][0].message
    assert by_row[5][0].field == "决定日期" and "not a valid date" in by_row[5][0].message_en
    assert by_row[6][0].field == "事实"
    assert Record.objects.count() == 0 and Revision.objects.count() == 0
    batch = Batch.objects.get()
    assert batch.status == "rejected" and batch.rejected == 4 and batch.created == 0


def test_accept_valid_writes_the_good_rows_and_returns_the_bad_ones(world, penalty):
    rows = [factories.record_row(penalty.name, world.finance_a, source=world.credit_a),
            factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 失信程度="很严重")]
    result = _import(factories.records_csv(rows), accept_valid=True)
    assert (result.created, len(result.rejected)) == (1, 1) and Record.objects.count() == 1
    text = rejects_file(result, "csv").decode("utf-8-sig")
    assert "很严重" in text and "原行号" in text and "3" in text.splitlines()[1]


def test_a_name_alone_is_a_proposal_until_confirmed(world, penalty):
    row = factories.record_row(penalty.name, None, source=world.credit_a, 主体名称="昆明市五华区财政局")
    error = _refused(factories.records_csv([row])).rejected[0].errors[0]
    assert error.field == "统一社会信用代码" and world.finance_a.uscc in error.message and "confirm" in error.message_en
    assert _import(factories.records_csv([row]), match_names=True).created == 1
    assert Record.objects.get().organization == world.finance_a


def test_subject_errors_name_the_column(world, penalty):
    rows = [
        factories.record_row(penalty.name, None, source=world.credit_a, 统一社会信用代码="91530102MA6K0Q8R3X"),
        factories.record_row(penalty.name, None, source=world.credit_a, 统一社会信用代码=factories.uscc("11", "530102")),
        factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 主体名称="别的单位"),
        factories.record_row(penalty.name, None, source=world.credit_a, 主体名称="不存在的单位"),
    ]
    errors = {r.row: (r.errors[0].field, r.errors[0].message_en) for r in _refused(factories.records_csv(rows)).rejected}
    assert errors[2][0] == "统一社会信用代码" and "check" in errors[2][1]
    assert errors[3][0] == "统一社会信用代码" and "register it first" in errors[3][1]
    assert errors[4][0] == "主体名称" and "does not match" in errors[4][1]
    assert errors[5][0] == "统一社会信用代码" and "no organization named" in errors[5][1]


def test_civil_servants_are_found_by_resident_id(world, penalty):
    from govtrust.core import crypto

    number = crypto.decrypt(world.person_a.resident_id_encrypted)
    row = factories.record_row(penalty.name, None, source=world.credit_a, 公民身份号码=number, 主体名称="李四")
    _import(factories.records_csv([row]))
    record = Record.objects.get()
    assert (record.person, record.unit, record.subject_key) == (world.person_a, world.finance_a, f"p:{world.person_a.pk}")
    assert number not in str(record.revisions.get().content)  # the revision keeps no resident ID


def test_category_subject_kinds_are_enforced(world, arrears):
    from govtrust.core import crypto

    row = factories.record_row(arrears.name, None, source=world.credit_a, 拖欠金额="1", 应付日期="2026-01-01",
                               公民身份号码=crypto.decrypt(world.person_a.resident_id_encrypted))
    error = _refused(factories.records_csv([row])).rejected[0].errors[0]
    assert error.field == "主体名称" and "does not apply" in error.message_en


def test_duplicates_inside_a_file_are_refused(world, penalty):
    row = factories.record_row(penalty.name, world.finance_a, "重罚〔2026〕1号", source=world.credit_a)
    result = _refused(factories.records_csv([row, dict(row)]))
    assert [(r.row, r.errors[0].field) for r in result.rejected] == [(3, "决定文书号")]
    assert "duplicates row 2" in result.rejected[0].errors[0].message_en


def test_a_department_submits_as_itself_within_its_region(world, penalty):
    clerk = factories.user(Role.DEPARTMENT, world.finance_a)
    ok = factories.record_row(penalty.name, world.gov_a)
    assert _import(factories.records_csv([ok]), principal=clerk).created == 1
    assert Record.objects.get().source == world.finance_a
    other_county = factories.record_row(penalty.name, world.finance_b)
    as_other = factories.record_row(penalty.name, world.gov_a, source=world.credit_a)
    errors = {r.row: r.errors[0] for r in _refused(factories.records_csv([other_county, as_other]),
                                                   principal=clerk).rejected}
    assert "outside the submitting organization's region" in errors[2].message_en
    assert errors[3].field == "报送单位统一社会信用代码" and "your own organization" in errors[3].message_en


def test_without_a_source_the_command_line_is_told_to_give_one(world, penalty):
    row = factories.record_row(penalty.name, world.finance_a)
    error = _refused(factories.records_csv([row])).rejected[0].errors[0]
    assert error.field == "报送单位统一社会信用代码" and "required for command-line" in error.message_en


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_encodings(world, penalty, encoding):
    content = factories.records_csv([factories.record_row(penalty.name, world.finance_a, source=world.credit_a)],
                                    encoding=encoding)
    assert _import(content).created == 1


def test_formula_like_cells_are_stored_as_text_and_escaped_in_exports(world, penalty):
    rows = [factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 事实="=HYPERLINK(\"http://x\")"),
            factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 事实="@SUM(A1)",
                                 决定日期="明天")]
    result = _import(factories.records_csv(rows), accept_valid=True)
    assert Record.objects.get().facts == "=HYPERLINK(\"http://x\")"
    exported = rejects_file(result, "csv").decode("utf-8-sig")
    assert "'@SUM(A1)" in exported and ",@SUM" not in exported


def test_missing_headers_are_named(world, penalty):
    content = "信用信息类别,统一社会信用代码\n测试行政处罚,X\n".encode()
    with pytest.raises(Exception) as err:
        _import(content)
    fields = {e.field for e in err.value.errors}
    assert {"决定文书号", "决定机关", "决定日期", "事实"} <= fields
    assert Batch.objects.count() == 0  # refused before a batch was opened


def _xlsx(rows, formula_at=None, merge=None):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if formula_at:
        sheet[formula_at] = "=1+1"
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_rows(world, penalty):
    row = factories.record_row(penalty.name, world.finance_a, source=world.credit_a)
    return [factories.RECORD_HEADERS, [row[h] for h in factories.RECORD_HEADERS]]


def test_xlsx_imports_and_formulas_and_merged_cells_are_refused_with_the_cells_named(world, penalty):
    rows = _xlsx_rows(world, penalty)
    assert _import(_xlsx(rows), filename="r.xlsx").created == 1
    with pytest.raises(Exception) as formula:
        _import(_xlsx(rows, formula_at="I2"), filename="r.xlsx")
    assert "I2" in formula.value.message and "formula" in formula.value.message_en
    with pytest.raises(Exception) as merged:
        _import(_xlsx(rows, merge="A2:A3"), filename="r.xlsx")
    assert "A2:A3" in merged.value.message and "merged" in merged.value.message_en


def test_an_xlsx_that_expands_too_far_is_refused_before_reading(world, penalty, settings):
    settings.IMPORT_MAX_EXPANDED_BYTES = 200_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", "<x/>" + " " * 1_000_000)
    with pytest.raises(Exception) as err:
        _import(out.getvalue(), filename="bomb.xlsx")
    assert err.value.status == 413 and "expands" in err.value.message_en


def test_an_oversized_file_is_refused_with_its_size(world, penalty, settings, tmp_path):
    settings.IMPORT_MAX_BYTES = 1024
    big = tmp_path / "big.csv"
    big.write_bytes(factories.records_csv([factories.record_row(penalty.name, world.finance_a, source=world.credit_a)]
                                          * 30))
    with pytest.raises(Exception) as err:
        _import(big)
    assert err.value.status == 413 and "too large" in err.value.message_en
    assert Batch.objects.count() == 0


def test_a_row_longer_than_the_header_is_refused(world, penalty):
    content = factories.records_csv([factories.record_row(penalty.name, world.finance_a, source=world.credit_a)])
    lines = content.decode("utf-8-sig").splitlines()
    shifted = "\n".join([lines[0], lines[1] + ",多出来的"]).encode()
    error = _refused(shifted).rejected[0].errors[0]
    assert error.field == "第12列" and "more cells" in error.message_en


def test_the_parallel_reader_gives_the_same_answers(world, penalty, settings):
    """Large files are checked in a forked reader process: same counts, same refusals, same records."""
    settings.IMPORT_PARALLEL_MIN_BYTES = 0
    rows = [factories.record_row(penalty.name, world.finance_a, f"并行〔2026〕{i}号", source=world.credit_a)
            for i in range(4500)]  # three chunks
    rows[4200]["决定日期"] = "2099-01-01"
    refused = _refused(factories.records_csv(rows))
    assert [(r.row, r.errors[0].field) for r in refused.rejected] == [(4202, "决定日期")] and refused.total == 4500
    assert Record.objects.count() == 0
    result = _import(factories.records_csv(rows), accept_valid=True)
    assert (result.total, result.created, len(result.rejected)) == (4500, 4499, 1)
    assert Record.objects.count() == 4499 and Revision.objects.count() == 4499
    broken = factories.records_csv(rows[:3000]) + ("x," * 5 + "y" * 200_000 + "\n").encode()  # over csv's cell limit
    with pytest.raises(Exception) as err:
        _import(broken)
    assert "CSV line 3002 is malformed" in err.value.message_en  # raised in the reader, reported by the writer
    assert Record.objects.count() == 4499
