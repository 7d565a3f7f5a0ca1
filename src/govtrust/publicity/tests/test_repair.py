"""When the ledger record of a penalty is repaired, revoked or corrected by the remedies: `end_for_repair` ends
the decision's publicity (off the portal and the exports, still in the console and the figures) and
`withdraw_for_record` withdraws it with a public note; neither changes the record, which the caller does."""

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from govtrust.core.access import SYSTEM, Role
from govtrust.core.errors import Conflict, PermissionDenied, ServiceError
from govtrust.core.models import AuditEvent
from govtrust.ledger import services as ledger_services
from govtrust.ledger.models import Record
from govtrust.publicity import exports, metrics, services
from govtrust.publicity.models import Decision, Status
from govtrust.testing import factories

from .helpers import load, penalty_row

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 10, 21, 10, 0))
OCTOBER = metrics.parse_period("2026-10")


@pytest.fixture
def penalised(world):
    """五华区财政局 fines 盘龙区财政局 (a public body: the decision gets a ledger record) and a company."""
    load("penalties", [
        penalty_row(world, 行政相对人名称=world.finance_b.name, 统一社会信用代码=world.finance_b.uscc, 处罚类别="警告",
                    行政处罚决定书文号="五华罚〔2026〕41号"),
        penalty_row(world, 行政相对人名称="五华某商贸公司", 行政处罚决定书文号="五华罚〔2026〕42号"),
    ], now=NOW)
    gov = Decision.objects.get(uscc=world.finance_b.uscc)
    return gov, Record.objects.get(pk=gov.ledger_record_id)


def _listed():
    return {d.counterparty_name for d in Client().get("/publicity/").context["page"].items}


def _exported(since=None):
    return {row[0] for row in exports.rows(SYSTEM, "penalty", since)}


def _record_state(record):
    record.refresh_from_db()
    return record.status, record.revision, record.revisions.count()


def test_end_for_repair_takes_the_decision_off_the_portal_and_the_exports(world, penalised):
    gov, record = penalised
    name = world.finance_b.name
    assert name in _listed() and name in _exported()
    before_figures = metrics.report(SYSTEM, OCTOBER)["total"]
    state = _record_state(record)

    assert services.end_for_repair(SYSTEM, record, reason="信用修复：已完成整改") == 1

    gov.refresh_from_db()
    assert gov.status == Status.ENDED and gov.get_status_display() == "已终止公示" and gov.withdrawn_note == ""
    assert _record_state(record) == state  # the record is the caller's to repair
    assert _listed() == {"五华某商贸公司"}
    assert Client().get(f"/publicity/{gov.pk}/").status_code == 404
    assert Client().get(f"/publicity/?q={name}").context["page"].count == 0
    public_api = {d["counterparty_name"] for d in Client().get("/api/v1/publicity/public/decisions").json()["items"]}
    assert public_api == {"五华某商贸公司"}
    assert _exported() == {"五华某商贸公司"}
    assert name not in _exported(since=NOW)  # changed since, but its content is no longer released
    # it was published, on time or not: the timeliness figures still count it
    assert metrics.report(SYSTEM, OCTOBER)["total"] == before_figures
    event = AuditEvent.objects.get(action="end", object_id=str(gov.pk))
    assert (event.before, event.after, event.reason) == ({"status": "published"}, {"status": "ended"},
                                                         "信用修复：已完成整改")
    assert services.end_for_repair(SYSTEM, record, reason="再次") == 0  # nothing left published


def test_the_console_shows_an_ended_decision_and_offers_no_withdrawal(world, penalised):
    gov, record = penalised
    services.end_for_repair(SYSTEM, record, reason="信用修复")
    office = factories.client(Role.CREDIT_OFFICE, world.credit_a)
    page = office.get(f"/console/publicity/decisions/{gov.pk}/").content.decode()
    assert "已终止公示" in page and 'data-testid="ended-note"' in page and 'data-testid="withdraw-form"' not in page
    listed = office.get("/console/publicity/decisions/?status=ended")
    assert {d.counterparty_name for d in listed.context["page"]} == {world.finance_b.name}
    with pytest.raises(Conflict):
        services.withdraw(SYSTEM, gov, note="撤下")  # a withdrawn decision is listed: it would be disclosed again
    res = office.post(f"/console/publicity/decisions/{gov.pk}/withdraw/", {"note": "撤下"})
    assert res.status_code == 409
    gov.refresh_from_db()
    assert gov.status == Status.ENDED


