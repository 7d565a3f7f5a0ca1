"""Objections through the service functions: filing from each door, reach, deadlines in working days across
the 2026 National Day holiday, the outcomes and what an upheld objection undoes."""

import datetime as dt

import pytest

from govtrust.commitments.models import Notice
from govtrust.core.audit import AuditEvent
from govtrust.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from govtrust.ledger.models import Record, RecordStatus, Revision
from govtrust.publicity.models import Decision
from govtrust.publicity.tests.helpers import load, penalty_row
from govtrust.remedies import objections, services
from govtrust.remedies.models import Case, CaseEvent, EventKind, PublicStatement, Status
from govtrust.sanctions import services as checks
from govtrust.testing import factories

from .conftest import filing, pdf

pytestmark = pytest.mark.django_db

HONOURS = "honours"  # 荣誉评选: S-GOV-HONOURS blocks a body with a general or worse negative record


def fields(err):
    return {e.field for e in err.value.errors}


@pytest.fixture
def penalty(world, make_record):
    """A general administrative penalty about county A's finance bureau, disclosed on the portal."""
    return make_record(world.finance_a, "administrative_penalty", severity="general")


def test_the_subject_files_in_the_console_and_the_credit_office_is_told(world, penalty, finance_a_user, office_a):
    c, code = objections.file(finance_a_user, penalty.pk, filing(requested="撤销该记录"), today=dt.date(2026, 11, 2))
    assert c.status == Status.RECEIVED and c.capacity == "subject" and len(code) == 6
    assert c.serial.startswith("YY20261102")
    assert c.current_due == dt.date(2026, 11, 3)  # 1 working day to mark the record disputed
    assert c.files.count() == 1 and c.events.get().kind == EventKind.FILED
    assert Notice.objects.filter(recipient=world.credit_a, kind="新的异议与修复申请").exists()
    assert AuditEvent.objects.filter(object_type="remedies.case", object_id=str(c.pk), action="create").exists()
    # the extraction code is not stored, only its keyed hash
    assert code not in c.code_hash


def test_a_data_user_in_another_unit_files_as_a_user(world, penalty, office_a):
    c, _ = objections.file(office_a, penalty.pk, filing())
    assert c.capacity == "user"


def test_out_of_reach_records_and_missing_evidence_are_refused_and_nothing_is_written(world, penalty):
    county_b = factories.user("department", world.finance_b)
    with pytest.raises(NotFound):
        objections.file(county_b, penalty.pk, filing())
    with pytest.raises(PermissionDenied):
        objections.file(factories.user("auditor", None), penalty.pk, filing())
    with pytest.raises(ServiceError) as err:
        objections.file(factories.user("department", world.finance_a), penalty.pk, filing(grounds=" ", files=[]))
    assert fields(err) == {"grounds", "files"}
    with pytest.raises(ServiceError) as err:
        objections.file(factories.user("department", world.finance_a), penalty.pk,
                        filing(files=[pdf("x.exe", b"MZ...")]))
    assert fields(err) == {"files[0]"}
    assert not Case.objects.exists()


def test_a_second_open_objection_on_the_same_record_is_refused(penalty, finance_a_user):
    first, _ = objections.file(finance_a_user, penalty.pk, filing())
    with pytest.raises(Conflict) as err:
        objections.file(finance_a_user, penalty.pk, filing())
    assert first.serial in err.value.message
    assert Case.objects.count() == 1


def test_accepting_marks_the_record_disputed_and_the_check_only_warns(world, penalty, finance_a_user, office_a):
    before = checks.check(factories.SYSTEM, party={"uscc": world.finance_a.uscc}, scene=HONOURS)
    assert before.decision == "block"
    c, _ = objections.file(finance_a_user, penalty.pk, filing(), today=dt.date(2026, 11, 2))
    objections.accept(office_a, c, today=dt.date(2026, 11, 3))
    penalty.refresh_from_db()
    assert penalty.status == RecordStatus.DISPUTED
    assert Revision.objects.filter(record=penalty, kind="dispute").exists()
    c.refresh_from_db()
    assert c.status == Status.ACCEPTED and c.decide_due == dt.date(2026, 11, 10) and c.forward_due == dt.date(2026, 11, 5)
    during = checks.check(factories.SYSTEM, party={"uscc": world.finance_a.uscc}, scene=HONOURS)
    assert during.decision == "warn"


