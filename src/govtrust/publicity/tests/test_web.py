"""The API (staff, public, push), the portal pages and the console dashboard, with the access layer."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.core import crypto
from govtrust.core.access import SYSTEM, Role
from govtrust.publicity import services
from govtrust.publicity.models import Decision
from govtrust.testing import factories

from .helpers import licence_row, load, penalty_row

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 10, 21, 10, 0))


@pytest.fixture
def published(world):
    b = {"处罚机关": world.finance_b.name, "处罚机关统一社会信用代码": world.finance_b.uscc,
         "数据来源单位": world.finance_b.name, "数据来源单位统一社会信用代码": world.finance_b.uscc}
    number = factories.resident_id("530102")
    load("penalties", [
        penalty_row(world, 行政相对人名称="五华某商贸公司"),
        penalty_row(world, 行政相对人名称="张某", 行政相对人类别="自然人", 统一社会信用代码="", 法定代表人="", 证件类型="身份证",
                    证件号码=number),
        penalty_row(world, 行政相对人名称="过期公司", 处罚决定日期="2024-01-10", 公示截止期="2024-12-31"),
        penalty_row(world, 行政相对人名称="盘龙某公司", **b),
    ], now=NOW)
    load("licences", [licence_row(world)], now=NOW)
    return world, number


def test_a_county_user_sees_only_its_countys_decisions(published, make_user):
    world, _ = published
    c = Client()
    c.force_login(make_user(Role.CREDIT_OFFICE, world.credit_a))
    names = {d["counterparty_name"] for d in c.get("/api/v1/publicity/decisions").json()["items"]}
    assert "盘龙某公司" not in names and "五华某商贸公司" in names and len(names) == 4
    other = Decision.objects.get(counterparty_name="盘龙某公司")
    assert c.get(f"/api/v1/publicity/decisions/{other.pk}").status_code == 404
    city = Client()
    city.force_login(make_user(Role.CREDIT_OFFICE, world.city_credit))
    assert len(city.get("/api/v1/publicity/decisions?limit=2").json()["items"]) == 2
    page = city.get("/api/v1/publicity/decisions?limit=3").json()
    rest = city.get(f"/api/v1/publicity/decisions?limit=3&cursor={page['next']}").json()
    assert len(page["items"]) + len(rest["items"]) == 5 and rest["next"] is None


def test_public_api_shows_current_items_masked(published):
    _, number = published
    res = Client().get("/api/v1/publicity/public/decisions")
    assert res.status_code == 200
    items = res.json()["items"]
    names = {d["counterparty_name"] for d in items}
    assert "过期公司" not in names and len(items) == 4
    assert number not in res.content.decode() and number[:6] + "********" + number[-4:] in res.content.decode()
    assert "issues" not in items[0] and "id_encrypted" not in items[0]


def test_withdraw_through_the_api_and_the_public_note(published, make_user):
    world, _ = published
    d = Decision.objects.get(counterparty_name="五华某商贸公司")
    c = Client()
    c.force_login(make_user(Role.DEPARTMENT, world.finance_a))
    assert c.post(f"/api/v1/publicity/decisions/{d.pk}/withdraw", {"note": "x"},
                  content_type="application/json").status_code == 403
    c.force_login(make_user(Role.CREDIT_OFFICE, world.credit_a))
    res = c.post(f"/api/v1/publicity/decisions/{d.pk}/withdraw", {"note": "原决定已撤销"}, content_type="application/json")
    assert res.status_code == 200 and res.json()["status"] == "withdrawn"
    page = Client().get(f"/publicity/{d.pk}/").content.decode()
    assert "已撤下" in page and "原决定已撤销" in page


def test_metrics_endpoint(published, make_user):
    c = Client()
    c.force_login(make_user(Role.ADMIN, None))
    data = c.get("/api/v1/publicity/metrics?period=2026-10&kind=penalty").json()
    assert data["total"]["total"] == 3 and data["total"]["late"] == 3  # Oct 9 → due Oct 19; got Oct 21
    assert Client().get("/api/v1/publicity/metrics?period=2026-10").status_code == 401
    bad = c.get("/api/v1/publicity/metrics?period=2026-10&kind=fine")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "kind"


def test_push_penalties_through_the_api(world, make_user):
    c = Client()
    c.force_login(make_user(Role.DEPARTMENT, world.finance_a))
    row = penalty_row(world)
    row.pop("数据来源单位统一社会信用代码")  # the user's own organization
    res = c.post("/api/v1/intake/penalties", [row], content_type="application/json")
    assert res.status_code == 200 and res.json()["created"] == 1
    assert Decision.objects.get().source == world.finance_a


def test_portal_listing_search_and_masking(published):
    _, number = published
    c = Client()
    page = c.get("/publicity/").content.decode()
    assert "五华某商贸公司" in page and "过期公司" not in page and number not in page
    assert number[:6] + "********" + number[-4:] in page
    assert "盘龙某公司" not in c.get("/publicity/?q=五华").content.decode()
    only_licences = c.get("/publicity/?kind=licence").content.decode()
    assert "某某餐饮店" in only_licences and "五华某商贸公司" not in only_licences
    assert "五华某商贸公司" not in c.get("/publicity/?from=2026-10-10").content.decode()
    assert "盘龙某公司" in c.get("/publicity/?authority=盘龙区").content.decode()
    expired = Decision.objects.get(counterparty_name="过期公司")
    assert c.get(f"/publicity/{expired.pk}/").status_code == 404
    person = Decision.objects.get(counterparty_name="张某")
    detail = c.get(f"/publicity/{person.pk}/").content.decode()
    assert number not in detail and crypto.decrypt(person.id_encrypted) == number


def test_console_dashboard(published, make_user):
    world, _ = published
    c = Client()
    c.force_login(make_user(Role.CREDIT_OFFICE, world.credit_a))
    res = c.get("/console/publicity/?period=2026-10")
    html = res.content.decode()
    assert res.status_code == 200 and 'data-testid="decision-count">3<' in html and "echarts.min.js" in html
    assert "盘龙区财政局" not in html
    assert "双公示" in c.get("/console/").content.decode()
    anonymous = Client().get("/console/publicity/")
    assert anonymous.status_code == 302


def test_expire_due(published):
    assert services.expire_due(SYSTEM, dt.date(2026, 10, 21)) == 1
    assert Decision.objects.filter(status="expired").count() == 1


@pytest.mark.parametrize(("role", "home", "count"), [
    (Role.ADMIN, None, 5), (Role.CREDIT_OFFICE, "credit_a", 4), (Role.CREDIT_OFFICE, "city_credit", 5),
    (Role.DEPARTMENT, "finance_a", 4), (Role.DEPARTMENT, "finance_b", 1), (Role.ORGANIZATION_DEPT, "gov_a", 4),
    (Role.DISCIPLINE, "gov_a", 4), (Role.EVALUATED_BODY, "gov_a", 4), (Role.ASSESSOR, "credit_a", 4),
    (Role.AUDITOR, None, 403),
])
def test_every_role_sees_its_scope(published, make_user, role, home, count):
    world, _ = published
    c = Client()
    c.force_login(make_user(role, getattr(world, home) if home else None))
    res = c.get("/api/v1/publicity/decisions")
    assert (len(res.json()["items"]) if res.status_code == 200 else res.status_code) == count
    assert Client().get("/api/v1/publicity/decisions").status_code == 401
