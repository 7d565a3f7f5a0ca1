"""The console in a real browser: login, HTMX search, scope, the purpose-bound reveal, English."""

import pytest
from playwright.sync_api import expect

from govtrust.console.tests.browser import PASSWORD
from govtrust.core import crypto
from govtrust.core.access import Role
from govtrust.testing import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(live_server.url + "/console/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[data-testid=user-menu]")).to_be_visible()


def test_credit_office_searches_organizations_live(world, live_server, page):
    factories.user(Role.CREDIT_OFFICE, world.credit_a, username="credit")
    _login(page, live_server, "credit")
    expect(page.locator("[data-testid=organization-count]")).to_have_text("3")
    page.get_by_role("link", name="单位", exact=True).first.click()
    rows = page.locator("[data-testid=organization-results] tbody tr")
    expect(rows).to_have_count(3)
    page.evaluate("window.__samePage = true")  # survives only if the results are swapped in, not reloaded
    page.locator("#q").type("财政")
    expect(rows).to_have_count(1)
    assert page.evaluate("window.__samePage") is True
    assert "q=%E8%B4%A2%E6%94%BF" in page.url  # the search is in the address bar (hx-push-url)
    rows.first.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("昆明市五华区财政局")


def test_out_of_scope_county_object_is_not_found(world, live_server, page):
    factories.user(Role.CREDIT_OFFICE, world.credit_a, username="credit")
    _login(page, live_server, "credit")
    response = page.goto(f"{live_server.url}/console/organizations/{world.finance_b.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("未找到")


def test_masked_id_and_reveal_with_a_purpose(world, live_server, page):
    factories.user(Role.DISCIPLINE, world.gov_a, username="inspector")
    _login(page, live_server, "inspector")
    page.goto(f"{live_server.url}/console/civil-servants/{world.person_a.pk}/")
    expect(page.locator("[data-testid=resident-id-masked]")).to_have_text(world.person_a.resident_id_masked)
    full = crypto.decrypt(world.person_a.resident_id_encrypted)
    assert full not in page.content()
    page.get_by_text("查看完整号码").click()
    page.locator("#purpose").fill("案件核查")
    page.get_by_role("button", name="查看", exact=True).click()
    expect(page.locator("[data-testid=resident-id-full]")).to_have_text(full)


def test_switch_to_english(world, live_server, page):
    factories.user(Role.CREDIT_OFFICE, world.credit_a, username="credit")
    _login(page, live_server, "credit")
    page.get_by_role("button", name="English").click()
    expect(page.locator(".sidenav")).to_contain_text("Organizations")
    expect(page.locator("[data-testid=user-menu]")).to_contain_text("Credit office")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
