"""The public 双公示 listing in a real browser: search by name, filter by kind, open a decision, see masking."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from govtrust.core.access import SYSTEM
from govtrust.publicity import services
from govtrust.publicity.models import Decision
from govtrust.testing import factories

from .helpers import licence_row, load, penalty_row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _catalogs(transactional_db):
    """The shipped catalogs come from data migrations, so they are gone after another transactional test's flush."""
    from govtrust.ledger import catalog as ledger_catalog
    from govtrust.ledger.models import Category, CategoryVersion, Regime, RegimeRule
    from govtrust.publicity.catalog import load_defaults
    from govtrust.publicity.models import PenaltyKind, PublicityRule

    ledger_catalog.load_defaults(Category, CategoryVersion, Regime, RegimeRule)
    load_defaults(PublicityRule, PenaltyKind)


def test_search_and_open_a_decision(world, live_server, page):
    number = factories.resident_id("530102")
    now = timezone.make_aware(dt.datetime(2026, 10, 21, 10, 0))
    load("penalties", [penalty_row(world, 行政相对人名称="五华某商贸公司"),
                       penalty_row(world, 行政相对人名称="张某", 行政相对人类别="自然人", 统一社会信用代码="", 法定代表人="",
                                   证件类型="身份证", 证件号码=number)], now=now)
    load("licences", [licence_row(world)], now=now)
    services.withdraw(SYSTEM, Decision.objects.get(counterparty_name="五华某商贸公司"), note="原决定已依法撤销")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="双公示").click()
    results = page.locator("[data-testid=publicity-results] > li")
    expect(results).to_have_count(3)
    page.locator("#kind").select_option("penalty")
    page.locator("#q").fill("张某")
    page.get_by_role("button", name="查询").last.click()
    expect(results).to_have_count(1)
    page.get_by_role("link", name="张某").click()
    expect(page.locator("h1")).to_contain_text("张某")
    expect(page.locator("[data-testid=id-masked]")).to_have_text(number[:6] + "********" + number[-4:])
    assert number not in page.content()

    page.goto(live_server.url + "/publicity/?q=五华某商贸")
    expect(page.locator("[data-testid=withdrawn-note]")).to_contain_text("原决定已依法撤销")
