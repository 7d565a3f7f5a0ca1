"""The evaluation pages in a real browser: the credit office evaluates a quarter, reads the ranking and
publishes it; the public reads the published ranking with its chart and a body's score history."""

import pytest
from playwright.sync_api import expect

from govtrust.console.tests.browser import PASSWORD, page  # noqa: F401  (the e2e tests' browser fixture)
from govtrust.core.access import Role
from govtrust.testing import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _defaults(transactional_db):
    """The shipped indicator system comes from a data migration: gone after a transactional test's flush."""
    from govtrust.evaluation import catalog
    from govtrust.evaluation.models import IndicatorSystem

    catalog.load_defaults(IndicatorSystem)


def test_the_office_evaluates_publishes_and_the_public_reads_the_ranking(world, live_server, page, data):  # noqa: F811
    factories.user(Role.CREDIT_OFFICE, world.city_credit, username="credit")
    page.goto(live_server.url + "/console/login/")
    page.locator("#id_username").fill("credit")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="功能导航").get_by_role("link", name="评价与排名").click()
    page.locator("#id_period").fill("2026Q2")
    page.get_by_role("button", name="评价", exact=True).click()
    expect(page.locator("[data-testid=run-facts]")).to_contain_text("待发布")
    page.get_by_role("link", name="县级人民政府").click()
    expect(page.locator("[data-testid=ranking] tbody tr").first).to_contain_text("昆明市五华区人民政府")
    page.get_by_role("button", name="发布").click()
    expect(page.locator("[data-testid=run-facts]")).to_contain_text("已发布")

    page.goto(live_server.url + "/rankings/")
    page.locator("[data-testid=published-runs] a").first.click()
    page.get_by_role("link", name="县级人民政府").click()
    row = page.locator("[data-testid=ranking] tbody tr").first
    expect(row).to_contain_text("昆明市五华区人民政府")
    row.get_by_role("link", name="昆明市五华区人民政府").click()
    expect(page.locator("[data-testid=score-history] [data-line-chart] svg")).to_be_visible()
    expect(page.locator("[data-testid=score-history] table")).to_contain_text("2026Q2")
