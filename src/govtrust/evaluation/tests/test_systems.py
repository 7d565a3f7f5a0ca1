"""Indicator systems as versioned data: the shipped default is publishable, and every kind of bad tree is
refused at publication (or at import) with errors that name the indicator — never at run time."""

import copy
import json

import pytest

from govtrust.core.audit import AuditEvent
from govtrust.core.errors import Conflict, PermissionDenied, ServiceError
from govtrust.evaluation import services, tree
from govtrust.evaluation.catalog import default_data
from govtrust.evaluation.models import IndicatorSystem
from govtrust.testing import factories

pytestmark = pytest.mark.django_db
CODE = "gov-integrity-2026"


def fields(errors):
    return {e.field for e in errors}


@pytest.fixture
def office(world):
    return factories.user("credit_office", world.city_credit)


def content():
    return copy.deepcopy(default_data()["content"])


def test_the_default_system_is_published_and_passes_every_check():
    shipped = services.in_force(CODE)
    assert shipped.version == 1 and tree.check(shipped.content) == []
    leaves = dict(tree.leaves(shipped.content))
    assert len(leaves) >= 15 and {n["source"] for n in leaves.values()} >= {"publicity.on_time_rate",
                                                                              "complaints.satisfaction"}
    assert all(n["definition"] for n in leaves.values())


def test_weights_levels_sources_normalization_and_grades_are_checked():
    c = content()
    c["children"][0]["weight"] = 25  # dimensions now sum to 105
    c["children"][1]["children"][0]["source"] = "ledger.no_such_source"
    c["children"][1]["children"][1]["normalize"] = {"method": "linear", "lo": 1, "hi": 1}
    c["children"][2]["children"][0]["direction"] = "up"
    c["children"][3]["children"][0]["normalize"]["steps"].reverse()
    c["children"][4]["children"][0]["min_sample"] = -1
    c["children"][5]["children"][0]["definition"] = " "
    c["children"].append({"code": "flat", "name": "只有一级", "weight": 0})
    c["grades"] = [{"grade": "A", "min": 80}, {"grade": "B", "min": 90}]
    assert fields(tree.check(c)) == {
        "children.weight", "lawful/litigation_lost.source", "lawful/head_in_court.normalize",
        "commitments/commitment_fulfilment.direction", "sanctions/new_serious.normalize.steps",
        "supervision/complaints_on_time.min_sample", "key_work/inspection_score.definition", "flat.weight", "flat",
        "grades"}
    messages = {e.field: e.message for e in tree.check(c)}
    assert "现为105" in messages["children.weight"] and "ledger.no_such_source" in messages[
        "lawful/litigation_lost.source"]


@pytest.mark.parametrize("step", [0, 1, 1.5, -0.2, "0.2", True])
def test_a_sensitivity_step_outside_0_to_1_is_refused(step):
    c = content()
    c["sensitivity"] = step
    errors = tree.check(c)
    assert fields(errors) == {"sensitivity"} and "0.2即±20%" in errors[0].message and "±20 %" in errors[0].message_en


def test_duplicate_codes_and_child_weights_are_refused():
    c = content()
    c["children"][1]["children"][0]["code"] = "publicity_on_time"
    c["children"][0]["children"][0]["weight"] = 10
    assert fields(tree.check(c)) == {"lawful/publicity_on_time", "transparency.weight"}


