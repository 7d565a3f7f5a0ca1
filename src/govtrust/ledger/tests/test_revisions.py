"""Records are never edited in place: every change is a revision, and the past stays answerable."""

import datetime as dt

import pytest
from django.utils import timezone

from govtrust.core.access import Role
from govtrust.core.errors import Conflict, PermissionDenied, ServiceError
from govtrust.core.models import AuditEvent
from govtrust.ledger import services
from govtrust.ledger.models import Record, Revision
from govtrust.testing import factories


def _backdate(record, number, when):
    Revision.objects.filter(record=record, number=number).update(recorded_at=when)


def test_dispute_then_correct_as_objection_outcome(world, make_records):
    (record,) = make_records()
    office = factories.user(Role.CREDIT_OFFICE, world.credit_a)
    services.change_status(office, record, "dispute", reason="主体提出异议")
    record.refresh_from_db()
    assert (record.status, record.revision) == ("disputed", 2)
    services.correct(office, record, reason="异议成立，更正事实", objection=True, facts="已于2026年6月付清")
    record.refresh_from_db()
    assert (record.status, record.revision, record.facts) == ("corrected", 3, "已于2026年6月付清")
    kinds = list(record.revisions.order_by("number").values_list("kind", "status"))
    assert kinds == [("create", "active"), ("dispute", "disputed"), ("objection", "corrected")]
    assert record.revisions.get(number=1).content["facts"] == "未按期履行"
    assert AuditEvent.objects.filter(object_type="ledger.record", object_id=str(record.pk)).count() == 2


def test_an_objection_rejected_returns_the_record_to_active(world, make_records):
    (record,) = make_records()
    services.change_status(factories.SYSTEM, record, "dispute", reason="异议")
    services.uphold(factories.SYSTEM, record, reason="异议不成立")
    record.refresh_from_db()
    assert (record.status, record.revision) == ("active", 3)


@pytest.mark.parametrize("kind", ["revoke", "repair", "expire"])
def test_ending_a_record_is_final(world, make_records, kind):
    (record,) = make_records()
    services.change_status(factories.SYSTEM, record, kind, reason="依法处理")
    record.refresh_from_db()
    assert record.status == {"revoke": "revoked", "repair": "repaired", "expire": "expired"}[kind]
    with pytest.raises(Conflict):
        services.change_status(factories.SYSTEM, record, "dispute", reason="再提异议")
    with pytest.raises(Conflict):
        services.uphold(factories.SYSTEM, record, reason="不在异议中")


def test_changes_need_a_reason_the_permission_and_the_scope(world, make_records):
    (record,) = make_records()
    with pytest.raises(ServiceError) as no_reason:
        services.change_status(factories.SYSTEM, record, "revoke", reason=" ")
    assert no_reason.value.errors[0].field == "reason"
    with pytest.raises(PermissionDenied):
        services.change_status(factories.user(Role.DEPARTMENT, world.finance_a), record, "revoke", reason="x")
    with pytest.raises(PermissionDenied):  # another county's credit office
        services.change_status(factories.user(Role.CREDIT_OFFICE, world.finance_b), record, "revoke", reason="x")
    record.refresh_from_db()
    assert record.status == "active" and record.revision == 1


def test_corrections_are_checked(world, make_records):
    (record,) = make_records()
    with pytest.raises(ServiceError) as err:
        services.correct(factories.SYSTEM, record, reason="更正", facts=" ", decision_date="2099-01-01",
                         document_number="新文号")
    assert {e.field for e in err.value.errors} == {"document_number"}
    with pytest.raises(ServiceError) as err:
        services.correct(factories.SYSTEM, record, reason="更正", facts=" ", decision_date="2099-01-01")
    assert {e.field for e in err.value.errors} == {"facts", "decision_date"}
    assert Record.objects.get(pk=record.pk).revision == 1


