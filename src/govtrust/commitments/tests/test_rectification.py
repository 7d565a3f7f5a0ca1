"""Rectification cases: opening from the ledger, the services, the deadline scan, closing, in working days."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govtrust.commitments import rectification as rect
from govtrust.commitments.models import CaseEvent, CaseStatus, RectificationCase, RectificationRule
from govtrust.commitments.rectification_scan import escalate, open_cases
from govtrust.core.access import SYSTEM
from govtrust.core.audit import AuditEvent
from govtrust.core.errors import Conflict, PermissionDenied, ServiceError
from govtrust.intake.services import run_import
from govtrust.ledger import services as ledger
from govtrust.ledger.models import Record, RevisionKind
from govtrust.subjects.models import Organization
from govtrust.testing import factories

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 report"


@pytest.fixture
def case(make_record, world):
    record = make_record()
    open_cases(SYSTEM, dt.date(2026, 9, 30))
    return RectificationCase.objects.get(record=record)


def test_rule_is_shipped_with_its_basis():
    rule = RectificationRule.objects.get()
    assert (rule.explanation_working_days, rule.rectification_working_days) == (5, 20)
    assert "书面说明原因并限期加以整改" in rule.legal_basis


def test_negative_record_against_a_department_opens_a_case_due_across_national_day(make_record, world):
    record = make_record(created=dt.date(2026, 9, 29))
    result = open_cases(SYSTEM, dt.date(2026, 9, 30))
    assert result.opened == 1 and "新立案1件" in result.summary()
    c = RectificationCase.objects.get(record=record)
    assert c.body == world.finance_a and c.status == CaseStatus.AWAITING_EXPLANATION
    assert c.opened_on == dt.date(2026, 9, 29)
    # Sep 30, Oct 8, Oct 9, Sat Oct 10 (adjusted working day), Oct 12.
    assert c.explanation_due == dt.date(2026, 10, 12) == c.current_due
    assert list(c.events.values_list("kind", flat=True)) == ["opened"]
    assert AuditEvent.objects.filter(object_type="commitments.rectificationcase", object_id=str(c.pk),
                                     action="create").exists()
    again = open_cases(SYSTEM, dt.date(2026, 9, 30))
    assert again.opened == 0 and RectificationCase.objects.count() == 1 and CaseEvent.objects.count() == 1


def test_no_case_for_positive_records_other_kinds_or_civil_servants(make_record, world, praise, penalty):
    party = factories.organization("昆明市五华区委办公室", world.county_a, Organization.Kind.PARTY_ORGAN)
    make_record(subject=party)
    make_record(category=praise)
    rid = factories.resident_id("530102")
    person = factories.civil_servant(world.finance_a, "赵六", resident_id=rid)
    row = factories.record_row(penalty.name, None, source=world.credit_a, **{"主体名称": person.name, "公民身份号码": rid})
    run_import(SYSTEM, dataset="records", filename="p.csv", content=factories.records_csv([row]), reason="测试")
    assert Record.objects.filter(person=person).count() == 1 and Record.objects.count() == 3
    assert open_cases(SYSTEM, dt.date(2026, 10, 1)).opened == 0
    assert not RectificationCase.objects.exists()


def test_explain_then_deadline_in_working_days(case, world):
    office = factories.user("credit_office", world.credit_a)
    dept = factories.user("department", world.finance_a)
    with pytest.raises(ServiceError) as err:
        rect.explain(dept, case, text="  ", today=dt.date(2026, 10, 9))
    assert err.value.errors[0].field == "explanation"
    c = rect.explain(dept, case, text="因预算调整延迟支付", today=dt.date(2026, 10, 9))
    assert c.status == CaseStatus.EXPLAINED and c.explained_on == dt.date(2026, 10, 9) and c.current_due is None
    assert rect.explain(dept, c, text="因预算调整延迟支付").pk == c.pk  # the same explanation twice
    with pytest.raises(PermissionDenied):
        rect.set_deadline(dept, c, working_days=10, today=dt.date(2026, 10, 9))
    with pytest.raises(ServiceError) as err:
        rect.set_deadline(office, c, due_date=dt.date(2026, 10, 8), today=dt.date(2026, 10, 9))
    assert err.value.errors[0].field == "due_date"
    c = rect.set_deadline(office, c, working_days=3, today=dt.date(2026, 9, 30))
    # Oct 8, Oct 9, Sat Oct 10.
    assert c.status == CaseStatus.RECTIFYING and c.rectification_due == dt.date(2026, 10, 10) == c.current_due
    assert c.rectification_days == 3
    c = rect.set_deadline(office, c, due_date=dt.date(2026, 11, 2), today=dt.date(2026, 10, 12))
    assert c.rectification_due == dt.date(2026, 11, 2) and c.rectification_days == 15


def _to_submitted(c, world, report="已全部支付拖欠款项"):
    office = factories.user("credit_office", world.credit_a)
    dept = factories.user("department", world.finance_a)
    c = rect.explain(dept, c, text="说明", today=dt.date(2026, 10, 9))
    c = rect.set_deadline(office, c, working_days=20, today=dt.date(2026, 10, 12))
    c = rect.submit_report(dept, c, report=report, files=[SimpleUploadedFile("付款凭证.pdf", PDF)],
                           today=dt.date(2026, 10, 20))
    return c, office, dept


def test_submit_is_idempotent_and_checks_files(case, world):
    c, _office, dept = _to_submitted(case, world)
    assert c.status == CaseStatus.SUBMITTED and c.evidence.count() == 1
    assert rect.submit_report(dept, c, report="已全部支付拖欠款项", files=[SimpleUploadedFile("付款凭证.pdf", PDF)]).pk == c.pk
    assert c.evidence.count() == 1 and c.events.filter(kind="submitted").count() == 1
    with pytest.raises(ServiceError) as err:
        rect.submit_report(dept, c, report="别的报告", files=[SimpleUploadedFile("x.exe", b"MZ")])
    assert "不允许" in err.value.errors[0].message
    with pytest.raises(Conflict):
        rect.submit_report(dept, c, report="别的报告")


def test_department_cannot_accept_its_own_report(case, world):
    c, office, dept = _to_submitted(case, world)
    with pytest.raises(PermissionDenied):
        rect.accept(dept, c)
    c = rect.accept(office, c, today=dt.date(2026, 10, 22))
    assert c.status == CaseStatus.ACCEPTED and c.accepted_on == dt.date(2026, 10, 22)


def test_return_needs_a_reason_then_resubmit_reopens_with_new_deadline(case, world):
    c, office, dept = _to_submitted(case, world)
    with pytest.raises(ServiceError) as err:
        rect.return_case(office, c, reason=" ")
    assert err.value.errors[0].field == "reason"
    assert RectificationCase.objects.get(pk=c.pk).status == CaseStatus.SUBMITTED
    c = rect.return_case(office, c, reason="付款凭证不完整", today=dt.date(2026, 10, 21))
    # 20 working days after the return date Oct 21: Oct 22, 23, 26–30, Nov 2–6, 9–13, 16, 17, 18.
    assert c.status == CaseStatus.RETURNED and c.reopen_count == 1 and c.return_reason == "付款凭证不完整"
    assert c.rectification_due == dt.date(2026, 11, 18) == c.current_due
    c = rect.submit_report(dept, c, report="补充完整凭证", files=[SimpleUploadedFile("补充.pdf", PDF + b"2")],
                           today=dt.date(2026, 11, 10))
    assert c.status == CaseStatus.SUBMITTED and c.evidence.get(round=1).original_name == "补充.pdf"
    kinds = list(c.events.values_list("kind", flat=True))
    assert kinds == ["opened", "explained", "deadline", "submitted", "returned", "resubmitted"]
    assert rect.accept(office, c).status == CaseStatus.ACCEPTED


def test_reminder_then_escalation_idempotent(case, world):
    # explanation due Oct 12; the rule escalates 5 working days later (Oct 19).
    assert escalate(SYSTEM, dt.date(2026, 10, 12)).reminded == 0
    first = escalate(SYSTEM, dt.date(2026, 10, 13))
    assert (first.reminded, first.escalated) == (1, 0)
    assert escalate(SYSTEM, dt.date(2026, 10, 14)).reminded == 0
    assert escalate(SYSTEM, dt.date(2026, 10, 19)).escalated == 0
    second = escalate(SYSTEM, dt.date(2026, 10, 20))
    assert (second.reminded, second.escalated) == (0, 1) and "通报上级1件" in second.summary()
    c = RectificationCase.objects.get(pk=case.pk)
    assert c.escalation_level == 2 and c.escalated_to == world.gov_a and c.escalated_on == dt.date(2026, 10, 20)
    assert c.events.get(kind="escalated").reason.endswith("通报昆明市五华区人民政府")
    assert escalate(SYSTEM, dt.date(2026, 10, 21)) == type(second)(0, 0)
    assert c.events.filter(kind__in=["reminded", "escalated"]).count() == 2


def test_escalation_of_a_government_goes_to_the_level_above(make_record, world):
    record = make_record(subject=world.gov_a)
    open_cases(SYSTEM, dt.date(2026, 9, 30))
    escalate(SYSTEM, dt.date(2026, 10, 13))
    escalate(SYSTEM, dt.date(2026, 10, 20))
    assert RectificationCase.objects.get(record=record).escalated_to == world.city_gov


def test_repaired_record_closes_its_case(case, world):
    ledger.change_status(SYSTEM, case.record, RevisionKind.REPAIR, reason="信用修复")
    result = open_cases(SYSTEM, dt.date(2026, 10, 9))
    assert result.closed == 1
    c = RectificationCase.objects.get(pk=case.pk)
    assert c.status == CaseStatus.CLOSED and c.closed_on == dt.date(2026, 10, 9) and c.current_due is None
    assert "不再有效" in c.events.get(kind="closed").reason
    assert open_cases(SYSTEM, dt.date(2026, 10, 10)).closed == 0
    assert escalate(SYSTEM, dt.date(2026, 12, 1)).reminded == 0


def test_scans_registered():
    from govtrust.jobs import scans

    result = scans.run(SYSTEM, dt.date(2026, 9, 30), ["rectification-open", "rectification-deadlines"])
    assert set(result) == {"rectification-open", "rectification-deadlines"}
