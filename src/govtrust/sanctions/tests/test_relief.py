"""Relief (从轻 / 免于惩戒) for a civil servant's record: granting and lifting it, how the check honours it,
and the checks that cited a record. The engine's rules are also tested directly, without the database."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govtrust.core.audit import AuditEvent
from govtrust.core.errors import Conflict, PermissionDenied, ServiceError
from govtrust.sanctions import services
from govtrust.sanctions.models import Check, Relief, ReliefKind
from govtrust.sanctions.queries import checks_citing
from govtrust.sanctions.relief import grant_relief, lift_relief
from govtrust.sanctions.rules import CompiledMeasure, RecordRow, Relieved, Trigger, decide, evaluate, relieved
from govtrust.testing import factories

from .conftest import ask, codes

pytestmark = pytest.mark.django_db

PROMOTION = "S-CS-PROMOTION"  # blocks a civil servant with a negative record (general or worse) in 晋升


@pytest.fixture
def serious(world, person, make_record):
    """(record, resident ID): the person's serious disciplinary record; promotion is blocked."""
    someone, rid = person
    return make_record(someone, "disciplinary_sanction", severity="serious", person_id=rid), rid


def grant(record, relief, reference="mitigation:1", principal=None, **more):
    return grant_relief(principal or factories.SYSTEM, record, {PROMOTION: relief, **more}, reference=reference,
                        basis="已全额挽回损失并消除不良影响（五华纪〔2026〕8号）")


def measure(answer, code=PROMOTION):
    return next((m for m in answer["measures"] if m["code"] == code), None)


def fields(err):
    return {e.field for e in err.value.errors}


# ------------------------------------------------------------------------------------------- the check

def test_a_waiver_lets_the_promotion_through_and_says_why(serious):
    record, rid = serious
    assert ask("晋升", resident_id=rid).decision == "block"
    [relief] = grant(record, "waive")
    assert (relief.relief, relief.reference, relief.granted_on) == ("waive", "mitigation:1", timezone.localdate())
    c = ask("晋升", resident_id=rid)
    assert c.decision == "allow" and PROMOTION not in codes(c)
    assert c.answer["relieved"] == [{"measure": PROMOTION, "record": record.pk, "relief": "waive",
                                     "reference": "mitigation:1"}]
    assert c.answer["records"] == []  # nothing rests on the waived record
    assert "I-CS-KEEP-FAITH" not in codes(c)  # waived for the promotion measure only: no keep-faith preference
    awards = ask("评优评先", resident_id=rid)  # another measure, not waived
    assert awards.decision == "block" and awards.answer["relieved"] == []


def test_a_reduction_turns_the_block_into_a_warning_with_a_note(serious):
    record, rid = serious
    grant(record, "reduce", reference="mitigation:7")
    c = ask("晋升", resident_id=rid)
    promotion = measure(c.answer)
    assert c.decision == "warn" and promotion["effect"] == "warn" and promotion["effect_label"] == "提示限制"
    assert promotion["note"] == "依据从轻处理决定，由拦截调整为提示" and "mitigated" in promotion["note_en"]
    assert promotion["reliefs"] == ["mitigation:7"] and promotion["records"] == [record.pk]
    assert [r["id"] for r in c.answer["records"]] == [record.pk]
    assert c.answer["relieved"] == [{"measure": PROMOTION, "record": record.pk, "relief": "reduce",
                                     "reference": "mitigation:7"}]
    assert Check.objects.get(pk=c.pk).hits.get(measure=PROMOTION).effect == "warn"


