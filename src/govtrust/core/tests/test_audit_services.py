"""What service functions put into the trail: before/after diffs, the acting context, the reason; unmasked
reads of resident IDs as events of their own; secrets never."""

import json

import pytest

from govtrust.core import audit
from govtrust.core.access import Role
from govtrust.core.context import acting, actor_label_for
from govtrust.core.errors import PermissionDenied, ServiceError
from govtrust.core.models import AuditEvent
from govtrust.subjects import services
from govtrust.testing import factories


def _console(user, **kw):
    return acting(user=user, actor_label=actor_label_for(user), channel="console", **kw)


def test_a_service_change_records_diff_actor_request_and_reason(world):
    credit = factories.user(Role.CREDIT_OFFICE, world.city_credit, username="city-credit")
    org = world.finance_a
    with _console(credit, request_id="req-0042"):
        services.update_organization(credit, org, name="昆明市五华区财政局（国资局）", reason="机构更名")
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_type, event.object_id) == ("update", "subjects.organization", str(org.pk))
    assert event.before["name"] == "昆明市五华区财政局" and event.after["name"] == "昆明市五华区财政局（国资局）"
    assert set(event.before) == set(event.after) == {"name", "name_normalized"}  # only what changed
    assert (event.actor, event.actor_user_id, event.channel) == ("user:city-credit", credit.pk, "console")
    assert (event.request_id, event.reason) == ("req-0042", "机构更名")
    assert audit.verify().ok


def test_a_console_change_without_reason_leaves_no_trace(world):
    credit = factories.user(Role.CREDIT_OFFICE, world.city_credit)
    before = AuditEvent.objects.count()
    with _console(credit), pytest.raises(ServiceError) as err:
        services.update_organization(credit, world.finance_a, name="新名称", reason="  ")
    assert err.value.errors[0].field == "reason"
    world.finance_a.refresh_from_db()
    assert world.finance_a.name == "昆明市五华区财政局" and AuditEvent.objects.count() == before


def test_record_refuses_a_reasonless_console_change_even_if_a_service_forgets(world):
    with acting(channel="console"), pytest.raises(ServiceError) as err:
        audit.record("update", world.gov_a, before={"x": 1}, after={"x": 2})
    assert err.value.errors[0].field == "reason"
    with acting(channel="console", reason="整改"):  # a reason from the context counts
        assert audit.record("update", world.gov_a, after={"x": 2}).reason == "整改"
    with acting(channel="api"):
        assert audit.record("update", world.gov_a, after={"x": 3}).reason == ""


def test_an_unchanged_update_records_nothing(world):
    before = AuditEvent.objects.count()
    services.update_organization(factories.SYSTEM, world.gov_a, name=world.gov_a.name)
    assert AuditEvent.objects.count() == before


def test_reveal_is_a_read_unmasked_event_and_secrets_never_enter_the_trail(world):
    org_dept = factories.user(Role.ORGANIZATION_DEPT, world.city_credit, username="zuzhibu")
    person = world.person_a
    with acting(user=org_dept, actor_label=actor_label_for(org_dept), channel="console", request_id="req-7"):
        number = services.reveal_resident_id(org_dept, person, purpose="干部选拔任用考察")
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_type, event.object_id) == ("read_unmasked", "subjects.civilservant",
                                                                  str(person.pk))
    assert (event.actor, event.reason, event.request_id) == ("user:zuzhibu", "干部选拔任用考察", "req-7")
    assert event.after == {"field": "resident_id"}
    trail = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)
    for secret in (number, person.resident_id_encrypted, person.resident_id_hash):
        assert secret not in trail
    assert person.resident_id_masked in trail  # the masked form is what the trail keeps


def test_a_refused_reveal_records_nothing(world):
    department = factories.user(Role.DEPARTMENT, world.finance_a)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.reveal_resident_id(department, world.person_a, purpose="好奇")
    with pytest.raises(ServiceError):
        services.reveal_resident_id(factories.SYSTEM, world.person_a, purpose=" ")
    assert AuditEvent.objects.count() == before


def test_snapshot_leaves_secret_fields_out(world):
    data = audit.snapshot(world.person_a)
    assert "resident_id_encrypted" not in data and "resident_id_hash" not in data
    assert data["resident_id_masked"] == world.person_a.resident_id_masked
    assert data["organization_id"] == world.finance_a.pk
