"""The console's supervision pages: each list renders the rows in scope, the entry form saves through the service
and shows refusals next to the field, the import link names the dataset, roles without the permission get 403."""

import datetime as dt

import pytest

from govtrust.supervision.models import Inspection
from govtrust.testing import factories

pytestmark = pytest.mark.django_db
KINDS = ("proposals", "litigation", "judgments", "inspections", "assessments")


def test_every_list_and_form_renders(world, proposal):
    proposal(number="五华第0001号")
    proposal(number="盘龙第0001号", body=world.finance_b)
    office = factories.client("credit_office", world.credit_a)
    for kind in KINDS:
        page = office.get(f"/console/supervision/{kind}/")
        assert page.status_code == 200, kind
        assert f"?dataset={kind}" in page.content.decode()
        assert office.get(f"/console/supervision/{kind}/new/").status_code == 200
    html = office.get("/console/supervision/").content.decode()
    assert "五华第0001号" in html and "盘龙第0001号" not in html  # county B's item is out of scope
    assert office.get("/console/supervision/nothing/").status_code == 404
    assert "监督评价数据" in html  # the menu item
    assert 'value="proposals" selected' in office.get("/console/imports/?dataset=proposals").content.decode()


def test_the_entry_form_saves_and_shows_errors_next_to_fields(world):
    office = factories.client("credit_office", world.credit_a)
    url = "/console/supervision/inspections/new/"
    res = office.post(url, {"inspector": "昆明市人民政府督查室", "document_number": "", "body": world.gov_a.pk,
                            "inspected_on": "2026-07-01", "score": "120", "reason": "录入督查通报"})
    assert res.status_code == 400
    html = res.content.decode()
    assert 'data-field-errors="score"' in html and 'data-field-errors="document_number"' in html
    data = {"inspector": "昆明市人民政府督查室", "document_number": "昆政督〔2026〕5号", "body": world.gov_a.pk,
            "inspected_on": "2026-07-01", "findings": "公开不及时", "score": "88", "reason": "录入督查通报"}
    assert office.post(url, data).status_code == 302
    saved = Inspection.objects.get()
    assert saved.inspected_on == dt.date(2026, 7, 1) and saved.body == world.gov_a
    assert "昆政督〔2026〕5号" in office.get("/console/supervision/inspections/").content.decode()


def test_roles(world):
    assert factories.client("auditor", None).get("/console/supervision/").status_code == 403
    body = factories.client("evaluated_body", world.gov_a)
    assert body.get("/console/supervision/assessments/").status_code == 200
    assert body.get("/console/supervision/assessments/new/").status_code == 403
    assessor = factories.client("assessor", world.city_credit)
    res = assessor.post("/console/supervision/assessments/new/", {
        "kind": "self", "body": world.gov_a.pk, "period": "2026Q3", "score": "90", "reason": "报送"})
    assert res.status_code == 403 and 'data-field-errors="kind"' in res.content.decode()