def test_lifting_restores_the_block(serious):
    record, rid = serious
    [relief] = grant(record, "waive")
    [lifted] = lift_relief(factories.SYSTEM, "mitigation:1", reason="决定被撤销")
    assert lifted.pk == relief.pk and lifted.lifted_on == timezone.localdate() and lifted.lift_reason == "决定被撤销"
    c = ask("晋升", resident_id=rid)
    assert c.decision == "block" and c.answer["relieved"] == [] and "reliefs" not in measure(c.answer)
    # by instance, too; and not twice
    [again] = grant(record, "reduce", reference="mitigation:2")
    lift_relief(factories.SYSTEM, again, reason="复核撤销")
    assert ask("晋升", resident_id=rid).decision == "block"
    with pytest.raises(Conflict):
        lift_relief(factories.SYSTEM, again, reason="再次撤销")
    with pytest.raises(Conflict):
        lift_relief(factories.SYSTEM, "mitigation:2", reason="再次撤销")
    with pytest.raises(ServiceError) as err:
        lift_relief(factories.SYSTEM, "mitigation:9", reason="")
    assert fields(err) == {"reason"}


def test_a_relief_is_in_force_from_its_day_until_lifted(serious):
    record, rid = serious
    today = timezone.localdate()
    grant_relief(factories.SYSTEM, record, {PROMOTION: "waive"}, basis="依据", reference="m:1", today=today)
    lift_relief(factories.SYSTEM, "m:1", reason="撤销", today=today + dt.timedelta(days=10))
    on = {d: services.check(factories.SYSTEM, party={"resident_id": rid}, scene="晋升", today=d).decision
          for d in (today - dt.timedelta(days=1), today, today + dt.timedelta(days=9), today + dt.timedelta(days=10))}
    assert list(on.values()) == ["block", "allow", "allow", "block"]


def test_a_relief_for_another_record_has_no_effect(world, serious, person, make_record):
    record, rid = serious
    someone, _rid = person
    other = make_record(someone, "disciplinary_sanction", severity="general", person_id=rid, days_ago=60)
    grant(other, "waive")
    c = ask("晋升", resident_id=rid)
    promotion = measure(c.answer)
    assert c.decision == "block" and promotion["records"] == [record.pk]
    assert f"#{other.pk}" in promotion["note"] and promotion["reliefs"] == ["mitigation:1"]
    # another person's record under relief changes nothing for this one
    rid_b = factories.resident_id("530103", dt.date(1985, 6, 6))
    colleague = factories.civil_servant(world.finance_b, "钱七", resident_id=rid_b)
    theirs = make_record(colleague, "disciplinary_sanction", severity="serious", person_id=rid_b)
    grant(theirs, "waive", reference="mitigation:2")
    assert ask("晋升", resident_id=rid_b).decision == "allow"
    assert ask("晋升", resident_id=rid).decision == "block"


def test_a_batch_honours_reliefs_of_each_party(world, serious):
    record, rid = serious
    grant(record, "reduce")
    _batch, checks = services.check_batch(factories.SYSTEM, parties=[{"resident_id": rid},
                                                                     {"uscc": world.finance_a.uscc}], scene="晋升")
    assert [c.decision for c in checks] == ["warn", "allow"]
    assert checks[0].answer["relieved"][0]["record"] == record.pk and checks[1].answer["relieved"] == []


def test_reliefs_are_read_only_for_civil_servants_with_records(world, serious, make_record):
    record, rid = serious
    grant(record, "waive")
    make_record(world.finance_a)
    relief_table = connection.ops.quote_name(Relief._meta.db_table)

    def relief_reads(**party):
        with CaptureQueriesContext(connection) as ctx:
            services.check(factories.SYSTEM, party=party, scene="晋升")
        return sum(relief_table in q["sql"] for q in ctx.captured_queries)

    assert relief_reads(uscc=world.finance_a.uscc) == 0
    assert relief_reads(resident_id=factories.resident_id("530102", dt.date(1990, 1, 1))) == 0  # not registered
    clean = factories.resident_id("530102", dt.date(1991, 1, 1))
    factories.civil_servant(world.finance_a, "孙八", resident_id=clean)
    assert relief_reads(resident_id=clean) == 0  # registered, no records
    assert relief_reads(resident_id=rid) == 1


# ----------------------------------------------------------------------------------- granting, refusing

