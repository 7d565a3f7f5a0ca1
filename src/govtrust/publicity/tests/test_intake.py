"""Intake of penalty and licence decisions: the 7-working-day rule, the consistency rules, idempotence, the ledger."""

import datetime as dt

import pytest
from django.utils import timezone

from govtrust.core import crypto
from govtrust.core.access import SYSTEM
from govtrust.core.errors import ServiceError
from govtrust.intake.services import ImportRejected
from govtrust.ledger.models import Record, RecordStatus
from govtrust.publicity import services
from govtrust.publicity.importer import Timeliness
from govtrust.publicity.models import Decision, Status
from govtrust.testing import factories

from .helpers import licence_row, load, penalty_row, to_csv

pytestmark = pytest.mark.django_db


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T10:00"))


@pytest.mark.parametrize(("decided", "deadline"), [
    ("2026-02-09", "2026-02-25"),  # Mon: Feb 10-13, Sat 14 (adjusted), festival Feb 15-23, then 24, 25
    ("2026-02-13", "2026-03-02"),  # Fri: Sat 14, 24, 25, 26, 27, Sat 28 (adjusted), Mar 2
    ("2026-02-16", "2026-03-03"),  # a festival day: counting starts on Feb 24 (24-28, Mar 2, Mar 3)
    ("2026-09-25", "2026-10-12"),  # 中秋 Sep 25: 28, 29, 30, National Day Oct 1-7, then 8, 9, Sat 10, 12
    ("2026-09-18", "2026-09-29"),  # Fri: Sun Sep 20 (adjusted) counts: 20, 21, 22, 23, 24, 28, 29
    ("2026-10-09", "2026-10-19"),  # Fri: Sat Oct 10 (adjusted), 12-16, 19
])
def test_deadline_is_the_seventh_working_day_after_the_decision(decided, deadline):
    day = dt.date.fromisoformat(decided)
    _, due, _, _ = Timeliness()(day, day)
    assert due == dt.date.fromisoformat(deadline)


@pytest.mark.parametrize(("published", "on_time", "late"), [
    ("2026-10-19", True, 0), ("2026-10-18", True, 0), ("2026-10-20", False, 1), ("2026-10-23", False, 4),
])
def test_on_time_or_late_by_working_days(world, published, on_time, late):
    load("penalties", [penalty_row(world, 处罚决定日期="2026-10-09")], now=at(published))
    d = Decision.objects.get()
    assert (d.deadline, d.on_time, d.days_late) == (dt.date(2026, 10, 19), on_time, late)


def test_a_penalty_is_published_with_its_quality_flags(world):
    row = penalty_row(world, 违法事实="", 法定代表人="")
    load("penalties", [row], now=at("2026-10-12"))
    d = Decision.objects.get()
    assert d.status == Status.PUBLISHED and d.penalty_kinds == ["fine"] and str(d.fine_amount) == "2.000000"
    assert d.complete is False and d.missing == ["违法事实", "法定代表人"]
    assert d.disclosure_end == dt.date(2027, 10, 9)  # the 2026 regime's maximum for a general penalty


def _refused(dataset, rows, **kw):
    with pytest.raises(ServiceError) as exc:
        load(dataset, rows, now=at("2026-10-21"), **kw)
    assert Decision.objects.count() == 0 and Record.objects.count() == 0
    return exc.value


@pytest.mark.parametrize(("cells", "column", "text"), [
    ({"行政相对人类别": "自然人", "证件类型": "身份证", "证件号码": factories.resident_id()}, "统一社会信用代码", "不应填写统一社会信用代码"),
    ({"行政相对人类别": "自然人", "统一社会信用代码": ""}, "证件号码", "必须填写证件号码"),
    ({"统一社会信用代码": ""}, "统一社会信用代码", "必须填写统一社会信用代码"),
    ({"统一社会信用代码": "91530102MA6K00000X"}, "统一社会信用代码", ""),
    ({"统一社会信用代码": factories.uscc("92", "530102")}, "行政相对人类别", "个体工商户"),
    ({"行政相对人类别": "个体工商户", "统一社会信用代码": ""}, "统一社会信用代码", "工商注册号"),
    ({"处罚机关统一社会信用代码": factories.uscc("11", "530102")}, "处罚机关统一社会信用代码", "不在主体库中"),
    ({"数据来源单位统一社会信用代码": factories.uscc("11", "530102")}, "数据来源单位统一社会信用代码", "不在主体库中"),
    ({"处罚决定日期": "2026-10-22"}, "处罚决定日期", "晚于公示日期"),
    ({"罚款金额（万元）": "20000000"}, "罚款金额（万元）", "疑似按元填写"),
    ({"罚款金额（万元）": "20000元"}, "罚款金额（万元）", "万元为单位"),
    ({"处罚类别": "罚款、训诫"}, "处罚类别", "第九条"),
    ({"行政相对人类别": "自然人", "统一社会信用代码": "", "证件类型": "身份证", "证件号码": "530102199001011230"}, "证件号码", "校验码"),
])
def test_bad_rows_are_refused_naming_row_and_column(world, cells, column, text):
    err = _refused("penalties", [penalty_row(world), penalty_row(world, **cells)])
    assert isinstance(err, ImportRejected)
    assert [(e.row, e.field) for e in err.errors] == [(3, column)]
    assert text in err.errors[0].message and err.errors[0].message_en