def test_a_forwarded_objection_counts_its_deadlines_across_national_day(world, penalty, office_a, finance_a_user):
    """Received Wed 30 Sep 2026: 1–7 Oct are holidays, Sat 10 Oct is an adjusted working day."""
    c, _ = objections.file(office_a, penalty.pk, filing(), today=dt.date(2026, 9, 30))
    assert c.current_due == dt.date(2026, 10, 8)  # the first working day after the holiday
    objections.accept(office_a, c, today=dt.date(2026, 10, 8))
    c.refresh_from_db()
    assert c.forward_due == dt.date(2026, 10, 10)  # Fri 9, Sat 10 (调休)
    assert c.decide_due == dt.date(2026, 10, 14)  # 9, 10, 12, 13, 14
    objections.forward(office_a, c, organization=world.finance_a, today=dt.date(2026, 10, 9))
    c.refresh_from_db()
    assert c.status == Status.FORWARDED and c.forwarded_to == world.finance_a
    assert c.current_due == dt.date(2026, 10, 15)  # Sat 10 (调休), 12, 13, 14, 15
    assert Notice.objects.filter(recipient=world.finance_a, kind="异议转送核查").exists()
    # the source organization decides its own forwarded case; another department may not
    other = factories.user("department", world.credit_a)  # a sibling of the finance bureau
    with pytest.raises(PermissionDenied):
        objections.decide(other, c, upheld=False, reason="x")
    objections.decide(finance_a_user, c, upheld=False, reason="处罚决定合法有效，复议维持", today=dt.date(2026, 10, 15))
    c.refresh_from_db()
    assert c.status == Status.REJECTED and c.on_time is True and c.decided_on == dt.date(2026, 10, 15)
    penalty.refresh_from_db()
    assert penalty.status == RecordStatus.ACTIVE  # the record stands
    assert Revision.objects.filter(record=penalty, kind="objection").get().actor  # names who acted


def test_upheld_and_revoked_lifts_the_sanction_and_publishes_a_statement(world, penalty, office_a):
    blocked = checks.check(factories.SYSTEM, party={"uscc": world.finance_a.uscc}, scene=HONOURS)
    asker = factories.user("credit_office", world.city_credit)
    by_city = checks.check(asker, party={"uscc": world.finance_a.uscc}, scene=HONOURS)
    assert blocked.decision == by_city.decision == "block"
    c, _ = objections.file(office_a, penalty.pk, filing())
    services.accept(office_a, c)
    with pytest.raises(ServiceError) as err:
        services.decide(office_a, c, upheld=True, reason="复议撤销")
    assert fields(err) == {"outcome"}
    services.decide(office_a, c, upheld=True, outcome="revoked", reason="处罚决定已被复议机关撤销")
    c.refresh_from_db()
    penalty.refresh_from_db()
    assert c.status == Status.UPHELD and penalty.status == RecordStatus.REVOKED
    assert c.lifted_checks == 2  # both rested on it; only the city's had an organization to tell
    assert Notice.objects.filter(recipient=world.city_credit, kind="失信惩戒解除通知").count() == 1
    statement = PublicStatement.objects.get(record=penalty)
    assert penalty.document_number in statement.text and statement.organization == world.finance_a
    after = checks.check(factories.SYSTEM, party={"uscc": world.finance_a.uscc}, scene=HONOURS)
    assert after.decision != "block" and penalty.pk not in [r["id"] for r in after.answer["records"]]
    assert set(CaseEvent.objects.filter(case=c).values_list("kind", flat=True)) >= {
        EventKind.UPHELD, EventKind.LIFTED, EventKind.STATEMENT}


def test_upheld_and_corrected_changes_the_record_by_a_revision(world, penalty, office_a):
    c, _ = objections.file(office_a, penalty.pk, filing())
    services.accept(office_a, c)
    with pytest.raises(ServiceError) as err:
        services.decide(office_a, c, upheld=True, outcome="corrected", reason="程度认定有误")
    assert fields(err) == {"changes"}
    services.decide(office_a, c, upheld=True, outcome="corrected", reason="程度认定有误",
                    changes={"severity": "minor"})
    penalty.refresh_from_db()
    assert penalty.status == RecordStatus.CORRECTED and penalty.severity == "minor"
    assert list(Revision.objects.filter(record=penalty).order_by("number").values_list("kind", flat=True)) == [
        "create", "dispute", "objection"]
    assert Case.objects.get(pk=c.pk).changes == {"severity": "minor"}


def test_a_bad_correction_leaves_everything_as_it_was(penalty, office_a):
    c, _ = objections.file(office_a, penalty.pk, filing())
    services.accept(office_a, c)
    with pytest.raises(ServiceError):
        services.decide(office_a, c, upheld=True, outcome="corrected", reason="x", changes={"severity": "huge"})
    c.refresh_from_db()
    assert c.status == Status.ACCEPTED and Record.objects.get(pk=penalty.pk).status == RecordStatus.DISPUTED


