"""/api/v1/audit/events and /api/v1/audit/verify: the security auditor reads and verifies the trail;
every other role, an API key and an anonymous caller are refused with the one error shape."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.accounts import services as account_services
from govtrust.core import audit
from govtrust.core.access import Role
from govtrust.core.context import acting
from govtrust.core.errors import PermissionDenied, ServiceError
from govtrust.core.models import AuditEvent, AuditHead
from govtrust.subjects import services
from govtrust.testing import factories

EVENTS, VERIFY = "/api/v1/audit/events", "/api/v1/audit/verify"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def auditor(world):
    return factories.user(Role.AUDITOR, None, username="shenji")


@pytest.fixture
def auditor_client(auditor):
    c = Client()
    c.force_login(auditor)
    return c


def _get(client, url, **params):
    res = client.get(url, params)
    assert res.status_code == 200, res.content
    return res.json()


def test_auditor_lists_all_events_newest_first_with_pages(auditor_client):
    total = AuditEvent.objects.count()
    body = _get(auditor_client, EVENTS, limit=5)
    assert body["count"] == total and body["limit"] == 5 and body["offset"] == 0
    assert [e["seq"] for e in body["items"]] == list(range(total, total - 5, -1))
    page2 = _get(auditor_client, EVENTS, limit=5, offset=5)["items"]
    assert [e["seq"] for e in page2] == list(range(total - 5, total - 10, -1))
    first = _get(auditor_client, EVENTS, limit=1, offset=total - 1)["items"][0]
    assert first["seq"] == 1 and first["action"] == "create" and first["prev_hash"] == "0" * 64
    assert set(first) >= {"occurred_at", "actor", "channel", "object_type", "object_id", "object_repr", "before",
                          "after", "reason", "request_id", "hash"}


def test_filters_by_action_object_request_and_actor(world, auditor_client):
    credit = factories.user(Role.CREDIT_OFFICE, world.city_credit, username="credit-x")
    org_dept = factories.user(Role.ORGANIZATION_DEPT, world.city_credit)
    with acting(user=credit, actor_label="user:credit-x", request_id="req-filter", channel="api"):
        services.update_organization(credit, world.gov_b, name="昆明市盘龙区人民政府（新）", reason="更名")
        services.reveal_resident_id(org_dept, world.person_b, purpose="核查")
    by_request = _get(auditor_client, EVENTS, request_id="req-filter")["items"]
    assert [e["action"] for e in by_request] == ["read_unmasked", "update"]
    assert _get(auditor_client, EVENTS, action="read_unmasked")["count"] == 1
    org_events = _get(auditor_client, EVENTS, object_type="subjects.organization", object_id=str(world.gov_b.pk))
    assert [e["action"] for e in org_events["items"]] == ["update", "create"]
    by_actor = _get(auditor_client, EVENTS, actor="user:credit-x")["items"]
    assert {e["request_id"] for e in by_actor} == {"req-filter"} and len(by_actor) == 2
    assert _get(auditor_client, EVENTS, actor="credit-x")["count"] == 0  # exact match, not a substring


def test_time_filters_are_inclusive_and_a_date_means_the_whole_day(world, auditor_client):
    total = AuditEvent.objects.count()
    today = timezone.localdate()
    assert _get(auditor_client, EVENTS, since=today.isoformat(), until=today.isoformat())["count"] == total
    assert _get(auditor_client, EVENTS, until=(today - dt.timedelta(days=1)).isoformat())["count"] == 0
    assert _get(auditor_client, EVENTS, since=(today + dt.timedelta(days=1)).isoformat())["count"] == 0
    third = AuditEvent.objects.get(seq=3)
    moment = third.occurred_at.isoformat()
    AuditEvent.objects.filter(seq__gt=3).update(occurred_at=third.occurred_at + dt.timedelta(seconds=1))
    assert [e["seq"] for e in _get(auditor_client, EVENTS, until=moment)["items"]] == [3, 2, 1]


@pytest.mark.parametrize(("params", "field"), [
    ({"since": "昨天"}, "since"),
    ({"until": "2025-13-01"}, "until"),
    ({"since": "2025-03-02", "until": "2025-03-01"}, "until"),
])
def test_bad_time_filters_get_a_field_error(auditor_client, params, field):
    res = auditor_client.get(EVENTS, params)
    assert res.status_code == 400
    body = res.json()
    assert body["code"] == "invalid" and body["errors"][0]["field"] == field and body["errors"][0]["message_en"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}])
def test_bad_pagination_is_refused(auditor_client, params):
    assert auditor_client.get(EVENTS, params).status_code == 422


@pytest.mark.parametrize(("role", "home"), [
    (Role.ADMIN, None), (Role.CREDIT_OFFICE, "city_credit"), (Role.DISCIPLINE, "gov_a"),
    (Role.ORGANIZATION_DEPT, "gov_a"), (Role.DEPARTMENT, "finance_a"), (Role.PUBLIC, None),
])
def test_other_roles_are_refused(world, role, home):
    user = factories.user(role, getattr(world, home) if home else None)
    c = Client()
    c.force_login(user)
    for url in (EVENTS, VERIFY):
        res = c.get(url)
        assert res.status_code == 403, (role, url)
        assert res.json()["code"] == "forbidden" and res.json()["message"] and res.json()["message_en"]
    with pytest.raises(PermissionDenied):
        audit.events_for(user)


def test_api_keys_and_anonymous_callers_are_refused(world):
    _, raw = account_services.create_api_key(factories.SYSTEM, organization=world.gov_a, name="采购系统")
    keyed = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert keyed.get(EVENTS).status_code == 403 and keyed.get(VERIFY).status_code == 403
    assert Client().get(EVENTS).status_code == 401 and Client().get(VERIFY).status_code == 401


def test_verify_reports_ok_then_the_first_problem(auditor_client):
    total = AuditEvent.objects.count()
    body = _get(auditor_client, VERIFY)
    assert body["ok"] is True and body["checked"] == total and body["problem"] is None
    assert body["head"] == {"seq": total, "hash": AuditEvent.objects.get(seq=total).hash}
    AuditEvent.objects.filter(seq=2).update(reason="改写")
    body = _get(auditor_client, VERIFY)
    assert body["ok"] is False and body["checked"] == 1
    assert body["problem"]["seq"] == 2 and body["problem"]["reason"] and "hash" in body["problem"]["reason_en"]


def test_verify_uses_the_checkpoints_file(auditor_client):
    total = AuditEvent.objects.count()
    audit.append_checkpoint(audit.checkpoint(), audit.default_checkpoints_file())
    AuditEvent.objects.filter(seq=total).delete()
    AuditHead.objects.update(seq=total - 1, hash=AuditEvent.objects.get(seq=total - 1).hash)
    body = _get(auditor_client, VERIFY)
    assert body["ok"] is False and body["problem"]["seq"] == total and "truncated" in body["problem"]["reason_en"]


def test_events_for_refuses_since_after_until(auditor):
    with pytest.raises(ServiceError) as err:
        audit.events_for(auditor, since=dt.date(2025, 3, 2), until=dt.date(2025, 3, 1))
    assert err.value.errors[0].field == "until"
    assert audit.events_for(auditor, since=dt.date(2025, 3, 1), until=dt.date(2025, 3, 1)).count() == 0