def test_a_draft_is_edited_then_published_and_never_changes_again(office):
    draft = services.create_draft(office, code=CODE, note="调整权重")
    assert (draft.version, draft.status) == (2, "draft") and draft.content == services.in_force(CODE).content
    with pytest.raises(Conflict):
        services.create_draft(office, code=CODE)  # one draft at a time
    c = content()
    c["children"][0]["weight"], c["children"][1]["weight"] = 25, 15
    draft, problems = services.update_draft(office, draft, content=c)
    assert problems == []
    bad = copy.deepcopy(c)
    bad["children"][0]["weight"] = 30
    draft, problems = services.update_draft(office, draft, content=bad)
    assert fields(problems) == {"children.weight"}  # kept as a draft, with what publishing would refuse
    with pytest.raises(ServiceError) as err:
        services.publish(office, draft)
    assert fields(err.value.errors) == {"children.weight"}
    assert IndicatorSystem.objects.get(pk=draft.pk).status == "draft"
    draft, _ = services.update_draft(office, draft, content=c)
    published = services.publish(office, draft)
    assert services.in_force(CODE) == published and published.published_at
    with pytest.raises(Conflict):
        services.update_draft(office, published, name="改名")
    assert AuditEvent.objects.filter(object_type="evaluation.indicatorsystem", action="publish").count() == 1
    with pytest.raises(PermissionDenied):
        services.create_draft(factories.user("department", office.organization), code=CODE)


def _filled(nodes):
    """The tree as a table gives it back: empty cells are absent."""
    return [{k: (_filled(v) if k == "children" else v) for k, v in n.items() if v != ""} for n in nodes]


def _rows(c):
    out = []

    def walk(nodes, parent):
        for n in nodes:
            row = {k: (json.dumps(v) if k == "normalize" else str(v)) for k, v in n.items() if k != "children"}
            out.append(row | {"parent": parent})
            walk(n.get("children") or [], n["code"])

    walk(c["children"], "")
    return out


def test_a_flat_table_becomes_the_tree_and_orphans_and_cycles_are_refused(office):
    draft = services.create_draft(office, code=CODE)
    rows = _rows(content())
    draft, problems = services.import_table(office, draft, rows)
    assert problems == [] and draft.content["children"] == _filled(content()["children"])
    broken = copy.deepcopy(rows)
    broken[1]["parent"] = "nowhere"  # an orphan
    broken[0]["parent"], broken[5]["parent"] = broken[5]["code"], broken[0]["code"]  # a cycle
    broken[2]["weight"] = "twenty"
    with pytest.raises(ServiceError) as err:
        services.import_table(office, draft, broken)
    found = {(e.field, e.row) for e in err.value.errors}
    assert ("parent", 3) in found and ("weight", 4) in found
    assert any(e.field == "parent" and "成环" in e.message for e in err.value.errors)
    assert IndicatorSystem.objects.get(pk=draft.pk).content["children"] == _filled(content()["children"])  # unchanged


def test_the_api_lists_shows_edits_and_publishes(world, office):
    c = factories.client("credit_office", world.city_credit)
    systems = c.get("/api/v1/evaluation/systems").json()
    assert [(s["code"], s["version"], s["status"]) for s in systems] == [(CODE, 1, "published")]
    assert any(s["code"] == "complaints.on_time_rate" for s in c.get("/api/v1/evaluation/sources").json())
    res = c.post("/api/v1/evaluation/systems", {"code": CODE, "note": "新版"}, content_type="application/json")
    assert res.status_code == 201
    sid = res.json()["id"]
    bad = content()
    bad["children"][0]["children"][0]["source"] = "x.y"
    res = c.patch(f"/api/v1/evaluation/systems/{sid}", {"content": bad}, content_type="application/json")
    assert [p["field"] for p in res.json()["problems"]] == ["transparency/publicity_on_time.source"]
    res = c.post(f"/api/v1/evaluation/systems/{sid}/publish")
    assert res.status_code == 400 and res.json()["errors"][0]["field"] == "transparency/publicity_on_time.source"
    c.patch(f"/api/v1/evaluation/systems/{sid}", {"content": content()}, content_type="application/json")
    assert c.post(f"/api/v1/evaluation/systems/{sid}/publish").json()["status"] == "published"
    dept = factories.client("department", world.finance_a)
    assert dept.get(f"/api/v1/evaluation/systems/{sid}").status_code == 200
    assert dept.post("/api/v1/evaluation/systems", {"code": CODE}, content_type="application/json").status_code == 403
