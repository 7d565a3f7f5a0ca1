"""Mitigation for a civil servant's self-correction: recorded with evidence, decided, honoured by the check."""

import pytest

from govtrust.core.errors import Conflict, PermissionDenied, ServiceError
from govtrust.remedies import mitigation
from govtrust.remedies.models import MitigationStatus
from govtrust.sanctions import services as checks
from govtrust.sanctions.models import Relief
from govtrust.testing import factories

from .conftest import pdf

pytestmark = pytest.mark.django_db

PROMOTION = "S-CS-PROMOTION"


def fields(err):
    return {e.field for e in err.value.errors}


@pytest.fixture
def sanctioned(world, person, make_record):
    """(record, resident ID): a general accountability record of a civil servant; promotion is blocked."""
    someone, rid = person
    return make_record(someone, "accountability", severity="general", person_id=rid), rid


def promotion(rid):
    return checks.check(factories.SYSTEM, party={"resident_id": rid}, scene="promotion")


def test_a_granted_mitigation_is_honoured_by_the_check_and_can_be_lifted(world, sanctioned):
    record, rid = sanctioned
    assert promotion(rid).decision == "block"
    org_dept = factories.user("organization_dept", world.gov_a)
    m = mitigation.record_correction(org_dept, record.pk, corrections=["recovered_loss", "removed_effect"],
                                     facts="主动退还违规发放的补贴12万元，并在全局作出检查", files=[pdf()])
    assert m.status == MitigationStatus.RECORDED and m.files.count() == 1
    assert promotion(rid).decision == "block"  # recorded is not decided
    mitigation.decide(org_dept, m, grant=True, decision="依据主动挽回损失情节，决定从轻（五华组〔2026〕5号）",
                      reliefs={PROMOTION: "reduce"})
    m.refresh_from_db()
    assert m.status == MitigationStatus.GRANTED and m.reliefs == {PROMOTION: "reduce"}
    answer = promotion(rid)
    assert answer.decision == "warn"
    hit = next(x for x in answer.answer["measures"] if x["code"] == PROMOTION)
    assert hit["effect"] == "warn"
    assert Relief.objects.filter(record=record, reference=m.reference, lifted_on__isnull=True).count() == 1
    mitigation.lift(org_dept, m, reason="经复查，损失并未实际挽回")
    assert promotion(rid).decision == "block"


def test_a_waiver_lets_the_promotion_through(world, sanctioned):
    record, rid = sanctioned
    office = factories.user("credit_office", world.credit_a)
    m = mitigation.record_correction(office, record.pk, corrections=["stopped_harm"], facts="及时阻止了资金违规拨付",
                                     files=[pdf()])
    mitigation.decide(office, m, grant=True, decision="免于惩戒", reliefs={PROMOTION: "waive"})
    assert PROMOTION not in {x["code"] for x in promotion(rid).answer["measures"]}


def test_refusal_and_bad_input(world, sanctioned, make_record):
    record, rid = sanctioned
    office = factories.user("credit_office", world.credit_a)
    with pytest.raises(ServiceError) as err:
        mitigation.record_correction(office, record.pk, corrections=["felt_sorry"], facts="", files=[])
    assert fields(err) == {"corrections", "facts", "files"}
    org_record = make_record(world.finance_a, "administrative_penalty", severity="general")
    with pytest.raises(ServiceError) as err:
        mitigation.record_correction(office, org_record.pk, corrections=["stopped_harm"], facts="x", files=[pdf()])
    assert fields(err) == {"record"}
    with pytest.raises(PermissionDenied):
        mitigation.record_correction(factories.user("department", world.finance_a), record.pk,
                                     corrections=["stopped_harm"], facts="x", files=[pdf()])
    m = mitigation.record_correction(office, record.pk, corrections=["stopped_harm"], facts="x", files=[pdf()])
    with pytest.raises(Conflict):
        mitigation.record_correction(office, record.pk, corrections=["stopped_harm"], facts="x", files=[pdf()])
    with pytest.raises(ServiceError) as err:
        mitigation.decide(office, m, grant=True, decision="从轻", reliefs={})
    assert fields(err) == {"reliefs"}
    with pytest.raises(ServiceError) as err:
        mitigation.decide(office, m, grant=True, decision="从轻", reliefs={"NO-SUCH": "waive"})
    m.refresh_from_db()
    assert m.status == MitigationStatus.RECORDED and not Relief.objects.exists()  # nothing half-written
    mitigation.decide(office, m, grant=False, decision="纠错情节不足以从轻")
    m.refresh_from_db()
    assert m.status == MitigationStatus.REFUSED and promotion(rid).decision == "block"
    with pytest.raises(Conflict):
        mitigation.lift(office, m, reason="x")
