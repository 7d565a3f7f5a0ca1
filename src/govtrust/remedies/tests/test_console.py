"""The console's remedies pages: the queues per role, the case page with its timeline and the action forms the
user may use (each step through the page; a refused step shows why and changes nothing), evidence downloads
within scope, filing from the record page, mitigation through its pages, and the figures."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from govtrust.commitments.models import Commitment
from govtrust.ledger.models import Record, RecordStatus
from govtrust.remedies import figures, objections, repairs, services
from govtrust.remedies.models import Case, Mitigation, MitigationStatus, Status
from govtrust.sanctions.models import Relief
from govtrust.testing import factories

from .conftest import filing, pdf, repair_filing

pytestmark = pytest.mark.django_db


def login(user):
    c = Client()
    c.force_login(user)
    return c


def html(res):
    return res.content.decode()


@pytest.fixture
def penalty(world, make_record):
    """A general administrative penalty about county A's finance bureau (its source: county A's credit office)."""
    return make_record(world.finance_a, "administrative_penalty", severity="general")


@pytest.fixture
def objection(penalty, finance_a_user):
    """An objection filed by the finance bureau about its own record."""
    c, _code = objections.file(finance_a_user, penalty.pk, filing(requested="撤销该记录"))
    return c


@pytest.fixture
def repairable(world, make_record):
    """A general penalty decided 200 days ago: past the 2026 regime's 3-month minimum, repairable now."""
    return make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=200)


@pytest.fixture
def civil_servant_record(person, make_record):
    someone, rid = person
    return make_record(someone, "accountability", severity="general", person_id=rid)


# ------------------------------------------------------------------------------------------ queues

def test_queues_per_role(world, make_record, objection, office_a, finance_a_user):
    other = make_record(world.gov_a, "administrative_penalty", severity="general")  # not the finance bureau's
    about_other, _ = objections.file(office_a, other.pk, filing())
    office, dept = login(office_a), login(finance_a_user)

    page = html(office.get("/console/remedies/"))  # the credit office starts on its queue: to accept and decide
    assert objection.serial in page and about_other.serial in page and 'data-testid="queue-tabs"' in page
    assert objection.record.document_number in page
    # the department sees only what it filed, what is about its records and what is forwarded to it
    page = html(dept.get("/console/remedies/"))
    assert objection.serial in page and about_other.serial not in page
    assert objection.serial in html(dept.get("/console/remedies/?queue=filed"))
    assert objection.serial not in html(dept.get("/console/remedies/?queue=mine"))
    services.accept(office_a, about_other)
    services.forward(office_a, about_other, organization=world.finance_a)
    mine = html(dept.get("/console/remedies/?queue=mine"))
    assert about_other.serial in mine and objection.serial not in mine
    assert about_other.serial not in html(office.get("/console/remedies/?queue=office"))  # no longer the office's
    # county B's credit office sees none of county A's cases, on the list or by address
    county_b = login(factories.user("credit_office", world.finance_b))
    page = html(county_b.get("/console/remedies/?queue="))
    assert objection.serial not in page and about_other.serial not in page
    assert county_b.get(f"/console/remedies/{objection.pk}/").status_code == 404
    # filters and the htmx fragment
    found = office.get(f"/console/remedies/?queue=&kind=objection&q={objection.serial}", HTTP_HX_REQUEST="true")
    assert objection.serial in html(found) and about_other.serial not in html(found) and "<html" not in html(found)
    assert objection.serial not in html(office.get("/console/remedies/?queue=&kind=repair"))
    assert objection.serial not in html(office.get("/console/remedies/?queue=&status=accepted"))
    assert login(factories.user("auditor", None)).get("/console/remedies/").status_code == 403


