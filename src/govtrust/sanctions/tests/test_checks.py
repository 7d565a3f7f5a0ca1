"""The check API: stored answers, scenes per key, bad input by index, batches, names, feedback, the CLI."""

import json

import pytest
from django.core.management import call_command

from govtrust.cli import command_line
from govtrust.sanctions import services
from govtrust.sanctions.models import Check, CheckBatch, CheckHit, MatchJudgement
from govtrust.testing import factories

from .conftest import ask

pytestmark = pytest.mark.django_db


def post(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def test_a_check_over_the_api_is_answered_and_stored(world, listing, key_client):
    listed = listing()
    client = key_client()
    r = post(client, "/api/v1/checks", {"party": {"uscc": listed.uscc.lower()}, "scene": "招标投标",
                                        "reference": "KMZB-2026-118"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["decision"] == "block" and body["measures"][0]["code"] == "S-TENDER-BLACKLIST"
    assert body["ledger_version"] >= 0 and body["measures_version"] > 0
    stored = Check.objects.get(pk=body["check_id"])
    assert stored.system == "公共资源交易平台" and stored.actor.startswith("apikey:")
    assert stored.organization == world.city_credit and stored.reference == "KMZB-2026-118"
    assert list(CheckHit.objects.filter(check_ref=stored).values_list("measure", flat=True)) == ["S-TENDER-BLACKLIST"]
    again = client.get(f"/api/v1/checks/{stored.pk}").json()
    assert again["decision"] == "block" and again["feedback"] == []


def test_a_key_asks_only_in_its_scenes(world, key_client):
    r = post(key_client(["tendering"]), "/api/v1/checks", {"party": {"uscc": world.gov_a.uscc}, "scene": "晋升"})
    assert r.status_code == 403 and "晋升" in r.json()["message"]
    assert Check.objects.count() == 0


@pytest.mark.parametrize("party, field", [
    ({"uscc": "11530100MB0000000X"}, "party.uscc"),
    ({"resident_id": "53010219800303123"}, "party.resident_id"),
    ({}, "party"),
    ({"uscc": "11530100MB0000000X", "resident_id": "530102198003031234"}, "party"),
])
def test_malformed_parties_are_refused_naming_the_field(key_client, party, field):
    r = post(key_client(), "/api/v1/checks", {"party": party, "scene": "tendering"})
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["errors"]] == [field]
    assert r.json()["errors"][0]["message"] and r.json()["errors"][0]["message_en"]


def test_an_unknown_scene_is_refused(key_client, world):
    r = post(key_client(), "/api/v1/checks", {"party": {"uscc": world.gov_a.uscc}, "scene": "拍卖"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "scene"


def test_a_role_without_checks_cannot_ask(world):
    client = factories.client("assessor", world.credit_a)
    r = post(client, "/api/v1/checks", {"party": {"uscc": world.gov_a.uscc}, "scene": "honours"})
    assert r.status_code == 403


def test_console_roles_ask_in_their_scenes(world):
    org_dept = factories.user("organization_dept", world.credit_a)
    assert services.check(org_dept, party={"uscc": world.gov_a.uscc}, scene="晋升").decision
    from govtrust.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.check(org_dept, party={"uscc": world.gov_a.uscc}, scene="招标投标")


def test_a_batch_answers_each_party_in_order(world, listing, key_client, make_record):
    listed = listing()
    make_record(world.gov_a, "dishonest_judgment_debtor")
    parties = [{"uscc": world.finance_b.uscc}, {"uscc": listed.uscc}, {"uscc": world.gov_a.uscc},
               {"name": "昆明市盘龙区财政局"}]
    r = post(key_client(), "/api/v1/checks/batch", {"parties": parties, "scene": "tendering", "reference": "T-1"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert [x["decision"] for x in body["results"]] == ["allow", "block", "block", "allow"]
    assert body["decisions"] == {"allow": 2, "block": 2}
    batch = CheckBatch.objects.get(pk=body["batch_id"])
    assert batch.size == 4 and batch.checks.count() == 4
    assert list(batch.checks.order_by("position").values_list("party_shown", flat=True))[:2] == [
        world.finance_b.uscc, listed.uscc]
    assert sorted(CheckHit.objects.filter(check_ref__batch=batch).values_list("check_ref__position", "measure")) == [
        (1, "S-TENDER-BLACKLIST"), (2, "S-DEBTOR-BID")]


def test_a_bad_batch_is_refused_whole_naming_each_index(world, key_client):
    client = key_client()
    parties = [{"uscc": world.gov_a.uscc}, {"uscc": "bad"}, {"uscc": world.gov_a.uscc.lower()}]
    r = post(client, "/api/v1/checks/batch", {"parties": parties, "scene": "tendering"})
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(1, "parties[1].uscc"), (2, "parties[2]")]
    assert "第0项" in errors[1]["message"]
    assert post(client, "/api/v1/checks/batch", {"parties": [], "scene": "tendering"}).status_code == 400
    big = post(client, "/api/v1/checks/batch", {"parties": [{"name": "x"}] * 10_001, "scene": "tendering"})
    assert big.status_code == 400 and "10000" in big.json()["errors"][0]["message"]
    assert Check.objects.count() == 0 and CheckBatch.objects.count() == 0


def test_a_name_gives_candidates_and_never_blocks(world, make_record):
    make_record(world.finance_a)
    renamed = factories.organization("昆明市盘龙区自然资源局", world.county_b, former_names=["盘龙区国土资源局"])
    exact = ask("荣誉评选", name="昆明市五华区财政局")
    assert exact.decision == "warn" and exact.subject_key == ""
    top = exact.answer["candidates"][0]
    assert (top["key"], top["score"], top["match"], top["would_be"]) == (f"o:{world.finance_a.pk}", 1.0,
                                                                        "name_exact", "block")
    assert top["records"] and "规范化" in top["reason"]
    former = ask("荣誉评选", name="盘龙区国土资源局").answer["candidates"][0]
    assert former["match"] == "former_name" and former["key"] == f"o:{renamed.pk}" and former["would_be"] == "prefer"
    fuzzy = ask("荣誉评选", name="昆明市五华区财政厅").answer["candidates"]
    assert fuzzy[0]["match"] == "fuzzy" and 0.7 < fuzzy[0]["score"] < 0.9
    nothing = ask("荣誉评选", name="完全无关的名字有限公司")
    assert nothing.decision == "allow" and nothing.answer["candidates"] == []


def test_a_judgement_that_a_candidate_is_not_the_party_suppresses_it(world, make_record, key_client):
    make_record(world.finance_a)
    client = factories.client("credit_office", world.credit_a)
    first = post(client, "/api/v1/checks", {"party": {"name": "昆明市五华区财政局"}, "scene": "honours"}).json()
    key = first["candidates"][0]["key"]
    r = post(client, "/api/v1/checks/judgements", {"name": "昆明市五华区财政局", "candidate_key": key,
                                                   "reason": "投标人为同名企业，统一社会信用代码不同", "check_id": first["check_id"]})
    assert r.status_code == 201, r.content
    later = post(client, "/api/v1/checks", {"party": {"name": "昆明市五华区财政局"}, "scene": "honours"}).json()
    assert key not in [c["key"] for c in later["candidates"]]
    assert [s["key"] for s in later["suppressed"]] == [key] and later["decision"] == "allow"
    assert MatchJudgement.objects.count() == 1
    bad = post(client, "/api/v1/checks/judgements", {"name": "昆明市五华区财政局", "candidate_key": "o:999999",
                                                     "reason": "x"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "candidate_key"


def test_feedback_per_measure_and_the_figures(world, listing, key_client):
    client = key_client()
    listed, other = listing(), listing(name="昆明某某设备有限公司")
    one = post(client, "/api/v1/checks", {"party": {"uscc": listed.uscc}, "scene": "tendering"}).json()
    two = post(client, "/api/v1/checks", {"party": {"uscc": other.uscc}, "scene": "tendering"}).json()
    ok = post(client, f"/api/v1/checks/{one['check_id']}/feedback",
              {"items": [{"measure": "S-TENDER-BLACKLIST", "outcome": "applied"}]})
    assert ok.status_code == 200, ok.content
    no_reason = post(client, f"/api/v1/checks/{two['check_id']}/feedback",
                     {"items": [{"measure": "S-TENDER-BLACKLIST", "outcome": "not_applied"}]})
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "items[0].reason"
    wrong = post(client, f"/api/v1/checks/{two['check_id']}/feedback",
                 {"items": [{"measure": "S-CS-AWARDS", "outcome": "applied"}]})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "items[0].measure"
    figures = client.get("/api/v1/checks/figures").json()
    row = next(f for f in figures if f["measure"] == "S-TENDER-BLACKLIST")
    assert (row["hits"], row["applied"], row["not_applied"], row["no_feedback"], row["applied_rate"]) == (
        2, 1, 0, 1, 1.0)


def test_another_region_cannot_read_a_check(world, listing, key_client):
    check_id = post(key_client(org=world.finance_a), "/api/v1/checks",
                    {"party": {"uscc": listing().uscc}, "scene": "tendering"}).json()["check_id"]
    other = factories.client("credit_office", world.gov_b)
    assert other.get(f"/api/v1/checks/{check_id}").status_code == 404
    assert factories.client("credit_office", world.credit_a).get(f"/api/v1/checks/{check_id}").status_code == 200


def test_the_published_list_is_public():
    from django.test import Client

    r = Client().get("/api/v1/measures")
    assert r.status_code == 200 and {m["code"] for m in r.json()} >= {"S-GOV-HONOURS", "I-GOV-HONOURS"}
    assert all(m["status"] == "published" and m["legal_basis"] for m in r.json())


def test_the_command_line_prints_the_same_answer(world, listing, capsys):
    listed = listing()
    assert command_line(["check", "--uscc", listed.uscc, "--scene", "招标投标"])[0] == "screen"
    assert command_line(["check", "--deploy"]) == ["check", "--deploy"]
    call_command("screen", uscc=listed.uscc, scene="招标投标", json=True)
    answer = json.loads(capsys.readouterr().out)
    assert answer["decision"] == "block" and Check.objects.get(pk=answer["check_id"]).system == "govtrust 命令行"
    call_command("screen", uscc=listed.uscc, scene="tendering")
    out = capsys.readouterr().out
    assert "拦截" in out and "S-TENDER-BLACKLIST" in out and listed.document_number in out


# Which console roles may ask in which scene: the scenes' data, decided by access.may_check_scene.
SCENE_ROLES = {
    "admin": "every", "credit_office": "every", "department": {"tendering", "procurement", "awards", "honours",
                                                               "civilized_unit", "project_application",
                                                               "fund_allocation", "government_financing",
                                                               "demonstration"},
    "organization_dept": {"awards", "honours", "recruitment", "transfer", "promotion"},
    "discipline": {"promotion"}, "evaluated_body": set(), "assessor": set(), "auditor": set(), "public": set(),
}


@pytest.mark.parametrize("role", sorted(SCENE_ROLES))
def test_every_role_asks_in_exactly_its_scenes(world, role):
    from govtrust.core import access
    from govtrust.sanctions.models import Scene

    user = factories.user(role, world.credit_a if role not in ("admin", "auditor", "public") else None)
    allowed = {s.code for s in Scene.objects.all() if access.may_check_scene(user, s)}
    expected = SCENE_ROLES[role]
    assert allowed == (set(Scene.objects.values_list("code", flat=True)) if expected == "every" else expected)
    assert access.can(user, "sanctions.view") == (role not in ("evaluated_body", "assessor", "auditor", "public"))


def test_an_api_key_asks_only_in_granted_scenes_and_loses_them_at_once(world, key_client):
    from govtrust.accounts import services as account_services
    from govtrust.accounts.models import ApiKey

    client = key_client(["tendering"])
    body = {"party": {"uscc": world.gov_a.uscc}, "scene": "procurement"}
    assert post(client, "/api/v1/checks", body).status_code == 403
    key = ApiKey.objects.get(name="公共资源交易平台")
    account_services.set_api_key_scenes(factories.SYSTEM, key, scenes=["招标投标", "政府采购"], reason="测试：增加场景")
    assert post(client, "/api/v1/checks", body).status_code == 200
    account_services.revoke_api_key(factories.SYSTEM, key, reason="测试：吊销")
    assert post(client, "/api/v1/checks", body).status_code == 401


def test_a_calling_system_sees_and_answers_only_its_own_checks(world, listing, key_client):
    mine, other = key_client(["tendering"]), key_client(["tendering", "promotion"])
    check_id = post(mine, "/api/v1/checks", {"party": {"uscc": listing().uscc}, "scene": "tendering"}).json()["check_id"]
    assert other.get(f"/api/v1/checks/{check_id}").status_code == 404
    assert other.get("/api/v1/checks").json()["count"] == 0
    feedback = {"items": [{"measure": "S-TENDER-BLACKLIST", "outcome": "applied", "reason": "拦截"}]}
    assert post(other, f"/api/v1/checks/{check_id}/feedback", feedback).status_code == 404
    assert mine.get("/api/v1/checks").json()["count"] == 1
    assert post(mine, f"/api/v1/checks/{check_id}/feedback", feedback).status_code == 200
    # the credit office of the region sees every check asked there
    assert factories.client("credit_office", world.city_credit).get(f"/api/v1/checks/{check_id}").status_code == 200


def test_a_judgement_suppresses_only_for_the_organization_that_made_it(world, make_record):
    make_record(world.finance_a)
    office_a = factories.user("credit_office", world.credit_a)
    office_city = factories.user("credit_office", world.city_credit)
    key = f"o:{world.finance_a.pk}"
    services.judge_not_party(office_a, name="昆明市五华区财政局", candidate_key=key, reason="同名企业")
    mine = services.check(office_a, party={"name": "昆明市五华区财政局"}, scene="honours").answer
    theirs = services.check(office_city, party={"name": "昆明市五华区财政局"}, scene="honours").answer
    assert key not in [c["key"] for c in mine["candidates"]]
    assert key in [c["key"] for c in theirs["candidates"]] and theirs["decision"] == "warn"
