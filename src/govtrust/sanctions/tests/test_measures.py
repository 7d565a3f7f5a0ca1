"""Every default measure, in its scenes, on records in each status (the published list as shipped)."""

import datetime as dt

import pytest
from django.utils import timezone

from govtrust.ledger.models import Category
from govtrust.sanctions import catalog, services
from govtrust.sanctions.catalog import check_measure, content_of
from govtrust.sanctions.models import Measure, MeasureStatus, Scene
from govtrust.testing import factories

from .conftest import ask, codes

pytestmark = pytest.mark.django_db


def test_the_shipped_list_is_published_valid_and_covers_every_scene():
    measures = list(Measure.objects.all())
    assert len(measures) == len(catalog.default_data()["measures"])
    for m in measures:
        assert m.status == MeasureStatus.PUBLISHED
        assert check_measure(content_of(m)) == [], m.code
        assert m.legal_basis
    used = {s for m in measures for s in m.scenes}
    assert used == set(Scene.objects.values_list("code", flat=True))
    assert {"招标投标", "政府采购", "评优评先", "荣誉评选", "文明单位评选", "项目申报", "资金安排", "政府融资", "公务员录用",
            "调任", "晋升", "示范创建"} == set(Scene.objects.values_list("name", flat=True))


def test_a_department_with_a_penalty_loses_honours_and_is_criticised(world, make_record):
    record = make_record(world.finance_a)
    for scene in ("荣誉评选", "评优评先"):
        c = ask(scene, uscc=world.finance_a.uscc)
        assert c.decision == "block"
        assert {"S-GOV-HONOURS", "S-GOV-EXPLAIN", "S-GOV-CRITICISM"} <= codes(c)
        assert [r["id"] for r in c.answer["records"]] == [record.pk]
        honours = next(m for m in c.answer["measures"] if m["code"] == "S-GOV-HONOURS")
        assert honours["records"] == [record.pk] and "国发〔2016〕76号" in honours["legal_basis"]
    assert ask("文明单位评选", uscc=world.finance_a.uscc).decision == "block"
    assert "S-GOV-CIVILIZED" in codes(ask("civilized_unit", uscc=world.finance_a.uscc))


def test_a_minor_record_asks_for_an_explanation_but_does_not_block(world, make_record):
    make_record(world.finance_a, "complaint_substantiated")  # minor by default
    c = ask("荣誉评选", uscc=world.finance_a.uscc)
    assert c.decision == "allow"
    assert codes(c) == {"S-GOV-EXPLAIN"}
    assert c.answer["measures"][0]["effect"] == "inform"


def test_a_seriously_dishonest_local_government_is_restricted(world, make_record):
    make_record(world.gov_a, "dishonest_judgment_debtor")  # serious by default
    assert ask("项目申报", uscc=world.gov_a.uscc).decision == "block"
    pilot = ask("示范创建", uscc=world.gov_a.uscc)
    assert pilot.decision == "block" and "S-GOV-PILOT" in codes(pilot)
    for scene, code in (("资金安排", "S-GOV-FUNDS"), ("政府融资", "S-GOV-FINANCING")):
        c = ask(scene, uscc=world.gov_a.uscc)
        assert c.decision == "warn" and code in codes(c)
    tender = ask("招标投标", uscc=world.gov_a.uscc)
    assert tender.decision == "block" and "S-DEBTOR-BID" in codes(tender)


def test_local_government_restrictions_need_a_serious_record_and_a_local_government(world, make_record):
    make_record(world.gov_b, "administrative_penalty", severity="general")
    assert "S-GOV-PROJECT" not in codes(ask("项目申报", uscc=world.gov_b.uscc))
    make_record(world.finance_b, "administrative_penalty", severity="serious")  # a department, not a government
    c = ask("项目申报", uscc=world.finance_b.uscc)
    assert "S-GOV-PROJECT" not in codes(c) and c.decision == "allow"


