"""API keys: issued once, stored hashed, scoped, revocable, audited; `/me` describes the caller."""

import pytest
from django.core.management import call_command
from django.test import Client

from govtrust.accounts import services
from govtrust.accounts.models import ApiKey
from govtrust.core.access import Role
from govtrust.core.errors import PermissionDenied, ServiceError
from govtrust.core.models import AuditEvent
from govtrust.testing import factories


def test_key_is_shown_once_and_stored_only_as_hash(world):
    credit = factories.user(Role.CREDIT_OFFICE, world.credit_a)
    c = Client()
    c.force_login(credit)
    res = c.post("/api/v1/api-keys", {"organization_id": world.gov_a.pk, "name": "五华区采购系统", "reason": "对接"},
                 content_type="application/json")
    assert res.status_code == 201, res.content
    raw = res.json()["key"]
    stored = ApiKey.objects.get(pk=res.json()["id"])
    assert raw.startswith("gt_") and raw not in (stored.key_hash, stored.prefix) and raw.startswith(stored.prefix)
    listed = c.get("/api/v1/api-keys").json()
    assert [k["id"] for k in listed] == [stored.pk] and "key" not in listed[0]
    event = AuditEvent.objects.get(object_type="accounts.apikey", action="create")
    assert raw not in str(event.after) and event.reason == "对接"

    me = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").json()
    assert me["kind"] == "api_key" and me["role"] == "system" and me["organization_id"] == world.gov_a.pk
    assert "subjects.view" in me["permissions"] and "subjects.change" not in me["permissions"]


def test_credit_office_cannot_issue_keys_for_another_county(world):
    credit = factories.user(Role.CREDIT_OFFICE, world.credit_a)
    with pytest.raises(PermissionDenied):
        services.create_api_key(credit, organization=world.gov_b, name="盘龙区系统")
    c = Client()
    c.force_login(credit)
    res = c.post("/api/v1/api-keys", {"organization_id": world.gov_b.pk, "name": "x"}, content_type="application/json")
    assert res.status_code == 404
    assert not ApiKey.objects.exists()


def test_department_cannot_manage_keys(world):
    dept = factories.user(Role.DEPARTMENT, world.finance_a)
    with pytest.raises(PermissionDenied):
        services.create_api_key(dept, organization=world.finance_a, name="财政系统")


def test_key_needs_a_name(world):
    with pytest.raises(ServiceError) as err:
        services.create_api_key(factories.SYSTEM, organization=world.gov_a, name="  ")
    assert err.value.errors[0].field == "name"


def test_revoked_or_wrong_keys_are_refused(world):
    key, raw = services.create_api_key(factories.SYSTEM, organization=world.gov_a, name="系统")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}x").get("/api/v1/me").status_code == 401
    assert Client(HTTP_X_API_KEY=raw).get("/api/v1/me").status_code == 200
    services.revoke_api_key(factories.SYSTEM, key, reason="系统下线")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(object_type="accounts.apikey", action="revoke", reason="系统下线").exists()


def test_a_system_key_reads_but_its_refused_writes_change_nothing(world):
    admin = factories.user(Role.ADMIN, None)
    _key, raw = services.create_api_key(admin, organization=world.gov_a, name="系统")
    # A system key may read; its reads of masked data are not audited, its refused writes change nothing.
    c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert c.get(f"/api/v1/civil-servants/{world.person_a.pk}").status_code == 200
    before = AuditEvent.objects.count()
    assert c.post("/api/v1/regions", {"code": "530199", "name": "x"}, content_type="application/json").status_code == 403
    assert AuditEvent.objects.count() == before


def test_createsuperuser_is_a_platform_administrator(db):
    call_command("createsuperuser", username="root", email="", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="root").role == Role.ADMIN
