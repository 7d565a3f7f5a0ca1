"""The console pages (list filters, detail forms by permission, registration, actions) and the portal page."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from govtrust.commitments import services
from govtrust.commitments.models import Commitment
from govtrust.testing import factories


def test_console_list_filters_and_scope(world, make_commitment, office_a):
    make_commitment(title="窗口一次办结", start=dt.date(2025, 1, 1), due=dt.date(2025, 6, 30))  # past due, in progress: overdue
    kept = make_commitment(title="限时办结承诺", kind="time_limit", due=dt.date(2026, 12, 30))
    services.change_by_law(office_a, kept, reason="法规修改", legal_basis="某条例", authority="五华区政府")
    other = factories.user("credit_office", world.finance_b)
    services.create(other, subject=world.finance_b, kind="time_limit", title="盘龙区的承诺", content="c",
                    start_date=dt.date(2026, 1, 1), due_date=dt.date(2026, 2, 1))
    c = factories.client("department", world.finance_a)
    page = c.get("/console/commitments/").content.decode()
    assert "窗口一次办结" in page and "限时办结承诺" in page and "盘龙区的承诺" not in page
    overdue = c.get("/console/commitments/", {"overdue": "yes"}, HTTP_HX_REQUEST="true").content.decode()
    assert "窗口一次办结" in overdue and "限时办结承诺" not in overdue and "<html" not in overdue
    changed = c.get("/console/commitments/", {"status": "changed_by_law", "kind": "time_limit"}).content.decode()
    assert "限时办结承诺" in changed and "窗口一次办结" not in changed


def test_console_detail_shows_the_forms_the_user_may_use(world, make_commitment):
    cm = make_commitment(title="服务承诺")
    dept = factories.client("department", world.finance_a).get(f"/console/commitments/{cm.pk}/").content.decode()
    assert 'data-testid="evidence-form"' in dept and 'data-testid="breach-form"' not in dept
    office = factories.client("credit_office", world.credit_a).get(f"/console/commitments/{cm.pk}/").content.decode()
    assert 'data-testid="breach-form"' in office and 'data-testid="change-form"' in office
    assert 'data-testid="review-form"' not in office  # nothing to review yet
    assert factories.client("credit_office", world.finance_b).get(f"/console/commitments/{cm.pk}/").status_code == 404


def test_console_actions_evidence_review_and_refusals(world, make_commitment, media):
    cm = make_commitment(title="服务承诺")
    dept = factories.client("department", world.finance_a)
    res = dept.post(f"/console/commitments/{cm.pk}/evidence/", {"file": SimpleUploadedFile("a.exe", b"MZ")})
    assert res.status_code == 400 and "不允许" in res.content.decode()
    res = dept.post(f"/console/commitments/{cm.pk}/evidence/",
                    {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4"), "description": "材料"})
    assert res.status_code == 302
    office = factories.client("credit_office", world.credit_a)
    res = office.post(f"/console/commitments/{cm.pk}/review/", {"decision": "return", "reason": ""})
    assert res.status_code == 400 and "退回必须说明理由" in res.content.decode()
    assert dept.post(f"/console/commitments/{cm.pk}/breach/", {"reason": "x"}).status_code == 403
    assert office.post(f"/console/commitments/{cm.pk}/review/", {"decision": "accept"}).status_code == 302
    cm.refresh_from_db()
    assert cm.status == "fulfilled"
    detail = office.get(f"/console/commitments/{cm.pk}/").content.decode()
    assert "审核通过" in detail and "a.pdf" in detail and "履行记录" in detail and 'data-testid="history"' in detail
    ev = cm.evidence.get()
    download = office.get(f"/console/commitments/evidence/{ev.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"


def test_console_registration_form(world):
    c = factories.client("credit_office", world.credit_a)
    assert "承诺类型" in c.get("/console/commitments/new/").content.decode()
    bad = c.post("/console/commitments/new/", {"organization": world.finance_a.pk, "kind": "service_quality",
                                               "title": "t", "content": "c", "start_date": "2026-05-01",
                                               "due_date": "2026-04-01"})
    assert bad.status_code == 400 and "履行期限不能早于起始日期" in bad.content.decode()
    ok = c.post("/console/commitments/new/", {"organization": world.finance_a.pk, "kind": "service_quality",
                                              "title": "一次办结", "content": "c", "start_date": "2026-01-01",
                                              "due_date": "2026-04-01", "public": "no"})
    assert ok.status_code == 302
    assert Commitment.objects.get().is_public is False
    assert factories.client("assessor", world.credit_a).get("/console/commitments/new/").status_code == 403


def test_portal_lists_public_commitments_only_with_status(world, make_commitment, office_a):
    public = make_commitment(title="公开的服务承诺")
    make_commitment(title="内部招商承诺", kind="investment_policy", subject=world.gov_a)  # not public by default
    services.breach(office_a, public, reason="未达标")
    page = factories.Client().get("/commitments/").content.decode()
    assert "公开的服务承诺" in page and "内部招商承诺" not in page
    assert "未履行（违诺）" in page and "昆明市五华区财政局" in page
