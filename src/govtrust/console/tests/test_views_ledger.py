"""Credit records in the console: the list and its filters, scope, the detail with its history, corrections
and status changes through the services, the subject pages' records, and the ledger as of a date."""

import datetime as dt

import pytest
from django.utils import timezone

from govtrust.core.access import Role
from govtrust.ledger.models import Record, Revision
from govtrust.testing import factories


def _docs(res):
    return {r.document_number for r in res.context["page"]}


@pytest.fixture
def records(world, make_records):
    """a1: 五华区财政局, serious, 2026-03-01, with category fields; a2: 五华区人民政府, 2026-05-20;
    b1: 盘龙区财政局 (the other county), submitted by 盘龙区人民政府."""
    (a1,) = make_records(1, 失信程度="严重", 决定日期="2026-03-01", 罚款金额="1000", 处罚种类="罚款",
                         事实="未按期缴纳罚款")
    (a2,) = make_records(1, subject=world.gov_a)
    (b1,) = make_records(1, subject=world.finance_b, source=world.gov_b, 决定日期="2026-06-10")
    return {"a1": a1, "a2": a2, "b1": b1}


# ---------------------------------------------------------------------------------------------- list

def test_list_filters_actually_filter(world, login, records):
    a1, a2, b1 = records["a1"].document_number, records["a2"].document_number, records["b1"].document_number
    client = login(Role.ADMIN)
    assert _docs(client.get("/console/records/")) == {a1, a2, b1}
    assert _docs(client.get("/console/records/?region=530103")) == {b1}
    assert _docs(client.get("/console/records/?region=530102")) == {a1, a2}
    assert _docs(client.get("/console/records/?region=530100")) == {a1, a2, b1}
    assert _docs(client.get(f"/console/records/?organization={world.finance_a.pk}")) == {a1}
    assert _docs(client.get(f"/console/records/?organization={world.gov_a.pk}")) == {a1, a2}  # and its subtree
    assert _docs(client.get("/console/records/?severity=serious")) == {a1}
    assert _docs(client.get("/console/records/?severity=general")) == {a2, b1}
    assert _docs(client.get("/console/records/?category=test_penalty")) == {a1, a2, b1}
    assert _docs(client.get("/console/records/?category=judicial_judgment")) == set()
    assert _docs(client.get("/console/records/?decided_from=2026-04-01")) == {a2, b1}
    assert _docs(client.get("/console/records/?decided_to=2026-04-01")) == {a1}
    assert _docs(client.get("/console/records/?decided_from=2026-05-01&decided_to=2026-05-31")) == {a2}
    assert _docs(client.get(f"/console/records/?q={b1}")) == {b1}
    assert _docs(client.get("/console/records/?q=盘龙区")) == {b1}
    assert _docs(client.get(f"/console/records/?subject=o:{world.finance_a.pk}")) == {a1}
    assert _docs(client.get("/console/records/?status=disputed")) == set()
    client.post(f"/console/records/{records['a2'].pk}/status/", {"kind": "dispute", "reason": "主体提出异议"})
    assert _docs(client.get("/console/records/?status=disputed")) == {a2}
    assert _docs(client.get("/console/records/?status=active&region=530102")) == {a1}


