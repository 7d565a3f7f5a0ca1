"""The record catalog in the console: list, detail with field specs and versions, edit and create through
ledger.catalog (a new version each time), field errors from the service, permissions; the regimes page."""

import json

import pytest

from govtrust.core.access import Role
from govtrust.ledger import catalog
from govtrust.ledger.models import Category, CategoryVersion, Regime
from govtrust.testing import factories


def _form_data(category, **changes):
    content = catalog.content_of(category)
    data = {k: v for k, v in content.items() if k not in {"code", "fields", "active"}}
    data["disclosure_months"] = "" if content["disclosure_months"] is None else content["disclosure_months"]
    data["fields"] = json.dumps(content["fields"], ensure_ascii=False)
    if content["active"]:
        data["active"] = "on"
    data["reason"] = "测试修改"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def judgment(db):
    return Category.objects.get(code="judicial_judgment")


def test_the_list_shows_the_catalog(world, login):
    res = login(Role.DEPARTMENT, "finance_a").get("/console/catalog/")
    html = res.content.decode()
    assert res.status_code == 200
    assert [c.code for c, _kinds in res.context["categories"]] == list(Category.objects.values_list("code", flat=True))
    for text in ("judicial_judgment", "司法判决", "失信（负面）", "社会公开", "人民政府"):
        assert text in html, text
    assert "新增类别" not in html  # a department may not change the catalog
    assert "新增类别" in login(Role.CREDIT_OFFICE, "credit_a").get("/console/catalog/").content.decode()


def test_detail_shows_legal_basis_fields_and_versions(world, login, judgment):
    res = login(Role.DEPARTMENT, "finance_a").get(f"/console/catalog/{judgment.pk}/")
    html = res.content.decode()
    assert judgment.legal_basis in html
    assert 'data-testid="field-specs"' in html and "案号" in html and "审理法院" in html and "判决" in html
    assert [v["version"].number for v in res.context["versions"]] == [1]
    assert "初版" in html and "system:defaults" in html
    assert res.context["can_change"] is False and f"/console/catalog/{judgment.pk}/edit/" not in html


def test_an_edit_bumps_the_version_and_shows_what_changed(world, login, judgment):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    url = f"/console/catalog/{judgment.pk}/edit/"
    form = client.get(url).context["form"]
    assert form.initial["name"] == "司法判决" and json.loads(form.initial["fields"])[0]["name"] == "case_number"
    fields = [*judgment.fields, {"name": "amount", "label": "涉案金额", "label_en": "Amount", "type": "money"}]
    res = client.post(url, _form_data(judgment, legal_basis="新的依据文件", fields=json.dumps(fields, ensure_ascii=False),
                                      subject_kinds=["government", "department"], reason="补充涉案金额字段"))
    assert res.status_code == 302 and res.url == f"/console/catalog/{judgment.pk}/"
    judgment.refresh_from_db()
    assert (judgment.version, judgment.legal_basis, judgment.subject_kinds) == (2, "新的依据文件",
                                                                               ["government", "department"])
    assert judgment.fields[-1]["name"] == "amount"
    assert list(judgment.versions.values_list("number", "reason")) == [(1, catalog.default_data("catalog")["basis"]),
                                                                       (2, "补充涉案金额字段")]
    page = client.get(res.url)
    html = page.content.decode()
    latest = page.context["versions"][0]
    assert latest["version"].number == 2
    assert {c.label for c in latest["changes"]} == {"依据", "适用主体", "专有字段"}
    assert "补充涉案金额字段" in html and "涉案金额" in html and "新的依据文件" in html
    # saving again unchanged makes no version
    assert client.post(url, _form_data(judgment, reason="无修改")).status_code == 302
    assert Category.objects.get(pk=judgment.pk).version == 2 and judgment.versions.count() == 2


@pytest.mark.parametrize(("fields", "message"), [
    ('[{"name": "case_number", "label": "案号", "type": "text"', "不是有效的 JSON"),
    ('[{"name": "amount", "label": "金额", "type": "float"}]', "fields.0.type"),
    ('[{"name": "Bad Name", "label": "x", "type": "text"}]', "fields.0.name"),
    ('[{"name": "ok", "label": "选项", "type": "choice"}]', "选项字段必须列出可选值"),
    ('{"name": "ok"}', "应为字段列表"),
])
def test_bad_fields_give_a_field_error_and_no_version(world, login, judgment, fields, message):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = client.post(f"/console/catalog/{judgment.pk}/edit/", _form_data(judgment, fields=fields, name="改名"))
    html = res.content.decode()
    assert res.status_code == 400
    assert 'data-field-errors="fields"' in html and message in html
    judgment.refresh_from_db()
    assert (judgment.version, judgment.name) == (1, "司法判决")
    assert CategoryVersion.objects.filter(category=judgment).count() == 1


