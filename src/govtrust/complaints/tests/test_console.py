"""The console's complaint pages: queues per role, the case page and its action forms, identity on purpose,
staff entry, the file import, the routing table, the figures and the register."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from govtrust.complaints import services
from govtrust.complaints.models import Complaint, RoutingEntry, Status
from govtrust.core.models import AuditEvent
from govtrust.testing import factories


def test_queues_per_role(world, file_one, assigned):
    waiting = file_one()
    mine = assigned(organization=world.finance_a)
    office = factories.client("credit_office", world.credit_a)
    dept = factories.client("department", world.finance_a)
    office_html = office.get("/console/complaints/").content.decode()
    assert waiting.serial in office_html and mine.serial not in office_html  # office queue: to accept
    dept_html = dept.get("/console/complaints/").content.decode()
    assert mine.serial in dept_html and waiting.serial not in dept_html  # its own cases only
    partial = office.get("/console/complaints/?queue=open&q=" + mine.serial, HTTP_HX_REQUEST="true")
    assert mine.serial in partial.content.decode() and "<html" not in partial.content.decode()
    assert factories.client("auditor", None).get("/console/complaints/").status_code == 403


def test_case_page_actions_with_errors_next_to_the_field(world, file_one):
    office = factories.client("credit_office", world.credit_a)
    c = file_one(facts="<b>粗体</b>拖欠")
    page = office.get(f"/console/complaints/{c.pk}/").content.decode()
    assert "&lt;b&gt;粗体&lt;/b&gt;" in page and 'data-testid="accept-form"' in page
    assert 'data-testid="reply-form"' not in page  # the credit office does not reply
    res = office.post(f"/console/complaints/{c.pk}/decline/", {"matter": "", "reason": ""})
    assert res.status_code == 400 and 'data-field-errors="matter"' in res.content.decode()
    assert office.post(f"/console/complaints/{c.pk}/accept/", {"note": "属于受理范围"}).status_code == 302
    res = office.post(f"/console/complaints/{c.pk}/assign/", {"organization": "", "note": ""})
    assert res.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.ASSIGNED and c.assignee == world.finance_a
    dept = factories.client("department", world.finance_a)
    page = dept.get(f"/console/complaints/{c.pk}/").content.decode()
    assert 'data-testid="reply-form"' in page and 'data-testid="return-form"' in page
    res = dept.post(f"/console/complaints/{c.pk}/reply/", {"reply": "", "finding": ""})
    assert res.status_code == 400 and 'data-field-errors="reply"' in res.content.decode()
    assert dept.post(f"/console/complaints/{c.pk}/reply/", {"reply": "已付款", "finding": "substantiated"}).status_code == 302
    assert office.post(f"/console/complaints/{c.pk}/close/", {"finding": "", "note": "核查属实"}).status_code == 302
    c.refresh_from_db()
    assert c.status == Status.CLOSED and c.ledger_record_id
    page = office.get(f"/console/complaints/{c.pk}/").content.decode()
    assert c.ledger_record.document_number in page and 'data-testid="visit-form"' in page


def test_identity_is_masked_until_a_purpose_is_given(world, assigned):
    c = assigned(name="欧阳修", contact="13812345678")
    dept = factories.client("department", world.finance_a)
    page = dept.get(f"/console/complaints/{c.pk}/").content.decode()
    assert "欧**" in page and "138****5678" in page and "欧阳修" not in page
    assert dept.post(f"/console/complaints/{c.pk}/identity/", {"purpose": ""}).status_code == 400
    shown = dept.post(f"/console/complaints/{c.pk}/identity/", {"purpose": "核实情况"})
    assert "欧阳修" in shown.content.decode() and shown["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="read_unmasked", reason="核实情况").count() == 1
    assessor = factories.client("assessor", world.credit_a)
    assert "欧阳修" not in assessor.get(f"/console/complaints/{c.pk}/").content.decode()
    assert assessor.post(f"/console/complaints/{c.pk}/identity/", {"purpose": "x"}).status_code == 403


def test_staff_entry_and_import(world):
    office = factories.client("credit_office", world.credit_a)
    res = office.post("/console/complaints/new/", {"category": "arrears", "body": world.finance_a.pk,
                                                   "facts": "来电反映", "name": "钱七", "contact": "13900002222",
                                                   "hotline_number": "", "received_on": "2026-09-21"})
    assert res.status_code == 302
    c = Complaint.objects.get()
    assert c.channel == "hotline" and c.received_on == dt.date(2026, 9, 21)
    bad = SimpleUploadedFile("h.csv", "热线工单号,投诉类别,被投诉单位,事实和理由\nH-1,拖欠企业账款,查无此局,x\n".encode())
    res = office.post("/console/complaints/import/", {"file": bad})
    html = res.content.decode()
    assert res.status_code == 400 and "第2行" in html and "查无此局" in html
    good = SimpleUploadedFile("h.csv", f"热线工单号,投诉类别,被投诉单位,事实和理由,是否匿名\n"
                                       f"H-1,拖欠企业账款,{world.finance_a.name},x,是\n".encode())
    assert office.post("/console/complaints/import/", {"file": good}).status_code == 302
    assert Complaint.objects.count() == 2


def test_routing_table_page_adds_and_replaces_with_history(world):
    office = factories.client("credit_office", world.credit_a)
    res = office.post("/console/complaints/routing/", {"op": "add", "category": "arrears", "region": "530102",
                                                       "organization": world.finance_a.pk,
                                                       "valid_from": "2026-01-01", "note": "财政局承办"})
    assert res.status_code == 302
    entry = RoutingEntry.objects.get()
    res = office.post("/console/complaints/routing/", {"op": "replace", "entry": entry.pk,
                                                       "organization": world.gov_a.pk, "valid_from": "2026-06-01",
                                                       "note": "改由区政府"})
    assert res.status_code == 302 and RoutingEntry.objects.count() == 2
    html = office.get("/console/complaints/routing/").content.decode()
    assert "财政局承办" in html and "改由区政府" in html and "投诉举报类 13" in html
    bad = office.post("/console/complaints/routing/", {"op": "add", "region": "999999", "valid_from": ""})
    assert bad.status_code == 400 and 'data-field-errors="region"' in bad.content.decode()


def test_dashboard_and_register(world, assigned):
    c = assigned()
    services.reply(factories.SYSTEM, c, text="x", finding="unfounded", today=dt.date(2026, 9, 25))
    office = factories.client("credit_office", world.credit_a)
    page = office.get("/console/complaints/figures/?start=2026-09-01&end=2026-09-30").content.decode()
    assert 'data-testid="complaint-count">1<' in page and 'id="chart-by-month"' in page
    assert 'data-testid="on-time-rate">100%<' in page
    xlsx = office.get("/console/complaints/register.xlsx?start=2026-09-01&end=2026-09-30")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "编号" and rows[1][0] == c.serial and rows[1][7] == "匿名"
    assert AuditEvent.objects.filter(action="export", object_type="complaints.complaint").exists()
