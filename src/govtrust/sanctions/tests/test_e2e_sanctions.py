"""The sanctions pages in a real browser: the public measures list, and a credit-office user's manual check."""

import pytest
from playwright.sync_api import expect

from govtrust.console.tests.browser import PASSWORD, page  # noqa: F401  (the e2e tests' browser fixture)
from govtrust.core.access import Role
from govtrust.testing import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_lists")]


def test_the_portal_shows_the_measures_list(world, live_server, page):  # noqa: F811
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="奖惩措施").click()
    expect(page.locator("h1")).to_have_text("联合奖惩措施清单")
    expect(page.locator("[data-testid=measures-sanction] tr[data-code=S-GOV-HONOURS]")).to_contain_text(
        "取消参加各类荣誉评选资格")
    expect(page.locator("[data-testid=measures-incentive] tr[data-code=I-GOV-HONOURS]")).to_be_visible()


def test_a_credit_office_user_runs_a_manual_check(world, live_server, page, make_record):  # noqa: F811
    record = make_record(world.finance_a)
    factories.user(Role.CREDIT_OFFICE, world.credit_a, username="credit")
    page.goto(live_server.url + "/console/login/")
    page.locator("#id_username").fill("credit")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="功能导航").get_by_role("link", name="信用比对").click()
    page.locator("#id_party").fill(world.finance_a.uscc)
    page.locator("#id_scene").select_option(label="荣誉评选")
    page.get_by_role("button", name="比对", exact=True).click()
    expect(page.locator("h1 + [data-testid=decision]")).to_have_text("拦截")
    expect(page.locator("[data-testid=subject-name]")).to_have_text("昆明市五华区财政局")
    expect(page.locator("[data-testid=measures] tr[data-code=S-GOV-HONOURS]")).to_be_visible()
    expect(page.locator("[data-testid=records]")).to_contain_text(record.document_number)
