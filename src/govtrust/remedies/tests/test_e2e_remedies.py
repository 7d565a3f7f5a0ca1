"""Objections and credit repair on the portal in a real browser: a member of the public objects to a disclosed
record from the organization's page and follows it to the decision; an upheld objection takes the record off
the page and leaves a public statement; a repair application signed online ends the record's disclosure.
The credit office's steps are service calls (its console pages are tested apart)."""

import pytest
from playwright.sync_api import expect

from govtrust.remedies import objections, repairs
from govtrust.remedies.models import Case, PublicStatement

from .conftest import PDF, filing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EVIDENCE = {"name": "复议决定书.pdf", "mimeType": "application/pdf", "buffer": PDF}


@pytest.fixture(autouse=True)
def _catalogs(transactional_db, settings):
    """The shipped catalogs come from data migrations, so they are gone after another transactional test's flush.
    People take seconds to fill a form; the browser takes none, so the minimum fill time is off here."""
    from govtrust.commitments import catalog as commitments_catalog
    from govtrust.commitments.models import CommitmentKind
    from govtrust.ledger import catalog as ledger_catalog
    from govtrust.ledger.models import Category, CategoryVersion, Regime, RegimeRule
    from govtrust.publicity import catalog as publicity_catalog
    from govtrust.publicity.models import PenaltyKind, PublicityRule
    from govtrust.remedies import catalog
    from govtrust.remedies.models import RemedyRule, RepairExclusion
    from govtrust.sanctions import catalog as sanctions_catalog
    from govtrust.sanctions.models import Measure, MeasureVersion, PartyList, Scene

    ledger_catalog.load_defaults(Category, CategoryVersion, Regime, RegimeRule)
    catalog.load_defaults(RemedyRule, RepairExclusion, Category)
    commitments_catalog.load_defaults(CommitmentKind)
    sanctions_catalog.load_defaults(Scene, PartyList, Measure, MeasureVersion)
    publicity_catalog.load_defaults(PublicityRule, PenaltyKind)
    settings.COMPLAINT_PORTAL = {"min_fill_seconds": 0}


def _organization(page, live_server, world):
    page.goto(live_server.url + f"/organizations/{world.finance_a.pk}/")
    expect(page.locator("h1")).to_contain_text(world.finance_a.name)


def _record(page, record):
    return page.get_by_test_id("record").filter(has_text=record.document_number)


def _track(page, serial, code):
    page.get_by_role("link", name="异议与信用修复").first.click()
    page.get_by_test_id("track-link").click()
    page.locator("#id_serial").fill(serial)
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name="查询").last.click()


def test_object_from_the_organization_page_and_follow_it_to_the_decision(world, live_server, page, make_record,
                                                                         office_a):
    record = make_record(world.finance_a, "administrative_penalty", severity="general")
    _organization(page, live_server, world)
    _record(page, record).get_by_test_id("objection-link").click()
    expect(page.get_by_test_id("record-document")).to_have_text(record.document_number)
    page.locator("#id_name").fill("张三")
    page.locator("#id_contact").fill("打电话给我")
    page.locator("#id_grounds").fill('<img src=x onerror="window.__xss=1">该处罚决定已被复议机关撤销，记录与事实不符。')
    page.locator("#id_requested").fill("撤销该记录")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("申请内容有误")
    expect(page.locator("[data-field-errors=contact]")).to_contain_text("请填写有效的手机号")
    expect(page.locator("[data-field-errors=files]")).to_contain_text("请上传证明材料")
    page.locator("#id_contact").fill("13812345678")
    page.locator("#id_files").set_input_files([EVIDENCE])
    page.get_by_role("button", name="提交").click()
    serial = page.get_by_test_id("serial").inner_text()
    code = page.get_by_test_id("code").inner_text()
    assert serial.startswith("YY") and len(code) == 6
    expect(page.get_by_test_id("next-steps")).to_contain_text("异议中")

    c = Case.objects.get(serial=serial)
    objections.accept(office_a, c)
    _organization(page, live_server, world)
    expect(_record(page, record).get_by_test_id("record-status")).to_have_text("异议中")
    expect(_record(page, record).get_by_test_id("objection-open")).to_be_visible()

    objections.decide(office_a, c, upheld=False, reason="经核查，复议机关维持原处罚决定，记录无误。")
    _track(page, serial, "AAAAAA")
    expect(page.get_by_test_id("form-error")).to_contain_text("编号或提取码不正确")
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name="查询").last.click()
    expect(page.get_by_test_id("track-status")).to_have_text("异议不成立")
    expect(page.get_by_test_id("track-decision")).to_have_text("经核查，复议机关维持原处罚决定，记录无误。")
    expect(page.get_by_test_id("track-steps")).to_contain_text("标注异议中")
    assert page.evaluate("window.__xss") is None
    assert "张三" not in page.content() and office_a.username not in page.content()


def test_an_upheld_objection_takes_the_record_off_and_publishes_a_statement(world, live_server, page, make_record,
                                                                            office_a):
    record = make_record(world.finance_a, "administrative_penalty", severity="general")
    _organization(page, live_server, world)
    expect(_record(page, record)).to_be_visible()
    c, code = objections.file_public(filing(name="张三", contact="13812345678"), record_id=record.pk)
    objections.accept(office_a, c)
    objections.decide(office_a, c, upheld=True, outcome="revoked", reason="处罚决定已被复议机关撤销")
    statement = PublicStatement.objects.get(record=record)

    _organization(page, live_server, world)
    expect(_record(page, record)).to_have_count(0)
    expect(page.get_by_test_id("public-statements")).to_contain_text("更正说明")
    expect(page.get_by_test_id("statement")).to_contain_text(statement.text)
    _track(page, c.serial, code)
    expect(page.get_by_test_id("track-status")).to_have_text("异议成立")
    expect(page.get_by_test_id("track-outcome")).to_have_text("撤销记录")


def test_apply_for_repair_with_the_signed_commitment(world, live_server, page, make_record, office_a):
    record = make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=200)
    _organization(page, live_server, world)
    _record(page, record).get_by_test_id("repair-link").click()
    expect(page.get_by_test_id("pledge-text")).to_contain_text("信用修复承诺书")
    page.locator("#id_name").fill("李明")
    page.locator("#id_contact").fill("0871-63123456")
    page.locator("#id_grounds").fill("已于2026年8月足额缴纳罚款并完成整改，整改报告附后。")
    page.locator("#id_files").set_input_files([EVIDENCE])
    page.locator("#id_pledge_signer").fill(world.finance_a.name)
    page.get_by_role("button", name="提交").click()
    expect(page.locator("[data-field-errors=pledge]")).to_contain_text("须签署信用修复承诺书")
    page.locator("#id_files").set_input_files([EVIDENCE])  # files are chosen again after an error
    page.locator("#id_pledge").check()
    page.get_by_role("button", name="提交").click()
    serial = page.get_by_test_id("serial").inner_text()
    code = page.get_by_test_id("code").inner_text()
    assert serial.startswith("XF")

    c = Case.objects.get(serial=serial)
    assert c.pledge_signer == world.finance_a.name and "信用修复承诺书" in c.pledge
    repairs.approve(office_a, c, reason="已纠正失信行为、履行义务并作出信用承诺，准予修复。")
    _organization(page, live_server, world)
    expect(_record(page, record)).to_have_count(0)
    _track(page, serial, code)
    expect(page.get_by_test_id("track-status")).to_have_text("准予修复")
    expect(page.get_by_test_id("track-decision")).to_contain_text("准予修复")
    expect(page.get_by_test_id("track-steps")).to_contain_text("结果共享")