def test_the_list_highlights_overdue_and_due_soon_deadlines(objection, office_a, penalty, finance_a_user):
    office = login(office_a)
    today = timezone.localdate()
    Case.objects.filter(pk=objection.pk).update(current_due=today - dt.timedelta(days=1))
    page = html(office.get("/console/remedies/"))
    assert 'data-testid="due-overdue"' in page
    Case.objects.filter(pk=objection.pk).update(current_due=today)
    page = html(office.get("/console/remedies/"))
    assert 'data-testid="due-soon"' in page and 'data-testid="due-overdue"' not in page
    Case.objects.filter(pk=objection.pk).update(overdue=True)
    assert objection.serial in html(office.get("/console/remedies/?queue=&overdue=yes"))
    assert objection.serial not in html(office.get("/console/remedies/?queue=&overdue=no"))


def test_the_menu_entry(world, office_a):
    page = html(login(office_a).get("/console/"))
    assert 'href="/console/remedies/"' in page and "异议与修复" in page
    assert 'href="/console/remedies/"' not in html(login(factories.user("auditor", None)).get("/console/"))
    assert 'href="/console/remedies/mitigations/"' in html(login(office_a).get("/console/remedies/"))


# ------------------------------------------------------------------------------------------ case page

def test_case_page_shows_the_case_and_accepting_marks_the_record_disputed(objection, office_a, finance_a_user,
                                                                        penalty):
    office = login(office_a)
    page = html(office.get(f"/console/remedies/{objection.pk}/"))
    assert "该处罚决定已被复议机关撤销" in page and "撤销该记录" in page
    assert f'href="/console/records/{penalty.pk}/"' in page
    assert 'data-testid="history"' in page and "申请已提交" in page  # the timeline
    assert 'data-testid="calendar-basis"' in page and 'data-testid="current-due"' in page
    assert 'data-testid="accept-form"' in page and 'data-testid="decline-form"' in page
    assert 'data-testid="decide-form"' not in page and 'data-testid="approve-form"' not in page
    # the applicant's unit follows the case but takes no step on it
    dept_page = html(login(finance_a_user).get(f"/console/remedies/{objection.pk}/"))
    assert objection.serial in dept_page and 'class="form-grid"' not in dept_page

    res = office.post(f"/console/remedies/{objection.pk}/accept/", {})
    assert res.status_code == 302 and res["Location"] == f"/console/remedies/{objection.pk}/"
    penalty.refresh_from_db()
    objection.refresh_from_db()
    assert penalty.status == RecordStatus.DISPUTED and objection.status == Status.ACCEPTED
    page = html(office.get(f"/console/remedies/{objection.pk}/"))
    assert "已受理。" in page and "标注异议中" in page
    assert 'data-testid="forward-form"' in page and 'data-testid="decide-form"' in page
    assert 'data-testid="accept-form"' not in page
    assert f'<option value="{penalty.source_id}" selected>' in page  # forwarding defaults to the source


def test_deciding_upheld_and_revoked_through_the_page(objection, office_a, penalty):
    services.accept(office_a, objection)
    office = login(office_a)
    res = office.post(f"/console/remedies/{objection.pk}/decide/",
                      {"upheld": "yes", "outcome": "revoked", "reason": "处罚决定已被复议机关撤销"})
    assert res.status_code == 302
    objection.refresh_from_db()
    penalty.refresh_from_db()
    assert objection.status == Status.UPHELD and objection.outcome == "revoked"
    assert penalty.status == RecordStatus.REVOKED
    page = html(office.get(f"/console/remedies/{objection.pk}/"))
    assert 'data-testid="outcome"' in page and "撤销记录" in page and "处罚决定已被复议机关撤销" in page
    assert 'data-testid="decide-form"' not in page


