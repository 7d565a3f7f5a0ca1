"""Regions, organizations and civil servants in the console: lists, search, detail, forms and errors."""

from govtrust.core.access import Role
from govtrust.core.models import AuditEvent
from govtrust.subjects.models import CivilServant, Organization
from govtrust.testing import factories


def _names(res):
    return [o.name for o in res.context["page"]]


# ------------------------------------------------------------------------------------------- regions

def test_region_list_searches_by_name_or_code_and_filters_by_level(login):
    client = login(Role.DEPARTMENT, "finance_a")
    assert [r.code for r in client.get("/console/regions/?q=五华").context["page"]] == ["530102"]
    assert [r.code for r in client.get("/console/regions/?q=5301").context["page"]] == [
        "530100", "530102", "530102001", "530103"]
    assert [r.code for r in client.get("/console/regions/?level=county").context["page"]] == ["530102", "530103"]


# ------------------------------------------------------------------------------------- organizations

def test_organization_search_is_scoped_and_htmx_gets_the_fragment(login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    full = client.get("/console/organizations/?q=财政局")
    assert _names(full) == ["昆明市五华区财政局"]  # 盘龙区财政局 is out of scope
    assert "<html" in full.content.decode()
    part = client.get("/console/organizations/?q=财政局", HTTP_HX_REQUEST="true")
    assert "<html" not in part.content.decode() and "昆明市五华区财政局" in part.content.decode()


def test_organization_filters(world, login):
    client = login(Role.ADMIN)
    assert _names(client.get("/console/organizations/?kind=government&region=530102")) == ["昆明市五华区人民政府"]
    assert _names(client.get("/console/organizations/?region=999999")) == []
    assert _names(client.get("/console/organizations/?status=merged")) == []


def test_organization_detail_shows_children_and_people(world, login):
    res = login(Role.CREDIT_OFFICE, "credit_a").get(f"/console/organizations/{world.gov_a.pk}/")
    assert res.status_code == 200
    assert {o.name for o in res.context["children"]} == {"昆明市五华区财政局", "昆明市五华区发展和改革局"}
    assert res.context["civil_servant_count"] == 0
    assert res.context["events"] is None  # no audit permission, no audit section


def test_create_organization_needs_a_reason_shown_next_to_the_field(world, login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    data = {"name": "昆明市五华区审计局", "kind": "department", "region": world.county_a.pk, "uscc": "",
            "parent": world.gov_a.pk, "former_names": "五华区审计局\n", "reason": ""}
    res = client.post("/console/organizations/new/", data)
    assert res.status_code == 400
    assert 'data-field-errors="reason"' in res.content.decode()
    assert not Organization.objects.filter(name="昆明市五华区审计局").exists()

    res = client.post("/console/organizations/new/", data | {"reason": "机构改革新设"})
    org = Organization.objects.get(name="昆明市五华区审计局")
    assert res.status_code == 302 and res.url == f"/console/organizations/{org.pk}/"
    assert list(org.former_names.values_list("name", flat=True)) == ["五华区审计局"]
    assert AuditEvent.objects.filter(object_id=str(org.pk), action="create", reason="机构改革新设").exists()


def test_service_field_errors_appear_in_chinese_and_english(world, login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = client.post("/console/organizations/new/", {
        "name": "昆明市五华区财政局", "kind": "department", "region": world.county_a.pk,
        "uscc": "ABC", "reason": "测试"})
    html = res.content.decode()
    assert res.status_code == 400
    assert 'data-field-errors="uscc"' in html and 'data-field-errors="name"' in html
    assert "本区划已有同名单位" in html and "exists in this region" in html
    assert "输入有误" in html and "Invalid input" in html  # the overall message on top


def test_create_outside_scope_is_refused_on_the_form(world, login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = client.post("/console/organizations/new/", {
        "name": "昆明市盘龙区审计局", "kind": "department", "region": world.county_b.pk, "reason": "测试"})
    assert res.status_code == 403
    assert "不在您的管辖范围内" in res.content.decode()
    assert not Organization.objects.filter(name="昆明市盘龙区审计局").exists()


def test_edit_organization_renames_and_keeps_the_former_name(world, login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    url = f"/console/organizations/{world.finance_a.pk}/edit/"
    form = client.get(url).context["form"]
    assert form.initial["name"] == "昆明市五华区财政局"
    data = {"name": "昆明市五华区财政局（国资委）", "kind": "department", "uscc": world.finance_a.uscc,
            "parent": world.gov_a.pk, "status": "active", "status_date": "", "successor": "", "reason": "更名"}
    assert client.post(url, data).status_code == 302
    world.finance_a.refresh_from_db()
    assert world.finance_a.name == "昆明市五华区财政局（国资委）"
    assert "昆明市五华区财政局" in [n.name for n in world.finance_a.former_names.all()]
    bad = client.post(url, data | {"status": "merged"})
    assert bad.status_code == 400 and 'data-field-errors="successor"' in bad.content.decode()


def test_people_without_change_permission_cannot_post_forms(world, login):
    client = login(Role.DEPARTMENT, "finance_a")
    res = client.post(f"/console/organizations/{world.finance_a.pk}/edit/", {"name": "x", "reason": "x"})
    assert res.status_code == 403
    assert client.get(f"/console/organizations/{world.finance_a.pk}/").context["can_change"] is False


# ------------------------------------------------------------------------------------ civil servants

def test_civil_servant_list_is_scoped_and_searchable(world, login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    assert [p.name for p in client.get("/console/civil-servants/").context["page"]] == ["李四"]
    assert [p.name for p in client.get("/console/civil-servants/?q=王五").context["page"]] == []
    by_org = client.get(f"/console/civil-servants/?organization={world.finance_a.pk}")
    assert [p.name for p in by_org.context["page"]] == ["李四"]


def test_lookup_by_full_resident_id(world, login):
    number = factories.resident_id("530102")
    person = factories.civil_servant(world.credit_a, "赵七", resident_id=number)
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = client.post("/console/civil-servants/lookup/", {"resident_id": number})
    assert res.status_code == 302 and res.url == f"/console/civil-servants/{person.pk}/"
    assert client.get(f"/console/civil-servants/lookup/?resident_id={number}").status_code == 405
    bad = client.post("/console/civil-servants/lookup/", {"resident_id": "12345"})
    assert bad.status_code == 200 and 'data-testid="service-error"' in bad.content.decode()
    other = factories.resident_id("530103")
    factories.civil_servant(world.finance_b, "钱八", resident_id=other)
    missing = client.post("/console/civil-servants/lookup/", {"resident_id": other})  # out of scope = not found
    assert missing.status_code == 200 and "civil servant not found" in missing.content.decode()


def test_detail_shows_only_the_masked_number(world, login):
    from govtrust.core import crypto

    full = crypto.decrypt(world.person_a.resident_id_encrypted)
    res = login(Role.CREDIT_OFFICE, "credit_a").get(f"/console/civil-servants/{world.person_a.pk}/")
    html = res.content.decode()
    assert world.person_a.resident_id_masked in html and full not in html
    assert "查看完整号码" not in html  # the credit office may not unmask


def test_reveal_needs_the_permission_a_purpose_and_scope(world, login):
    from govtrust.core import crypto

    full = crypto.decrypt(world.person_a.resident_id_encrypted)
    url = f"/console/civil-servants/{world.person_a.pk}/reveal/"
    assert login(Role.CREDIT_OFFICE, "credit_a").post(url, {"purpose": "核查"}).status_code == 403
    client = login(Role.DISCIPLINE, "gov_a")
    assert "查看完整号码" in client.get(f"/console/civil-servants/{world.person_a.pk}/").content.decode()
    empty = client.post(url, {"purpose": " "})
    assert empty.status_code == 200 and full not in empty.content.decode() and "须说明用途" in empty.content.decode()
    res = client.post(url, {"purpose": "案件核查"})
    assert full in res.content.decode() and res["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="read_unmasked", object_id=str(world.person_a.pk), reason="案件核查").exists()
    assert client.get(url).status_code == 405
    assert client.post(f"/console/civil-servants/{world.person_b.pk}/reveal/", {"purpose": "x"}).status_code == 404


def test_create_and_edit_civil_servant(world, login):
    client = login(Role.ORGANIZATION_DEPT, "gov_a")
    number = factories.resident_id("530102")
    data = {"name": "孙九", "resident_id": number, "organization": world.finance_a.pk, "position": "科员",
            "rank": "一级科员", "status": "in_service", "reason": ""}
    assert 'data-field-errors="reason"' in client.post("/console/civil-servants/new/", data).content.decode()
    bad_id = client.post("/console/civil-servants/new/", data | {"resident_id": number[:15], "reason": "录用"})
    assert bad_id.status_code == 400 and 'data-field-errors="resident_id"' in bad_id.content.decode()
    res = client.post("/console/civil-servants/new/", data | {"reason": "录用"})
    person = CivilServant.objects.get(name="孙九")
    assert res.status_code == 302 and res.url == f"/console/civil-servants/{person.pk}/"
    out = client.post("/console/civil-servants/new/", data | {"organization": world.finance_b.pk, "reason": "x"})
    assert out.status_code == 400 and 'data-field-errors="organization"' in out.content.decode()  # not a choice

    edit = f"/console/civil-servants/{person.pk}/edit/"
    changed = {"name": "孙九", "organization": world.credit_a.pk, "position": "副局长", "rank": "", "status": "in_service",
               "reason": "调任"}
    assert client.post(edit, changed).status_code == 302
    person.refresh_from_db()
    assert (person.organization, person.position) == (world.credit_a, "副局长")
