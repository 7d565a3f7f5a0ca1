"""The console's 双公示 pages through the HTTP client: the decision list and its filters, the detail with every
national column, withdrawal (scope, permission, the public note, the ledger revision), empty-month
declarations, the warnings that concern each user, and the warning count on the home page."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.core.access import Role
from govtrust.core.models import AuditEvent
from govtrust.ledger.models import Record, RecordStatus
from govtrust.publicity import metrics
from govtrust.publicity import warnings as publicity_warnings
from govtrust.publicity.models import Decision, EmptyMonthDeclaration, Status
from govtrust.testing import factories

from .helpers import licence_row, load, penalty_row

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 10, 21, 10, 0))  # published on the platform
AFTER = dt.date(2026, 12, 1)  # "today" once October has ended
OCTOBER = metrics.parse_period("2026-10")


@pytest.fixture
def decisions(world):
    """County A's finance bureau (五华区财政局) publishes, on Oct 21: a late penalty (Oct 9 → due Oct 19), an
    incomplete on-time one, a natural person's, a penalty against 盘龙区财政局 (a public body: a ledger record)
    and a late September licence. County B's finance bureau publishes a late, inaccurate penalty."""
    number = factories.resident_id("530102")
    b = {"处罚机关": "盘龙区财政", "处罚机关统一社会信用代码": world.finance_b.uscc, "数据来源单位": world.finance_b.name,
         "数据来源单位统一社会信用代码": world.finance_b.uscc}
    load("penalties", [
        penalty_row(world, 行政相对人名称="五华迟报公司", 行政处罚决定书文号="五华罚〔2026〕1号", 处罚决定日期="2026-10-09"),
        penalty_row(world, 行政相对人名称="五华缺项公司", 行政处罚决定书文号="五华罚〔2026〕2号", 处罚决定日期="2026-10-16",
                    违法事实=""),
        penalty_row(world, 行政相对人名称="张某", 行政相对人类别="自然人", 统一社会信用代码="", 法定代表人="", 证件类型="身份证",
                    证件号码=number, 行政处罚决定书文号="五华罚〔2026〕3号", 处罚决定日期="2026-10-20"),
        penalty_row(world, 行政相对人名称=world.finance_b.name, 统一社会信用代码=world.finance_b.uscc, 处罚类别="警告",
                    行政处罚决定书文号="五华罚〔2026〕4号", 处罚决定日期="2026-10-15"),
        penalty_row(world, 行政相对人名称="盘龙迟报公司", 行政处罚决定书文号="盘龙罚〔2026〕1号", 处罚决定日期="2026-10-09", **b),
    ], now=NOW)
    load("licences", [licence_row(world, 行政相对人名称="五华许可店", 行政许可决定文书号="五华许〔2026〕9号",
                                  许可决定日期="2026-09-10")], now=NOW)
    by_name = {d.counterparty_name: d for d in Decision.objects.all()}
    return {"late": by_name["五华迟报公司"], "incomplete": by_name["五华缺项公司"], "person": by_name["张某"],
            "gov": by_name[world.finance_b.name], "b_late": by_name["盘龙迟报公司"], "licence": by_name["五华许可店"],
            "number": number}


def _client(role, home=None):
    return factories.client(role, home)


def _names(res):
    assert res.status_code == 200
    return {d.counterparty_name for d in res.context["page"]}


# ------------------------------------------------------------------------------------------- list