def test_a_correction_through_the_page_changes_only_what_differs(objection, office_a, penalty):
    services.accept(office_a, objection)
    office = login(office_a)
    form = {"upheld": "yes", "outcome": "corrected", "reason": "程度认定有误", "severity": "minor",
            "facts": penalty.facts, "authority": penalty.authority, "decision_date": penalty.decision_date.isoformat(),
            "legal_basis": penalty.legal_basis}
    assert office.post(f"/console/remedies/{objection.pk}/decide/", form).status_code == 302
    objection.refresh_from_db()
    penalty.refresh_from_db()
    assert objection.changes == {"severity": "minor"} and penalty.severity == "minor"
    assert penalty.status == RecordStatus.CORRECTED


def test_a_refused_step_shows_the_error_and_changes_nothing(objection, office_a, finance_a_user, penalty):
    office = login(office_a)
    res = office.post(f"/console/remedies/{objection.pk}/decline/", {"reason": ""})
    assert res.status_code == 400 and 'data-field-errors="reason"' in html(res) and "请填写不予受理的理由" in html(res)
    assert Case.objects.get(pk=objection.pk).status == Status.RECEIVED
    # a department may not accept: refused, nothing written
    res = login(finance_a_user).post(f"/console/remedies/{objection.pk}/accept/", {})
    assert res.status_code == 403
    assert Case.objects.get(pk=objection.pk).status == Status.RECEIVED
    services.accept(office_a, objection)
    # upheld without saying how
    res = office.post(f"/console/remedies/{objection.pk}/decide/", {"upheld": "yes", "outcome": "", "reason": "x"})
    assert res.status_code == 400 and 'data-field-errors="outcome"' in html(res)
    # corrected with nothing corrected: the form's fields still show the record
    res = office.post(f"/console/remedies/{objection.pk}/decide/", {
        "upheld": "yes", "outcome": "corrected", "reason": "x", "facts": penalty.facts, "authority": penalty.authority,
        "decision_date": penalty.decision_date.isoformat(), "severity": penalty.severity})
    assert res.status_code == 400 and "更正记录时须填写更正内容" in html(res)
    # a correction the ledger refuses (a decision date in the future): the whole decision is rolled back
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    res = office.post(f"/console/remedies/{objection.pk}/decide/", {
        "upheld": "yes", "outcome": "corrected", "reason": "日期有误", "decision_date": future})
    assert res.status_code == 400 and 'data-field-errors="decision_date"' in html(res)
    objection.refresh_from_db()
    penalty.refresh_from_db()
    assert objection.status == Status.ACCEPTED and objection.decided_on is None
    assert penalty.status == RecordStatus.DISPUTED and penalty.decision_date != dt.date.fromisoformat(future)
    # a step the state does not allow any more
    res = office.post(f"/console/remedies/{objection.pk}/accept/", {})
    assert res.status_code == 409 and "不能办理此操作" in html(res)


def test_the_source_organization_decides_a_forwarded_objection(world, objection, office_a, finance_a_user, penalty):
    services.accept(office_a, objection)
    office = login(office_a)
    res = office.post(f"/console/remedies/{objection.pk}/forward/",
                      {"organization": world.finance_a.pk, "note": "请核实处罚决定是否已被撤销"})
    assert res.status_code == 302
    objection.refresh_from_db()
    assert objection.status == Status.FORWARDED and objection.forwarded_to == world.finance_a
    dept = login(finance_a_user)
    page = html(dept.get(f"/console/remedies/{objection.pk}/"))
    assert 'data-testid="decide-form"' in page and 'data-testid="forwarded-to"' in page
    # another department of the county does not see it
    sibling = login(factories.user("department", world.credit_a))
    assert sibling.get(f"/console/remedies/{objection.pk}/").status_code == 404
    res = dept.post(f"/console/remedies/{objection.pk}/decide/", {"upheld": "no", "reason": "处罚决定合法有效"})
    assert res.status_code == 302
    objection.refresh_from_db()
    penalty.refresh_from_db()
    assert objection.status == Status.REJECTED and penalty.status == RecordStatus.ACTIVE


# ------------------------------------------------------------------------------------------ files