def test_a_new_decision_replaces_the_relief_in_force_and_a_repeat_changes_nothing(serious):
    record, _rid = serious
    [first] = grant(record, "waive")
    [same] = grant(record, "waive")
    assert same.pk == first.pk and Relief.objects.count() == 1
    [second] = grant(record, "reduce", reference="mitigation:2")
    first.refresh_from_db()
    assert first.lifted_on == timezone.localdate() and "mitigation:2" in first.lift_reason
    assert list(Relief.objects.filter(lifted_on__isnull=True)) == [second]
    actions = list(AuditEvent.objects.filter(object_type="sanctions.relief").values_list("action", "object_id"))
    assert actions == [("create", str(first.pk)), ("lift", str(first.pk)), ("create", str(second.pk))]


def test_several_measures_at_once_and_inside_the_callers_transaction(serious):
    record, rid = serious
    reliefs = grant(record, "waive", **{"S-CS-AWARDS": "reduce", "S-CS-RECRUIT": "waive"})
    assert [(r.measure.code, r.relief) for r in reliefs] == [(PROMOTION, "waive"), ("S-CS-AWARDS", "reduce"),
                                                           ("S-CS-RECRUIT", "waive")]
    assert ask("评优评先", resident_id=rid).decision == "warn"
    assert ask("公务员录用", resident_id=rid).decision == "allow"
    lift_relief(factories.SYSTEM, "mitigation:1", reason="撤销")
    assert Relief.objects.filter(lifted_on__isnull=True).count() == 0

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        grant(record, "waive", reference="mitigation:3")
        raise Rollback
    assert not Relief.objects.filter(reference="mitigation:3").exists()
    with transaction.atomic():  # a refused grant leaves the caller's transaction usable
        with pytest.raises(ServiceError):
            grant(record, "forgive")
        grant(record, "waive", reference="mitigation:4")
    assert Relief.objects.get(reference="mitigation:4").lifted_on is None


def test_an_organization_record_cannot_be_relieved(world, make_record):
    record = make_record(world.finance_a)
    with pytest.raises(ServiceError) as err:
        grant_relief(factories.SYSTEM, record, {"S-GOV-HONOURS": "waive"}, basis="依据", reference="m:1")
    assert "record" in fields(err)
    assert "公务员" in next(e.message for e in err.value.errors if e.field == "record")
    assert Relief.objects.count() == 0


@pytest.mark.parametrize("reliefs, field", [
    ({"S-NO-SUCH": "waive"}, "reliefs.S-NO-SUCH"),
    ({"S-GOV-HONOURS": "waive"}, "reliefs.S-GOV-HONOURS"),  # not for civil servants
    ({"I-CS-KEEP-FAITH": "waive"}, "reliefs.I-CS-KEEP-FAITH"),  # an incentive
    ({"S-CS-QUERY": "waive"}, "reliefs.S-CS-QUERY"),  # asked always: no record to relieve
    ({PROMOTION: "forgive"}, f"reliefs.{PROMOTION}"),
    ({}, "reliefs"),
    ("S-CS-PROMOTION", "reliefs"),
])
def test_bad_reliefs_are_refused_naming_the_measure(serious, reliefs, field):
    record, _rid = serious
    with pytest.raises(ServiceError) as err:
        grant_relief(factories.SYSTEM, record, reliefs, basis="依据", reference="m:1")
    assert fields(err) == {field}
    assert all(e.message and e.message_en for e in err.value.errors)
    assert Relief.objects.count() == 0