def test_listed_companies_are_barred_from_the_matching_scene_only(world, listing):
    tender_listed = listing("tendering_blacklist")
    procurement_listed = listing("procurement_serious", name="昆明某某科技有限公司")
    defaulter = listing("judgment_defaulters", name="昆明某某贸易有限公司")
    c = ask("招标投标", uscc=tender_listed.uscc)
    assert c.decision == "block" and codes(c) == {"S-TENDER-BLACKLIST"}
    assert c.answer["listings"][0]["id"] == tender_listed.pk
    assert c.answer["subject"]["kind"] == "market_entity"
    assert ask("政府采购", uscc=tender_listed.uscc).decision == "allow"
    procurement = ask("政府采购", uscc=procurement_listed.uscc)
    assert procurement.decision == "block" and codes(procurement) == {"S-PROCUREMENT-LIST"}
    assert ask("招标投标", uscc=procurement_listed.uscc).decision == "allow"
    assert codes(ask("政府采购", uscc=defaulter.uscc)) == {"S-DEBTOR-BID"}
    unknown = ask("招标投标", uscc=factories.uscc("91", "530100"))
    assert unknown.decision == "allow" and unknown.answer["subject"]["found"] is False


def test_a_removed_or_lapsed_listing_no_longer_blocks(world, listing):
    from govtrust.sanctions import services

    removed = listing()
    services.remove_listing(factories.SYSTEM, removed, reason="信用修复后移出")
    lapsed = listing(name="昆明某某劳务有限公司", listed_on=dt.date(2024, 1, 1), listed_until=dt.date(2025, 1, 1))
    assert ask("招标投标", uscc=removed.uscc).decision == "allow"
    assert ask("招标投标", uscc=lapsed.uscc).decision == "allow"


def test_credit_villages_are_supported(listing):
    village = listing("credit_villages", name="五华区某某村股份经济合作社", uscc=factories.uscc("N2", "530102"))
    c = ask("资金安排", uscc=village.uscc)
    assert c.decision == "prefer" and codes(c) == {"I-CREDIT-VILLAGE"}


def test_civil_servants_awards_promotion_and_recruitment(world, make_record, person):
    someone, rid = person
    make_record(someone, "disciplinary_sanction", severity="general", person_id=rid)
    awards = ask("评优评先", resident_id=rid)
    assert awards.decision == "block" and "S-CS-AWARDS" in codes(awards)
    promotion = ask("晋升", resident_id=rid)
    assert promotion.decision == "block" and {"S-CS-PROMOTION", "S-CS-QUERY"} <= codes(promotion)
    recruitment = ask("公务员录用", resident_id=rid)  # a general record does not bar recruitment
    assert recruitment.decision == "allow" and codes(recruitment) == {"S-CS-QUERY"}
    make_record(someone, "statistical_fraud", person_id=rid)  # serious by default
    for scene in ("公务员录用", "调任"):
        c = ask(scene, resident_id=rid)
        assert c.decision == "block" and "S-CS-RECRUIT" in codes(c)
    assert awards.answer["subject"]["name"] == "赵六"
    assert rid not in str(awards.answer) and awards.party_shown == rid[:6] + "********" + rid[-4:]


def test_a_civil_servant_without_records_is_queried_and_preferred(person):
    _someone, rid = person
    c = ask("晋升", resident_id=rid)
    assert c.decision == "prefer" and codes(c) == {"S-CS-QUERY", "I-CS-KEEP-FAITH"}
    assert ask("公务员录用", resident_id=rid).decision == "allow"


def test_bodies_that_keep_faith_are_preferred_and_models_supported(world, make_record):
    c = ask("荣誉评选", uscc=world.finance_b.uscc)
    assert c.decision == "prefer" and codes(c) == {"I-GOV-HONOURS"}
    make_record(world.finance_b, "integrity_model", days_ago=90)
    assert "I-GOV-MODEL" in codes(ask("示范创建", uscc=world.finance_b.uscc))
    make_record(world.finance_b, "administrative_penalty")
    now = ask("荣誉评选", uscc=world.finance_b.uscc)
    assert now.decision == "block" and "I-GOV-HONOURS" not in codes(now)


def test_a_record_past_its_disclosure_end_no_longer_counts_before_the_expiry_scan(world, make_record):
    lapsed = make_record(world.finance_b, "complaint_substantiated", days_ago=200)  # minor: disclosed 3 months
    assert lapsed.status == "active" and lapsed.disclosure_end < timezone.localdate()
    c = ask("荣誉评选", uscc=world.finance_b.uscc)
    assert c.decision == "prefer" and c.answer["records"] == []
    early = services.check(factories.SYSTEM, party={"uscc": world.finance_b.uscc}, scene="荣誉评选",
                           today=lapsed.disclosure_end - dt.timedelta(days=1))
    assert [r["id"] for r in early.answer["records"]] == [lapsed.pk]


