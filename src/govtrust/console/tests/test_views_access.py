"""Who reaches which console page: login, the console permission, each module's permission, and scope."""

import pytest
from django.test import Client

from govtrust.core.access import Role

PAGES = [
    "/console/", "/console/regions/", "/console/organizations/", "/console/organizations/new/",
    "/console/civil-servants/", "/console/civil-servants/new/", "/console/audit/", "/console/calendar/",
    "/console/calendar/2026/", "/console/calendar/edit/", "/console/imports/", "/console/api-keys/",
]
# role, home organization, the pages of PAGES it may open (others answer 403)
ALLOWED = {
    (Role.ADMIN, None): set(PAGES) - {"/console/audit/"},
    (Role.CREDIT_OFFICE, "credit_a"): set(PAGES) - {"/console/audit/"},
    (Role.DEPARTMENT, "finance_a"): {"/console/", "/console/regions/", "/console/organizations/",
                                     "/console/civil-servants/", "/console/calendar/", "/console/calendar/2026/",
                                     "/console/imports/"},
    (Role.ORGANIZATION_DEPT, "gov_a"): {"/console/", "/console/regions/", "/console/organizations/",
                                        "/console/civil-servants/", "/console/civil-servants/new/",
                                        "/console/calendar/", "/console/calendar/2026/", "/console/imports/"},
    (Role.AUDITOR, None): {"/console/", "/console/audit/", "/console/calendar/", "/console/calendar/2026/"},
}


def test_anonymous_users_are_sent_to_login(db):
    res = Client().get("/console/organizations/?q=x")
    assert res.status_code == 302
    assert res.url.startswith("/console/login/?next=/console/organizations/")


def test_login_page_is_chinese_and_logs_in(world, make_user):
    make_user(Role.CREDIT_OFFICE, world.credit_a, username="zhang")
    client = Client()
    page = client.get("/console/login/")
    assert "用户名" in page.content.decode() and "密码" in page.content.decode()
    res = client.post("/console/login/", {"username": "zhang", "password": "pass-for-tests-1"})
    assert res.status_code == 302 and res.url == "/console/"
    bad = Client().post("/console/login/", {"username": "zhang", "password": "wrong"})
    assert bad.status_code == 200 and "用户名或密码不正确" in bad.content.decode()


def test_logout_needs_post(login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    assert client.get("/console/logout/").status_code == 405
    assert client.post("/console/logout/").status_code == 302
    assert client.get("/console/").status_code == 302


def test_public_role_gets_the_403_page(login):
    res = login(Role.PUBLIC).get("/console/")
    assert res.status_code == 403
    assert "无权访问" in res.content.decode()


@pytest.mark.parametrize(("role", "home"), list(ALLOWED))
def test_each_role_opens_exactly_its_pages(login, role, home):
    client = login(role, home)
    for url in PAGES:
        expected = 200 if url in ALLOWED[(role, home)] else 403
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize(("role", "home"), list(ALLOWED))
def test_menu_shows_only_reachable_modules(login, role, home):
    html = login(role, home).get("/console/").content.decode()
    assert ('href="/console/audit/"' in html) == ("/console/audit/" in ALLOWED[(role, home)])
    assert ('href="/console/api-keys/"' in html) == ("/console/api-keys/" in ALLOWED[(role, home)])


def test_user_menu_names_role_and_organization(world, make_user):
    user = make_user(Role.CREDIT_OFFICE, world.credit_a)
    user.display_name = "赵六"
    user.save()
    client = Client()
    client.force_login(user)
    html = client.get("/console/").content.decode()
    assert "赵六" in html and "信用办" in html and "昆明市五华区发展和改革局" in html


@pytest.mark.parametrize("url", [
    "/console/organizations/{finance_b}/", "/console/organizations/{finance_b}/edit/",
    "/console/civil-servants/{person_b}/", "/console/civil-servants/{person_b}/edit/",
])
def test_out_of_scope_objects_answer_404(world, login, url):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = client.get(url.format(finance_b=world.finance_b.pk, person_b=world.person_b.pk))
    assert res.status_code == 404
    assert "不存在或无权访问" in res.content.decode()


def test_home_counts_only_what_the_user_may_see(login):
    county = login(Role.CREDIT_OFFICE, "credit_a").get("/console/")
    everything = login(Role.ADMIN).get("/console/")
    assert county.context["organization_count"] == 3
    assert county.context["civil_servant_count"] == 1
    assert everything.context["organization_count"] == 7
    assert everything.context["civil_servant_count"] == 2
    assert county.context["by_kind"] == {"name": "单位数", "labels": ["人民政府", "政府部门"], "values": [1, 2]}
    assert 'id="chart-by-kind"' in county.content.decode()
