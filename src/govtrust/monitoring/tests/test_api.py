"""The monitoring API: list with filters, one warning, acknowledge / action / close, errors in zh + en with field
names, 404 across counties, the rules and editing one, and the OpenAPI schema."""

import pytest

from govtrust.testing import factories

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _post(client, url, body):
    return client.post(url, body, content_type=JSON)


def test_list_one_and_the_flow(warning, world):
    office = factories.client("credit_office", world.credit_a)
    page = office.get("/api/v1/monitoring/warnings?status=open&level=orange").json()
    assert page["count"] == 1
    item = page["items"][0]
    assert item["rule"] == "judgment_unperformed" and item["body_name"] == world.finance_a.name
    assert item["level_label"] == "橙色预警" and item["evidence"]["case_number"] and item["summary"]
    assert office.get("/api/v1/monitoring/warnings?level=red").json()["count"] == 0
    assert office.get(f"/api/v1/monitoring/warnings?body={world.gov_a.pk}").json()["count"] == 0
    assert office.get("/api/v1/monitoring/warnings?rule=judgment_unperformed&limit=1").json()["count"] == 1
    assert office.get(f"/api/v1/monitoring/warnings/{warning.pk}").json()["key"] == warning.key

    refused = _post(office, f"/api/v1/monitoring/warnings/{warning.pk}/acknowledge", {})
    assert refused.status_code == 403 and refused.json()["message_en"].startswith("Only the warned body")

    body = factories.client("department", world.finance_a)
    empty = _post(body, f"/api/v1/monitoring/warnings/{warning.pk}/action", {"text": ""})
    assert empty.status_code == 400
    (e,) = empty.json()["errors"]
    assert e == {"field": "action_report", "message": "必须填写处置情况", "message_en": "the action taken is required"}
    ack = _post(body, f"/api/v1/monitoring/warnings/{warning.pk}/acknowledge", {"note": "收到"})
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    again = _post(body, f"/api/v1/monitoring/warnings/{warning.pk}/acknowledge", {})
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    done = _post(body, f"/api/v1/monitoring/warnings/{warning.pk}/action", {"text": "已履行判决"})
    assert done.status_code == 200 and done.json()["status_label"] == "已报告处置情况"
    assert _post(body, f"/api/v1/monitoring/warnings/{warning.pk}/close", {"reason": "x"}).status_code == 403
    closed = _post(office, f"/api/v1/monitoring/warnings/{warning.pk}/close", {"reason": "处置到位"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["closed_by"]


def test_other_county_gets_404_and_roles_without_the_permission_403(warning, world):
    other = factories.client("department", world.finance_b)
    assert other.get("/api/v1/monitoring/warnings").json()["count"] == 0
    assert other.get(f"/api/v1/monitoring/warnings/{warning.pk}").status_code == 404
    res = _post(other, f"/api/v1/monitoring/warnings/{warning.pk}/acknowledge", {})
    assert res.status_code == 404 and res.json()["message"] and res.json()["message_en"]
    assessor = factories.client("assessor", world.credit_a)
    assert assessor.get("/api/v1/monitoring/warnings").status_code == 403
    assert assessor.get("/api/v1/monitoring/rules").status_code == 403


def test_rules_listed_and_edited(world):
    office = factories.client("credit_office", world.credit_a)
    rules = office.get("/api/v1/monitoring/rules").json()
    assert len(rules) == 7 and all(r["basis"] for r in rules)
    bad = office.patch("/api/v1/monitoring/rules/complaints_surge",
                       {"params": {"factor": "abc", "window_months": 6, "min_count": 3}, "reason": "调整"},
                       content_type=JSON)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "params.factor"
    ok = office.patch("/api/v1/monitoring/rules/complaints_surge",
                      {"params": {"factor": 3, "window_months": 12, "min_count": 5}, "level": "orange",
                       "reason": "按本地规定调整"}, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["params"] == {"factor": 3, "window_months": 12, "min_count": 5}
    dept = factories.client("department", world.finance_a)
    assert dept.get("/api/v1/monitoring/rules").status_code == 200
    assert dept.patch("/api/v1/monitoring/rules/complaints_surge", {"active": False, "reason": "x"},
                      content_type=JSON).status_code == 403
    assert office.patch("/api/v1/monitoring/rules/nope", {"reason": "x"}, content_type=JSON).status_code == 404


def test_openapi_lists_the_endpoints(world):
    schema = factories.client("credit_office", world.credit_a).get("/api/v1/openapi.json").json()
    for path in ("/api/v1/monitoring/warnings", "/api/v1/monitoring/warnings/{warning_id}",
                 "/api/v1/monitoring/warnings/{warning_id}/acknowledge", "/api/v1/monitoring/warnings/{warning_id}/action",
                 "/api/v1/monitoring/warnings/{warning_id}/close", "/api/v1/monitoring/rules",
                 "/api/v1/monitoring/rules/{code}"):
        assert path in schema["paths"], path
