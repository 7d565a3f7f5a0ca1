"""The complaints API end to end: a 12345 hand-over (idempotent), assignment through the routing table, a
return and reassignment, a merge, a reopening visit, a complaint found true in the ledger, scope, the schema."""

from django.utils import timezone

from govtrust.complaints.models import Complaint
from govtrust.testing import factories

JSON = "application/json"


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type=JSON)


def _hotline(client, world, number, **kw):
    body = {"hotline_number": number, "category": "arrears", "body": world.finance_a.name, "facts": "拖欠工程款",
            "name": "赵六", "contact": "13900001111", "received_on": "2026-09-21"} | kw
    return _post(client, "/api/v1/complaints/hotline", body)


def test_full_flow_through_the_api(world):
    office = factories.client("credit_office", world.credit_a)
    dept = factories.client("department", world.finance_a)
    route = _post(office, "/api/v1/complaints/routing", {"category": "arrears", "region": "530102",
                                                         "organization_id": world.finance_a.pk,
                                                         "valid_from": "2026-01-01", "note": "拖欠账款由财政局承办"})
    assert route.status_code == 201, route.content
    first = _hotline(office, world, "H-0001")
    assert first.status_code == 201 and first.json()["created"] and len(first.json()["extraction_code"]) == 6
    again = _hotline(office, world, "H-0001")
    assert again.status_code == 200 and not again.json()["created"] and again.json()["extraction_code"] == ""
    elsewhere = _hotline(factories.client("credit_office", world.gov_b), world, "H-0001")
    assert elsewhere.status_code == 409 and "complaint" not in elsewhere.json()  # the number is taken; no case shown
    assert "拖欠工程款" not in elsewhere.content.decode()
    cid = first.json()["complaint"]["id"]
    assert first.json()["complaint"]["name_masked"] == "赵*" and "赵六" not in first.content.decode()

    assert _post(dept, f"/api/v1/complaints/{cid}/accept").status_code == 404  # not assigned to it: not visible
    assert _post(office, f"/api/v1/complaints/{cid}/accept").json()["status"] == "accepted"
    assigned = _post(office, f"/api/v1/complaints/{cid}/assign").json()
    assert assigned["assignee_id"] == world.finance_a.pk and assigned["routing_entry_id"] == route.json()["id"]
    assert dept.get("/api/v1/complaints?queue=mine").json()["count"] == 1

    bad = _post(dept, f"/api/v1/complaints/{cid}/return", {"reason": ""})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "reason"
    returned = _post(dept, f"/api/v1/complaints/{cid}/return", {"reason": "属区政府统筹事项"}).json()
    assert returned["status"] == "returned"
    reassigned = _post(office, f"/api/v1/complaints/{cid}/reassign", {"organization_id": world.gov_a.pk}).json()
    assert reassigned["assignee_id"] == world.gov_a.pk and reassigned["status"] == "assigned"
    assert dept.get(f"/api/v1/complaints/{cid}").status_code == 404  # the bureau lost the case with the return

    gov = factories.client("evaluated_body", world.gov_a)
    assert _post(gov, f"/api/v1/complaints/{cid}/handle").json()["status"] == "handling"
    replied = _post(gov, f"/api/v1/complaints/{cid}/reply", {"reply": "经核查属实，已督促付款。",
                                                             "finding": "substantiated"}).json()
    assert replied["status"] == "replied" and replied["finding"] == "substantiated"
    closed = _post(office, f"/api/v1/complaints/{cid}/close").json()
    assert closed["status"] == "closed" and closed["ledger_record_id"]
    record = factories.client("credit_office", world.credit_a).get(f"/api/v1/records/{closed['ledger_record_id']}")
    assert record.status_code == 200 and record.json()["category"] == "complaint_substantiated"
    reopened = _post(office, f"/api/v1/complaints/{cid}/visit", {"rating": "unsatisfied", "note": "仍未付款"}).json()
    assert reopened["status"] == "assigned" and reopened["reopen_count"] == 1
    detail = office.get(f"/api/v1/complaints/{cid}").json()
    assert [e["kind"] for e in detail["events"]] == [
        "filed", "resent", "accepted", "assigned", "returned", "reassigned", "handling", "replied", "closed",
        "recorded", "visited", "reopened"]
    identity = _post(office, f"/api/v1/complaints/{cid}/identity", {"purpose": "电话回访"}).json()
    assert identity == {"name": "赵六", "contact": "13900001111"}


