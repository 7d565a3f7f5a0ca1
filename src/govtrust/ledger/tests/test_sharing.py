"""Sharing: a record that has left disclosure and sharing (repaired, revoked, expired) is read, with its
status, only by those holding Perm.LEDGER_HISTORY; for everyone else in scope it is as if it did not exist,
through every door (API list, detail with revisions, ledger as of a date; console list, detail, as-of)."""

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.accounts import services as account_services
from govtrust.core import access
from govtrust.core.access import Perm, Role
from govtrust.core.errors import NotFound
from govtrust.ledger import queries, services
from govtrust.ledger.models import Record
from govtrust.testing import factories

# (role, home organization in the world): every one reaches 五华区财政局's records by its scope
HISTORY = [(Role.ADMIN, None), (Role.CREDIT_OFFICE, "credit_a"), (Role.ORGANIZATION_DEPT, "gov_a"),
           (Role.DISCIPLINE, "credit_a")]
NO_HISTORY = [(Role.DEPARTMENT, "finance_a"), (Role.EVALUATED_BODY, "finance_a"), (Role.ASSESSOR, "city_credit")]


@pytest.fixture
def repaired(world, make_records):
    """Two records about 五华区财政局: one repaired (信用修复), one still active."""
    gone, live = make_records(2)
    services.change_status(factories.SYSTEM, gone, "repair", reason="信用修复：已履行并提交信用承诺")
    gone.refresh_from_db()
    return gone, live


def _client(world, role, home):
    return factories.client(role, getattr(world, home) if home else None)


def _key_client(org):
    _key, raw = account_services.create_api_key(factories.SYSTEM, organization=org, name="招标投标平台")
    return Client(headers={"authorization": f"Bearer {raw}"})


def _ids(res):
    assert res.status_code == 200, res.content
    return {r["id"] for r in res.json()["items"]}


def _as_of(client, world):
    res = client.get(f"/api/v1/ledger/o:{world.finance_a.pk}", {"as_of": timezone.localdate().isoformat()})
    assert res.status_code == 200, res.content
    return {a["record_id"]: a["revision"]["status"] for a in res.json()}


def test_the_permission_is_granted_as_the_matrix_says():
    assert set(access.roles_with(Perm.LEDGER_HISTORY)) == {Role.ADMIN, Role.CREDIT_OFFICE, Role.ORGANIZATION_DEPT,
                                                           Role.DISCIPLINE}


@pytest.mark.parametrize(("role", "home"), HISTORY)
def test_history_holders_see_a_repaired_record_marked_repaired(world, repaired, role, home):
    gone, live = repaired
    c = _client(world, role, home)
    items = {r["id"]: r["status"] for r in c.get("/api/v1/records").json()["items"]}
    assert items == {gone.pk: "repaired", live.pk: "active"}
    assert _ids(c.get("/api/v1/records", {"status": "repaired"})) == {gone.pk}
    detail = c.get(f"/api/v1/records/{gone.pk}")
    assert detail.status_code == 200 and detail.json()["status"] == "repaired"
    assert [(r["kind"], r["status"]) for r in detail.json()["revisions"]] == [("create", "active"),
                                                                              ("repair", "repaired")]
    assert _as_of(c, world) == {gone.pk: "repaired", live.pk: "active"}
    page = c.get(f"/console/records/{gone.pk}/")
    assert page.status_code == 200 and "已修复" in page.content.decode()
    listed = c.get("/console/records/")
    assert {r.pk for r in listed.context["page"]} == {gone.pk, live.pk}


@pytest.mark.parametrize(("role", "home"), NO_HISTORY)
def test_others_in_scope_no_longer_see_it(world, repaired, role, home):
    gone, live = repaired
    c = _client(world, role, home)
    assert _ids(c.get("/api/v1/records")) == {live.pk}
    assert _ids(c.get("/api/v1/records", {"status": "repaired"})) == set()
    assert c.get(f"/api/v1/records/{gone.pk}").status_code == 404
    assert c.get(f"/api/v1/records/{live.pk}").status_code == 200
    assert _as_of(c, world) == {live.pk: "active"}
    assert c.get(f"/console/records/{gone.pk}/").status_code == 404
    assert c.get(f"/console/records/{live.pk}/").status_code == 200
    listed = c.get("/console/records/")
    assert {r.pk for r in listed.context["page"]} == {live.pk}
    assert "repaired" not in {value for value, _label in listed.context["statuses"]}
    as_of = c.get(f"/console/subjects/o:{world.finance_a.pk}/as-of/", {"date": timezone.localdate().isoformat()})
    assert [e["record"].pk for e in as_of.context["entries"]] == [live.pk]


def test_other_systems_api_keys_no_longer_see_it(world, repaired):
    gone, live = repaired
    c = _key_client(world.credit_a)
    assert _ids(c.get("/api/v1/records")) == {live.pk}
    assert c.get(f"/api/v1/records/{gone.pk}").status_code == 404
    assert _as_of(c, world) == {live.pk: "active"}


@pytest.mark.parametrize("kind", ["revoke", "expire"])
def test_revoked_and_expired_records_leave_sharing_too(world, make_records, kind):
    (record,) = make_records()
    services.change_status(factories.SYSTEM, record, kind, reason="测试")
    department = factories.user(Role.DEPARTMENT, world.finance_a)
    office = factories.user(Role.CREDIT_OFFICE, world.credit_a)
    assert not queries.visible_records(department).exists()
    with pytest.raises(NotFound):
        queries.get_record(department, pk=record.pk)
    assert queries.get_record(office, pk=record.pk).status == {"revoke": "revoked", "expire": "expired"}[kind]


def test_disputed_and_corrected_records_are_still_shared(world, make_records):
    disputed, corrected = make_records(2)
    services.change_status(factories.SYSTEM, disputed, "dispute", reason="主体提出异议")
    services.correct(factories.SYSTEM, corrected, reason="更正事实", facts="更正后的事实")
    department = factories.user(Role.DEPARTMENT, world.finance_a)
    assert dict(queries.visible_records(department).values_list("pk", "status")) == {
        disputed.pk: "disputed", corrected.pk: "corrected"}


def test_the_scope_still_applies_to_history_holders(world, repaired):
    gone, _live = repaired
    other_county = factories.client(Role.CREDIT_OFFICE, world.finance_b)
    assert other_county.get(f"/api/v1/records/{gone.pk}").status_code == 404
    assert _ids(other_county.get("/api/v1/records")) == set()
    assert Record.objects.filter(pk=gone.pk, status="repaired").exists()  # still in the ledger