def test_a_measure_whose_trigger_does_not_count_the_category_is_refused(world, person, make_record):
    from govtrust.sanctions import catalog

    someone, rid = person
    record = make_record(someone, "disciplinary_sanction", severity="serious", person_id=rid)
    fraud = catalog.create_measure(
        factories.SYSTEM, code="S-CS-FRAUD", reason="测试", name="统计造假限制", name_en="Fraud", kind="sanction",
        subject_kinds=["civil_servant"], scenes=["promotion"], effect="block", legal_basis="测试依据",
        implementing_organization="组织部", trigger={"match": "any", "categories": ["statistical_fraud"]})
    with pytest.raises(ServiceError) as err:  # a draft
        grant_relief(factories.SYSTEM, record, {"S-CS-FRAUD": "waive"}, basis="依据", reference="m:1")
    assert "未发布" in err.value.errors[0].message
    catalog.update_measure(factories.SYSTEM, fraud, status="published", reason="测试：发布")
    with pytest.raises(ServiceError) as err:  # published, but it counts other categories
        grant_relief(factories.SYSTEM, record, {"S-CS-FRAUD": "waive"}, basis="依据", reference="m:1")
    assert fields(err) == {"reliefs.S-CS-FRAUD"} and "纪律处分" in err.value.errors[0].message


def test_basis_and_reference_are_required(serious):
    record, _rid = serious
    with pytest.raises(ServiceError) as err:
        grant_relief(factories.SYSTEM, record, {PROMOTION: "waive"}, basis=" ", reference="")
    assert fields(err) == {"basis", "reference"}
    with pytest.raises(ServiceError) as err:
        grant_relief(factories.SYSTEM, record, {PROMOTION: "waive"}, basis="依据", reference="m" * 65)
    assert fields(err) == {"reference"}


def test_only_those_deciding_mitigation_in_scope_may_grant_or_lift(world, serious):
    record, _rid = serious
    with pytest.raises(PermissionDenied):
        grant(record, "waive", principal=factories.user("department", world.finance_a))
    with pytest.raises(PermissionDenied):  # another county's organization department
        grant(record, "waive", principal=factories.user("organization_dept", world.finance_b))
    [relief] = grant(record, "waive", principal=factories.user("organization_dept", world.credit_a))
    assert relief.granted_by
    with pytest.raises(PermissionDenied):
        lift_relief(factories.user("department", world.finance_a), relief, reason="撤销")
    with pytest.raises(PermissionDenied):
        lift_relief(factories.user("discipline", world.finance_b), "mitigation:1", reason="撤销")
    assert lift_relief(factories.user("credit_office", world.credit_a), relief, reason="撤销")[0].lifted_on


# ------------------------------------------------------------------------------------- checks citing

def test_checks_citing_finds_the_restrictions_that_rested_on_the_record(world, serious, person, make_record):
    record, rid = serious
    start = timezone.now() - dt.timedelta(minutes=1)
    blocked = ask("晋升", resident_id=rid)
    allowed = ask("公务员录用", resident_id=factories.resident_id("530103", dt.date(1990, 1, 1)))
    company = ask("荣誉评选", uscc=world.finance_a.uscc)
    someone, _rid = person
    later = make_record(someone, "disciplinary_sanction", severity="general", person_id=rid, days_ago=5)
    both = ask("晋升", resident_id=rid)
    assert blocked.decision == both.decision == "block" and allowed.decision == "allow" and company.pk
    assert [c.pk for c in checks_citing(record.pk, start)] == [both.pk, blocked.pk]
    assert [c.pk for c in checks_citing(later.pk, start)] == [both.pk]  # the first block did not cite it
    assert checks_citing(record.pk, timezone.now() + dt.timedelta(minutes=1)) == []
    assert checks_citing(999_999, start) == []
    grant(later, "waive", reference="mitigation:9")
    after_relief = ask("晋升", resident_id=rid)
    assert after_relief.pk not in [c.pk for c in checks_citing(later.pk, start)]  # waived: not cited
    assert after_relief.pk in [c.pk for c in checks_citing(record.pk, start)]


def test_the_console_shows_the_mitigation_note(world, serious):
    from django.test import Client

    record, rid = serious
    grant(record, "reduce")
    user = factories.user("credit_office", world.credit_a)
    c = services.check(user, party={"resident_id": rid}, scene="晋升")
    client = Client()
    client.force_login(user)
    page = client.get(f"/console/sanctions/checks/{c.pk}/")
    assert page.status_code == 200 and "依据从轻处理决定，由拦截调整为提示" in page.content.decode()


