"""The demo world: built through the services, valid identifiers, deterministic, idempotent, and with
one user per role whose scopes show what each role sees."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from govtrust.accounts.auth import authenticate_key
from govtrust.accounts.models import ApiKey, User
from govtrust.core import access, audit, crypto
from govtrust.core.access import Role
from govtrust.core.errors import PermissionDenied, ServiceError
from govtrust.core.identifiers import check_resident_id, check_uscc
from govtrust.core.models import AuditEvent
from govtrust.subjects.demo import DEFAULT_PASSWORD, PASSWORD_ENV, load_demo, make_resident_id, make_uscc
from govtrust.subjects.models import CivilServant, Organization, Region

SMALL = 50
Kind = Organization.Kind


@pytest.fixture
def demo(db):
    return load_demo(civil_servants=SMALL)


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Region, Organization, CivilServant, User, ApiKey, AuditEvent)}


def test_regions_and_organizations_per_level(demo):
    assert Counter(Region.objects.values_list("level", flat=True)) == {"province": 5, "city": 5, "county": 23,
                                                                        "township": 53}
    assert set(Region.objects.filter(level="province").values_list("name", flat=True)) == {
        "云南省", "广东省", "江苏省", "山西省", "四川省"}
    per_level = Counter(Organization.objects.values_list("region__level", flat=True))
    assert per_level == {"province": 5 * 10, "city": 5 * 13, "county": 23 * 10, "township": 53}
    for region in Region.objects.all():
        governments = region.organizations.filter(kind__in=[Kind.GOVERNMENT, Kind.TOWNSHIP, Kind.SUBDISTRICT])
        assert governments.count() == 1, region
        government = governments.get()
        if region.level == Region.Level.TOWNSHIP:
            expected = Kind.SUBDISTRICT if region.name.endswith("街道") else Kind.TOWNSHIP
            assert government.kind == expected
            assert government.parent.region == region.parent and government.parent.kind == Kind.GOVERNMENT
        for dept in region.organizations.filter(kind=Kind.DEPARTMENT):
            assert dept.parent == government and dept.path.startswith(government.path)


def test_kinds_and_identifiers_of_organizations(demo):
    kunming = Organization.objects.filter(region__code="530100")
    assert kunming.get(name="昆明市中级人民法院").kind == Kind.JUDICIAL
    assert kunming.get(name="昆明市纪委监委").kind == Kind.PARTY_ORGAN
    assert kunming.get(name="中共昆明市委组织部").kind == Kind.PARTY_ORGAN
    assert kunming.get(name="昆明市发展和改革委员会（市信用办）").kind == Kind.DEPARTMENT
    assert Organization.objects.get(name="淮安市淮安区人民政府").region.code == "320803"
    assert Organization.objects.get(name="涟水县高沟镇人民政府").parent.name == "涟水县人民政府"
    assert Organization.objects.filter(kind=Kind.JUDICIAL).exclude(name__endswith="人民法院").count() == 0
    usccs = list(Organization.objects.values_list("uscc", "kind", "region__code"))
    assert len({u for u, _, _ in usccs}) == len(usccs)
    for uscc, kind, region_code in usccs:
        assert check_uscc(uscc), uscc
        assert uscc[:2] == ("12" if kind == Kind.PUBLIC_INSTITUTION else "11")
        assert uscc[2:8] == region_code[:6]
    # Deterministic: the same code on every run and every machine (links and bookmarks stay valid).
    assert kunming.get(name="昆明市人民政府").uscc == "11530100B069N2YEHE"


def test_civil_servants_have_valid_synthetic_ids(demo):
    people = list(CivilServant.objects.select_related("organization__region"))
    assert len(people) == SMALL == demo.civil_servants.created
    for person in people:
        number = crypto.decrypt(person.resident_id_encrypted)
        assert check_resident_id(number), number
        assert person.resident_id_hash == crypto.lookup_hash(number)
        assert 1963 <= int(number[6:10]) <= 2000
        region = person.organization.region
        if region.level in (Region.Level.COUNTY, Region.Level.TOWNSHIP):
            assert number[:6] == region.code[:6]
        else:  # a county-level code inside the organization's province or city, never 440000 itself
            assert number[:6].startswith(region.code[:2 if region.level == "province" else 4])
            assert not number[:6].endswith("00")
        assert person.position and person.rank and 2 <= len(person.name) <= 4
    # Deterministic: the same first person on every run and every machine.
    first = min(people, key=lambda p: p.pk)
    assert (first.name, first.resident_id_masked, first.organization.name, first.position, first.rank) == (
        "郭瑶娟", "530103********8025", "昆明市盘龙区政务服务管理局", "局长", "一级主任科员")
    staff_titles = {"科员", "科长", "处长", "股长", "办公室主任"}
    heads = Counter(p.organization_id for p in people if p.position not in staff_titles and p.position[0] != "副")
    assert heads and max(heads.values()) == 1, "one head per organization: the first person placed there"


def test_one_user_per_role_and_an_api_key(demo):
    users = {u.username: u for u in User.objects.select_related("organization")}
    assert {u.role for u in users.values()} == set(Role.values) - {Role.SYSTEM}
    assert users["demo-credit"].organization.name == "昆明市发展和改革委员会（市信用办）"
    assert users["demo-credit-wuhua"].organization.name == "昆明市五华区发展和改革局"
    assert users["demo-evaluated"].organization.name == "昆明市五华区人民政府"
    assert users["demo-admin"].organization is None and users["demo-public"].organization is None
    assert sorted(lg.username for lg in demo.logins) == sorted(users) and all(lg.created for lg in demo.logins)
    (key,) = demo.keys
    found = authenticate_key(key.raw)
    assert found is not None and found.role == Role.SYSTEM and found.organization.name == "昆明市公共资源交易中心"


def test_everything_is_audited_as_the_demo_and_the_chain_verifies(demo):
    assert AuditEvent.objects.count() == demo.created == 86 + 398 + SMALL + 10 + 1
    assert set(AuditEvent.objects.values_list("actor", "channel")) == {("system:demo", "cli")}
    assert set(AuditEvent.objects.values_list("reason", flat=True)) == {"加载演示数据 load demo data"}
    checked, problem = audit.verify()
    assert problem is None and checked == demo.created


def test_second_run_creates_nothing_and_a_larger_run_adds_only_the_rest(demo):
    before = _counts()
    again = load_demo(civil_servants=SMALL)
    assert again.created == 0 and _counts() == before
    assert again.organizations.existing == 398 and again.civil_servants.existing == SMALL
    assert not any(lg.created for lg in again.logins) and again.keys[0].raw == ""
    larger = load_demo(civil_servants=SMALL + 30)
    assert (larger.civil_servants.created, larger.civil_servants.existing) == (30, SMALL)
    assert larger.created == 30 and CivilServant.objects.count() == SMALL + 30
    assert audit.verify().ok


def test_demo_users_log_in_and_see_their_scope(demo):
    def visible(username: str) -> set[str]:
        user = User.objects.get(username=username)
        return set(access.restrict(user, Organization.objects.all()).values_list("region__code", flat=True))

    assert authenticate(username="demo-dept", password=DEFAULT_PASSWORD) is not None
    assert authenticate(username="demo-dept", password="wrong-password-123") is None
    city = visible("demo-credit")
    assert "530100" in city and "530102001" in city and all(c.startswith("5301") for c in city)
    assert visible("demo-credit-wuhua") == {"530102", "530102001", "530102002", "530102003"}
    assert visible("demo-dept") == {"530100"}
    for username in ("demo-public", "demo-auditor"):  # no subjects.view at all
        with pytest.raises(PermissionDenied):
            visible(username)
    assert len(visible("demo-admin")) == 86


def test_demo_joins_data_that_already_exists(world):
    load_demo(civil_servants=5)
    assert Organization.objects.filter(name="昆明市五华区人民政府").get().pk == world.gov_a.pk
    assert CivilServant.objects.count() == 2 + 5
    assert audit.verify().ok


def test_password_comes_from_the_environment_and_is_checked(db, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "short")
    with pytest.raises(ServiceError) as err:
        load_demo(civil_servants=0)
    assert err.value.errors[0].field == "password"
    assert _counts() == dict.fromkeys(_counts(), 0)
    monkeypatch.setenv(PASSWORD_ENV, "another-demo-secret-42")
    report = load_demo(civil_servants=0)
    assert report.password == "another-demo-secret-42"
    assert authenticate(username="demo-admin", password="another-demo-secret-42") is not None


def test_negative_size_is_refused(db):
    with pytest.raises(ServiceError) as err:
        load_demo(civil_servants=-1)
    assert err.value.errors[0].field == "civil_servants"
    with pytest.raises(CommandError, match="不能为负数"):
        call_command("demo", civil_servants=-1)
    assert Region.objects.count() == 0


def test_command_prints_logins_links_and_the_key_only_once(db):
    out = io.StringIO()
    call_command("demo", civil_servants=3, stdout=out)
    first = out.getvalue()
    raw = ApiKey.objects.get().prefix
    for text in ("demo-admin", "平台管理员", "demo-credit-wuhua", "昆明市五华区发展和改革局", DEFAULT_PASSWORD,
                 "http://127.0.0.1:8000/", "http://127.0.0.1:8000/console/", "http://127.0.0.1:8000/api/v1/docs",
                 "只显示这一次", raw):
        assert text in first, text
    out = io.StringIO()
    call_command("demo", civil_servants=3, base_url="https://credit.example.gov.cn/", stdout=out)
    second = out.getvalue()
    assert "already loaded" in second and "API密钥已存在" in second and "只显示这一次" not in second
    assert "https://credit.example.gov.cn/console/" in second


def test_identifier_makers_give_valid_codes():
    for serial in (0, 1, 30, 31, 31**9 - 1, 2**63):
        assert check_uscc(make_uscc("12", "440400", serial))
    male = make_resident_id("320826", dt.date(1975, 2, 28), 17)
    female = make_resident_id("320826", dt.date(2000, 12, 31), 18)
    assert check_resident_id(male) and check_resident_id(female)
    assert int(male[14:17]) % 2 == 1 and int(female[14:17]) % 2 == 0