def test_a_licence_file_sent_as_penalties_is_refused_as_a_file(world):
    err = _refused("penalties", [licence_row(world)])
    assert err.code == "invalid_file" and "行政许可" in err.message and "licences" in err.message


def test_accept_valid_writes_the_good_rows(world):
    result = load("penalties", [penalty_row(world), penalty_row(world, 处罚决定日期="2099-01-01")], now=at("2026-10-21"),
                  accept_valid=True)
    assert (result.created, len(result.rejected), Decision.objects.count()) == (1, 1, 1)


def test_reimport_is_idempotent_and_changes_update(world):
    rows = [penalty_row(world), licence_row(world)]
    penalty = rows[:1]
    first = load("penalties", penalty, now=at("2026-10-12"))
    again = load("penalties", penalty, now=at("2026-10-30"))
    assert (first.created, again.created, again.unchanged) == (1, 0, 1)
    changed = load("penalties", [dict(penalty[0], 处罚内容="警告并罚款2万元")], now=at("2026-10-30"))
    d = Decision.objects.get()
    assert changed.revised == 1 and d.penalty_content == "警告并罚款2万元"
    assert d.on_time is True  # measured from the first publication, not the re-send
    licence = load("licences", rows[1:], now=at("2026-10-12"))
    assert licence.created == 1 and Decision.objects.count() == 2


def test_old_2016_headers_are_mapped(world):
    row = penalty_row(world)
    old = {{"违法行为类型": "处罚名称", "违法事实": "处罚事由", "处罚类别": "处罚类别1", "处罚内容": "处罚结果"}.get(k, k): v
           for k, v in row.items()}
    old |= {"处罚类别2": "警告", "地方编码": "530102", "数据更新时间戳": "2026-10-10 09:00:00"}
    result = load("penalties", [old], now=at("2026-10-12"))
    d = Decision.objects.get()
    assert result.warnings == [] and d.penalty_kinds == ["fine", "warning"] and d.facts.startswith("经查")
    assert d.accurate is True


def test_natural_person_id_is_encrypted_and_masked(world):
    number = factories.resident_id("530102")
    load("penalties", [penalty_row(world, 行政相对人名称="张某", 行政相对人类别="自然人", 统一社会信用代码="", 法定代表人="",
                                   证件类型="身份证", 证件号码=number)], now=at("2026-10-12"))
    d = Decision.objects.get()
    assert crypto.decrypt(d.id_encrypted) == number and d.id_masked == number[:6] + "********" + number[-4:]
    assert number not in repr(Decision.objects.values().get())


def test_penalty_against_a_public_body_becomes_a_ledger_record_and_withdrawal_revokes_it(world):
    row = penalty_row(world, 行政相对人名称=world.finance_b.name, 统一社会信用代码=world.finance_b.uscc, 处罚类别="警告")
    load("penalties", [row, penalty_row(world)], now=at("2026-10-12"))
    gov = Decision.objects.get(uscc=world.finance_b.uscc)
    record = Record.objects.get()
    assert gov.ledger_record_id == record.pk and record.subject_key == f"o:{world.finance_b.pk}"
    assert record.category.code == "administrative_penalty" and record.severity == "minor"
    assert Decision.objects.exclude(pk=gov.pk).get().ledger_record_id is None
    with pytest.raises(ServiceError):
        services.withdraw(SYSTEM, gov, note="")
    services.withdraw(SYSTEM, gov, note="原处罚决定已被依法撤销")
    gov.refresh_from_db()
    record.refresh_from_db()
    assert gov.status == Status.WITHDRAWN and gov.withdrawn_note == "原处罚决定已被依法撤销"
    assert record.status == RecordStatus.REVOKED and record.revisions.last().kind == "revoke"


def test_unregistered_government_counterparty_is_an_accuracy_issue(world):
    load("penalties", [penalty_row(world, 行政相对人名称="某未登记机关", 统一社会信用代码=factories.uscc("11", "530102"))],
         now=at("2026-10-12"))
    d = Decision.objects.get()
    assert d.accurate is False and "未在主体库登记" in d.issues[0] and Record.objects.count() == 0


def test_gbk_file_through_the_cli(world, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "penalties.csv"
    path.write_bytes(to_csv([penalty_row(world)], encoding="gbk"))
    call_command("import", str(path), "--dataset", "penalties")
    assert Decision.objects.count() == 1


def test_templates_have_the_national_headers():
    from io import BytesIO

    from openpyxl import load_workbook

    from govtrust.intake.services import template_file

    sheet = load_workbook(BytesIO(template_file("penalties", "xlsx"))).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["行政相对人名称", "行政相对人类别", "统一社会信用代码"] and "罚款金额（万元）" in headers
    assert "许可类别" in template_file("licences", "csv").decode("utf-8-sig")


def test_demo_decisions_are_idempotent_and_mixed(world):
    from govtrust.publicity.demo import load_decisions

    created = load_decisions(520, today=dt.date(2026, 11, 30))
    assert created > 400 and load_decisions(520, today=dt.date(2026, 11, 30)) == 0
    flags = set(Decision.objects.values_list("on_time", "complete").distinct())
    assert {(True, True), (False, True)} <= flags and any(not complete for _, complete in flags)
    assert Decision.objects.filter(status=Status.WITHDRAWN).count() == 5