@pytest.mark.parametrize("status", ["repair", "revoke", "expire"])
def test_repaired_revoked_and_expired_records_never_trigger(world, make_record, status):
    make_record(world.finance_a, status=status)
    c = ask("荣誉评选", uscc=world.finance_a.uscc)
    assert c.decision == "prefer" and c.answer["records"] == []
    assert "S-GOV-HONOURS" not in codes(c)


def test_a_disputed_record_warns_and_a_block_cites_only_settled_records(world, make_record):
    disputed = make_record(world.finance_a, status="dispute")
    c = ask("荣誉评选", uscc=world.finance_a.uscc)
    honours = next(m for m in c.answer["measures"] if m["code"] == "S-GOV-HONOURS")
    assert c.decision == "warn" and honours["effect"] == "warn" and honours["note"]
    settled = make_record(world.finance_a)
    c = ask("荣誉评选", uscc=world.finance_a.uscc)
    honours = next(m for m in c.answer["measures"] if m["code"] == "S-GOV-HONOURS")
    assert c.decision == "block" and honours["records"] == [settled.pk]
    assert disputed.pk not in honours["records"]


def test_only_published_measures_apply(world, make_record):
    make_record(world.finance_a)
    honours = Measure.objects.get(code="S-GOV-HONOURS")
    catalog.update_measure(factories.SYSTEM, honours, status="withdrawn", reason="测试：停用")
    c = ask("荣誉评选", uscc=world.finance_a.uscc)
    assert "S-GOV-HONOURS" not in codes(c) and c.decision == "allow"
    draft = catalog.create_measure(
        factories.SYSTEM, code="S-TEST-TWO", reason="测试", name="两次以上失信限制", name_en="Two or more",
        kind="sanction", subject_kinds=["department"], scenes=["honours"], effect="block", legal_basis="测试依据",
        implementing_organization="信用办",
        trigger={"match": "any", "polarity": "negative", "min_count": 2, "within_months": 12})
    assert "S-TEST-TWO" not in codes(ask("荣誉评选", uscc=world.finance_a.uscc))
    catalog.update_measure(factories.SYSTEM, draft, status="published", reason="测试：发布")
    assert "S-TEST-TWO" not in codes(ask("荣誉评选", uscc=world.finance_a.uscc))  # one record only
    make_record(world.finance_a, days_ago=10)
    c = ask("荣誉评选", uscc=world.finance_a.uscc)
    assert "S-TEST-TWO" in codes(c) and c.decision == "block"
    assert c.measures_version > 0 and draft.versions.count() == 2


def test_a_bad_measure_is_refused_naming_each_field():
    from govtrust.core.errors import ServiceError

    with pytest.raises(ServiceError) as err:
        catalog.create_measure(factories.SYSTEM, code="坏", reason="", name="", name_en="x", kind="incentive",
                               subject_kinds=["company"], scenes=["nowhere"], effect="block", legal_basis="",
                               implementing_organization="x",
                               trigger={"match": "any", "categories": ["no_such"], "min_count": 0, "colour": 1})
    fields = {e.field for e in err.value.errors}
    assert {"code", "reason", "name", "legal_basis", "effect", "subject_kinds", "scenes", "trigger",
            "trigger.categories", "trigger.min_count"} <= fields
    assert Measure.objects.filter(code="坏").count() == 0
    assert Category.objects.filter(code="no_such").count() == 0


def test_an_outside_applicant_is_queried_and_barred_when_listed_as_a_defaulter(world):
    applicant = factories.resident_id("530103", dt.date(1995, 2, 2))
    c = ask("公务员录用", resident_id=applicant)
    assert c.answer["subject"]["kind"] == "natural_person" and c.decision == "allow"
    assert codes(c) == {"S-CS-QUERY"}
    listed = services.add_listing(factories.SYSTEM, party_list="judgment_defaulters", name="钱某", resident_id=applicant,
                                  authority="昆明市五华区人民法院", document_number="（2026）云0102执123号",
                                  listed_on=dt.date(2026, 1, 5), source=world.credit_a)
    for scene in ("公务员录用", "调任"):
        c = ask(scene, resident_id=applicant)
        assert c.decision == "block" and "S-CS-RECRUIT" in codes(c)
        assert [x["id"] for x in c.answer["listings"]] == [listed.pk] and applicant not in str(c.answer)
