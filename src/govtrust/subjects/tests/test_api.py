"""The subjects API end to end: create, read, change, look up and reveal, with the one error shape."""

import pytest
from django.test import Client

from govtrust.core.access import Role
from govtrust.core.models import AuditEvent
from govtrust.subjects.models import Organization
from govtrust.testing import factories


@pytest.fixture
def credit_client(world):
    return factories.client(Role.CREDIT_OFFICE, world.credit_a)


def test_create_organization_and_read_it_back(world, credit_client):
    code = factories.uscc("11", "530102")
    res = credit_client.post("/api/v1/organizations", {
        "name": "昆明市五华区统计局", "kind": "department", "region_code": "530102", "uscc": code.lower(),
        "parent_id": world.gov_a.pk, "former_names": ["五华区统计局"], "reason": "新设机构",
    }, content_type="application/json")
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["uscc"] == code and body["kind_label"] == "政府部门" and body["former_names"] == ["五华区统计局"]
    assert "昆明市五华区统计局".encode() in res.content  # Chinese is not \\u-escaped
    got = credit_client.get(f"/api/v1/organizations/by-uscc/{code}").json()
    assert got["id"] == body["id"]
    event = AuditEvent.objects.filter(object_type="subjects.organization", object_id=str(body["id"])).get()
    assert event.action == "create" and event.reason == "新设机构" and event.channel == "api"
    assert event.actor.startswith("user:credit_office")


def test_search_finds_former_names_and_full_width_variants(world, credit_client):
    credit_client.patch(f"/api/v1/organizations/{world.finance_a.pk}", {"name": "昆明市五华区财政局（国资委）"},
                        content_type="application/json")
    items = credit_client.get("/api/v1/organizations", {"q": "昆明市五华区财政局(国资委)"}).json()["items"]
    assert [i["id"] for i in items] == [world.finance_a.pk]
    items = credit_client.get("/api/v1/organizations", {"q": "五华区财政局"}).json()["items"]
    assert [i["id"] for i in items] == [world.finance_a.pk]
    assert items[0]["former_names"] == ["昆明市五华区财政局"]


def test_invalid_input_names_every_field_in_both_languages(world, credit_client):
    res = credit_client.post("/api/v1/organizations", {
        "name": "", "kind": "department", "region_code": "530102", "uscc": "91350100M000100Y44",
    }, content_type="application/json")
    assert res.status_code == 400
    body = res.json()
    assert body["code"] == "invalid" and body["message"] and body["message_en"]
    fields = {e["field"]: e for e in body["errors"]}
    assert set(fields) == {"name", "uscc"}
    assert "校验码" in fields["uscc"]["message"] and "check character" in fields["uscc"]["message_en"]
    assert not Organization.objects.filter(uscc="91350100M000100Y44").exists()


def test_uscc_category_must_fit_the_kind(world, credit_client):
    res = credit_client.post("/api/v1/organizations", {
        "name": "某企业", "kind": "department", "region_code": "530102", "uscc": "91350100M000100Y43",
    }, content_type="application/json")
    assert res.status_code == 400
    assert "企业" in res.json()["errors"][0]["message"]


def test_duplicate_uscc_and_name_are_refused(world, credit_client):
    res = credit_client.post("/api/v1/organizations", {
        "name": "昆明市五华区财政局", "kind": "department", "region_code": "530102", "uscc": world.finance_a.uscc,
    }, content_type="application/json")
    assert res.status_code == 400
    assert {e["field"] for e in res.json()["errors"]} == {"name", "uscc"}


def test_pydantic_errors_use_the_same_shape(world, credit_client):
    res = credit_client.post("/api/v1/organizations", {"kind": "department"}, content_type="application/json")
    assert res.status_code == 422
    body = res.json()
    assert body["code"] == "invalid" and {e["field"] for e in body["errors"]} >= {"name", "region_code"}


def test_civil_servant_create_lookup_and_masking(world, credit_client):
    number = factories.resident_id("530102")
    res = credit_client.post("/api/v1/civil-servants", {
        "name": "赵六", "resident_id": number, "organization_id": world.finance_a.pk, "position": "科员",
    }, content_type="application/json")
    assert res.status_code == 201, res.content
    assert number not in res.content.decode()
    assert res.json()["resident_id_masked"] == number[:6] + "********" + number[-4:]
    found = credit_client.post("/api/v1/civil-servants/lookup", {"resident_id": number},
                               content_type="application/json")
    assert found.status_code == 200 and found.json()["name"] == "赵六"
    dup = credit_client.post("/api/v1/civil-servants", {
        "name": "赵六", "resident_id": number, "organization_id": world.finance_a.pk,
    }, content_type="application/json")
    assert dup.status_code == 400 and dup.json()["errors"][0]["field"] == "resident_id"


def test_reveal_requires_purpose_and_permission_and_is_audited(world):
    c = factories.client(Role.DISCIPLINE, world.gov_a)
    url = f"/api/v1/civil-servants/{world.person_a.pk}/reveal"
    assert c.post(url, {"purpose": " "}, content_type="application/json").status_code == 400
    res = c.post(url, {"purpose": "审查调查"}, content_type="application/json")
    assert res.status_code == 200 and len(res.json()["resident_id"]) == 18
    event = AuditEvent.objects.get(action="read_unmasked")
    assert event.reason == "审查调查" and event.object_id == str(world.person_a.pk)
    assert res.json()["resident_id"] not in str(event.after)
    credit = factories.client(Role.CREDIT_OFFICE, world.credit_a)
    assert credit.post(url, {"purpose": "x"}, content_type="application/json").status_code == 403


def test_openapi_schema_is_served(db):
    res = Client().get("/api/v1/openapi.json")
    assert res.status_code == 200
    paths = res.json()["paths"]
    assert "/api/v1/organizations" in paths and "/api/v1/civil-servants/{person_id}/reveal" in paths
