"""The console's sanctions pages through the HTTP client: who may open them, the measures list and its
versions, manual and batch checks, name candidates and judgements, the check log, feedback and figures."""

import json

import pytest
from django.test import Client

from govtrust.core.access import Role
from govtrust.intake.tests.helpers import csv_file, xlsx_file
from govtrust.sanctions import catalog, services
from govtrust.sanctions.models import (
    Check,
    CheckBatch,
    Feedback,
    MatchJudgement,
    Measure,
    MeasureStatus,
    MeasureVersion,
)
from govtrust.testing import factories

pytestmark = pytest.mark.django_db

BASE = "/console/sanctions"


@pytest.fixture
def office(world):
    """A credit-office user of county A (region scope) and a logged-in client for them."""
    user = factories.user(Role.CREDIT_OFFICE, world.credit_a)
    client = Client()
    client.force_login(user)
    return user, client


def _measure_data(**changes):
    data = {"code": "S-TEST-DRAFT", "name": "测试惩戒措施", "name_en": "Test sanction", "kind": "sanction",
            "effect": "warn", "subject_kinds": ["department"], "scenes": ["honours"],
            "trigger": json.dumps({"match": "any", "polarity": "negative"}), "legal_basis": "测试依据文件",
            "implementing_organization": "昆明市发展和改革委员会", "note": "", "ordering": "500", "reason": "新增测试措施"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _text(response):
    return response.content.decode()


# ------------------------------------------------------------------------------------------- access

def test_every_page_renders_for_the_credit_office_and_is_refused_without_the_perm(world, office, make_record):
    user, client = office
    make_record(world.finance_a)
    check = services.check(user, party={"uscc": world.finance_a.uscc}, scene="honours")
    batch, _checks = services.check_batch(user, parties=[{"uscc": world.finance_a.uscc}], scene="honours")
    measure = Measure.objects.get(code="S-GOV-HONOURS")
    pages = [f"{BASE}/measures/", f"{BASE}/measures/{measure.pk}/", f"{BASE}/measures/new/",
             f"{BASE}/measures/{measure.pk}/edit/", f"{BASE}/check/", f"{BASE}/checks/", f"{BASE}/checks/{check.pk}/",
             f"{BASE}/checks/batches/{batch.pk}/", f"{BASE}/checks/figures/"]
    for url in pages:
        assert client.get(url).status_code == 200, url
    outsider = factories.client(Role.EVALUATED_BODY, world.finance_a)  # no sanctions permission at all
    for url in pages:
        assert outsider.get(url).status_code == 403, url
    anonymous = Client().get(f"{BASE}/check/")
    assert anonymous.status_code == 302 and "/console/login/" in anonymous.url
    department = factories.client(Role.DEPARTMENT, world.finance_a)  # may check and view, not change measures
    assert department.get(f"{BASE}/measures/").status_code == 200
    assert department.get(f"{BASE}/measures/new/").status_code == 403
    assert department.get(f"{BASE}/measures/{measure.pk}/edit/").status_code == 403
    assert department.post(f"{BASE}/measures/{measure.pk}/withdraw/", {"reason": "x"}).status_code == 403


def test_the_menu_offers_the_sanctions_pages_to_those_who_may_use_them(world, office):
    _user, client = office
    html = _text(client.get("/console/"))
    for label in ("信用比对", "比对记录", "奖惩措施"):
        assert label in html
    assert "信用比对" not in _text(factories.client(Role.EVALUATED_BODY, world.finance_a).get("/console/"))


# ------------------------------------------------------------------------------------------- measures

def test_the_measures_list_and_a_measure_read_in_words(world):
    client = factories.client(Role.DEPARTMENT, world.finance_a)
    html = _text(client.get(f"{BASE}/measures/"))
    assert "S-GOV-HONOURS" in html and "取消参加各类荣誉评选资格" in html and "荣誉评选、评优评先" in html
    assert "新增措施" not in html
    measure = Measure.objects.get(code="S-GOV-HONOURS")
    res = client.get(f"{BASE}/measures/{measure.pk}/")
    html = _text(res)
    assert "有失信（负面）记录（一般及以上）" in html and measure.legal_basis in html
    assert [v["version"].number for v in res.context["versions"]] == [1] and "初版" in html
    assert "publish-form" not in html and "withdraw-form" not in html
    keep = Measure.objects.get(code="I-CS-KEEP-FAITH")
    assert "近36个月内没有失信（负面）记录" in _text(client.get(f"{BASE}/measures/{keep.pk}/"))


@pytest.mark.parametrize(("changes", "errors"), [
    ({"name": "", "legal_basis": "  "}, {"name": "不能为空", "legal_basis": "is required"}),
    ({"kind": "incentive", "effect": "block"}, {"effect": "激励措施的效果为优先"}),
    ({"scenes": None, "subject_kinds": None}, {"scenes": "适用场景应为", "subject_kinds": "subject kinds must be"}),
    ({"trigger": json.dumps({"match": "any", "categories": ["no_such_category"]})},
     {"trigger": "目录中没有这些类别：no_such_category"}),
    ({"trigger": '{"match": "any",'}, {"trigger": "不是有效的 JSON"}),
    ({"code": "措施一"}, {"code": "代码应为英文字母"}),
    ({"reason": ""}, {"reason": ""}),
])
def test_a_bad_measure_shows_the_field_errors_and_writes_nothing(world, office, changes, errors):
    _user, client = office
    before = (Measure.objects.count(), MeasureVersion.objects.count())
    res = client.post(f"{BASE}/measures/new/", _measure_data(**changes))
    assert res.status_code == 400
    html = _text(res)
    for field, message in errors.items():
        assert f'data-field-errors="{field}"' in html, field
        assert message in html, message
    assert (Measure.objects.count(), MeasureVersion.objects.count()) == before


def test_a_draft_is_created_published_and_withdrawn_each_a_version(world, office, make_record):
    user, client = office
    res = client.post(f"{BASE}/measures/new/", _measure_data())
    measure = Measure.objects.get(code="S-TEST-DRAFT")
    assert res.status_code == 302 and res.url == f"{BASE}/measures/{measure.pk}/"
    assert (measure.status, measure.version, measure.subject_kinds) == (MeasureStatus.DRAFT, 1, ["department"])
    make_record(world.finance_a, "complaint_substantiated")  # minor: only the explanation, unless ours applies
    assert "S-TEST-DRAFT" not in {m["code"] for m in services.check(
        user, party={"uscc": world.finance_a.uscc}, scene="honours").answer["measures"]}
    page = _text(client.get(res.url))
    assert "publish-form" in page and "草稿" in page
    refused = client.post(f"{BASE}/measures/{measure.pk}/publish/", {"reason": ""})
    assert refused.status_code == 400 and MeasureVersion.objects.filter(measure=measure).count() == 1
    assert client.post(f"{BASE}/measures/{measure.pk}/publish/", {"reason": "经审议发布"}).status_code == 302
    measure.refresh_from_db()
    assert (measure.status, measure.version) == (MeasureStatus.PUBLISHED, 2)
    assert "S-TEST-DRAFT" in {m["code"] for m in services.check(
        user, party={"uscc": world.finance_a.uscc}, scene="honours").answer["measures"]}
    assert client.post(f"{BASE}/measures/{measure.pk}/withdraw/", {"reason": "依据废止"}).status_code == 302
    measure.refresh_from_db()
    assert (measure.status, measure.version) == (MeasureStatus.WITHDRAWN, 3)
    assert list(measure.versions.values_list("number", "reason")) == [(1, "新增测试措施"), (2, "经审议发布"),
                                                                      (3, "依据废止")]
    res = client.get(f"{BASE}/measures/{measure.pk}/")
    latest = res.context["versions"][0]
    assert [(c.label, c.before, c.after) for c in latest["changes"]] == [("状态", "已发布", "已停用")]
    assert "publish-form" in _text(res)  # a withdrawn measure may be published again


def test_an_edit_is_a_new_version_and_shows_what_changed(world, office):
    _user, client = office
    measure = Measure.objects.get(code="S-GOV-FUNDS")
    url = f"{BASE}/measures/{measure.pk}/edit/"
    form = client.get(url).context["form"]
    assert json.loads(form.initial["trigger"])["min_severity"] == "serious"
    content = catalog.content_of(measure)
    data = {k: v for k, v in content.items() if k not in ("code", "status", "trigger")}
    data |= {"trigger": json.dumps(content["trigger"]), "scenes": ["fund_allocation", "project_application"],
             "reason": "扩大适用场景"}
    assert client.post(url, data).status_code == 302
    measure.refresh_from_db()
    assert measure.version == 2 and measure.scenes == ["fund_allocation", "project_application"]
    changes = client.get(f"{BASE}/measures/{measure.pk}/").context["versions"][0]["changes"]
    assert [(c.label, c.before, c.after) for c in changes] == [("适用场景", "资金安排", "资金安排、项目申报")]
    assert client.post(url, data | {"reason": "无修改"}).status_code == 302  # unchanged: no new version
    assert Measure.objects.get(pk=measure.pk).version == 2


# ------------------------------------------------------------------------------------------- checks

def test_a_manual_check_shows_the_block_with_its_measure_and_record(world, office, make_record):
    _user, client = office
    record = make_record(world.finance_a)
    res = client.post(f"{BASE}/check/", {"party_kind": "uscc", "party": world.finance_a.uscc.lower(),
                                         "scene": "honours", "reference": "RY-2026-01"})
    check = Check.objects.get()
    assert res.status_code == 302 and res.url == f"{BASE}/checks/{check.pk}/"
    assert (check.decision, check.reference, check.organization) == ("block", "RY-2026-01", world.credit_a)
    html = _text(client.get(res.url))
    assert 'data-decision="block"' in html and "拦截" in html
    assert "取消参加各类荣誉评选资格" in html and "国发〔2016〕76号" in html
    assert record.document_number in html and f"/console/records/{record.pk}/" in html
    assert f'data-testid="check-id">{check.pk}<' in html
    assert f'data-testid="measures-version">{check.measures_version}<' in html
    assert f'data-testid="ledger-version">{check.ledger_version}<' in html


def test_the_form_offers_only_the_scenes_the_user_may_ask_in(world, make_record):
    client = factories.client(Role.DEPARTMENT, world.finance_a)
    res = client.get(f"{BASE}/check/")
    assert res["Cache-Control"] == "no-store"
    scenes = dict(res.context["form"].fields["scene"].choices)
    assert "tendering" in scenes and "recruitment" not in scenes and "promotion" not in scenes
    refused = client.post(f"{BASE}/check/", {"party_kind": "uscc", "party": world.gov_a.uscc, "scene": "recruitment"})
    assert refused.status_code == 400 and 'data-field-errors="scene"' in _text(refused)
    assert Check.objects.count() == 0


def test_a_malformed_identifier_is_shown_at_the_party_field(world, office):
    _user, client = office
    res = client.post(f"{BASE}/check/", {"party_kind": "resident_id", "party": "53010219800303123",
                                         "scene": "promotion"})
    html = _text(res)
    assert res.status_code == 400 and 'data-field-errors="party"' in html and "party.resident_id" in html
    assert res["Cache-Control"] == "no-store"
    assert Check.objects.count() == 0


def test_a_resident_id_check_is_shown_masked(world, office, person, make_record):
    _user, client = office
    civil_servant, rid = person
    make_record(civil_servant, "disciplinary_sanction", severity="serious", person_id=rid)
    res = client.post(f"{BASE}/check/", {"party_kind": "resident_id", "party": rid, "scene": "recruitment"})
    html = _text(client.get(res.url))
    assert 'data-decision="block"' in html and "严重失信不得录用" in html and "赵六" in html
    assert rid not in html and civil_servant.resident_id_masked in html


def test_a_name_check_lists_candidates_and_a_judgement_suppresses_one(world, office, make_record):
    _user, client = office
    make_record(world.finance_a)
    res = client.post(f"{BASE}/check/", {"party_kind": "name", "party": "昆明市五华区财政局", "scene": "honours"})
    check = Check.objects.get()
    assert check.decision == "warn"  # a name never blocks: a person must verify
    page = client.get(res.url)
    html = _text(page)
    key = f"o:{world.finance_a.pk}"
    assert f'data-key="{key}"' in html and "名称规范化后完全一致" in html and 'data-decision="block"' in html
    assert "仅凭名称不能确定主体" in html and 'data-testid="not-party-form"' in html
    action = f"{BASE}/checks/{check.pk}/not_party/"
    refused = client.post(action, {"candidate_key": key, "reason": ""})
    assert refused.status_code == 400 and "须说明判断理由" in _text(refused) and MatchJudgement.objects.count() == 0
    assert client.post(action, {"candidate_key": key, "reason": "对方为企业，统一社会信用代码不同"}).status_code == 302
    judgement = MatchJudgement.objects.get()
    assert (judgement.candidate_key, judgement.check_ref_id) == (key, check.pk)
    assert 'data-testid="judged"' in _text(client.get(res.url))
    again = client.post(f"{BASE}/check/", {"party_kind": "name", "party": "昆明市五华区财政局", "scene": "honours"})
    html = _text(client.get(again.url))
    assert f'data-key="{key}"' not in html and 'data-testid="suppressed"' in html


def test_a_batch_file_is_checked_row_by_row(world, office, listing):
    _user, client = office
    listed = listing()
    content = xlsx_file([["名称", "统一社会信用代码"], ["某建设公司", listed.uscc], ["五华区财政局", world.finance_a.uscc]])
    res = client.post(f"{BASE}/check/batch/", {"scene": "tendering", "reference": "ZB-9",
                                               "file": _upload("bidders.xlsx", content)})
    batch = CheckBatch.objects.get()
    assert res.status_code == 302 and res.url == f"{BASE}/checks/batches/{batch.pk}/"
    assert (batch.size, batch.decisions) == (2, {"block": 1, "allow": 1})
    page = client.get(res.url)
    html = _text(page)
    assert [c.decision for c in page.context["page"]] == ["block", "allow"]
    assert "招标投标失信名单主体禁止投标" in html and f"{BASE}/checks/?batch={batch.pk}" in html
    log = client.get(f"{BASE}/checks/", {"batch": batch.pk})
    assert {c.pk for c in log.context["page"]} == set(batch.checks.values_list("pk", flat=True))


@pytest.mark.parametrize(("rows", "message"), [
    ([["统一社会信用代码"], ["{ok}"], ["11530100MB0000000X"]], "第3行：统一社会信用代码："),
    ([["统一社会信用代码"], ["{ok}"], ["{ok}"]], "第3行：与第2行重复"),
    ([["单位", "代码"], ["某单位", "{ok}"]], "第1行：表头须有“统一社会信用代码”“公民身份号码”或“名称”列"),
    ([["统一社会信用代码", "备注"], ["{ok}", ""], ["", "无标识"]], "第3行：须提供统一社会信用代码"),
])
def test_a_batch_file_with_a_bad_row_names_the_row_and_checks_nothing(world, office, rows, message):
    _user, client = office
    rows = [[cell.replace("{ok}", world.finance_a.uscc) for cell in row] for row in rows]
    res = client.post(f"{BASE}/check/batch/", {"scene": "tendering", "file": _upload("p.csv", csv_file(rows))})
    html = _text(res)
    assert res.status_code == 400 and message in html, html
    assert 'data-field-errors="file"' in html
    assert (Check.objects.count(), CheckBatch.objects.count()) == (0, 0)


def _upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


# ------------------------------------------------------------------------------------------- log, feedback

def test_the_check_log_filters_and_keeps_to_the_users_scope(world, office):
    user, client = office
    honours = services.check(user, party={"uscc": world.finance_a.uscc}, scene="honours")
    tender = services.check(user, party={"uscc": world.finance_a.uscc}, scene="tendering")
    other = factories.user(Role.CREDIT_OFFICE, world.gov_b)  # county B: outside county A's scope
    theirs = services.check(other, party={"uscc": world.finance_b.uscc}, scene="honours")
    assert {c.pk for c in client.get(f"{BASE}/checks/").context["page"]} == {honours.pk, tender.pk}
    res = client.get(f"{BASE}/checks/", {"scene": "tendering"}, HTTP_HX_REQUEST="true")
    assert [c.pk for c in res.context["page"]] == [tender.pk] and "<html" not in _text(res)
    assert [c.pk for c in client.get(f"{BASE}/checks/", {"decision": "prefer"}).context["page"]] == [honours.pk]
    assert client.get(f"{BASE}/checks/", {"start": "2099-01-01"}).context["page"].paginator.count == 0
    assert client.get(f"{BASE}/checks/", {"start": "not-a-date"}).status_code == 200  # ignored, not an error
    assert client.get(f"{BASE}/checks/{theirs.pk}/").status_code == 404


def test_feedback_is_reported_on_the_check_page(world, office, make_record):
    user, client = office
    make_record(world.finance_a)
    check = services.check(user, party={"uscc": world.finance_a.uscc}, scene="honours")
    url = f"{BASE}/checks/{check.pk}/feedback/"
    refused = client.post(url, {"measure": "S-GOV-HONOURS", "outcome": "not_applied", "reason": ""})
    html = _text(refused)
    assert refused.status_code == 400 and 'data-field-errors="reason"' in html and "未实施须说明原因" in html
    wrong = client.post(url, {"measure": "S-CS-RECRUIT", "outcome": "applied"})
    assert wrong.status_code == 400 and 'data-field-errors="measure"' in _text(wrong)
    assert Feedback.objects.count() == 0
    unexplained = client.post(url, {"measure": "S-GOV-HONOURS", "outcome": "applied"})  # the console wants a reason
    assert unexplained.status_code == 400 and "在工作台中修改数据必须填写理由" in _text(unexplained)
    assert client.post(url, {"measure": "S-GOV-HONOURS", "outcome": "applied", "reason": "已取消评选资格"}).status_code == 302
    assert client.post(url, {"measure": "", "outcome": "not_applied", "reason": "评选已结束"}).status_code == 302
    assert set(Feedback.objects.values_list("measure", "outcome")) == {("S-GOV-HONOURS", "applied"),
                                                                        ("", "not_applied")}
    html = _text(client.get(f"{BASE}/checks/{check.pk}/"))
    assert "已实施" in html and "评选已结束" in html
    viewer = factories.client(Role.ASSESSOR, world.credit_a)  # no sanctions perms: the page is refused
    assert viewer.get(f"{BASE}/checks/{check.pk}/").status_code == 403


def test_the_figures_count_hits_and_feedback_per_measure_and_scene(world, office, make_record):
    user, client = office
    make_record(world.finance_a)
    check = Check.objects.get(pk=services.check(user, party={"uscc": world.finance_a.uscc}, scene="honours").pk)
    services.report_feedback(user, check, [{"measure": "S-GOV-HONOURS", "outcome": "applied", "reason": "已取消"}])
    res = client.get(f"{BASE}/checks/figures/")
    rows = {(r["measure"], r["scene"]): r for r in res.context["rows"]}
    assert (rows[("S-GOV-HONOURS", "honours")]["applied"], rows[("S-GOV-EXPLAIN", "honours")]["no_feedback"]) == (1, 1)
    html = _text(res)
    assert 'data-bar-chart="chart-hits"' in html and "vendor/echarts.min.js" in html
    assert "取消参加各类荣誉评选资格·荣誉评选" in res.context["chart"]["labels"]
    assert client.get(f"{BASE}/checks/figures/", {"start": "2099-01-01"}).context["rows"] == []


def test_an_identifier_excel_stored_as_a_number_is_refused_by_row(world, office):
    _user, client = office
    content = xlsx_file([["公民身份号码"], [530102198003031234]])  # Excel keeps 15 digits: the tail is gone
    res = client.post(f"{BASE}/check/batch/", {"scene": "promotion", "file": _upload("p.xlsx", content)})
    html = _text(res)
    assert res.status_code == 400 and "第2行：公民身份号码：Excel已按数字保存该号码" in html
    assert Check.objects.count() == 0
