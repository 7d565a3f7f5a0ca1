"""The portal in a real browser: from the home page, search an organization and open it."""

import pytest
from playwright.sync_api import expect

from govtrust.core import crypto

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_search_detail(world, live_server, page):
    page.goto(live_server.url + "/")
    expect(page.locator("[data-testid=organization-figure]")).to_have_text("7")
    page.locator("#q").fill("五华区财政")
    page.get_by_role("button", name="查询").first.click()
    results = page.locator("[data-testid=portal-results] li")
    expect(results).to_have_count(1)
    page.get_by_role("link", name="昆明市五华区财政局").click()
    expect(page.locator("h1")).to_contain_text("昆明市五华区财政局")
    expect(page.locator("[data-testid=uscc]")).to_have_text(world.finance_a.uscc)
    html = page.content()
    assert "李四" not in html and crypto.decrypt(world.person_a.resident_id_encrypted) not in html


def test_portal_in_english(world, live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name="Search subjects")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