def test_list_shows_the_columns_and_htmx_gets_the_fragment(world, login, records):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    full = client.get("/console/records/?severity=serious")
    html = full.content.decode()
    assert "<html" in html and 'data-testid="record-results"' in html
    for text in ("昆明市五华区财政局", "测试行政处罚", "严重", records["a1"].document_number, "昆明市五华区市场监督管理局",
                 "2026-03-01", records["a1"].disclosure_end.isoformat(), "badge-active"):
        assert text in html, text
    part = client.get("/console/records/?severity=serious", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part and records["a1"].document_number in part
    assert records["a2"].document_number not in part


def test_list_is_paginated_without_a_query_per_row(world, login, make_records, django_assert_max_num_queries):
    make_records(25)
    client = login(Role.ADMIN)
    client.get("/console/records/")  # warm up the session and the caches
    with django_assert_max_num_queries(12):
        first = client.get("/console/records/")
    assert len(first.context["page"]) == 20 and first.context["page"].paginator.count == 25
    assert len(client.get("/console/records/?page=2").context["page"]) == 5


# --------------------------------------------------------------------------------------------- scope

def test_a_county_credit_office_sees_only_its_county(world, login, records):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    assert _docs(client.get("/console/records/")) == {records["a1"].document_number, records["a2"].document_number}
    b1 = records["b1"]
    assert client.get(f"/console/records/?q={b1.document_number}").context["page"].paginator.count == 0
    res = client.get(f"/console/records/{b1.pk}/")
    assert res.status_code == 404 and "不存在或无权访问" in res.content.decode()
    assert client.post(f"/console/records/{b1.pk}/correct/", {
        "facts": "改", "authority": b1.authority, "decision_date": "2026-06-10", "reason": "越权更正"}).status_code == 404
    assert client.post(f"/console/records/{b1.pk}/status/", {"kind": "revoke", "reason": "越权撤销"}).status_code == 404
    b1.refresh_from_db()
    assert (b1.status, b1.revision, b1.facts) == ("active", 1, "未按期履行")
    assert Revision.objects.filter(record=b1).count() == 1
    # an organization filter out of scope shows nothing rather than the other county's records
    assert _docs(client.get(f"/console/records/?organization={world.finance_b.pk}")) == set()


def test_a_department_sees_its_own_subtree_and_what_it_submitted(world, login, records, make_records):
    (sent,) = make_records(1, subject=world.finance_b, source=world.finance_a)  # submitted by 五华区财政局
    client = login(Role.DEPARTMENT, "finance_a")
    assert _docs(client.get("/console/records/")) == {records["a1"].document_number, sent.document_number}
    assert client.get(f"/console/records/{sent.pk}/").status_code == 200
    assert client.get(f"/console/records/{records['a2'].pk}/").status_code == 404  # about its parent
    assert client.get(f"/console/records/{records['b1'].pk}/").status_code == 404


def test_without_ledger_change_the_forms_are_absent_and_refused(world, login, records):
    a1 = records["a1"]
    client = login(Role.DEPARTMENT, "finance_a")
    page = client.get(f"/console/records/{a1.pk}/")
    assert page.status_code == 200 and page.context["can_change"] is False
    assert 'data-testid="correct-form"' not in page.content.decode()
    for url, data in [(f"/console/records/{a1.pk}/correct/", {"facts": "改", "reason": "x"}),
                      (f"/console/records/{a1.pk}/status/", {"kind": "revoke", "reason": "x"})]:
        res = client.post(url, data)
        assert res.status_code == 403 and "无权" in res.content.decode()
    assert Revision.objects.filter(record=a1).count() == 1


def test_ledger_pages_need_the_ledger_permission(world, login, records):
    client = login(Role.AUDITOR)
    for url in ("/console/records/", f"/console/records/{records['a1'].pk}/", "/console/catalog/",
                f"/console/subjects/o:{world.finance_a.pk}/as-of/?date=2026-06-01"):
        assert client.get(url).status_code == 403, url
    assert 'href="/console/records/"' not in client.get("/console/").content.decode()
    home = login(Role.DEPARTMENT, "finance_a").get("/console/").content.decode()
    assert 'href="/console/records/"' in home and 'href="/console/catalog/"' in home


# -------------------------------------------------------------------------------------------- detail

def test_detail_shows_fields_category_data_regime_and_history(world, login, records):
    a1 = records["a1"]
    res = login(Role.CREDIT_OFFICE, "credit_a").get(f"/console/records/{a1.pk}/")
    html = res.content.decode()
    assert res.status_code == 200
    for text in ("未按期缴纳罚款", a1.document_number, "昆明市五华区发展和改革局", "罚款金额", "1000.00", "处罚种类",
                 a1.repair_from.isoformat(), a1.disclosure_end.isoformat(), a1.regime_rule.regime.name,
                 f"#{a1.batch_id}", "r.csv", "归集"):
        assert text in html, text
    assert res.context["data_rows"] == [("罚款金额", "Fine", "1000.00"), ("处罚种类", "Kind", "罚款")]
    assert [e.revision.number for e in res.context["history"]] == [1]
    assert 'data-testid="correct-form"' in html and 'data-testid="status-form"' in html


def test_detail_labels_the_data_with_the_catalog_version_the_record_came_in_under(world, login, records, penalty):
    from govtrust.ledger import catalog

    fields = [dict(penalty.fields[0], label="罚没金额"), penalty.fields[1]]
    catalog.update_category(factories.SYSTEM, penalty, reason="改字段名称", fields=fields)
    res = login(Role.CREDIT_OFFICE, "credit_a").get(f"/console/records/{records['a1'].pk}/")
    assert res.context["data_rows"][0] == ("罚款金额", "Fine", "1000.00")  # as version 1 named it
    assert res.context["correction_form"].fields["data_fine"].label == "罚没金额"  # corrections follow the catalog


# ------------------------------------------------------------------------------------------- changes

def _correction(record, **changes):
    data = {"facts": record.facts, "severity": record.severity, "authority": record.authority,
            "decision_date": record.decision_date.isoformat(), "legal_basis": record.legal_basis,
            "data_fine": record.data.get("fine", ""), "data_kind": record.data.get("kind", ""), "reason": "更正"}
    return data | changes


def test_a_correction_is_a_new_revision_shown_in_the_history(world, login, records):
    a1 = records["a1"]
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = client.post(f"/console/records/{a1.pk}/correct/", _correction(
        a1, facts="已于2026年6月缴清罚款", data_fine="2000.5", reason="来源单位更正事实和金额"))
    assert res.status_code == 302 and res.url == f"/console/records/{a1.pk}/"
    a1.refresh_from_db()
    assert (a1.status, a1.revision, a1.facts, a1.data["fine"]) == ("corrected", 2, "已于2026年6月缴清罚款", "2000.50")
    page = client.get(res.url)
    html = page.content.decode()
    assert "来源单位更正事实和金额" in html and "已更正" in html
    latest = page.context["history"][-1]
    assert (latest.revision.number, latest.revision.kind, latest.revision.channel) == (2, "correct", "console")
    changes = {c.label: (c.before, c.after) for c in latest.changes}
    assert changes == {"事实": ("未按期缴纳罚款", "已于2026年6月缴清罚款"), "专有字段·罚款金额": ("1000.00", "2000.50")}
    assert "已更正记录（第2次修订）" in html  # the success message


def test_a_change_without_a_reason_is_refused_and_writes_nothing(world, login, records):
    a1 = records["a1"]
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = client.post(f"/console/records/{a1.pk}/correct/", _correction(a1, facts="新事实", reason=""))
    assert res.status_code == 400 and 'data-field-errors="reason"' in res.content.decode()
    res = client.post(f"/console/records/{a1.pk}/status/", {"kind": "revoke", "reason": "  "})
    assert res.status_code == 400 and 'data-field-errors="reason"' in res.content.decode()
    assert Revision.objects.filter(record=a1).count() == 1
    a1.refresh_from_db()
    assert (a1.status, a1.facts) == ("active", "未按期缴纳罚款")


def test_service_errors_are_shown_on_the_correction_form(world, login, records):
    a1 = records["a1"]
    client = login(Role.CREDIT_OFFICE, "credit_a")
    bad = client.post(f"/console/records/{a1.pk}/correct/", _correction(a1, data_fine="一千元", reason="更正金额"))
    html = bad.content.decode()
    assert bad.status_code == 400 and "不是有效金额" in html and "is not a valid amount" in html
    assert "输入有误" in html and "Invalid input" in html
    same = client.post(f"/console/records/{a1.pk}/correct/", _correction(a1, reason="无修改"))
    assert same.status_code == 400 and "没有修改任何内容" in same.content.decode()
    assert "nothing was changed" in same.content.decode()
    future = client.post(f"/console/records/{a1.pk}/correct/", _correction(
        a1, decision_date=(timezone.localdate() + dt.timedelta(days=3)).isoformat(), reason="改日期"))
    assert future.status_code == 400 and 'data-field-errors="decision_date"' in future.content.decode()
    assert Revision.objects.filter(record=a1).count() == 1


def test_a_status_change_that_is_not_allowed_shows_the_conflict(world, login, records):
    a1 = records["a1"]
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = client.post(f"/console/records/{a1.pk}/status/", {"kind": "uphold", "reason": "异议不成立"})
    html = res.content.decode()
    assert res.status_code == 409
    assert "记录当前状态为“有效”" in html and "the record is active" in html
    assert Revision.objects.filter(record=a1).count() == 1
    assert client.post(f"/console/records/{a1.pk}/status/", {"kind": "delete", "reason": "x"}).status_code == 400


def test_dispute_uphold_then_revoke(world, login, records):
    a1 = records["a1"]
    client = login(Role.CREDIT_OFFICE, "credit_a")
    for kind, status in [("dispute", "disputed"), ("uphold", "active"), ("revoke", "revoked")]:
        res = client.post(f"/console/records/{a1.pk}/status/", {"kind": kind, "reason": f"{kind}理由"})
        assert res.status_code == 302, kind
        a1.refresh_from_db()
        assert a1.status == status
    history = client.get(f"/console/records/{a1.pk}/").context["history"]
    assert [(e.revision.kind, e.revision.status, e.revision.reason) for e in history[1:]] == [
        ("dispute", "disputed", "dispute理由"), ("objection", "active", "uphold理由"), ("revoke", "revoked", "revoke理由")]
    assert history[0].revision.kind == "create"
    assert all(not e.changes for e in history)  # status changes keep the content
    again = client.post(f"/console/records/{a1.pk}/status/", {"kind": "repair", "reason": "修复"})
    assert again.status_code == 409 and "已撤销" in again.content.decode()


def test_an_objection_upheld_as_a_correction(world, login, records):
    a2 = records["a2"]
    client = login(Role.CREDIT_OFFICE, "credit_a")
    refused = client.post(f"/console/records/{a2.pk}/correct/", _correction(a2, facts="异议成立", objection="on",
                                                                            reason="异议成立"))
    assert refused.status_code == 409  # not disputed yet
    client.post(f"/console/records/{a2.pk}/status/", {"kind": "dispute", "reason": "异议"})
    ok = client.post(f"/console/records/{a2.pk}/correct/", _correction(a2, facts="异议成立，更正", objection="on",
                                                                       reason="异议成立"))
    assert ok.status_code == 302
    assert list(Revision.objects.filter(record=a2).order_by("number").values_list("kind", flat=True)) == [
        "create", "dispute", "objection"]


# ------------------------------------------------------------------------------------------ subjects

def test_subject_pages_list_their_records(world, login, records, make_records):
    number = factories.resident_id("530102")
    person = factories.civil_servant(world.finance_a, "赵七", resident_id=number)
    (personal,) = make_records(1, 主体名称="赵七", 统一社会信用代码="", 公民身份号码=number)
    client = login(Role.CREDIT_OFFICE, "credit_a")
    org_page = client.get(f"/console/organizations/{world.finance_a.pk}/")
    html = org_page.content.decode()
    assert [r.pk for r in org_page.context["records"]] == [records["a1"].pk]  # not the person's, not the parent's
    assert 'data-testid="subject-records"' in html and records["a1"].document_number in html
    assert f"/console/records/?subject=o:{world.finance_a.pk}" in html
    assert f"/console/records/?organization={world.finance_a.pk}" in html
    person_page = client.get(f"/console/civil-servants/{person.pk}/")
    assert [r.pk for r in person_page.context["records"]] == [personal.pk]
    assert personal.document_number in person_page.content.decode()
    assert _docs(client.get(f"/console/records/?subject=p:{person.pk}")) == {personal.document_number}
    assert org_page.context["record_count"] == 1
    # the department sees its own records on its page, through the same access layer
    department = login(Role.DEPARTMENT, "finance_a").get(f"/console/organizations/{world.finance_a.pk}/")
    assert [r.pk for r in department.context["records"]] == [records["a1"].pk]


def test_what_the_ledger_said_about_a_subject_on_a_date(world, login, records):
    a1 = records["a1"]
    client = login(Role.CREDIT_OFFICE, "credit_a")
    client.post(f"/console/records/{a1.pk}/status/", {"kind": "dispute", "reason": "异议"})
    now = timezone.now()
    Revision.objects.filter(record=a1, number=1).update(recorded_at=now - dt.timedelta(days=30))
    Revision.objects.filter(record=a1, number=2).update(recorded_at=now - dt.timedelta(days=10))
    url = f"/console/subjects/o:{world.finance_a.pk}/as-of/"
    then = client.get(url, {"date": (timezone.localdate() - dt.timedelta(days=20)).isoformat()})
    assert [(e["record"].pk, e["revision"].status) for e in then.context["entries"]] == [(a1.pk, "active")]
    assert "有效" in then.content.decode() and "<html" in then.content.decode()
    today = client.get(url, {"date": timezone.localdate().isoformat()}, HTTP_HX_REQUEST="true")
    html = today.content.decode()
    assert "<html" not in html and "异议中" in html and a1.document_number in html
    before = client.get(url, {"date": (timezone.localdate() - dt.timedelta(days=40)).isoformat()})
    assert before.context["entries"] == [] and "该日平台对该主体没有记录" in before.content.decode()
    assert client.get(url, {"date": "not-a-date"}).status_code == 400
    assert client.get(f"/console/subjects/o:{world.finance_b.pk}/as-of/?date=2026-06-01").status_code == 404
    assert client.get("/console/subjects/x:1/as-of/?date=2026-06-01").status_code == 404
    assert Record.objects.get(pk=a1.pk).status == "disputed"
