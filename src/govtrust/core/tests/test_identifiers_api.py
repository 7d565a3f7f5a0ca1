"""POST /api/v1/identifiers/validate: any authenticated caller checks identifiers in bulk; results come back in
input order, resident IDs masked; malformed requests get a 422 with field errors."""

import pytest
from django.test import Client

from govtrust.accounts import services as account_services
from govtrust.core.access import Role
from govtrust.testing import factories

URL = "/api/v1/identifiers/validate"


make_uscc, make_id = factories.complete_uscc, factories.complete_resident_id


@pytest.fixture
def client(world):
    return factories.client(Role.DEPARTMENT, world.finance_a)


def _post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_anonymous_callers_are_refused(db):
    res = _post(Client(), {"kind": "uscc", "values": [make_uscc("11530102MA6K0Q8R3")]})
    assert res.status_code == 401
    assert res.json()["code"] == "unauthenticated" and res.json()["message_en"]


def test_an_api_key_may_validate(world):
    _, raw = account_services.create_api_key(factories.SYSTEM, organization=world.gov_a, name="采购系统")
    code = make_uscc("11530102MA6K0Q8R3")
    res = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        URL, {"kind": "uscc", "values": [code]}, content_type="application/json"
    )
    assert res.status_code == 200, res.content
    assert res.json()["all_valid"] is True


@pytest.mark.parametrize(
    ("role", "home"), [(Role.PUBLIC, None), (Role.AUDITOR, None), (Role.EVALUATED_BODY, "gov_a")]
)
def test_any_logged_in_role_may_validate(world, role, home):
    res = _post(factories.client(role, getattr(world, home) if home else None), {"kind": "uscc", "values": [make_uscc("12530102MA6K0Q8R3")]})
    assert res.status_code == 200 and res.json()["results"][0]["category"] == "事业单位"


def test_uscc_results_are_in_input_order_and_normalized(client):
    organ, firm, other = (make_uscc(f"{c}530102MA6K0Q8R3") for c in ("11", "91", "Y1"))
    wrong = organ[:17] + ("0" if organ[17] != "0" else "1")
    res = _post(client, {"kind": "uscc", "values": [firm, wrong, f" {organ.lower()} ", other, "123"]})
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["kind"] == "uscc" and body["all_valid"] is False and body["invalid_count"] == 2
    results = body["results"]
    assert [r["value"] for r in results] == [firm, wrong, organ, other, "123"]
    assert [r["valid"] for r in results] == [True, False, True, True, False]
    assert [r["category"] for r in results] == ["企业", "", "机关", "其他", ""]
    assert results[1]["reason"] == f"校验码错误：应为{organ[17]}"
    assert results[1]["reason_en"] == f"wrong check character: expected {organ[17]}"
    assert results[4]["reason_en"] == "must be 18 characters, got 3"
    assert results[0]["reason"] == "" and results[0]["reason_en"] == ""


def test_all_valid_when_every_value_is(client):
    body = _post(client, {"kind": "uscc", "values": [make_uscc("91530102MA6K0Q8R3")]}).json()
    assert body["all_valid"] is True and body["invalid_count"] == 0


def test_resident_ids_come_back_masked(client):
    good = make_id("53010219900307123")
    typo = make_id("53010219900230123")  # no 30 February: the masked part is what is wrong
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    res = _post(client, {"kind": "resident_id", "values": [good.lower(), typo, wrong]})
    assert res.status_code == 200, res.content
    body = res.json()
    assert [r["value"] for r in body["results"]] == [
        f"530102********{good[-4:]}",
        f"530102********{typo[-4:]}",
        f"530102********{wrong[-4:]}",
    ]
    assert [r["valid"] for r in body["results"]] == [True, False, False]
    assert body["invalid_count"] == 2 and body["kind"] == "resident_id"
    text = res.content.decode()
    for number in (good, typo, wrong):
        assert number not in text
    assert "19900307" not in text and "19900230" not in text and "1990-02-30" not in text
    assert "does not exist" in body["results"][1]["reason_en"]


def _field_errors(res):
    assert res.status_code == 422, res.content
    body = res.json()
    assert body["code"] == "invalid" and body["message"] and body["message_en"]
    return {e["field"] for e in body["errors"]}, body


def test_an_empty_list_is_refused_with_a_field_error(client):
    fields, body = _field_errors(_post(client, {"kind": "uscc", "values": []}))
    assert fields == {"values"}
    assert all(e["message"] and e["message_en"] for e in body["errors"])


def test_an_unknown_kind_is_refused_with_a_field_error(client):
    fields, _ = _field_errors(_post(client, {"kind": "passport", "values": ["E12345678"]}))
    assert fields == {"kind"}


def test_missing_fields_and_wrong_types_name_the_field(client):
    fields, _ = _field_errors(_post(client, {"values": ["x"]}))
    assert fields == {"kind"}
    fields, _ = _field_errors(_post(client, {"kind": "uscc", "values": "91530102MA6K0Q8R3X"}))
    assert fields == {"values"}
    fields, _ = _field_errors(_post(client, {"kind": "uscc", "values": ["ok", 5]}))
    assert fields == {"values.1"}


def test_more_than_a_thousand_values_are_refused(client):
    fields, _ = _field_errors(_post(client, {"kind": "uscc", "values": ["x"] * 1001}))
    assert fields == {"values"}
    assert _post(client, {"kind": "uscc", "values": ["x"] * 1000}).json()["invalid_count"] == 1000


def test_values_travel_only_in_the_body(client):
    assert client.get(URL, {"kind": "uscc", "values": "x"}).status_code == 405