def test_other_service_errors_are_shown_at_their_fields(world, login, judgment):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    url = f"/console/catalog/{judgment.pk}/edit/"
    res = client.post(url, _form_data(judgment, polarity="positive", name=" "))
    html = res.content.decode()
    assert res.status_code == 400 and 'data-field-errors="name"' in html  # the form's own "required"
    res = client.post(url, _form_data(judgment, polarity="positive"))
    html = res.content.decode()
    assert res.status_code == 400 and 'data-field-errors="default_severity"' in html
    assert "只有失信类别有失信程度" in html and "only negative categories have a severity" in html
    no_reason = client.post(url, _form_data(judgment, name="改名", reason=""))
    assert no_reason.status_code == 400 and 'data-field-errors="reason"' in no_reason.content.decode()
    assert Category.objects.get(pk=judgment.pk).version == 1


def test_roles_without_catalog_change_get_403(world, login, judgment):
    client = login(Role.DEPARTMENT, "finance_a")
    url = f"/console/catalog/{judgment.pk}/edit/"
    assert client.get(url).status_code == 403
    res = client.post(url, _form_data(judgment, name="改名"))
    assert res.status_code == 403 and "无权" in res.content.decode()
    assert client.get("/console/catalog/new/").status_code == 403
    assert client.post("/console/catalog/new/", _form_data(judgment, code="dept_new")).status_code == 403
    judgment.refresh_from_db()
    assert (judgment.version, judgment.name) == (1, "司法判决")
    assert not Category.objects.filter(code="dept_new").exists()


def test_create_a_category(world, login, judgment):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    data = _form_data(judgment, code="late_reply", name="逾期答复", name_en="Late reply",
                      fields='[{"name": "days", "label": "逾期天数", "type": "integer", "required": true}]',
                      reason="新增目录类别")
    res = client.post("/console/catalog/new/", data)
    created = Category.objects.get(code="late_reply")
    assert res.status_code == 302 and res.url == f"/console/catalog/{created.pk}/"
    assert (created.version, created.name, created.fields[0]["type"]) == (1, "逾期答复", "integer")
    assert list(created.versions.values_list("number", "reason")) == [(1, "新增目录类别")]
    duplicate = client.post("/console/catalog/new/", data | {"code": "judicial_judgment"})
    assert duplicate.status_code == 400 and 'data-field-errors="code"' in duplicate.content.decode()
    assert "代码已存在" in duplicate.content.decode()
    # the new category can take records straight away
    assert factories.record_row("逾期答复", world.finance_a)["信用信息类别"] == "逾期答复"


def test_the_regimes_page_lists_each_regime_with_its_rules(world, login):
    res = login(Role.DEPARTMENT, "finance_a").get("/console/catalog/regimes/")
    html = res.content.decode()
    assert res.status_code == 200
    regimes = list(Regime.objects.prefetch_related("rules"))
    assert len(regimes) > 0 and html.count('data-testid="regime"') == len(regimes)
    for regime in regimes:
        assert regime.name in html and regime.in_force_from.isoformat() in html
    first = regimes[0]
    assert "发改办财金〔2019〕527号" in first.basis and "发改办财金〔2019〕527号" in html
    assert "最长公示期（月）" in html and "527号文未设轻微一类" in html


LEDGER_PAGES = ["/console/records/", "/console/catalog/", "/console/catalog/regimes/", "/console/catalog/new/"]


@pytest.mark.parametrize(("role", "home", "allowed"), [
    (Role.ADMIN, None, set(LEDGER_PAGES)),
    (Role.CREDIT_OFFICE, "credit_a", set(LEDGER_PAGES)),
    (Role.DEPARTMENT, "finance_a", set(LEDGER_PAGES) - {"/console/catalog/new/"}),
    (Role.ORGANIZATION_DEPT, "gov_a", set(LEDGER_PAGES) - {"/console/catalog/new/"}),
    (Role.AUDITOR, None, set()),
])
def test_each_role_opens_exactly_its_ledger_pages(login, role, home, allowed):
    client = login(role, home)
    for url in LEDGER_PAGES:
        assert client.get(url).status_code == (200 if url in allowed else 403), url
    menu = client.get("/console/").content.decode()
    assert ('href="/console/catalog/"' in menu) == ("/console/catalog/" in allowed)
