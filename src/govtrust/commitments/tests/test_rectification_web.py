"""Rectification through the API and the console: scope (404 across counties), permissions (403), the
lifecycle, the list filters, and the figures (整改到位率, 失信被执行人清零) on a small hand-made set."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govtrust.commitments import rectification as rect
from govtrust.commitments.models import CaseStatus, RectificationCase
from govtrust.commitments.rectification_figures import report
from govtrust.commitments.rectification_scan import escalate, open_cases
from govtrust.core.access import SYSTEM
from govtrust.ledger.models import Category
from govtrust.testing import factories

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 report"
JSON = "application/json"


@pytest.fixture
def case(make_record):
    record = make_record()
    open_cases(SYSTEM, dt.date(2026, 9, 30))
    return RectificationCase.objects.get(record=record)


def test_api_lifecycle_with_scope_and_permissions(case, world):
    dept = factories.client("department", world.finance_a)
    office = factories.client("credit_office", world.credit_a)
    other = factories.client("credit_office", world.finance_b)
    base = f"/api/v1/rectification/cases/{case.pk}"
    assert other.get(base).status_code == 404
    assert other.get("/api/v1/rectification/cases").json()["count"] == 0
    listed = dept.get("/api/v1/rectification/cases", {"status": "awaiting_explanation"}).json()
    assert [i["id"] for i in listed["items"]] == [case.pk] and listed["items"][0]["body_name"] == "昆明市五华区财政局"
    res = dept.post(f"{base}/explain", {"explanation": "资金调度延误"}, content_type=JSON)
    assert res.status_code == 200 and res.json()["status"] == "explained"
    assert dept.post(f"{base}/deadline", {"working_days": 10}, content_type=JSON).status_code == 403
    past = office.post(f"{base}/deadline", {"due_date": "2026-01-05"}, content_type=JSON)
    assert past.status_code == 400 and past.json()["errors"][0]["field"] == "due_date"
    res = office.post(f"{base}/deadline", {"working_days": 10}, content_type=JSON)
    assert res.status_code == 200 and res.json()["status"] == "rectifying" and res.json()["rectification_days"] == 10
    bad = dept.post(f"{base}/report", {"report": "已整改", "files": [SimpleUploadedFile("a.txt", b"hi")]})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "file"
    res = dept.post(f"{base}/report", {"report": "已整改", "files": [SimpleUploadedFile("凭证.pdf", PDF)]})
    assert res.status_code == 200 and res.json()["status"] == "submitted"
    assert res.json()["evidence"][0]["original_name"] == "凭证.pdf"
    assert dept.post(f"{base}/accept", {}, content_type=JSON).status_code == 403  # not its own report
    no_reason = office.post(f"{base}/return", {"reason": ""}, content_type=JSON)
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    res = office.post(f"{base}/return", {"reason": "凭证不全"}, content_type=JSON)
    assert res.json()["status"] == "returned" and res.json()["reopen_count"] == 1
    dept.post(f"{base}/report", {"report": "补充凭证"})
    res = office.post(f"{base}/accept", {"note": "整改到位"}, content_type=JSON)
    assert res.status_code == 200 and res.json()["status"] == "accepted"
    kinds = [e["kind"] for e in dept.get(base).json()["events"]]
    assert kinds == ["opened", "explained", "deadline", "submitted", "returned", "resubmitted", "accepted"]


def test_console_list_detail_and_forms_by_permission(case, world, make_record):
    escalate(SYSTEM, dt.date(2026, 10, 13))  # the explanation is overdue: reminded
    other = make_record(subject=world.finance_b)
    open_cases(SYSTEM, dt.date(2026, 9, 30))
    dept = factories.client("department", world.finance_a)
    page = dept.get("/console/rectification/").content.decode()
    assert "昆明市五华区财政局" in page and "昆明市盘龙区财政局" not in page and "已提醒" in page
    overdue = dept.get("/console/rectification/", {"overdue": "no"}, HTTP_HX_REQUEST="true").content.decode()
    assert "没有符合条件的整改案件" in overdue and "<html" not in overdue
    detail = dept.get(f"/console/rectification/{case.pk}/").content.decode()
    assert 'data-testid="explain-form"' in detail and 'data-testid="deadline-form"' not in detail
    assert "2026-10-12" in detail and "书面说明原因并限期加以整改" in detail
    office = factories.client("credit_office", world.credit_a)
    odetail = office.get(f"/console/rectification/{case.pk}/").content.decode()
    assert 'data-testid="deadline-form"' in odetail and 'data-testid="explain-form"' not in odetail
    other_case = RectificationCase.objects.get(record=other)
    assert office.get(f"/console/rectification/{other_case.pk}/").status_code == 404
    assert factories.client("credit_office", world.city_credit).get(
        f"/console/rectification/{other_case.pk}/").status_code == 200
    assert "/console/rectification/" in dept.get("/console/").content.decode()


def test_console_actions(case, world):
    dept = factories.client("department", world.finance_a)
    office = factories.client("credit_office", world.credit_a)
    url = f"/console/rectification/{case.pk}"
    empty = dept.post(f"{url}/explain/", {"explanation": ""})
    assert empty.status_code == 400 and "必须填写书面说明" in empty.content.decode()
    assert dept.post(f"{url}/explain/", {"explanation": "原因说明"}).status_code == 302
    assert office.post(f"{url}/deadline/", {"working_days": "15"}).status_code == 302
    assert dept.post(f"{url}/report/", {"report": "整改报告", "file": SimpleUploadedFile("r.pdf", PDF)}).status_code == 302
    refused = dept.post(f"{url}/accept/", {"note": ""})
    assert refused.status_code == 403
    assert office.post(f"{url}/return/", {"reason": ""}).status_code == 400
    assert office.post(f"{url}/return/", {"reason": "材料不全"}).status_code == 302
    c = RectificationCase.objects.get(pk=case.pk)
    assert c.status == CaseStatus.RETURNED and c.reopen_count == 1 and c.rectification_days == 15
    evidence = c.evidence.get()
    res = dept.get(f"/console/rectification/evidence/{evidence.pk}/")
    assert res.status_code == 200 and b"".join(res.streaming_content) == PDF
    assert factories.client("credit_office", world.finance_b).get(
        f"/console/rectification/evidence/{evidence.pk}/").status_code == 404


def test_figures_on_a_hand_made_set(make_record, world):
    office = factories.user("credit_office", world.credit_a)
    dept = factories.user("department", world.finance_a)
    records = [make_record(created=dt.date(2026, 9, 1)) for _ in range(4)]
    records.append(make_record(subject=world.gov_a, created=dt.date(2026, 9, 1)))
    open_cases(SYSTEM, dt.date(2026, 9, 2))
    cases = [RectificationCase.objects.get(record=r) for r in records]
    for c in cases:  # explanation due Sep 8; every rectification due 10 working days after Sep 10: Sep 24
        c = rect.explain(dept if c.body == world.finance_a else SYSTEM, c, text="说明", today=dt.date(2026, 9, 8))
        rect.set_deadline(office, c, working_days=10, today=dt.date(2026, 9, 10))
    for c in cases[:2]:  # two accepted
        c = rect.submit_report(dept, c, report="报告", today=dt.date(2026, 9, 20))
        rect.accept(office, c, today=dt.date(2026, 9, 22))
    rect.submit_report(dept, cases[2], report="报告", today=dt.date(2026, 9, 20))  # submitted, not accepted: overdue
    # cases[3] never submitted: overdue; the government's case: overdue too
    debtor = Category.objects.get(code="dishonest_judgment_debtor")
    court = {"执行案号": "（2026）云0102执123号", "执行法院": "昆明市五华区人民法院"}
    make_record(subject=world.gov_a, category=debtor, created=dt.date(2026, 11, 2), **court)
    make_record(subject=world.finance_b, category=debtor, created=dt.date(2026, 11, 2), **court)
    out = report(office, dt.date(2026, 9, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 1))
    assert out["total"] == {"total": 5, "accepted": 2, "overdue": 3, "pending": 0, "closed": 0, "rate": 0.4}
    by_body = {r["body__name"]: (r["accepted"], r["overdue"], r["rate"]) for r in out["by_body"]}
    assert by_body == {"昆明市五华区财政局": (2, 2, 0.5), "昆明市五华区人民政府": (0, 1, 0.0)}
    assert [(r["body__region__code"], r["rate"]) for r in out["by_region"]] == [("530102", 0.4)]
    # 清零: of county A's bodies only its government is still listed (county B's is outside the scope)
    assert out["debtors"]["bodies_listed"] == 1 and not out["debtors"]["cleared"]
    assert out["debtors"]["bodies"][0]["organization__name"] == "昆明市五华区人民政府"
    city = report(factories.user("credit_office", world.city_credit), dt.date(2026, 9, 1), dt.date(2026, 9, 30),
                  dt.date(2026, 9, 23))
    assert city["total"]["pending"] == 3 and city["total"]["rate"] == 1.0 and city["debtors"]["bodies_listed"] == 2
    api = factories.client("credit_office", world.credit_a).get(
        "/api/v1/rectification/figures", {"start": "2026-09-01", "end": "2026-09-30", "today": "2026-10-01"})
    assert api.status_code == 200 and api.json()["total"]["rate"] == 0.4
    bad = factories.client("credit_office", world.credit_a).get(
        "/api/v1/rectification/figures", {"start": "2026-09-30", "end": "2026-09-01"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "end"


def test_inbox_notices_from_escalations_and_commitment_scans(case, world, make_commitment):
    from govtrust.commitments.models import Notice
    from govtrust.commitments.scan import scan

    escalate(SYSTEM, dt.date(2026, 10, 13))  # reminder: to the body
    escalate(SYSTEM, dt.date(2026, 10, 20))  # 通报: to the level above
    escalate(SYSTEM, dt.date(2026, 10, 21))  # nothing more
    body = Notice.objects.get(recipient=world.finance_a)
    assert body.kind == "rectification_reminded" and "已超过期限2026-10-12" in body.text
    assert body.link == f"/console/rectification/{case.pk}/"
    above = Notice.objects.get(recipient=world.gov_a)
    assert above.kind == "rectification_escalated" and "昆明市五华区财政局" in above.text
    make_commitment(title="限时办结", due=dt.date(2026, 10, 30))
    scan(SYSTEM, dt.date(2026, 10, 27))  # due within 5 working days: warned
    warned = Notice.objects.get(recipient=world.finance_a, kind="commitment_warned")
    assert "限时办结" in warned.text
    dept = factories.client("department", world.finance_a)
    home = dept.get("/console/").content.decode()
    assert 'data-testid="inbox-unread">2<' in home
    page = dept.get("/console/inbox/").content.decode()
    assert "已超过期限2026-10-12" in page and "限时办结" in page and "通报" not in page
    assert dept.post("/console/inbox/read/", {"notice": str(body.pk)}).status_code == 302
    assert Notice.objects.get(pk=body.pk).read_at is not None
    assert 'data-testid="inbox-unread">1<' in dept.get("/console/").content.decode()
    assert dept.post("/console/inbox/read/", {"notice": str(above.pk)}).status_code == 404  # not its inbox
    dept.post("/console/inbox/read/")
    assert 'data-testid="inbox-unread"' not in dept.get("/console/").content.decode()
    gov = factories.client("evaluated_body", world.gov_a).get("/console/inbox/").content.decode()
    assert "通报" in gov and "限时办结" not in gov
