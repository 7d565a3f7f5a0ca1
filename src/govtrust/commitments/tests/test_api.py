"""The commitments API per role: scope (404 across counties), permissions, the full lifecycle, the schema."""


from django.core.files.uploadedfile import SimpleUploadedFile

from govtrust.commitments.models import Commitment
from govtrust.ledger.models import Record
from govtrust.testing import factories

PDF = b"%PDF-1.5 evidence"


def _create(client, org_id, **kw):
    body = {"organization_id": org_id, "kind": "service_quality", "title": "一次办结", "content": "一次办结率≥95%",
            "start_date": "2026-01-01", "due_date": "2026-06-30"} | kw
    return client.post("/api/v1/commitments", body, content_type="application/json")


def test_lifecycle_through_the_api(world):
    dept = factories.client("department", world.finance_a)
    office = factories.client("credit_office", world.credit_a)
    res = _create(dept, world.finance_a.pk, target="满意度≥90%")
    assert res.status_code == 201, res.content
    cid = res.json()["id"]
    assert res.json()["status"] == "in_progress" and res.json()["kind_name"] == "行政服务质量承诺"
    up = dept.post(f"/api/v1/commitments/{cid}/evidence",
                   {"file": SimpleUploadedFile("清单.pdf", PDF), "description": "上半年办件清单"})
    assert up.status_code == 201 and up.json()["extension"] == "pdf"
    bad = dept.post(f"/api/v1/commitments/{cid}/evidence", {"file": SimpleUploadedFile("x.txt", b"hello")})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "file"
    assert dept.post(f"/api/v1/commitments/{cid}/review", {"accept": True},
                     content_type="application/json").status_code == 403
    no_reason = office.post(f"/api/v1/commitments/{cid}/review", {"accept": False}, content_type="application/json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    ok = office.post(f"/api/v1/commitments/{cid}/review", {"accept": True}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "fulfilled"
    detail = dept.get(f"/api/v1/commitments/{cid}").json()
    assert [e["kind"] for e in detail["events"]] == ["created", "evidence", "accepted", "fulfilled"]
    assert detail["evidence"][0]["description"] == "上半年办件清单"


def test_bad_dates_and_foreign_subjects_are_refused(world):
    dept = factories.client("department", world.finance_a)
    res = _create(dept, world.finance_a.pk, due_date="2025-12-31")
    assert res.status_code == 400 and [e["field"] for e in res.json()["errors"]] == ["due_date"]
    assert _create(dept, world.finance_b.pk).status_code == 404  # another county's body: not even visible
    assert Commitment.objects.count() == 0


def test_a_county_user_gets_404_on_another_countys_commitment(world):
    office_a = factories.client("credit_office", world.credit_a)
    office_b = factories.client("credit_office", world.finance_b)
    cid = _create(office_b, world.finance_b.pk).json()["id"]
    assert office_a.get(f"/api/v1/commitments/{cid}").status_code == 404
    assert office_a.post(f"/api/v1/commitments/{cid}/breach", {"reason": "x"},
                         content_type="application/json").status_code == 404
    assert office_a.get("/api/v1/commitments").json()["count"] == 0
    assert office_b.get("/api/v1/commitments").json()["count"] == 1
    city = factories.client("credit_office", world.city_credit)
    assert city.get(f"/api/v1/commitments/{cid}").status_code == 200
    assert factories.client("auditor", None).get("/api/v1/commitments").status_code == 403


def test_breach_and_change_and_figures_through_the_api(world):
    office = factories.client("credit_office", world.credit_a)
    cid = _create(office, world.finance_a.pk, due_date="2026-03-31").json()["id"]
    res = office.post(f"/api/v1/commitments/{cid}/breach", {"reason": "责任人更替后未再落实"},
                      content_type="application/json")
    body = res.json()
    assert res.status_code == 200 and body["status"] == "breached" and body["flagged"]
    assert Record.objects.get(pk=body["ledger_record_id"]).category.code == "commitment_unfulfilled"
    inv = _create(office, world.gov_a.pk, kind="investment_policy", title="招商奖励", start_date="2025-01-01",
                  due_date="2025-06-30").json()["id"]
    refused = office.post(f"/api/v1/commitments/{inv}/change", {"reason": "r", "legal_basis": "b", "authority": "a"},
                          content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "compensation_note"
    listed = office.get("/api/v1/commitments", {"status": "breached"}).json()
    assert [i["id"] for i in listed["items"]] == [cid]
    overdue = office.get("/api/v1/commitments", {"overdue": "true"}).json()
    assert [i["id"] for i in overdue["items"]] == [inv]  # in progress and past due
    figures = office.get("/api/v1/commitments/figures", {"start": "2026-01-01", "end": "2026-12-31",
                                                         "today": "2026-04-01"}).json()
    assert figures["total"]["breached"] == 1 and figures["total"]["rate"] == 0.0
    kinds = office.get("/api/v1/commitments/kinds").json()
    assert len(kinds) == 10 and all(k["legal_basis"] for k in kinds)


def test_the_endpoints_are_in_the_openapi_schema(world):
    schema = factories.client("credit_office", world.credit_a).get("/api/v1/openapi.json").json()
    for path in ("/api/v1/commitments", "/api/v1/commitments/{commitment_id}",
                 "/api/v1/commitments/{commitment_id}/evidence", "/api/v1/commitments/{commitment_id}/review",
                 "/api/v1/commitments/{commitment_id}/breach", "/api/v1/commitments/{commitment_id}/change",
                 "/api/v1/commitments/figures"):
        assert path in schema["paths"], path