def test_a_repair_in_one_transaction_with_the_ledger(world, penalised):
    gov, record = penalised
    with transaction.atomic():  # what the remedies' repair approval does
        ledger_services.change_status(SYSTEM, record, "repair", reason="信用修复")
        assert services.end_for_repair(SYSTEM, record, reason="信用修复") == 1
    gov.refresh_from_db()
    record.refresh_from_db()
    assert (gov.status, record.status) == (Status.ENDED, "repaired")
    # the department that published it still sees its decision, but no longer the repaired record
    department = factories.client(Role.DEPARTMENT, world.finance_a)
    page = department.get(f"/console/publicity/decisions/{gov.pk}/").content.decode()
    assert "已终止公示" in page and f'href="/console/records/{record.pk}/"' not in page and "有（无权查看）" in page
    office = factories.client(Role.CREDIT_OFFICE, world.credit_a)
    page = office.get(f"/console/publicity/decisions/{gov.pk}/").content.decode()
    assert f'href="/console/records/{record.pk}/"' in page and "已修复" in page


def test_end_for_repair_needs_the_ledger_permission_the_scope_and_a_reason(world, penalised):
    gov, record = penalised
    with pytest.raises(PermissionDenied):
        services.end_for_repair(factories.user(Role.DEPARTMENT, world.finance_a), record, reason="修复")
    with pytest.raises(PermissionDenied):  # the record is about 盘龙区, submitted by 五华区: out of 官渡区's scope
        services.end_for_repair(factories.user(Role.CREDIT_OFFICE, _outsider(world)), record, reason="修复")
    with pytest.raises(ServiceError) as err:
        services.end_for_repair(SYSTEM, record, reason=" ")
    assert [e.field for e in err.value.errors] == ["reason"]
    gov.refresh_from_db()
    assert gov.status == Status.PUBLISHED


def _outsider(world):
    """An organization in a third county: no scope over 盘龙区 or 五华区."""
    county = factories.region("530111", "官渡区")
    return factories.organization("昆明市官渡区发展和改革局", county)


def test_withdraw_for_record_shows_the_public_note_and_leaves_the_record(world, penalised):
    gov, record = penalised
    ledger_services.correct(SYSTEM, record, reason="原处罚决定已变更", facts="变更后的事实")  # the caller's change
    state = _record_state(record)
    assert state[0] == "corrected"

    assert services.withdraw_for_record(SYSTEM, record, note="原处罚决定已依法变更") == 1

    gov.refresh_from_db()
    assert gov.status == Status.WITHDRAWN and gov.withdrawn_note == "原处罚决定已依法变更" and gov.withdrawn_at
    assert _record_state(record) == state  # still corrected: not revoked as `withdraw` would
    page = Client().get(f"/publicity/{gov.pk}/").content.decode()
    assert "已撤下" in page and "原处罚决定已依法变更" in page
    assert "原处罚决定已依法变更" in Client().get(f"/publicity/?q={world.finance_b.name}").content.decode()
    assert world.finance_b.name in _exported()  # a withdrawal is exported, as before
    event = AuditEvent.objects.get(action="withdraw", object_id=str(gov.pk))
    assert event.after == {"status": "withdrawn", "note": "原处罚决定已依法变更"}
    assert services.withdraw_for_record(SYSTEM, record, note="再次") == 0


def test_withdraw_for_record_after_a_revocation_and_its_checks(world, penalised):
    gov, record = penalised
    with pytest.raises(ServiceError) as err:
        services.withdraw_for_record(SYSTEM, record, note="")
    assert [e.field for e in err.value.errors] == ["note"]
    with pytest.raises(PermissionDenied):
        services.withdraw_for_record(factories.user(Role.DEPARTMENT, world.finance_a), record, note="撤下")
    with transaction.atomic():
        ledger_services.change_status(SYSTEM, record, "revoke", reason="异议成立，撤销记录")
        assert services.withdraw_for_record(SYSTEM, record, note="原处罚决定已被依法撤销") == 1
    state = _record_state(record)
    assert state[:2] == ("revoked", 2) and state[2] == 2  # one revoke revision, the caller's
    gov.refresh_from_db()
    assert gov.status == Status.WITHDRAWN


def test_withdraw_still_revokes_the_record(world, penalised):
    gov, record = penalised
    services.withdraw(SYSTEM, gov, note="原处罚决定已被依法撤销")
    assert _record_state(record)[0] == "revoked"
    event = AuditEvent.objects.get(action="withdraw", object_id=str(gov.pk))
    assert (event.before, event.reason) == ({"status": "published"}, "原处罚决定已被依法撤销")


def test_an_ended_decision_leaves_sharing_with_other_systems(world, penalised):
    gov, record = penalised
    services.end_for_repair(SYSTEM, record, reason="信用修复")
    system = factories.client(Role.SYSTEM, world.city_credit)
    office = factories.client(Role.CREDIT_OFFICE, world.city_credit)
    names = {d["counterparty_name"] for d in system.get("/api/v1/publicity/decisions").json()["items"]}
    assert world.finance_b.name not in names and "五华某商贸公司" in names
    assert system.get(f"/api/v1/publicity/decisions/{gov.pk}").status_code == 404
    assert office.get(f"/api/v1/publicity/decisions/{gov.pk}").json()["status"] == "ended"
