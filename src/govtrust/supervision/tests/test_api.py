"""The supervision API: create (201), update (200, saying so), list with filters, one row, errors with field names,
404 across counties, and the OpenAPI schema."""

from govtrust.supervision.models import Proposal
from govtrust.testing import factories

JSON = "application/json"


def _post(client, url, body):
    return client.post(url, body, content_type=JSON)


def test_create_update_list_and_scope(world):
    office = factories.client("credit_office", world.credit_a)
    body = {"kind": "suggestion", "year": 2026, "number": "第0007号", "title": "关于优化营商环境的建议",
            "body": world.finance_a.uscc, "received_on": "2026-03-20", "due_on": "2026-06-20",
            "answered_on": "2026-06-25", "satisfaction": "basically"}
    created = _post(office, "/api/v1/supervision/proposals", body)
    assert created.status_code == 201, created.content
    assert created.json()["outcome"] == "created" and created.json()["item"]["on_time"] is False
    pk = created.json()["item"]["id"]
    again = _post(office, "/api/v1/supervision/proposals", body)
    assert again.status_code == 200 and again.json()["outcome"] == "unchanged"
    updated = _post(office, "/api/v1/supervision/proposals", body | {"answered_on": "2026-06-10"})
    assert updated.json()["outcome"] == "updated" and updated.json()["item"]["on_time"] is True
    assert Proposal.objects.count() == 1

    page = office.get(f"/api/v1/supervision/proposals?year=2026&body={world.finance_a.pk}").json()
    assert page["count"] == 1 and page["items"][0]["body_name"] == world.finance_a.name
    assert office.get("/api/v1/supervision/proposals?year=2025").json()["count"] == 0
    assert office.get(f"/api/v1/supervision/proposals/{pk}").json()["number"] == "第0007号"

    other = factories.client("credit_office", world.gov_b)
    assert other.get(f"/api/v1/supervision/proposals/{pk}").status_code == 404
    assert other.get("/api/v1/supervision/proposals").json()["count"] == 0
    refused = _post(other, "/api/v1/supervision/proposals", body | {"number": "第0008号"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "body"


def test_errors_name_their_fields(world):
    office = factories.client("credit_office", world.credit_a)
    res = _post(office, "/api/v1/supervision/assessments", {"kind": "third_party", "body_id": world.gov_a.pk,
                                                          "period": "2026Q9", "score": "120"})
    assert res.status_code == 400
    fields = {e["field"] for e in res.json()["errors"]}
    assert fields == {"period", "score", "assessor", "method"}
    assert all(e["message"] and e["message_en"] for e in res.json()["errors"])
    ok = _post(office, "/api/v1/supervision/assessments", {"kind": "self", "body_id": world.gov_a.pk,
                                                         "period": "2026Q3", "score": "91.5"})
    assert ok.status_code == 201 and ok.json()["item"]["assessor"] == world.gov_a.name


def test_every_kind_through_the_api(world):
    office = factories.client("credit_office", world.credit_a)
    gov = {"body": world.gov_a.name}
    posts = {
        "litigation": {"case_number": "（2026）云0102行初3号", "court": "五华区人民法院", "filed_on": "2026-02-01",
                       "judged_on": "2026-05-01", "outcome": "lost", "head_appeared": True},
        "judgments": {"case_number": "（2026）云0102行初3号", "court": "五华区人民法院", "effective_on": "2026-05-16",
                      "due_on": "2026-07-15"},
        "inspections": {"inspector": "昆明市人民政府督查室", "document_number": "昆政督〔2026〕3号",
                        "inspected_on": "2026-08-01", "findings": "公开不及时", "score": "82.5"},
    }
    for kind, body in posts.items():
        res = _post(office, f"/api/v1/supervision/{kind}", gov | body)
        assert res.status_code == 201, (kind, res.content)
        listed = office.get(f"/api/v1/supervision/{kind}").json()
        assert listed["count"] == 1
        assert office.get(f"/api/v1/supervision/{kind}/{res.json()['item']['id']}").status_code == 200
    assert office.get("/api/v1/supervision/judgments").json()["items"][0]["status"] == "overdue"
    assert factories.client("auditor", None).get("/api/v1/supervision/judgments").status_code == 403


def test_the_schema_lists_the_endpoints(world):
    office = factories.client("credit_office", world.credit_a)
    paths = office.get("/api/v1/openapi.json").json()["paths"]
    for kind in ("proposals", "litigation", "judgments", "inspections", "assessments"):
        assert {"get", "post"} <= set(paths[f"/api/v1/supervision/{kind}"])
        assert "get" in paths[f"/api/v1/supervision/{kind}/{{pk}}"]