def test_evidence_downloads_only_for_those_who_see_the_case(world, objection, office_a, finance_a_user):
    f = objection.files.get()
    res = login(office_a).get(f"/console/remedies/files/{f.pk}/")
    assert res.status_code == 200 and res["Content-Disposition"].startswith("attachment")
    assert b"".join(res.streaming_content).startswith(b"%PDF")
    assert login(finance_a_user).get(f"/console/remedies/files/{f.pk}/").status_code == 200
    assert login(factories.user("credit_office", world.finance_b)).get(
        f"/console/remedies/files/{f.pk}/").status_code == 404
    assert login(factories.user("department", world.credit_a)).get(
        f"/console/remedies/files/{f.pk}/").status_code == 404
    assert Client().get(f"/console/remedies/files/{f.pk}/").status_code == 302  # to the login page


# ------------------------------------------------------------------------------------------ filing

def test_filing_an_objection_from_the_record_page(world, penalty, finance_a_user):
    dept = login(finance_a_user)
    page = html(dept.get(f"/console/records/{penalty.pk}/"))
    assert 'data-testid="remedies-panel"' in page
    assert f'href="/console/remedies/new/objection/?record={penalty.pk}"' in page
    assert 'data-testid="apply-repair"' not in page  # a recent record is not repairable yet
    assert "最短公示期未满" in page
    url = f"/console/remedies/new/objection/?record={penalty.pk}"
    assert 'data-testid="filing-form"' in html(dept.get(url))
    res = dept.post(url, {"grounds": "记录与事实不符", "requested": "", "files": [pdf("x.exe", b"MZ...")]})
    assert res.status_code == 400 and 'data-field-errors="files"' in html(res) and "x.exe" in html(res)
    res = dept.post(url, {"grounds": "", "files": [pdf()]})
    assert res.status_code == 400 and 'data-field-errors="grounds"' in html(res)
    assert not Case.objects.exists()
    res = dept.post(url, {"grounds": "记录与事实不符", "requested": "撤销", "files": [pdf(), pdf("照片.png", b"\x89PNG..")]})
    c = Case.objects.get()
    assert res.status_code == 302 and res["Location"] == f"/console/remedies/{c.pk}/"
    assert c.files.count() == 2 and c.applicant_organization == world.finance_a and c.channel == "console"
    page = html(dept.get(res["Location"]))
    assert c.serial in page and "已提交" in page and "提取码" not in page
    page = html(dept.get(f"/console/records/{penalty.pk}/"))
    assert c.serial in page and 'data-testid="file-objection"' not in page  # listed; one open objection at a time
    # a record out of reach is a 404, as is an unknown kind
    b_record_url = f"/console/remedies/new/objection/?record={penalty.pk}"
    assert login(factories.user("department", world.finance_b)).get(b_record_url).status_code == 404
    assert dept.get(f"/console/remedies/new/other/?record={penalty.pk}").status_code == 404