def test_list_filters_really_filter(world, decisions):
    c = _client(Role.ADMIN)
    url = "/console/publicity/decisions/"
    everything = {"五华迟报公司", "五华缺项公司", "张某", world.finance_b.name, "盘龙迟报公司", "五华许可店"}
    assert _names(c.get(url)) == everything
    assert _names(c.get(url + "?kind=licence")) == {"五华许可店"}
    assert _names(c.get(url + "?period=2026-10")) == everything - {"五华许可店"}
    assert _names(c.get(url + "?period=2026Q3")) == {"五华许可店"}
    assert _names(c.get(url + "?from=2026-10-15")) == {"五华缺项公司", "张某", world.finance_b.name}
    assert _names(c.get(url + "?from=2026-10-10&to=2026-10-16")) == {"五华缺项公司", world.finance_b.name}
    assert _names(c.get(url + f"?department={world.finance_b.pk}")) == {"盘龙迟报公司"}
    assert _names(c.get(url + "?check=late")) == {"五华迟报公司", "盘龙迟报公司", "五华许可店"}
    assert _names(c.get(url + "?check=on_time&kind=penalty")) == {"五华缺项公司", "张某", world.finance_b.name}
    assert _names(c.get(url + "?check=incomplete")) == {"五华缺项公司"}
    assert _names(c.get(url + "?check=inaccurate")) == {"盘龙迟报公司"}
    assert _names(c.get(url + "?q=盘龙迟报")) == {"盘龙迟报公司"}
    assert _names(c.get(url + "?q=五华罚〔2026〕2号")) == {"五华缺项公司"}
    assert _names(c.get(url + "?status=withdrawn")) == set()
    bad = c.get(url + "?period=2026-13")
    assert "不是有效的月份或季度" in bad.content.decode() and _names(bad) == everything
    fragment = c.get(url + "?check=incomplete", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'data-testid="decision-results"' in fragment and "五华缺项公司" in fragment


def test_a_county_sees_only_its_decisions_and_the_dashboard_links_to_the_list(world, decisions):
    c = _client(Role.CREDIT_OFFICE, world.credit_a)
    assert "盘龙迟报公司" not in _names(c.get("/console/publicity/decisions/"))
    html = c.get("/console/publicity/?period=2026-10").content.decode()
    late_link = f'/console/publicity/decisions/?period=2026-10&amp;kind=&amp;department={world.finance_a.pk}&amp;check=late'
    assert late_link in html and 'data-testid="decisions-link"' in html
    assert _names(c.get(late_link.replace("&amp;", "&"))) == {"五华迟报公司"}


# ----------------------------------------------------------------------------------------- detail

def test_detail_shows_the_national_columns_timeliness_and_masks_ids(world, decisions):
    c = _client(Role.CREDIT_OFFICE, world.credit_a)
    html = c.get(f"/console/publicity/decisions/{decisions['person'].pk}/").content.decode()
    number = decisions["number"]
    assert number not in html and number[:6] + "********" + number[-4:] in html
    assert "行政处罚决定书文号" in html and "五华罚〔2026〕3号" in html and "数据来源单位统一社会信用代码" in html
    assert world.finance_a.uscc in html and "按时公示" in html
    late = c.get(f"/console/publicity/decisions/{decisions['late'].pk}/").content.decode()
    assert 'data-testid="deadline">2026-10-19<' in late and "超期2个工作日" in late
    assert f'href="/console/imports/batches/{decisions["late"].batch_id}/"' in late
    incomplete = c.get(f"/console/publicity/decisions/{decisions['incomplete'].pk}/").content.decode()
    assert "违法事实" in incomplete.split('data-testid="missing">')[1].split("</dd>")[0]
    inaccurate = _client(Role.ADMIN).get(f"/console/publicity/decisions/{decisions['b_late'].pk}/").content.decode()
    assert decisions["b_late"].issues[0] in inaccurate
    licence = c.get(f"/console/publicity/decisions/{decisions['licence'].pk}/").content.decode()
    assert "行政许可决定文书号" in licence and "食品经营许可证" in licence and "行政处罚决定书文号" not in licence


def test_a_county_user_cannot_open_or_withdraw_another_countys_decision(world, decisions):
    c = _client(Role.CREDIT_OFFICE, world.credit_a)
    other = decisions["b_late"]
    assert c.get(f"/console/publicity/decisions/{other.pk}/").status_code == 404
    res = c.post(f"/console/publicity/decisions/{other.pk}/withdraw/", {"note": "撤销"})
    assert res.status_code == 404
    other.refresh_from_db()
    assert other.status == Status.PUBLISHED and other.withdrawn_note == ""


def test_a_department_without_the_change_permission_gets_403(world, decisions):
    c = _client(Role.DEPARTMENT, world.finance_a)
    d = decisions["late"]
    page = c.get(f"/console/publicity/decisions/{d.pk}/").content.decode()
    assert "五华迟报公司" in page and 'data-testid="withdraw-form"' not in page
    assert c.post(f"/console/publicity/decisions/{d.pk}/withdraw/", {"note": "撤销"}).status_code == 403
    d.refresh_from_db()
    assert d.status == Status.PUBLISHED


def test_withdraw_without_a_note_is_refused_and_changes_nothing(world, decisions):
    c = _client(Role.CREDIT_OFFICE, world.credit_a)
    d = decisions["gov"]
    events = AuditEvent.objects.count()
    res = c.post(f"/console/publicity/decisions/{d.pk}/withdraw/", {"note": "  "})
    html = res.content.decode()
    assert res.status_code == 400 and "必须填写撤下说明" in html and "a public note is required" in html
    d.refresh_from_db()
    assert d.status == Status.PUBLISHED and d.withdrawn_at is None
    assert Record.objects.get(pk=d.ledger_record_id).status == RecordStatus.ACTIVE
    assert AuditEvent.objects.count() == events


def test_withdrawing_revokes_the_linked_ledger_record(world, decisions):
    c = _client(Role.CREDIT_OFFICE, world.credit_a)
    d = decisions["gov"]
    page = c.get(f"/console/publicity/decisions/{d.pk}/").content.decode()
    assert f'href="/console/records/{d.ledger_record_id}/"' in page and 'data-testid="withdraw-form"' in page
    res = c.post(f"/console/publicity/decisions/{d.pk}/withdraw/", {"note": "原处罚决定已被依法撤销"})
    assert res.status_code == 302 and res.url == f"/console/publicity/decisions/{d.pk}/"
    d.refresh_from_db()
    assert d.status == Status.WITHDRAWN and d.withdrawn_note == "原处罚决定已被依法撤销"
    record = Record.objects.get(pk=d.ledger_record_id)
    revision = record.revisions.last()
    assert record.status == RecordStatus.REVOKED and revision.kind == "revoke"
    assert "原处罚决定已被依法撤销" in revision.reason
    after = c.get(f"/console/publicity/decisions/{d.pk}/").content.decode()
    assert 'data-testid="withdrawn-note"' in after and "原处罚决定已被依法撤销" in after
    again = c.post(f"/console/publicity/decisions/{d.pk}/withdraw/", {"note": "再次撤下"})
    assert again.status_code == 409 and "该决定已撤下" in again.content.decode()
    assert "already been withdrawn" in again.content.decode()
    assert record.revisions.count() == revision.number  # no second revision
    assert _names(c.get("/console/publicity/decisions/?status=withdrawn")) == {world.finance_b.name}
    assert "原处罚决定已被依法撤销" in Client().get(f"/publicity/{d.pk}/").content.decode()


# ---------------------------------------------------------------------------------- empty months

def test_declaring_an_empty_month(world, decisions):
    dept = _client(Role.DEPARTMENT, world.finance_a)
    url = "/console/publicity/empty-months/"
    refused = dept.post(url, {"department": world.finance_a.pk, "kind": "penalty", "month": "2026-10",
                              "note": "本月无行政处罚"})
    html = refused.content.decode()
    assert refused.status_code == 409 and "已有行政处罚决定" in html and "cannot declare the month empty" in html
    assert not EmptyMonthDeclaration.objects.exists()
    ok = dept.post(url, {"department": world.finance_a.pk, "kind": "penalty", "month": "2026-08", "note": "本月无行政处罚"})
    assert ok.status_code == 302
    (declared,) = EmptyMonthDeclaration.objects.all()
    assert (declared.department, declared.kind, declared.month) == (world.finance_a, "penalty", dt.date(2026, 8, 1))
    listing = dept.get(url).content.decode()
    assert "2026-08" in listing and "本月无行政处罚" in listing and 'data-testid="empty-month-form"' in listing
    # a department declares only for itself; the credit office for the departments of its region
    other = dept.post(url, {"department": world.credit_a.pk, "kind": "licence", "month": "2026-08", "note": "无"})
    assert other.status_code == 403 and "outside your scope" in other.content.decode()
    office = _client(Role.CREDIT_OFFICE, world.credit_a)
    assert office.post(url, {"department": world.finance_a.pk, "kind": "licence", "month": "2026-08",
                             "note": "本月无行政许可"}).status_code == 302
    far = office.post(url, {"department": world.finance_b.pk, "kind": "licence", "month": "2026-08", "note": "无"})
    assert far.status_code == 403 and "不在您的管辖范围内" in far.content.decode()
    assert EmptyMonthDeclaration.objects.count() == 2
    assert office.post(url, {"department": world.finance_a.pk, "kind": "licence", "month": "2026-8x",
                             "note": "无"}).status_code == 400
    viewer = _client(Role.EVALUATED_BODY, world.gov_a)
    page = viewer.get(url).content.decode()
    assert "2026-08" in page and 'data-testid="empty-month-form"' not in page
    assert viewer.post(url, {"department": world.finance_a.pk, "kind": "penalty", "month": "2026-07"}).status_code == 403


# -------------------------------------------------------------------------------------- warnings

def _by_type(found):
    out = {}
    for w in found:
        out.setdefault(w.type, []).append(w)
    return out


def test_warnings_concern_the_department_and_its_credit_office(world, decisions):
    mine = publicity_warnings.for_principal(factories.user(Role.DEPARTMENT, world.finance_a), OCTOBER, today=AFTER)
    (overdue,) = _by_type(mine)["overdue"]
    assert overdue.department == world.finance_a.name and overdue.count == 1
    assert [e.document_number for e in overdue.examples] == ["五华罚〔2026〕1号"]
    assert "超期2个工作日" in overdue.examples[0].detail and "7个工作日" in overdue.basis and "国办发" in overdue.basis
    assert "1项决定超过公示时限" in overdue.message and "working days late" in overdue.message_en
    (incomplete,) = _by_type(mine)["incomplete"]
    assert incomplete.examples[0].document_number == "五华罚〔2026〕2号" and "违法事实" in incomplete.examples[0].detail
    assert {w.department for w in mine} == {world.finance_a.name}

    theirs = publicity_warnings.for_principal(factories.user(Role.DEPARTMENT, world.finance_b), OCTOBER, today=AFTER)
    assert {w.department for w in theirs} == {world.finance_b.name}
    assert [e.document_number for e in _by_type(theirs)["overdue"][0].examples] == ["盘龙罚〔2026〕1号"]
    assert "inaccurate" in _by_type(theirs) and "incomplete" not in _by_type(theirs)

    county = _by_type(publicity_warnings.for_principal(factories.user(Role.CREDIT_OFFICE, world.credit_a), OCTOBER,
                                                       today=AFTER))
    assert {w.department for w in county["overdue"]} == {world.finance_a.name}
    assert {(w.department, w.kind) for w in county["silent"]} == {
        (world.credit_a.name, "penalty"), (world.credit_a.name, "licence"), (world.finance_a.name, "licence")}
    city = publicity_warnings.for_principal(factories.user(Role.CREDIT_OFFICE, world.city_credit), OCTOBER, today=AFTER)
    assert {w.department for w in _by_type(city)["overdue"]} == {world.finance_a.name, world.finance_b.name}
    # a month that has not ended is not silent yet
    early = publicity_warnings.for_principal(factories.user(Role.CREDIT_OFFICE, world.credit_a), OCTOBER,
                                             today=dt.date(2026, 10, 25))
    assert "silent" not in _by_type(early) and "overdue" in _by_type(early)


def test_warnings_page_and_the_home_page_count(world, decisions, monkeypatch):
    page = _client(Role.DEPARTMENT, world.finance_a).get("/console/publicity/warnings/?period=2026-10").content.decode()
    assert "五华罚〔2026〕1号" in page and "五华罚〔2026〕2号" in page and world.finance_b.name not in page
    assert "超期公示" in page and "7个工作日" in page
    other = _client(Role.DEPARTMENT, world.finance_b).get("/console/publicity/warnings/?period=2026-10").content.decode()
    assert "盘龙罚〔2026〕1号" in other and "五华罚〔2026〕1号" not in other

    monkeypatch.setattr(publicity_warnings, "default_period", lambda today: OCTOBER)
    county_user = factories.user(Role.CREDIT_OFFICE, world.credit_a)
    expected = len(publicity_warnings.for_principal(county_user, OCTOBER))
    c = Client()
    c.force_login(county_user)
    home = c.get("/console/").content.decode()
    assert expected >= 5 and f'data-testid="publicity-warning-count">{expected}<' in home
    assert 'href="/console/publicity/warnings/"' in home
    b_home = _client(Role.DEPARTMENT, world.finance_b).get("/console/").content.decode()
    assert 'data-testid="publicity-warning-count">3<' in b_home  # overdue, inaccurate, no licences in October
    assert 'data-testid="publicity-warnings"' not in _client(Role.AUDITOR).get("/console/").content.decode()


def test_warnings_through_the_api(world, decisions):
    c = _client(Role.DEPARTMENT, world.finance_b)
    data = c.get("/api/v1/publicity/warnings?period=2026-10").json()
    assert data["period"] == "2026-10" and data["count"] == len(data["items"]) == 3
    overdue = next(w for w in data["items"] if w["type"] == "overdue")
    assert overdue["department"] == world.finance_b.name and overdue["label"] == "超期公示"
    assert [e["document_number"] for e in overdue["examples"]] == ["盘龙罚〔2026〕1号"] and "7个工作日" in overdue["basis"]
    assert c.get("/api/v1/publicity/warnings?period=2026-10&kind=x").status_code == 400
    assert Client().get("/api/v1/publicity/warnings").status_code == 401
