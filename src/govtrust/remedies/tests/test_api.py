"""The remedies API: filing with evidence (multipart) by another system and by staff, each step, scope, the
repairability and repair-results endpoints, figures, mitigation, errors naming the field, the schema."""

import pytest
from django.test import Client

from govtrust.accounts import services as account_services
from govtrust.ledger.models import RecordStatus
from govtrust.testing import factories

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def penalty(world, make_record):
    return make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=200)


@pytest.fixture
def system_client(world):
    """Another government system of county A (a data user) with an API key."""
    _key, raw = account_services.create_api_key(factories.SYSTEM, organization=world.credit_a, name="信用应用系统")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _file(client, path, **data):
    data.setdefault("files", [pdf()])
    return client.post(path, data)


def test_a_system_files_an_objection_and_the_office_decides_it(world, penalty, system_client):
    res = _file(system_client, "/api/v1/remedies/objections", record_id=penalty.pk, grounds="文书号录入错误",
                requested="更正文书号")
    assert res.status_code == 201, res.json()
    body = res.json()
    case_id = body["case"]["id"]
    assert body["serial"].startswith("YY") and len(body["extraction_code"]) == 6
    assert body["case"]["capacity"] == "user" and body["case"]["files"][0]["sha256"]
    office = factories.client("credit_office", world.credit_a)
    res = office.post(f"/api/v1/remedies/cases/{case_id}/accept", content_type="application/json")
    assert res.status_code == 200 and res.json()["record_status"] == RecordStatus.DISPUTED
    res = office.post(f"/api/v1/remedies/cases/{case_id}/decide", {"upheld": True, "outcome": "corrected",
                      "reason": "事实表述有误", "changes": {"facts": "更正后的事实"}}, content_type="application/json")
    assert res.status_code == 200, res.json()
    assert res.json()["status"] == "upheld" and res.json()["record_status"] == RecordStatus.CORRECTED
    kinds = [e["kind"] for e in res.json()["events"]]
    assert kinds[:3] == ["filed", "accepted", "disputed"] and "upheld" in kinds
    # the system sees the outcome of what it filed
    assert system_client.get(f"/api/v1/remedies/cases/{case_id}").json()["decision"] == "事实表述有误"


def test_errors_name_the_field_and_write_nothing(world, penalty, system_client):
    res = _file(system_client, "/api/v1/remedies/objections", record_id=penalty.pk, grounds=" ",
                files=[pdf("a.pdf", b"not a pdf")])
    assert res.status_code == 400
    assert {e["field"] for e in res.json()["errors"]} == {"grounds", "files[0]"}
    assert res.json()["message_en"]
    res = system_client.post("/api/v1/remedies/objections", {"record_id": penalty.pk, "grounds": "x"})
    assert {e["field"] for e in res.json()["errors"]} == {"files"}
    office = factories.client("credit_office", world.credit_a)
    assert office.get("/api/v1/remedies/cases").json()["count"] == 0


def test_another_county_cannot_reach_the_record_or_the_case(world, penalty, system_client):
    county_b = factories.client("credit_office", world.finance_b)
    assert _file(county_b, "/api/v1/remedies/objections", record_id=penalty.pk, grounds="x").status_code == 404
    case_id = _file(system_client, "/api/v1/remedies/objections", record_id=penalty.pk,
                    grounds="x").json()["case"]["id"]
    assert county_b.get(f"/api/v1/remedies/cases/{case_id}").status_code == 404
    assert county_b.post(f"/api/v1/remedies/cases/{case_id}/accept").status_code == 404
    dept = factories.client("department", world.finance_a)
    assert dept.post(f"/api/v1/remedies/cases/{case_id}/accept").status_code == 403


def test_repair_through_the_api_and_the_results_feed(world, penalty):
    dept = factories.client("department", world.finance_a)
    assert dept.get(f"/api/v1/remedies/records/{penalty.pk}/repairability").json()["repairable"] is True
    res = _file(dept, "/api/v1/remedies/repairs", record_id=penalty.pk, grounds="已缴清罚款",
                pledge="本单位承诺依法诚信履职", pledge_signer="财政局")
    assert res.status_code == 201, res.json()
    case_id = res.json()["case"]["id"]
    office = factories.client("credit_office", world.credit_a)
    res = office.post(f"/api/v1/remedies/cases/{case_id}/approve", {"reason": "准予修复"},
                      content_type="application/json")
    assert res.status_code == 200 and res.json()["record_status"] == RecordStatus.REPAIRED
    feed = office.get("/api/v1/remedies/repair-results?since=2020-01-01").json()
    assert [r["document_number"] for r in feed] == [penalty.document_number]
    # the department no longer reads the repaired record; the office does, marked repaired
    assert dept.get(f"/api/v1/remedies/records/{penalty.pk}/repairability").status_code == 404
    assert office.get(f"/api/v1/remedies/records/{penalty.pk}/repairability").json()["reason"] == "该记录已修复"
    figures = office.get("/api/v1/remedies/figures?start=2020-01-01&end=2030-12-31").json()
    assert figures["kinds"]["repair"]["approved"] == 1


def test_mitigation_through_the_api(world, person, make_record):
    someone, rid = person
    record = make_record(someone, "accountability", severity="general", person_id=rid)
    c = factories.client("organization_dept", world.gov_a)
    res = c.post("/api/v1/remedies/mitigations", {"record_id": record.pk, "corrections": "recovered_loss",
                                                   "facts": "已退赔", "files": [pdf()]})
    assert res.status_code == 201, res.json()
    mid = res.json()["id"]
    res = c.post(f"/api/v1/remedies/mitigations/{mid}/decide", {"grant": True, "decision": "从轻",
                 "reliefs": {"S-CS-PROMOTION": "reduce"}}, content_type="application/json")
    assert res.status_code == 200 and res.json()["status"] == "granted"
    check = c.post("/api/v1/checks", {"party": {"resident_id": rid}, "scene": "promotion"},
                   content_type="application/json")
    assert check.json()["decision"] == "warn"


def test_the_rules_and_the_schema(world):
    c = factories.client("credit_office", world.credit_a)
    rules = c.get("/api/v1/remedies/rules").json()
    assert rules["rules"][0]["objection_accept_days"] == 1
    assert {e["category"] for e in rules["repair_exclusions"]} >= {"dishonest_judgment_debtor"}
    paths = set(c.get("/api/v1/openapi.json").json()["paths"])
    assert {"/api/v1/remedies/objections", "/api/v1/remedies/repairs", "/api/v1/remedies/cases/{case_id}/decide",
            "/api/v1/remedies/mitigations", "/api/v1/remedies/records/{record_id}/repairability"} <= paths