def test_applying_for_and_approving_a_repair_through_the_pages(world, repairable, finance_a_user, office_a):
    dept = login(finance_a_user)
    page = html(dept.get(f"/console/records/{repairable.pk}/"))
    assert 'data-testid="apply-repair"' in page and "可申请信用修复" in page
    url = f"/console/remedies/new/repair/?record={repairable.pk}"
    form = html(dept.get(url))
    assert "信用修复承诺书" in form and "郑重承诺" in form and 'data-testid="repairability"' in form
    res = dept.post(url, {"grounds": "已足额缴纳罚款并完成整改", "requested": "已整改", "pledge": "", "pledge_signer": "",
                          "files": [pdf()]})
    assert res.status_code == 400 and 'data-field-errors="pledge"' in html(res)
    assert 'data-field-errors="pledge_signer"' in html(res)
    res = dept.post(url, {"grounds": "已足额缴纳罚款并完成整改", "requested": "已整改",
                          "pledge": "本单位承诺依法诚信履职。", "pledge_signer": world.finance_a.name, "files": [pdf()]})
    c = Case.objects.get()
    assert res.status_code == 302 and c.kind == "repair" and c.pledge_signer == world.finance_a.name

    office = login(office_a)
    page = html(office.get(f"/console/remedies/{c.pk}/"))
    assert 'data-testid="approve-form"' in page and 'data-testid="refuse-form"' in page
    assert 'data-testid="forward-form"' not in page and 'data-testid="pledge"' in page
    res = office.post(f"/console/remedies/{c.pk}/approve/", {"reason": ""})
    assert res.status_code == 400 and 'data-field-errors="reason"' in html(res)
    res = office.post(f"/console/remedies/{c.pk}/approve/", {"reason": "已纠正失信行为并履行义务"})
    assert res.status_code == 302
    c.refresh_from_db()
    repairable.refresh_from_db()
    assert c.status == Status.APPROVED and repairable.status == RecordStatus.REPAIRED and c.shared_on
    assert Commitment.objects.filter(pk=c.commitment_id).exists()
    page = html(office.get(f"/console/remedies/{c.pk}/"))
    assert "准予修复" in page and "结果共享" in page and 'data-testid="share-due"' in page


def test_a_repair_is_refused_early_when_the_record_is_not_repairable(penalty, finance_a_user):
    dept = login(finance_a_user)
    url = f"/console/remedies/new/repair/?record={penalty.pk}"
    page = html(dept.get(url))
    assert "最短公示期未满" in page and 'data-testid="filing-form"' not in page
    res = dept.post(url, {"grounds": "x", "pledge": "x", "pledge_signer": "x", "files": [pdf()]})
    assert res.status_code == 400 and not Case.objects.exists()


def test_a_repair_refused_through_the_page(repairable, finance_a_user, office_a):
    c, _ = repairs.apply(finance_a_user, repairable.pk, repair_filing())
    res = login(office_a).post(f"/console/remedies/{c.pk}/refuse/", {"reason": "尚未履行行政处罚决定"})
    assert res.status_code == 302
    c.refresh_from_db()
    assert c.status == Status.REFUSED and Record.objects.get(pk=repairable.pk).status == RecordStatus.ACTIVE


# ------------------------------------------------------------------------------------------ mitigation

