"""The public organization page lists the organization's ledger records that are disclosed today: its own
(never its civil servants'), of public scope, live, within their disclosure period."""

import datetime as dt

import pytest
from django.test import Client

from govtrust.core import crypto
from govtrust.intake.services import run_import
from govtrust.ledger import services
from govtrust.ledger.models import Record
from govtrust.portal import queries
from govtrust.testing import factories


@pytest.fixture
def penalty(db):
    return factories.category("portal_penalty", name="测试行政处罚")


@pytest.fixture
def shared_category(db):
    return factories.category("portal_shared", name="测试政务共享类", disclosure_scope="shared")


@pytest.fixture
def make_record(world, penalty):
    """`make_record(document, subject=world.finance_a, category=penalty, **cells)` → one record, imported."""

    def make(document, subject=None, category=None, **cells):
        row = factories.record_row((category or penalty).name, subject or world.finance_a, document,
                                   source=world.credit_a, **cells)
        result = run_import(factories.SYSTEM, dataset="records", filename="r.csv",
                            content=factories.records_csv([row]), reason="测试")
        return Record.objects.get(batch_id=result.batch_id)

    return make


def _page(world):
    res = Client().get(f"/organizations/{world.finance_a.pk}/")
    assert res.status_code == 200
    return res


def _shown(res):
    return {r.document_number for r in res.context["page"]}


def test_a_public_active_record_shows_with_its_fields(world, make_record):
    record = make_record("公示罚〔2026〕1号", 失信程度="严重", 事实="未按期履行政府采购合同付款义务")
    res = _page(world)
    assert _shown(res) == {"公示罚〔2026〕1号"}
    html = res.content.decode()
    for text in ("测试行政处罚", "严重", "公示罚〔2026〕1号", record.authority, "2026-05-20",
                 "未按期履行政府采购合同付款义务", record.disclosure_end.isoformat()):
        assert text in html, text
    assert 'data-testid="record-status"' not in html  # an active record carries no status badge


def test_disputed_and_corrected_records_show_their_badge(world, make_record):
    disputed = make_record("公示罚〔2026〕2号")
    corrected = make_record("公示罚〔2026〕3号")
    services.change_status(factories.SYSTEM, disputed, "dispute", reason="主体提出异议")
    services.correct(factories.SYSTEM, corrected, reason="更正事实", facts="更正后的事实")
    res = _page(world)
    assert _shown(res) == {"公示罚〔2026〕2号", "公示罚〔2026〕3号"}
    html = res.content.decode()
    assert html.count('data-testid="record-status"') == 2
    assert "异议中" in html and "已更正" in html and "更正后的事实" in html


@pytest.mark.parametrize("kind", ["repair", "revoke", "expire"])
def test_records_that_left_disclosure_do_not_show(world, make_record, kind):
    gone = make_record("公示罚〔2026〕4号")
    make_record("公示罚〔2026〕5号")
    services.change_status(factories.SYSTEM, gone, kind, reason="测试")
    assert _shown(_page(world)) == {"公示罚〔2026〕5号"}
    assert "公示罚〔2026〕4号" not in _page(world).content.decode()


def test_shared_scope_records_do_not_show(world, make_record, shared_category):
    make_record("共享〔2026〕1号", category=shared_category)
    res = _page(world)
    assert _shown(res) == set() and "共享〔2026〕1号" not in res.content.decode()
    assert "该单位目前没有公示中的信用记录" in res.content.decode()


def test_civil_servants_records_never_show_on_their_units_page(world, make_record):
    full_id = crypto.decrypt(world.person_a.resident_id_encrypted)
    record = make_record("个人〔2026〕1号", subject=None, 主体名称="李四", 统一社会信用代码="", 公民身份号码=full_id)
    assert record.person_id == world.person_a.pk and record.unit_id == world.finance_a.pk
    html = _page(world).content.decode()
    assert "个人〔2026〕1号" not in html and "李四" not in html
    assert not queries.public_records(world.finance_a).exists()


def test_other_organizations_records_do_not_show(world, make_record):
    make_record("他单位〔2026〕1号", subject=world.gov_a)  # the parent government: its own page only
    assert _shown(_page(world)) == set()
    assert _shown(Client().get(f"/organizations/{world.gov_a.pk}/")) == {"他单位〔2026〕1号"}


def test_the_disclosure_period_bounds_the_listing(world, make_record):
    record = make_record("期间〔2026〕1号")  # decided 2026-05-20, general: disclosed until 2027-05-20
    start, end = record.disclosure_start, record.disclosure_end

    def docs(day):
        return {r.document_number for r in queries.public_records(world.finance_a, today=day)}

    assert docs(start - dt.timedelta(days=1)) == set()  # not started yet
    assert docs(start) == {"期间〔2026〕1号"}
    assert docs(end - dt.timedelta(days=1)) == {"期间〔2026〕1号"}
    assert docs(end) == set()  # the end day is the expiry job's: no longer disclosed
    assert docs(end + dt.timedelta(days=30)) == set()


def test_a_record_past_its_end_not_yet_expired_does_not_show(world, make_record):
    old = make_record("过期〔2019〕1号", 决定日期="2019-07-01")  # 2019 regime, general: until 2020-07-01
    assert old.status == "active" and old.disclosure_end == dt.date(2020, 7, 1)
    assert _shown(_page(world)) == set()
