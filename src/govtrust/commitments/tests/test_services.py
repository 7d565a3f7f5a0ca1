"""The commitment services: what is refused (and that nothing is kept), and what each step writes."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govtrust.commitments import services
from govtrust.commitments.models import Commitment, CommitmentEvent, EventKind, Evidence, Status
from govtrust.core.errors import PermissionDenied, ServiceError
from govtrust.ledger.models import Record

PDF = b"%PDF-1.7\n%test evidence\n"


def _fields(err: ServiceError) -> list[str]:
    return [e.field for e in err.errors]


def test_create_registers_with_the_kind_default_visibility_and_an_event(world, make_commitment):
    c = make_commitment(kind="investment_policy", subject=world.gov_a, title="兑现招商引资奖励")
    assert (c.status, c.is_public, c.subject_key, c.unit) == (Status.IN_PROGRESS, False, f"o:{world.gov_a.pk}",
                                                               world.gov_a)
    assert list(c.events.values_list("kind", flat=True)) == [EventKind.CREATED]
    again = make_commitment(kind="investment_policy", subject=world.gov_a, title="兑现招商引资奖励")
    assert again.pk == c.pk and Commitment.objects.count() == 1  # a double submission is the same commitment


def test_due_before_start_is_refused_naming_the_field(make_commitment):
    with pytest.raises(ServiceError) as err:
        make_commitment(start=dt.date(2026, 5, 1), due=dt.date(2026, 4, 30))
    assert _fields(err.value) == ["due_date"]
    assert "早于起始日期" in err.value.errors[0].message
    assert Commitment.objects.count() == 0


def test_kind_not_allowed_for_the_subject_kind(world, make_commitment):
    with pytest.raises(ServiceError) as err:  # 街道乡镇公开承诺 is for townships and subdistricts only
        make_commitment(kind="grassroots_public", subject=world.finance_a)
    assert _fields(err.value) == ["kind"] and "街道乡镇公开承诺" in err.value.errors[0].message
    with pytest.raises(ServiceError) as err:  # a civil servant makes no investment-promotion commitment
        make_commitment(kind="investment_policy", subject=world.person_a)
    assert _fields(err.value) == ["kind"] and "公务员" in err.value.errors[0].message
    person = make_commitment(kind="time_limit", subject=world.person_a)
    assert (person.subject_key, person.unit) == (f"p:{world.person_a.pk}", world.finance_a)


def test_out_of_scope_subject_is_refused_for_a_county_user(world, office_a, dept_a):
    for user, subject in ((office_a, world.finance_b), (office_a, world.person_b), (dept_a, world.credit_a)):
        with pytest.raises(PermissionDenied):
            services.create(user, subject=subject, kind="service_quality", title="t", content="c",
                            start_date=dt.date(2026, 1, 1), due_date=dt.date(2026, 2, 1))
    assert Commitment.objects.count() == 0


@pytest.mark.parametrize("name, data, message", [
    ("proof.exe", b"MZ\x90\x00", "不允许"),
    ("proof.pdf", b"<html>not a pdf</html>", "不符"),
    ("proof.pdf", PDF + b"x" * 2048, "过大"),
])
def test_bad_evidence_is_refused_and_nothing_is_stored(settings, media, make_commitment, dept_a, name, data, message):
    settings.COMMITMENT_EVIDENCE_MAX_BYTES = 1024
    c = make_commitment()
    with pytest.raises(ServiceError) as err:
        services.submit_evidence(dept_a, c, file=SimpleUploadedFile(name, data), description="办件清单")
    assert _fields(err.value) == ["file"] and message in err.value.errors[0].message
    assert Evidence.objects.count() == 0
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    c.refresh_from_db()
    assert not c.awaiting_review and c.events.count() == 1


def test_evidence_is_stored_with_its_hash_and_a_resend_is_the_same(media, make_commitment, dept_a):
    c = make_commitment()
    ev = services.submit_evidence(dept_a, c, file=SimpleUploadedFile("清单.pdf", PDF), description="一季度办件清单")
    assert (ev.extension, ev.size, ev.original_name) == ("pdf", len(PDF), "清单.pdf")
    assert (media / ev.file.name).read_bytes() == PDF
    import hashlib
    assert ev.sha256 == hashlib.sha256(PDF).hexdigest()
    assert services.submit_evidence(dept_a, c, file=SimpleUploadedFile("清单.pdf", PDF)).pk == ev.pk
    c.refresh_from_db()
    assert c.awaiting_review and Evidence.objects.count() == 1


def test_return_needs_a_reason_and_accept_fulfils(make_commitment, dept_a, office_a):
    c = make_commitment()
    services.submit_evidence(dept_a, c, file=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(ServiceError) as err:
        services.review(office_a, c, accept=False, reason="  ")
    assert _fields(err.value) == ["reason"]
    with pytest.raises(PermissionDenied):  # a department does not review its own evidence
        services.review(dept_a, c, accept=True)
    returned = services.review(office_a, c, accept=False, reason="缺少满意度评价结果", today=dt.date(2026, 6, 1))
    assert returned.status == Status.IN_PROGRESS and not returned.awaiting_review
    assert c.evidence.get().status == "returned"
    services.submit_evidence(dept_a, c, file=SimpleUploadedFile("b.pdf", PDF + b"v2"))
    done = services.review(office_a, c, accept=True, today=dt.date(2026, 6, 20))
    assert (done.status, done.concluded_on) == (Status.FULFILLED, dt.date(2026, 6, 20))
    kinds = list(done.events.values_list("kind", flat=True))
    assert kinds == ["created", "evidence", "returned", "evidence", "accepted", "fulfilled"]
    assert done.events.get(kind="returned").reason == "缺少满意度评价结果"


def test_breach_writes_a_linked_negative_ledger_record(world, make_commitment, office_a):
    c = make_commitment(subject=world.finance_a, kind="procurement_purchaser", title="按合同约定支付采购资金")
    done = services.breach(office_a, c, reason="逾期三个月未支付合同款", today=dt.date(2026, 7, 15))
    record = Record.objects.get(pk=done.ledger_record_id)
    assert done.status == Status.BREACHED and not done.flagged
    assert (record.category.code, record.category.name, record.category.polarity) == (
        "commitment_unfulfilled", "承诺未履行", "negative")
    assert (record.subject_key, record.unit, record.source, record.decision_date) == (
        f"o:{world.finance_a.pk}", world.finance_a, world.credit_a, dt.date(2026, 7, 15))
    assert record.severity == "general" and record.disclosure_end is not None
    assert "逾期三个月未支付合同款" in record.facts and record.data["commitment"].startswith("按合同约定支付采购资金")
    assert record.data["due_date"] == "2026-06-30"
    assert record.revisions.count() == 1 and record.document_number == f"GT-CM-{c.pk}"
    assert done.events.get(kind="breached").reason == "逾期三个月未支付合同款"


def test_a_breach_citing_a_change_of_government_is_flagged(world, make_commitment, office_a):
    c = make_commitment(subject=world.gov_a, kind="investment_policy", title="兑现厂房租金减免")
    done = services.breach(office_a, c, reason="因政府换届，新一届政府不再认可原优惠政策", today=dt.date(2026, 7, 1))
    assert done.flagged and "政府换届" in done.flag_reason and done.ledger_record_id


def test_change_by_law_needs_basis_authority_and_for_investment_a_compensation(world, make_commitment, office_a):
    c = make_commitment(subject=world.gov_a, kind="investment_policy")
    with pytest.raises(ServiceError) as err:
        services.change_by_law(office_a, c, reason="国家政策调整", legal_basis="", authority="")
    assert _fields(err.value) == ["legal_basis", "authority", "compensation_note"]
    done = services.change_by_law(office_a, c, reason="国家产业政策调整，责任人更替后重新评估", legal_basis="《优化营商环境条例》第三十一条",
                                  authority="昆明市五华区人民政府", compensation_note="已按协议补偿企业损失120万元",
                                  today=dt.date(2026, 5, 1))
    assert (done.status, done.change_authority, done.flagged) == (Status.CHANGED, "昆明市五华区人民政府", True)
    assert "责任人更替" in done.flag_reason and done.ledger_record_id is None
    with pytest.raises(ServiceError):  # concluded: no second change
        services.change_by_law(office_a, c, reason="x", legal_basis="y", authority="z", compensation_note="w")


def test_a_recurring_commitment_continues_with_its_next_period(make_commitment, office_a, dept_a):
    c = make_commitment(start=dt.date(2026, 1, 1), due=dt.date(2026, 3, 31), recurrence_months=3)
    services.submit_evidence(dept_a, c, file=SimpleUploadedFile("q1.pdf", PDF))
    services.review(office_a, c, accept=True, today=dt.date(2026, 4, 2))
    nxt = Commitment.objects.get(previous=c)
    assert (nxt.start_date, nxt.due_date, nxt.status) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), Status.IN_PROGRESS)
    assert CommitmentEvent.objects.filter(commitment=nxt, kind="created").count() == 1