# ------------------------------------------------------------------------------------- the pure engine

TODAY = dt.date(2026, 6, 1)


def _measure(code="M-BLOCK", effect="block", min_count=1, match="any"):
    return CompiledMeasure(code, code, "sanction", effect, frozenset({"civil_servant"}), frozenset({"promotion"}),
                           Trigger(match, "negative", min_count=min_count), "依据", "组织部", 1)


def _record(pk, status="active"):
    return RecordRow(pk, "disciplinary_sanction", "纪律处分", "negative", "serious", status, dt.date(2026, 1, 1))


def _run(measures, records, relief):
    hits = evaluate(measures, "civil_servant", records, (), TODAY, relief)
    return {h.measure.code: h for h in hits}, decide(hits)


def test_engine_without_relief_is_unchanged():
    hits, decision = _run([_measure()], [_record(1)], {})
    assert decision == "block" and hits["M-BLOCK"].records == [_record(1)]
    assert not (hits["M-BLOCK"].mitigated or hits["M-BLOCK"].waived or hits["M-BLOCK"].reduced)


def test_engine_waive_leaves_the_record_out_of_that_measure_only():
    measures = [_measure(), _measure("M-OTHER")]
    hits, decision = _run(measures, [_record(1)], {(1, "M-BLOCK"): "waive"})
    assert set(hits) == {"M-OTHER"} and decision == "block"
    assert relieved(measures, "civil_servant", [_record(1)], TODAY, {(1, "M-BLOCK"): "waive"}) == [
        Relieved("M-BLOCK", 1, "waive")]
    hits, _ = _run(measures, [_record(1), _record(2)], {(1, "M-BLOCK"): "waive"})
    assert hits["M-BLOCK"].records == [_record(2)] and hits["M-BLOCK"].waived == [_record(1)]
    assert hits["M-BLOCK"].effect == "block"


def test_engine_reduce_lowers_one_step_when_the_effect_rests_on_reduced_records():
    reduce = {(1, "M-BLOCK"): ReliefKind.REDUCE.value, (1, "M-WARN"): "reduce", (1, "M-INFORM"): "reduce"}
    measures = [_measure(), _measure("M-WARN", "warn"), _measure("M-INFORM", "inform")]
    hits, decision = _run(measures, [_record(1)], reduce)
    assert decision == "warn"
    assert (hits["M-BLOCK"].effect, hits["M-BLOCK"].mitigated, hits["M-BLOCK"].records) == ("warn", True, [_record(1)])
    assert (hits["M-WARN"].effect, hits["M-WARN"].mitigated) == ("inform", True)
    assert (hits["M-INFORM"].effect, hits["M-INFORM"].mitigated) == ("inform", False)
    assert hits["M-INFORM"].reduced == [_record(1)]
    # a block that stands without the reduced record cites only the others
    hits, decision = _run(measures[:1], [_record(1), _record(2)], reduce)
    assert decision == "block" and hits["M-BLOCK"].records == [_record(2)] and not hits["M-BLOCK"].mitigated
    assert hits["M-BLOCK"].reduced == [_record(1)]
    # two needed, one of them reduced: the block rests on it
    hits, _ = _run([_measure(min_count=2)], [_record(1), _record(2)], reduce)
    assert (hits["M-BLOCK"].effect, hits["M-BLOCK"].mitigated) == ("warn", True)


def test_engine_disputed_records_warn_as_before_and_the_steps_do_not_add_up():
    hits, _ = _run([_measure()], [_record(1, "disputed")], {(1, "M-BLOCK"): "reduce"})
    h = hits["M-BLOCK"]
    assert (h.effect, h.downgraded, h.mitigated) == ("warn", True, False)
    hits, _ = _run([_measure()], [_record(1), _record(2, "disputed")], {(1, "M-BLOCK"): "reduce"})
    h = hits["M-BLOCK"]
    assert (h.effect, h.downgraded, h.mitigated, len(h.records)) == ("warn", False, True, 2)