def test_decline_and_steps_out_of_order(penalty, office_a, finance_a_user):
    c, _ = objections.file(finance_a_user, penalty.pk, filing())
    with pytest.raises(PermissionDenied):
        services.accept(finance_a_user, c)
    with pytest.raises(Conflict):
        services.forward(office_a, c)  # not accepted yet
    with pytest.raises(ServiceError) as err:
        services.decline(office_a, c, reason="")
    assert fields(err) == {"reason"}
    services.decline(office_a, c, reason="申请人并非该记录的信用主体或信息使用者")
    c.refresh_from_db()
    assert c.status == Status.DECLINED
    assert Record.objects.get(pk=penalty.pk).status == RecordStatus.ACTIVE
    # a declined objection does not block a new one
    objections.file(finance_a_user, penalty.pk, filing())


def test_a_linked_publicity_decision_is_withdrawn_with_the_public_note(world, office_a):
    load("penalties", [penalty_row(world, 行政相对人名称=world.finance_b.name, 统一社会信用代码=world.finance_b.uscc,
                                   处罚类别="警告", 行政处罚决定书文号="五华罚〔2026〕41号")])
    decision = Decision.objects.get(uscc=world.finance_b.uscc)
    record = Record.objects.get(pk=decision.ledger_record_id)
    city = factories.user("credit_office", world.city_credit)
    c, _ = objections.file(city, record.pk, filing())
    services.accept(city, c)
    services.decide(city, c, upheld=True, outcome="revoked", reason="复议撤销")
    decision.refresh_from_db()
    assert decision.status == "withdrawn" and record.document_number in decision.withdrawn_note
    assert PublicStatement.objects.filter(record=record).exists()


def test_public_filing_by_a_civil_servant_about_their_own_record(world, person, make_record):
    someone, rid = person
    record = make_record(someone, "accountability", severity="general", person_id=rid)
    with pytest.raises(ServiceError) as err:
        objections.file_public(filing(name="赵六", contact="13812345678"), resident_id=factories.resident_id(),
                               document_number=record.document_number)
    assert fields(err) == {"document_number"}
    c, code = objections.file_public(filing(name="赵六", contact="13812345678"), resident_id=rid,
                                     document_number=record.document_number)
    assert c.capacity == "self" and c.name_masked == "赵*" and c.contact_masked == "138****5678"
    from govtrust.remedies.casework import track

    assert track(c.serial, code) == c and track(c.serial, "WRONG1") is None


def test_public_filing_needs_a_disclosed_record_a_name_and_a_contact(world, make_record):
    shared = make_record(world.finance_a, "sme_payment_arrears", severity="general")  # shared, not public
    with pytest.raises(ServiceError) as err:
        objections.file_public(filing(name="张三", contact="13812345678"), record_id=shared.pk)
    assert fields(err) == {"record"}
    public = make_record(world.finance_a, "administrative_penalty", severity="general")
    with pytest.raises(ServiceError) as err:
        objections.file_public(filing(name="", contact="call me"), record_id=public.pk)
    assert fields(err) == {"name", "contact"}
    assert not Case.objects.exists()
    assert Decision.objects.count() == 0


def test_the_applicants_identity_is_read_by_the_credit_office_for_a_purpose_and_audited(world, make_record, office_a):
    public = make_record(world.finance_a, "administrative_penalty", severity="general")
    c, _ = objections.file_public(filing(name="张三丰", contact="13812345678"), record_id=public.pk)
    assert (c.name_masked, c.contact_masked) == ("张**", "138****5678") and "张三丰" not in c.name_encrypted
    with pytest.raises(ServiceError) as err:
        services.reveal_applicant(office_a, c, purpose=" ")
    assert fields(err) == {"purpose"}
    with pytest.raises(PermissionDenied):
        services.reveal_applicant(factories.user("department", world.finance_a), c, purpose="核实")
    assert services.reveal_applicant(office_a, c, purpose="电话核实申请人身份") == {"name": "张三丰",
                                                                                 "contact": "13812345678"}
    event = AuditEvent.objects.get(action="read_unmasked", object_id=str(c.pk))
    assert event.reason == "电话核实申请人身份"
    page = factories.client("credit_office", world.credit_a)
    res = page.post(f"/console/remedies/{c.pk}/identity/", {"purpose": "回访"})
    assert "张三丰" in res.content.decode() and AuditEvent.objects.filter(action="read_unmasked").count() == 2
    api = page.post(f"/api/v1/remedies/cases/{c.pk}/identity", {"purpose": "回访"}, content_type="application/json")
    assert api.json() == {"name": "张三丰", "contact": "13812345678"}
