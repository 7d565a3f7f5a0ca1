"""Scope and permission tests for every role, through the HTTP API and the service functions.

The world: 昆明市 (city) with two counties, 五华区 (A) and 盘龙区 (B). Each role's user sits in county A
(or the city where noted); nobody in county A may read or change county B's data.
"""

import pytest
from django.test import Client

from govtrust.accounts import services as account_services
from govtrust.core import access
from govtrust.core.access import Perm, Role
from govtrust.core.errors import PermissionDenied
from govtrust.subjects import services
from govtrust.subjects.models import Organization
from govtrust.testing import factories

# role → (home organization attribute on World or None, organizations visible by name)
COUNTY_A = {"昆明市五华区人民政府", "昆明市五华区财政局", "昆明市五华区发展和改革局"}
ALL_ORGS = COUNTY_A | {"昆明市人民政府", "昆明市发展和改革委员会", "昆明市盘龙区人民政府", "昆明市盘龙区财政局"}
CASES = [
    (Role.ADMIN, None, ALL_ORGS),
    (Role.CREDIT_OFFICE, "credit_a", COUNTY_A),
    (Role.CREDIT_OFFICE, "city_credit", ALL_ORGS),  # a city credit office sees its counties
    (Role.DEPARTMENT, "finance_a", {"昆明市五华区财政局"}),
    (Role.ORGANIZATION_DEPT, "gov_a", COUNTY_A),
    (Role.DISCIPLINE, "gov_a", COUNTY_A),
    (Role.EVALUATED_BODY, "gov_a", COUNTY_A),  # its own subtree: the government and its departments
    (Role.ASSESSOR, "credit_a", COUNTY_A),
]
NO_SUBJECT_ACCESS = [(Role.AUDITOR, None), (Role.PUBLIC, None)]


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize(("role", "home", "visible"), CASES)
def test_each_role_sees_exactly_its_scope(world, role, home, visible):
    user = factories.user(role, getattr(world, home) if home else None)
    res = _client(user).get("/api/v1/organizations?limit=100")
    assert res.status_code == 200
    assert {o["name"] for o in res.json()["items"]} == visible
    # The service layer gives the same answer as the API.
    assert set(services.search_organizations(user).values_list("name", flat=True)) == visible


@pytest.mark.parametrize(("role", "home", "visible"), [c for c in CASES if c[2] == COUNTY_A or c[0] == Role.DEPARTMENT])
def test_county_a_roles_cannot_read_or_change_county_b(world, role, home, visible):
    user = factories.user(role, getattr(world, home))
    c = _client(user)
    assert c.get(f"/api/v1/organizations/{world.finance_b.pk}").status_code == 404
    assert c.get(f"/api/v1/civil-servants/{world.person_b.pk}").status_code == 404
    res = c.patch(f"/api/v1/organizations/{world.finance_b.pk}", {"name": "改名"}, content_type="application/json")
    assert res.status_code == 404
    res = c.post(f"/api/v1/civil-servants/{world.person_b.pk}/reveal", {"purpose": "x"},
                 content_type="application/json")
    assert res.status_code == 404
    with pytest.raises(PermissionDenied):
        services.update_organization(user, world.finance_b, name="改名")
    with pytest.raises(PermissionDenied):
        services.create_organization(user, name="盘龙区新局", kind="department", region=world.county_b,
                                     parent=world.gov_b)
    world.finance_b.refresh_from_db()
    assert world.finance_b.name == "昆明市盘龙区财政局"


@pytest.mark.parametrize(("role", "home"), NO_SUBJECT_ACCESS)
def test_roles_without_subject_access_get_403(world, role, home):
    user = factories.user(role, None)
    c = _client(user)
    assert c.get("/api/v1/organizations").status_code == 403
    assert c.get(f"/api/v1/organizations/{world.finance_a.pk}").status_code == 403


def test_anonymous_api_request_is_401(world):
    res = Client().get("/api/v1/organizations")
    assert res.status_code == 401
    body = res.json()
    assert body["code"] == "unauthenticated" and body["message"] and body["message_en"]


@pytest.mark.parametrize("role", list(Role))
def test_change_rights_in_own_scope_follow_the_policy(world, role):
    """Every role: changing an organization in its own county works iff the role holds subjects.change."""
    home = {Role.ADMIN: None, Role.AUDITOR: None, Role.PUBLIC: None}.get(role, world.finance_a)
    principal = factories.user(role, home) if role != Role.SYSTEM else _api_key(world)
    allowed = access.can(principal, Perm.SUBJECTS_CHANGE)
    if allowed:
        services.update_organization(principal, world.finance_a, name="昆明市五华区财政局（新）")
        assert Organization.objects.get(pk=world.finance_a.pk).name == "昆明市五华区财政局（新）"
    else:
        with pytest.raises(PermissionDenied):
            services.update_organization(principal, world.finance_a, name="昆明市五华区财政局（新）")
        assert Organization.objects.get(pk=world.finance_a.pk).name == "昆明市五华区财政局"


@pytest.mark.parametrize("role", list(Role))
def test_unmask_rights_follow_the_policy(world, role):
    home = {Role.ADMIN: None, Role.AUDITOR: None, Role.PUBLIC: None}.get(role, world.gov_a)
    principal = factories.user(role, home) if role != Role.SYSTEM else _api_key(world)
    if access.can(principal, Perm.PERSONAL_UNMASK):
        number = services.reveal_resident_id(principal, world.person_a, purpose="干部选拔任用前查询")
        assert len(number) == 18 and number.startswith("530102")
    else:
        with pytest.raises(PermissionDenied):
            services.reveal_resident_id(principal, world.person_a, purpose="干部选拔任用前查询")


def _api_key(world):
    key, _raw = account_services.create_api_key(factories.SYSTEM, organization=world.gov_a, name="采购系统")
    return key


def test_api_key_system_client_is_scoped_to_its_region(world):
    key, raw = account_services.create_api_key(factories.SYSTEM, organization=world.gov_a, name="公共资源交易平台")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    names = {o["name"] for o in c.get("/api/v1/organizations?limit=100").json()["items"]}
    assert names == COUNTY_A
    assert c.get(f"/api/v1/organizations/{world.finance_b.pk}").status_code == 404
    # A system client reads but never writes subjects.
    assert c.patch(f"/api/v1/organizations/{world.finance_a.pk}", {"name": "x"},
                   content_type="application/json").status_code == 403
    account_services.revoke_api_key(factories.SYSTEM, key)
    assert c.get("/api/v1/organizations").status_code == 401


def test_every_role_has_a_policy_and_scope():
    assert set(access.ROLE_POLICIES) == set(Role.values)
    assert access.roles_with(Perm.AUDIT_VIEW) == [Role.AUDITOR]
