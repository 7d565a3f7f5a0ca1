"""Runs through the HTTP API, the console, the portal and `govtrust evaluate`: the same service behind each,
drafts visible only to staff, published results on the portal, errors that name the field."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from govtrust.evaluation import runs
from govtrust.evaluation.models import Run, RunStatus
from govtrust.testing import factories

pytestmark = pytest.mark.django_db


def test_the_api_runs_ranks_and_publishes(world, system, data):
    office = factories.client("credit_office", world.city_credit)
    res = office.post("/api/v1/evaluation/runs", {"period": "2026Q2", "system_code": "test-system"},
                      content_type="application/json")
    assert res.status_code == 201, res.content
    run = res.json()
    assert run["status"] == "draft" and run["summary"]["ranked"] == 3 and len(run["fingerprint"]) == 64
    ranking = office.get(f"/api/v1/evaluation/runs/{run['id']}/ranking?group=government:county").json()
    assert [(r["name"], r["rank"], r["score"]) for r in ranking] == [
        ("昆明市五华区人民政府", 1, 64.58), ("昆明市盘龙区人民政府", 2, 25.0)]
    assert ranking[0]["values"]["judg"]["den"] == 3
    assert office.post(f"/api/v1/evaluation/runs/{run['id']}/publish").json()["status"] == "published"
    again = office.post(f"/api/v1/evaluation/runs/{run['id']}/publish")
    assert again.status_code == 409
    bad = office.post("/api/v1/evaluation/runs", {"period": "2026Q9"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "period"
    dept = factories.client("department", world.finance_a)
    assert dept.post("/api/v1/evaluation/runs", {"period": "2026Q2"}, content_type="application/json").status_code == 403


def test_console_pages_show_the_ranking_the_indicator_and_the_body(world, run):
    office = factories.client("credit_office", world.city_credit)
    page = office.get(f"/console/evaluation/runs/{run.pk}/?group=government:county").content.decode()
    assert "昆明市五华区人民政府" in page and "64.58" in page and run.fingerprint in page
    assert 'data-testid="publish"' in page and 'data-testid="sensitivity"' in page
    assert "一级指标权重±20%时的名次变化" in page and "上调或下调20%时" in page  # the system's step, as stored
    assert Run(summary={"sensitivity": [{"change": "+20%"}]}).sensitivity_step == "20%"  # a run stored before
    page = office.get(f"/console/evaluation/runs/{run.pk}/indicators/judg/").content.decode()
    assert "2 / 7" in page and "测试指标 judg" in page  # coverage: 2 of the 7 subjects had judgments due
    res = office.post(f"/console/evaluation/runs/{run.pk}/publish/")
    assert res.status_code == 302 and Run.objects.get(pk=run.pk).status == RunStatus.PUBLISHED
    page = office.get(f"/console/evaluation/bodies/{world.gov_a.pk}/").content.decode()
    assert 'data-testid="score-history"' in page and "64.58" in page
    assert "/console/evaluation/runs/" in office.get("/console/").content.decode()  # in the menu


def test_the_console_form_names_a_bad_period(world, system, data):
    office = factories.client("credit_office", world.city_credit)
    res = office.post("/console/evaluation/runs/new/", {"period": "2030Q1"})
    page = res.content.decode()
    assert res.status_code == 400 and "尚未开始" in page and "has not begun" in page
    assert not Run.objects.exists()
    assert factories.client("department", world.finance_a).post(
        "/console/evaluation/runs/new/", {"period": "2026Q2"}).status_code == 403


def test_the_portal_shows_published_runs_only(world, office, run, client):
    assert client.get(f"/rankings/{run.pk}/").status_code == 404  # a draft is not public
    assert "2026Q2" not in client.get("/rankings/").content.decode()
    runs.publish_run(office, run)
    listing = client.get("/rankings/").content.decode()
    assert f"/rankings/{run.pk}/" in listing
    page = client.get(f"/rankings/{run.pk}/?group=government:county").content.decode()
    assert "昆明市五华区人民政府" in page and "不适用" in page
    assert client.get(f"/rankings/{run.pk}/?group=nonsense").status_code == 404
    assert "测试指标 judg" in client.get(f"/rankings/{run.pk}/indicators/judg/").content.decode()
    body = client.get(f"/rankings/bodies/{world.gov_b.pk}/").content.decode()
    assert "25.00" in body and 'data-testid="drivers"' in body


def test_the_command_prints_the_ranking_and_refuses_bad_periods(world, system, data):
    out = StringIO()
    call_command("evaluate", "--period", "2026Q2", "--system", "test-system", "--region", world.city.code,
                 "--publish", "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["status"] == "published" and answer["system"] == {"code": "test-system", "version": 1}
    first = next(r for r in answer["ranking"] if r["group"] == "government:county")
    assert (first["name"], first["rank"], first["score"]) == ("昆明市五华区人民政府", 1, 64.58)
    out = StringIO()
    call_command("evaluate", "--period", "2026Q2", "--system", "test-system:1", "--region", world.city.code, stdout=out)
    text = out.getvalue()
    assert "县级人民政府" in text and "64.58" in text and "待发布" in text
    with pytest.raises(CommandError, match="2026Q7"):
        call_command("evaluate", "--period", "2026Q7")
    with pytest.raises(CommandError, match="version"):
        call_command("evaluate", "--period", "2026Q2", "--system", "test-system:x")


def test_bodies_see_the_published_runs_of_the_regions_above_them_and_only_their_own_scores(world, office, run):
    """A department and an evaluated body of 五华区 see the city's run once published, with their own rows only;
    not a draft, not the run of another county; a county credit office sees the city's published run too."""
    other = runs.create_run(office, period="2026Q2", system_code="test-system", region=world.county_b,
                            now=run.created_at)
    readers = [factories.client("department", world.finance_a), factories.client("evaluated_body", world.gov_a),
               factories.client("credit_office", world.credit_a)]
    for client in readers:
        assert client.get("/api/v1/evaluation/runs").json() == []  # drafts: staff of the city only
        assert client.get(f"/console/evaluation/runs/{run.pk}/").status_code == 404
    runs.publish_run(office, run)
    runs.publish_run(office, other)
    for client in readers:
        listed = [r["id"] for r in client.get("/api/v1/evaluation/runs").json()]
        assert listed == [run.pk]  # not 盘龙区's run
        assert client.get(f"/console/evaluation/runs/{other.pk}/").status_code == 404
    page = readers[1].get(f"/console/evaluation/runs/{run.pk}/?group=government:county").content.decode()
    assert "昆明市五华区人民政府" in page and "昆明市盘龙区人民政府" not in page
    assert len(factories.client("credit_office", world.city_credit).get("/api/v1/evaluation/runs").json()) == 2
