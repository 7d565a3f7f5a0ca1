"""Credit repair through the service functions: repairability from the regime, the application, and the
approval that ends disclosure, sharing and the check's citation together (with the commitment registered)."""

import datetime as dt

import pytest
from django.test import Client

from govtrust.commitments.models import Commitment
from govtrust.core.errors import Conflict, ServiceError
from govtrust.ledger.models import Record, RecordStatus
from govtrust.ledger.queries import visible_records
from govtrust.portal.queries import public_records
from govtrust.publicity import exports
from govtrust.publicity.models import Decision
from govtrust.publicity.tests.helpers import load, penalty_row
from govtrust.remedies import objections, repairs, services
from govtrust.remedies.models import Case, Status
from govtrust.sanctions import services as checks
from govtrust.testing import factories

from .conftest import filing, repair_filing

pytestmark = pytest.mark.django_db

HONOURS = "honours"


def fields(err):
    return {e.field for e in err.value.errors}


@pytest.fixture
def old_penalty(world, make_record):
    """A general penalty decided 200 days ago under the 2026 regime: its 3-month minimum period has ended."""
    return make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=200)


def test_repairability_follows_the_regime_and_the_exclusions(world, person, make_record):
    fresh = make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=10)
    r = repairs.repairability(fresh)
    assert not r.repairable and r.from_date == fresh.repair_from and "最短公示期未满" in r.reason
    minor = make_record(world.finance_a, "administrative_penalty", severity="minor", days_ago=10)
    assert minor.regime_rule.may_be_undisclosed
    assert repairs.repairability(minor).repairable  # minor under the 2026 regime: once obligations are met
    debtor = make_record(world.gov_a, "dishonest_judgment_debtor", severity="serious", days_ago=400)
    r = repairs.repairability(debtor)
    assert not r.repairable and r.from_date is None and "人民法院" in r.reason
    positive = make_record(world.finance_a, "commendation", days_ago=400)
    assert not repairs.repairability(positive).repairable


def test_a_repair_before_the_minimum_period_is_refused_naming_the_record(world, make_record, finance_a_user):
    fresh = make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=10)
    with pytest.raises(ServiceError) as err:
        repairs.apply(finance_a_user, fresh.pk, repair_filing())
    assert fields(err) == {"record"} and "最短公示期未满" in err.value.errors[0].message
    assert not Case.objects.exists()


def test_an_unsigned_commitment_or_missing_evidence_is_refused(old_penalty, finance_a_user):
    with pytest.raises(ServiceError) as err:
        repairs.apply(finance_a_user, old_penalty.pk, repair_filing(pledge="", pledge_signer="", files=[]))
    assert fields(err) == {"pledge", "pledge_signer", "files"}


def test_only_the_subjects_own_unit_applies(world, old_penalty):
    other = factories.user("department", world.credit_a)  # the record's source, not its subject
    with pytest.raises(ServiceError) as err:
        repairs.apply(other, old_penalty.pk, repair_filing())
    assert err.value.status == 403
    # the credit office may file on the subject's behalf
    c, _ = repairs.apply(factories.user("credit_office", world.credit_a), old_penalty.pk, repair_filing())
    assert c.capacity == "subject"


def test_approval_ends_disclosure_sharing_and_the_check_at_once(world, old_penalty, finance_a_user, office_a):
    assert public_records(world.finance_a).filter(pk=old_penalty.pk).exists()
    assert old_penalty.document_number in Client().get(f"/organizations/{world.finance_a.pk}/").content.decode()
    assert checks.check(factories.SYSTEM, party={"uscc": world.finance_a.uscc}, scene=HONOURS).decision == "block"
    c, _ = repairs.apply(finance_a_user, old_penalty.pk, repair_filing(), today=dt.date(2026, 11, 2))
    assert c.decide_due == dt.date(2026, 11, 16)  # 10 working days
    assert c.current_due == dt.date(2026, 11, 5)  # accepted within 3
    with pytest.raises(Conflict):
        repairs.apply(finance_a_user, old_penalty.pk, repair_filing())  # a duplicate while open
    services.accept(office_a, c, today=dt.date(2026, 11, 3))
    services.approve(office_a, c, reason="罚款已缴清，整改到位，承诺已签署", today=dt.date(2026, 11, 10))
    c.refresh_from_db()
    record = Record.objects.get(pk=old_penalty.pk)
    assert c.status == Status.APPROVED and c.on_time is True and record.status == RecordStatus.REPAIRED
    assert c.shared_on == dt.date(2026, 11, 10) and c.share_due == dt.date(2026, 11, 13)
    # the portal, sharing with other units and systems, and the check no longer show it
    assert not public_records(world.finance_a).filter(pk=record.pk).exists()
    assert not visible_records(finance_a_user).filter(pk=record.pk).exists()
    assert visible_records(office_a).filter(pk=record.pk, status="repaired").exists()  # kept, marked repaired
    answer = checks.check(factories.SYSTEM, party={"uscc": world.finance_a.uscc}, scene=HONOURS)
    assert answer.decision != "block" and record.pk not in [r["id"] for r in answer.answer["records"]]
    page = Client().get(f"/organizations/{world.finance_a.pk}/")
    assert record.document_number not in page.content.decode()
    # the signed commitment is now a credit-repair commitment of the subject
    commitment = Commitment.objects.get(pk=c.commitment_id)
    assert commitment.kind.code == "credit_repair" and commitment.organization == world.finance_a
    assert commitment.content == c.pledge
    assert c.lifted_checks == 1