def test_mitigation_granted_and_lifted_through_the_pages(world, civil_servant_record, office_a, penalty):
    office = login(office_a)
    page = html(office.get(f"/console/records/{civil_servant_record.pk}/"))
    assert 'data-testid="record-mitigation"' in page
    assert 'data-testid="record-mitigation"' not in html(office.get(f"/console/records/{penalty.pk}/"))  # a unit
    url = f"/console/remedies/mitigations/new/?record={civil_servant_record.pk}"
    res = office.post(url, {"corrections": [], "facts": "", "files": []})
    assert res.status_code == 400 and 'data-field-errors="corrections"' in html(res)
    assert 'data-field-errors="facts"' in html(res) and 'data-field-errors="files"' in html(res)
    res = office.post(url, {"corrections": ["recovered_loss"], "facts": "已主动追回全部损失", "files": [pdf()]})
    m = Mitigation.objects.get()
    assert res.status_code == 302 and res["Location"] == f"/console/remedies/mitigations/{m.pk}/"

    page = html(office.get(res["Location"]))
    assert "主动挽回损失" in page and 'data-testid="decide-form"' in page
    assert 'name="relief_S-CS-AWARDS"' in page and 'name="relief_S-CS-QUERY"' not in page  # inform only: no relief
    assert 'name="relief_I-CS-KEEP-FAITH"' not in page  # an incentive
    res = office.post(f"/console/remedies/mitigations/{m.pk}/decide/", {"grant": "yes", "decision": "主动挽回损失"})
    assert res.status_code == 400 and "请指定从轻或免于惩戒的措施" in html(res)
    assert Mitigation.objects.get(pk=m.pk).status == MitigationStatus.RECORDED and not Relief.objects.exists()
    res = office.post(f"/console/remedies/mitigations/{m.pk}/decide/", {
        "grant": "yes", "decision": "主动挽回全部损失，免于限制评优", "relief_S-CS-AWARDS": "waive",
        "relief_S-CS-PROMOTION": "reduce"})
    assert res.status_code == 302
    m.refresh_from_db()
    assert m.status == MitigationStatus.GRANTED and m.reliefs == {"S-CS-AWARDS": "waive", "S-CS-PROMOTION": "reduce"}
    assert Relief.objects.filter(reference=m.reference, lifted_on__isnull=True).count() == 2
    page = html(office.get(f"/console/remedies/mitigations/{m.pk}/"))
    assert 'data-testid="relief-rows"' in page and "免于惩戒" in page and 'data-testid="lift-form"' in page
    f = m.files.get()
    download = office.get(f"/console/remedies/mitigations/{m.pk}/file/?id={f.pk}")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert login(factories.user("credit_office", world.finance_b)).get(
        f"/console/remedies/mitigations/{m.pk}/file/?id={f.pk}").status_code == 404
    assert m.person_name in html(office.get("/console/remedies/mitigations/"))

    assert office.post(f"/console/remedies/mitigations/{m.pk}/lift/", {"reason": ""}).status_code == 400
    res = office.post(f"/console/remedies/mitigations/{m.pk}/lift/", {"reason": "纠错情况不实"})
    assert res.status_code == 302
    m.refresh_from_db()
    assert m.status == MitigationStatus.LIFTED and not Relief.objects.filter(lifted_on__isnull=True).exists()
    # a department may read mitigations about its people but not decide
    dept = login(factories.user("department", world.finance_a))
    page = html(dept.get(f"/console/remedies/mitigations/{m.pk}/"))
    assert m.person_name in page and 'class="form-grid"' not in page
    assert dept.get(f"/console/remedies/mitigations/new/?record={civil_servant_record.pk}").status_code == 403


# ------------------------------------------------------------------------------------------ figures

def test_figures_page_shows_the_figures(world, make_record, objection, office_a, repairable, finance_a_user):
    services.accept(office_a, objection)
    services.decide(office_a, objection, upheld=False, reason="记录无误")
    other = make_record(world.gov_a, "administrative_penalty", severity="general")
    objections.file(office_a, other.pk, filing())
    repairs.apply(finance_a_user, repairable.pk, repair_filing())
    year = timezone.localdate().year
    start, end = dt.date(year, 1, 1), timezone.localdate()
    expected = figures.figures(office_a, start, end)["kinds"]
    assert expected["objection"]["received"] == 2 and expected["repair"]["received"] == 1
    page = html(login(office_a).get(f"/console/remedies/figures/?start={start}&end={end}"))
    for kind in ("objection", "repair"):
        for key in ("received", "open", "overdue", "declined", "decided", "on_time"):
            assert f'data-testid="{kind}-{key}">{expected[kind][key]}<' in page
    assert f'data-testid="objection-rejected">{expected["objection"]["rejected"]}<' in page
    assert 'data-testid="objection-on_time_rate">100.0%<' in page
    assert 'data-testid="repair-on_time_rate">—<' in page
    assert 'data-testid="repair-rejected">—<' in page  # not a repair's outcome
    # the default period is this year; county B sees nothing of county A
    assert 'data-testid="objection-received">2<' in html(login(office_a).get("/console/remedies/figures/"))
    county_b = html(login(factories.user("credit_office", world.finance_b)).get("/console/remedies/figures/"))
    assert 'data-testid="objection-received">0<' in county_b
    bad = html(login(office_a).get("/console/remedies/figures/?start=2026-12-31&end=2026-01-01"))
    assert "开始日期不能晚于结束日期" in bad