def test_merge_and_the_queue_filters(world):
    office = factories.client("credit_office", world.credit_a)
    a = _hotline(office, world, "H-1").json()["complaint"]["id"]
    b = _hotline(office, world, "H-2").json()["complaint"]["id"]
    merged = _post(office, f"/api/v1/complaints/{b}/merge", {"into_id": a, "reason": "同一事项"})
    assert merged.status_code == 200 and merged.json()["status"] == "merged" and merged.json()["merged_into_id"] == a
    assert office.get("/api/v1/complaints?status=merged").json()["count"] == 1
    assert office.get("/api/v1/complaints?queue=office").json()["count"] == 1
    assert office.get(f"/api/v1/complaints?q={world.finance_a.name[-3:]}").json()["count"] == 2


def test_scope_and_bad_input(world):
    office_a = factories.client("credit_office", world.credit_a)
    office_b = factories.client("credit_office", world.finance_b)
    refused = _hotline(office_b, world, "H-9")  # a county-B office cannot enter a case about a county-A body
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "body"
    unknown = _post(office_a, "/api/v1/complaints", {"category": "arrears", "body": "查无此局", "facts": "x",
                                                     "anonymous": True})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "body"
    cid = _hotline(office_a, world, "H-10").json()["complaint"]["id"]
    assert office_b.get(f"/api/v1/complaints/{cid}").status_code == 404
    assert factories.client("assessor", world.credit_a).get(f"/api/v1/complaints/{cid}").json()["name_masked"] == "赵*"
    assert _post(factories.client("assessor", world.credit_a), f"/api/v1/complaints/{cid}/identity",
                 {"purpose": "x"}).status_code == 403
    assert Complaint.objects.count() == 1


def test_figures_register_and_catalog(world):
    office = factories.client("credit_office", world.credit_a)
    _hotline(office, world, "H-20")
    figures = office.get("/api/v1/complaints/figures?start=2026-09-01&end=2026-09-30").json()
    assert figures["total"]["total"] == 1 and figures["by_category"][0]["category__code"] == "arrears"
    assert figures["by_month"][0]["month"] == "2026-09"
    xlsx = office.get("/api/v1/complaints/register.xlsx?start=2026-09-01&end=2026-09-30")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = office.get("/api/v1/complaints/figures?start=2026-09-30&end=2026-09-01")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "end"
    catalog = office.get("/api/v1/complaints/catalog").json()
    assert {r["code"]: r["handle_working_days"] for r in catalog["rules"]} == {
        "12345-2020": {"inquiry": 3, "complaint": 13}}
    assert all(m["legal_basis"] for m in catalog["not_accepted"])


def test_the_openapi_schema_lists_the_endpoints(world):
    schema = factories.client("credit_office", world.credit_a).get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/complaints/hotline", "/api/v1/complaints/{complaint_id}/merge",
            "/api/v1/complaints/routing/{entry_id}/replace", "/api/v1/complaints/hotline/import"} <= paths


def test_an_api_key_of_the_12345_system_hands_over_a_file(world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from govtrust.accounts import services as accounts

    _key, raw = accounts.create_api_key(factories.SYSTEM, name="12345热线", organization=world.city_credit,
                                        reason="测试")
    csv = ("热线工单号,投诉类别,被投诉单位,事实和理由,是否匿名\n"
           f"H-30,拖欠企业账款,{world.finance_a.name},未付款,是\n").encode("utf-8-sig")
    res = Client().post("/api/v1/complaints/hotline/import", {"file": SimpleUploadedFile("h.csv", csv)},
                        HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert res.status_code == 200, res.content
    c = Complaint.objects.get()
    assert res.json()["created"] == 1 and c.channel == "hotline_csv"
    assert c.received_on == timezone.localdate()  # no 登记日期 column: received today


def test_a_hotline_case_received_in_the_future_is_refused_naming_the_field(world):
    from govtrust.complaints.models import Complaint

    office = factories.client("credit_office", world.credit_a)
    res = _hotline(office, world, "H-FUTURE", received_on="2099-01-01")
    assert res.status_code == 400 and [e["field"] for e in res.json()["errors"]] == ["received_on"]
    assert "晚于今天" in res.json()["errors"][0]["message"] and not Complaint.objects.filter(hotline_number="H-FUTURE")
