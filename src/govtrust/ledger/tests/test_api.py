"""The ledger API: catalog, regimes, records with cursor pagination and history, as-of, changes, push."""

import datetime as dt

from django.test import Client

from govtrust.accounts import services as account_services
from govtrust.core.access import Role
from govtrust.ledger.models import Record
from govtrust.testing import factories


def _key_client(world, org):
    _key, raw = account_services.create_api_key(factories.SYSTEM, organization=org, name="报送系统")
    return Client(headers={"authorization": f"Bearer {raw}"})


def test_catalog_and_regimes_are_published(world):
    c = factories.client(Role.DEPARTMENT, world.finance_a)
    categories = c.get("/api/v1/catalog").json()
    assert categories and all(cat["legal_basis"] for cat in categories)
    regimes = c.get("/api/v1/regimes").json()
    assert [r["code"] for r in regimes] == ["ndrc-2019-527", "ndrc-2023-58", "ndrc-2026-36"]
    assert {"severity": "serious", "domain": "", "min_months": 12, "max_months": 36, "may_be_undisclosed": False,
            "note": ""} in regimes[2]["rules"]


def test_catalog_edit_through_the_api(world, penalty):
    office = factories.client(Role.CREDIT_OFFICE, world.credit_a)
    res = office.patch("/api/v1/catalog/test_penalty", {"legal_basis": "新依据", "reason": "更新依据"},
                       content_type="application/json")
    assert res.status_code == 200 and res.json()["version"] == 2
    detail = office.get("/api/v1/catalog/test_penalty").json()
    assert [v["number"] for v in detail["versions"]] == [1, 2]
    clerk = factories.client(Role.DEPARTMENT, world.finance_a)
    assert clerk.patch("/api/v1/catalog/test_penalty", {"name": "x", "reason": "y"},
                       content_type="application/json").status_code == 403


def test_records_list_pages_with_a_cursor_and_filters(world, make_records):
    make_records(5)
    make_records(2, subject=world.gov_a, 失信程度="严重")
    c = factories.client(Role.CREDIT_OFFICE, world.credit_a)
    first = c.get("/api/v1/records", {"limit": 3}).json()
    second = c.get("/api/v1/records", {"limit": 3, "cursor": first["next"]}).json()
    third = c.get("/api/v1/records", {"limit": 3, "cursor": second["next"]}).json()
    ids = [r["id"] for page in (first, second, third) for r in page["items"]]
    assert len(ids) == len(set(ids)) == 7 and third["next"] is None
    serious = c.get("/api/v1/records", {"severity": "serious"}).json()["items"]
    assert {r["subject_name"] for r in serious} == {world.gov_a.name}
    by_org = c.get("/api/v1/records", {"organization_id": world.finance_a.pk}).json()["items"]
    assert len(by_org) == 5
    assert c.get("/api/v1/records", {"region": "530103"}).json()["items"] == []
    assert c.get("/api/v1/records", {"cursor": "not-a-cursor"}).status_code == 400


def test_scope_other_county_sees_nothing(world, make_records):
    (record,) = make_records()
    other = factories.client(Role.CREDIT_OFFICE, world.finance_b)
    assert other.get("/api/v1/records").json()["items"] == []
    assert other.get(f"/api/v1/records/{record.pk}").status_code == 404
    public = Client()
    assert public.get("/api/v1/records").status_code == 401


def test_detail_history_change_and_as_of(world, make_records):
    (record,) = make_records()
    c = factories.client(Role.CREDIT_OFFICE, world.credit_a)
    res = c.post(f"/api/v1/records/{record.pk}/dispute", {"reason": "异议"}, content_type="application/json")
    assert res.status_code == 200 and res.json()["status"] == "disputed"
    res = c.post(f"/api/v1/records/{record.pk}/correct", {"reason": "更正", "objection": True, "facts": "新事实"},
                 content_type="application/json")
    assert res.status_code == 200 and res.json()["number"] == 3
    detail = c.get(f"/api/v1/records/{record.pk}").json()
    assert [r["kind"] for r in detail["revisions"]] == ["create", "dispute", "objection"]
    assert detail["regime"] == "ndrc-2026-36" and detail["facts"] == "新事实"
    again = c.post(f"/api/v1/records/{record.pk}/uphold", {"reason": "x"}, content_type="application/json")
    assert again.status_code == 409
    as_of = c.get(f"/api/v1/ledger/o:{world.finance_a.pk}", {"as_of": dt.date.today().isoformat()}).json()
    assert [(a["record_id"], a["revision"]["number"]) for a in as_of] == [(record.pk, 3)]


def test_push_json_with_an_api_key(world, penalty):
    c = _key_client(world, world.credit_a)
    rows = [factories.record_row(penalty.name, world.finance_a, "推送〔2026〕1号"),
            {"category": penalty.code, "uscc": world.gov_a.uscc, "document_number": "推送〔2026〕2号",
             "authority": "某局", "decision_date": "2026-05-01", "facts": "事实", "severity": "一般"}]
    res = c.post("/api/v1/intake/records", rows, content_type="application/json")
    assert res.status_code == 200, res.content
    assert res.json()["created"] == 2 and Record.objects.filter(source=world.credit_a).count() == 2
    again = c.post("/api/v1/intake/records", rows, content_type="application/json").json()
    assert (again["created"], again["unchanged"]) == (0, 2)
    bad = c.post("/api/v1/intake/records", [dict(rows[0], 决定日期="2099-01-01")], content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "决定日期"
    batches = c.get("/api/v1/intake/batches").json()
    assert [b["status"] for b in batches] == ["rejected", "committed", "committed"]


def test_template_for_one_category(world, penalty):
    import csv
    import io

    from govtrust.intake.tests.test_records_import import ARREARS_FIELDS

    factories.category("test_arrears_tpl", name="测试欠款", fields=ARREARS_FIELDS)
    c = factories.client(Role.CREDIT_OFFICE, world.credit_a)
    res = c.get("/api/v1/imports/records/template", {"format": "csv", "category": "test_arrears_tpl"})
    header, example = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))
    assert header[-3:] == ["拖欠金额", "应付日期", "清偿情况"] and example[0] == "测试欠款"
    assert c.get("/api/v1/imports/records/template", {"category": "nope"}).status_code == 404
