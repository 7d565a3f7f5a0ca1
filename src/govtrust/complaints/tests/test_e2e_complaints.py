"""Complaints in a real browser: file anonymously on the portal, get the serial and code, track the case, and
see the reply once the case was handled (the identity never shows; script in the text stays text); in the
console, the credit office adds a routing entry, accepts and assigns by it, and the bureau replies."""

import pytest
from playwright.sync_api import expect

from govtrust.complaints import intake, services
from govtrust.complaints.models import Complaint
from govtrust.console.tests.browser import PASSWORD
from govtrust.core.access import SYSTEM
from govtrust.testing import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _catalogs(transactional_db):
    """The shipped catalogs come from data migrations, so they are gone after another transactional test's flush."""
    from govtrust.complaints.catalog import load_defaults
    from govtrust.complaints.models import ComplaintCategory, DeadlineRule, NotAcceptedMatter
    from govtrust.ledger import catalog as ledger_catalog
    from govtrust.ledger.models import Category, CategoryVersion, Regime, RegimeRule

    ledger_catalog.load_defaults(Category, CategoryVersion, Regime, RegimeRule)
    load_defaults(ComplaintCategory, DeadlineRule, NotAcceptedMatter)


def test_file_anonymously_and_track(world, live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="投诉举报").first.click()
    page.get_by_test_id("file-link").click()
    page.locator("#id_category").select_option("arrears")
    page.locator("#id_body").fill("查无此局")
    page.locator("#id_facts").fill('<img src=x onerror="window.__xss=1">验收合格后半年未付货款')
    page.locator("#id_anonymous").check()
    page.get_by_role("button", name="提交").click()
    expect(page.locator("[data-field-errors=body]")).to_contain_text("未找到被投诉单位")
    page.locator("#id_body").fill(world.finance_a.name)
    page.get_by_role("button", name="提交").click()
    serial = page.get_by_test_id("serial").inner_text()
    code = page.get_by_test_id("code").inner_text()
    assert serial.startswith("TS") and len(code) == 6

    page.get_by_role("link", name="查询办理进度").click()
    page.locator("#id_serial").fill(serial)
    page.locator("#id_code").fill("AAAAAA")
    page.get_by_role("button", name="查询").last.click()
    expect(page.locator("[data-testid=form-error]")).to_contain_text("编号或提取码不正确")
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name="查询").last.click()
    expect(page.get_by_test_id("track-status")).to_have_text("待受理")

    c = Complaint.objects.get(serial=serial)
    services.accept(SYSTEM, c)
    services.assign(SYSTEM, c)
    services.reply(SYSTEM, c, text="经核查属实，货款已于本周支付。", finding="substantiated")
    page.get_by_role("button", name="查询").last.click()
    expect(page.get_by_test_id("track-reply")).to_have_text("经核查属实，货款已于本周支付。")
    expect(page.get_by_test_id("track-steps")).to_contain_text("派单")
    assert page.evaluate("window.__xss") is None
    assert world.finance_a.name in Complaint.objects.get(pk=c.pk).body.name


def _login(page, live_server, username):
    page.goto(live_server.url + "/console/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[data-testid=user-menu]")).to_be_visible()


def test_console_assigns_through_the_routing_table_and_the_bureau_replies(world, live_server, page):
    office, bureau = factories.user("credit_office", world.credit_a), factories.user("department", world.finance_a)
    c, _code = intake.file_public(intake.Filing(category="arrears", body=world.gov_a.name, facts="拖欠工程款",
                                                anonymous=True))
    _login(page, live_server, office.username)
    page.locator(".sidenav").get_by_role("link", name="投诉举报", exact=True).click()
    page.get_by_role("link", name="派单规则与时限").click()
    page.locator("#route_category").select_option("arrears")
    page.locator("#route_region").fill("530102")
    page.locator("#route_organization").select_option(str(world.finance_a.pk))
    page.locator("#route_valid_from").fill("2026-01-01")
    page.locator("#route_note").fill("五华区拖欠账款由区财政局承办")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("routing")).to_contain_text("五华区拖欠账款由区财政局承办")

    page.locator(".sidenav").get_by_role("link", name="投诉举报", exact=True).click()
    page.get_by_role("link", name=c.serial).click()
    page.get_by_test_id("accept-form").get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("complaint-status")).to_have_text("已受理待派单")
    expect(page.get_by_test_id("route-suggestion")).to_contain_text(world.finance_a.name)
    page.get_by_test_id("assign-form").get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("assignee")).to_contain_text(world.finance_a.name)

    page.get_by_role("button", name="退出").click()
    _login(page, live_server, bureau.username)
    page.locator(".sidenav").get_by_role("link", name="投诉举报", exact=True).click()
    page.get_by_role("link", name=c.serial).click()
    page.locator("#reply_reply").fill("经核查部分属实，已拨付工程款。")
    page.locator("#reply_finding").select_option("partly")
    page.get_by_test_id("reply-form").get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("complaint-status")).to_have_text("已答复待办结")