def test_a_corrected_severity_or_date_moves_the_disclosure_periods(world, make_records):
    (record,) = make_records(决定日期="2026-05-20")  # 2026 regime, general: 3 months to 1 year
    assert (record.repair_from, record.disclosure_end) == (dt.date(2026, 8, 20), dt.date(2027, 5, 20))
    services.correct(factories.SYSTEM, record, reason="程度认定有误", severity="serious")
    record.refresh_from_db()
    assert (record.repair_from, record.disclosure_end) == (dt.date(2027, 5, 20), dt.date(2029, 5, 20))
    services.correct(factories.SYSTEM, record, reason="决定日期有误", decision_date="2026-03-10")  # 2023 regime
    record.refresh_from_db()
    assert record.regime_rule.regime.code == "ndrc-2023-58" and record.disclosure_start == dt.date(2026, 3, 10)
    assert (record.repair_from, record.disclosure_end) == (dt.date(2026, 6, 10), dt.date(2029, 3, 10))
    latest = Revision.objects.get(record=record, number=record.revision).content
    assert (latest["repair_from"], latest["disclosure_end"]) == ("2026-06-10", "2029-03-10")
    with pytest.raises(ServiceError) as err:
        services.correct(factories.SYSTEM, record, reason="清空程度", severity="")
    assert [e.field for e in err.value.errors] == ["severity"]


def test_what_the_ledger_said_on_a_date(world, make_records):
    first, second = make_records(2)
    services.change_status(factories.SYSTEM, first, "dispute", reason="异议")
    services.change_status(factories.SYSTEM, second, "revoke", reason="撤销")
    now = timezone.now()
    for record in (first, second):
        _backdate(record, 1, now - dt.timedelta(days=30))
        _backdate(record, 2, now - dt.timedelta(days=10))
    key = f"o:{world.finance_a.pk}"
    then = services.ledger_as_of(factories.SYSTEM, key, timezone.localdate() - dt.timedelta(days=20))
    assert sorted((a.record.pk, a.revision.number, a.revision.status) for a in then) == [
        (first.pk, 1, "active"), (second.pk, 1, "active")]
    today = services.ledger_as_of(factories.SYSTEM, key, timezone.localdate())
    assert sorted((a.record.pk, a.revision.status) for a in today) == [(first.pk, "disputed"), (second.pk, "revoked")]
    assert services.ledger_as_of(factories.SYSTEM, key, timezone.localdate() - dt.timedelta(days=40)) == []
    outsider = factories.user(Role.CREDIT_OFFICE, world.finance_b)
    assert services.ledger_as_of(outsider, key, timezone.localdate()) == []


def test_the_expiry_job_ends_disclosure_with_a_revision(world, make_records):
    old, recent = make_records(1, 决定日期="2024-01-10") + make_records(1, 决定日期="2026-06-01")
    assert old.disclosure_end == dt.date(2027, 1, 10)
    assert services.expire_due(factories.SYSTEM, dt.date(2027, 1, 9)) == 0
    assert services.expire_due(factories.SYSTEM, dt.date(2027, 1, 10)) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.revision, recent.status) == ("expired", 2, "active")
    expiry = old.revisions.get(number=2)
    assert expiry.kind == "expire" and "2027-01-10" in expiry.reason
    assert services.expire_due(factories.SYSTEM, dt.date(2027, 1, 10)) == 0  # idempotent


def test_the_expire_command_runs_as_of_a_day(world, make_records):
    import io

    from django.core.management import call_command

    make_records(2, 决定日期="2024-01-10")
    out = io.StringIO()
    call_command("ledger", "expire", "--today", "2027-01-10", "--limit", "1", stdout=out)
    assert "1 records expired as of 2027-01-10" in out.getvalue()
    call_command("ledger", "expire", "--today", "2027-01-10", stdout=out)
    assert Record.objects.filter(status="expired").count() == 2
    assert set(Revision.objects.filter(kind="expire").values_list("channel", flat=True)) == {"job"}


def test_a_correction_is_not_undone_by_the_same_file_sent_again(world, penalty):
    from govtrust.intake.services import run_import

    content = factories.records_csv([factories.record_row(penalty.name, world.finance_a, "原〔2026〕1号",
                                                          source=world.credit_a)])
    run_import(factories.SYSTEM, dataset="records", filename="r.csv", content=content, reason="首次")
    record = Record.objects.get()
    services.correct(factories.SYSTEM, record, reason="更正", facts="更正后的事实")
    again = run_import(factories.SYSTEM, dataset="records", filename="r.csv", content=content, reason="重发")
    record.refresh_from_db()
    assert again.unchanged == 1 and record.facts == "更正后的事实" and record.revision == 2