def test_a_refused_repair_keeps_the_record_and_a_new_application_is_possible(old_penalty, finance_a_user, office_a):
    c, _ = repairs.apply(finance_a_user, old_penalty.pk, repair_filing())
    with pytest.raises(ServiceError) as err:
        services.refuse(office_a, c, reason=" ")
    assert fields(err) == {"reason"}
    services.refuse(office_a, c, reason="未提供罚款缴纳凭证")
    c.refresh_from_db()
    assert c.status == Status.REFUSED and c.decision == "未提供罚款缴纳凭证"
    assert Record.objects.get(pk=old_penalty.pk).status == RecordStatus.ACTIVE
    again, _ = repairs.apply(finance_a_user, old_penalty.pk, repair_filing())
    assert again.pk != c.pk


def test_no_repair_decision_while_an_objection_is_open(old_penalty, finance_a_user, office_a):
    c, _ = repairs.apply(finance_a_user, old_penalty.pk, repair_filing())
    objection, _ = objections.file(finance_a_user, old_penalty.pk, filing())
    services.accept(office_a, objection)
    with pytest.raises(ServiceError):
        services.approve(office_a, c, reason="x")
    assert Record.objects.get(pk=old_penalty.pk).status == RecordStatus.DISPUTED


def test_kind_specific_steps_are_refused_on_the_other_kind(old_penalty, finance_a_user, office_a):
    c, _ = repairs.apply(finance_a_user, old_penalty.pk, repair_filing())
    with pytest.raises(Conflict):
        services.decide(office_a, c, upheld=True, reason="x", outcome="revoked")
    with pytest.raises(Conflict):
        services.forward(office_a, c)


def test_a_repaired_penalty_leaves_the_publicity_listing_the_export_and_the_check(world):
    load("penalties", [penalty_row(world, 行政相对人名称=world.finance_b.name, 统一社会信用代码=world.finance_b.uscc,
                                   处罚类别="警告", 行政处罚决定书文号="五华罚〔2026〕77号")])
    decision = Decision.objects.get(uscc=world.finance_b.uscc)
    record = Record.objects.get(pk=decision.ledger_record_id)
    assert repairs.repairability(record).repairable  # a warning: minor, repairable once obligations are met
    exported = {row[0] for row in exports.rows(factories.SYSTEM, "penalty", None)}
    assert world.finance_b.name in exported
    assert world.finance_b.name in Client().get("/publicity/").content.decode()
    bureau_b = factories.user("department", world.finance_b)
    c, _ = repairs.apply(bureau_b, record.pk, repair_filing(pledge_signer=world.finance_b.name))
    services.approve(factories.user("credit_office", world.city_credit), c, reason="已整改")
    decision.refresh_from_db()
    assert decision.status == "ended"
    assert world.finance_b.name not in {row[0] for row in exports.rows(factories.SYSTEM, "penalty", None)}
    assert world.finance_b.name not in Client().get("/publicity/").content.decode()
    answer = checks.check(factories.SYSTEM, party={"uscc": world.finance_b.uscc}, scene=HONOURS)
    assert record.pk not in [r["id"] for r in answer.answer["records"]]
    assert any(e.kind == "shared" and "1条双公示信息" in e.reason for e in c.events.all())


def test_an_excluded_category_and_an_oversized_file_are_refused(world, settings, make_record):
    debtor = make_record(world.gov_a, "dishonest_judgment_debtor", severity="serious", days_ago=400)
    gov_user = factories.user("evaluated_body", world.gov_a)
    with pytest.raises(ServiceError) as err:
        repairs.apply(gov_user, debtor.pk, repair_filing())
    assert fields(err) == {"record"} and "不适用信用修复" in err.value.errors[0].message
    settings.COMMITMENT_EVIDENCE_MAX_BYTES = 10
    penalty = make_record(world.gov_a, "administrative_penalty", severity="general", days_ago=200)
    with pytest.raises(ServiceError) as err:
        repairs.apply(gov_user, penalty.pk, repair_filing())
    assert fields(err) == {"files[0]"} and "文件过大" in err.value.errors[0].message
    assert not Case.objects.exists()


def test_the_commitment_term_without_a_disclosure_end_comes_from_the_rule(old_penalty, finance_a_user, office_a):
    from govtrust.ledger.regimes import add_months
    from govtrust.remedies.models import RemedyRule

    Record.objects.filter(pk=old_penalty.pk).update(disclosure_end=None)
    RemedyRule.objects.update(repair_commitment_months=6)
    c, _ = repairs.apply(finance_a_user, old_penalty.pk, repair_filing(), today=dt.date(2026, 11, 2))
    services.approve(office_a, c, reason="准予修复", today=dt.date(2026, 11, 4))
    c.refresh_from_db()
    assert Commitment.objects.get(pk=c.commitment_id).due_date == add_months(dt.date(2026, 11, 4), 6)
