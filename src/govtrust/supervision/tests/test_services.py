"""The supervision services: every field checked at once and named in Chinese and English, the body by USCC or
name, idempotent upserts with audit events only for changes, scope, and the assessor's restriction."""

import datetime as dt
from decimal import Decimal

import pytest

from govtrust.core.errors import ServiceError
from govtrust.core.models import AuditEvent
from govtrust.supervision import services
from govtrust.supervision.models import Assessment, Judgment, JudgmentStatus, LitigationCase, Proposal
from govtrust.testing import factories

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _fields(err):
    return {e.field: e for e in err.value.errors}


def _events(obj):
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("seq"))


def test_a_proposal_is_created_then_an_identical_one_changes_nothing_and_a_change_updates_it(world, proposal):
    first = proposal()
    assert first.outcome == services.CREATED and first.obj.on_time is True
    assert proposal().outcome == services.UNCHANGED
    assert Proposal.objects.count() == 1 and len(_events(first.obj)) == 1
    changed = proposal(answered_on=dt.date(2026, 7, 1), satisfaction="basically")
    assert changed.outcome == services.UPDATED and changed.obj.pk == first.obj.pk and changed.obj.on_time is False
    events = _events(first.obj)
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].before == {"answered_on": "2026-06-01", "satisfaction": "satisfied"}
    assert events[1].after == {"answered_on": "2026-07-01", "satisfaction": "basically"}
    # the same number in another kind or year is another item
    assert proposal(kind="proposal").outcome == services.CREATED
    assert Proposal.objects.count() == 2


def test_every_bad_field_is_named_at_once(world, proposal):
    with pytest.raises(ServiceError) as err:
        proposal(number="", kind="petition", year="26", title="", body="没有这个单位", received_on="2027-01-01",
                 due_on="三月", answered_on=None, satisfaction="很好")
    found = _fields(err)
    assert set(found) == {"number", "kind", "year", "title", "body", "received_on", "due_on", "satisfaction"}
    assert "承办单位" in found["body"].message and "handling body" in found["body"].message_en
    assert "不能晚于今天" in found["received_on"].message and "future" in found["received_on"].message_en
    assert "答复期限" in found["due_on"].message
    with pytest.raises(ServiceError) as err:
        proposal(received_on=dt.date(2026, 5, 1), due_on=dt.date(2026, 4, 1), answered_on=dt.date(2026, 4, 20))
    assert set(_fields(err)) == {"due_on", "answered_on"}
    with pytest.raises(ServiceError) as err:
        proposal(answered_on=None, satisfaction="satisfied")
    assert set(_fields(err)) == {"satisfaction"}
    assert Proposal.objects.count() == 0


def test_the_body_by_uscc_or_name(world, proposal):
    assert proposal(number="1", body=world.finance_a.uscc).obj.body == world.finance_a
    assert proposal(number="2", body=" 昆明市五华区财政局 ").obj.body == world.finance_a
    assert proposal(number="3", body=world.finance_a.pk).obj.body == world.finance_a
    with pytest.raises(ServiceError) as err:
        proposal(number="4", body=world.finance_a.uscc, body_name="昆明市盘龙区财政局")
    assert set(_fields(err)) == {"body_name"}
    with pytest.raises(ServiceError) as err:
        proposal(number="5", body=factories.uscc("11", "530102"))
    assert set(_fields(err)) == {"body"}


def test_scope_a_county_office_reaches_only_its_bodies(world, proposal):
    office_b = factories.user("credit_office", world.gov_b)
    with pytest.raises(ServiceError) as err:
        proposal(principal=office_b, body=world.finance_a)
    assert set(_fields(err)) == {"body"} and "管辖范围" in _fields(err)["body"].message
    with pytest.raises(ServiceError) as err:
        proposal(principal=office_b, body=world.finance_a.name)  # out of reach is unknown by name
    assert set(_fields(err)) == {"body"}
    proposal(number="A-1")
    with pytest.raises(ServiceError) as err:  # county A's item is not overwritten from county B
        proposal(principal=office_b, number="A-1", body=world.finance_b)
    assert err.value.status == 409 and "关于优化" not in err.value.message and set(_fields(err)) == {"number"}
    assert Proposal.objects.get(number="A-1").body == world.finance_a
    dept = factories.user("department", world.finance_a)
    assert proposal(principal=dept, number="D-1").created
    with pytest.raises(ServiceError) as err:
        proposal(principal=dept, number="D-2", body=world.gov_a)  # a department reaches only itself
    assert set(_fields(err)) == {"body"}
    for role in ("organization_dept", "discipline", "evaluated_body", "auditor"):
        with pytest.raises(ServiceError) as err:
            proposal(principal=factories.user(role, world.gov_a), number=f"R-{role}")
        assert err.value.status == 403


def test_litigation_outcome_and_date_go_together(world):
    def save(**kw):
        values = {"case_number": "（2026）云0102行初1号", "body": world.gov_a, "court": "五华区人民法院",
                  "filed_on": dt.date(2026, 2, 1), "reason": "测试", "today": TODAY} | kw
        return services.save_litigation(factories.SYSTEM, **values)

    assert save().obj.outcome == ""
    with pytest.raises(ServiceError) as err:
        save(outcome="lost")
    assert set(_fields(err)) == {"judged_on"}
    with pytest.raises(ServiceError) as err:
        save(judged_on=dt.date(2026, 1, 1), outcome="lost", head_appeared="也许")
    assert set(_fields(err)) == {"judged_on", "head_appeared"}
    saved = save(judged_on="2026-05-10", outcome="lost", head_appeared="是")
    assert saved.outcome == services.UPDATED and saved.obj.head_appeared and LitigationCase.objects.count() == 1


def test_judgment_status_as_of_a_date(world):
    def save(number, **kw):
        values = {"body": world.gov_a, "court": "昆明市中级人民法院", "effective_on": dt.date(2026, 3, 1),
                  "due_on": dt.date(2026, 4, 30), "reason": "测试", "today": TODAY} | kw
        return services.save_judgment(factories.SYSTEM, case_number=number, **values).obj

    on_time, late = save("J1", performed_on=dt.date(2026, 4, 1)), save("J2", performed_on=dt.date(2026, 6, 1))
    open_ = save("J3")
    assert on_time.status(TODAY) == JudgmentStatus.ON_TIME and late.status(TODAY) == JudgmentStatus.LATE
    assert open_.status(dt.date(2026, 4, 30)) == JudgmentStatus.PENDING
    assert open_.status(dt.date(2026, 5, 1)) == JudgmentStatus.OVERDUE
    assert late.status(dt.date(2026, 5, 15)) == JudgmentStatus.OVERDUE  # not yet performed then
    with pytest.raises(ServiceError) as err:
        save("J4", due_on=dt.date(2026, 2, 1), performed_on=dt.date(2027, 1, 1))
    assert set(_fields(err)) == {"due_on", "performed_on"}
    assert Judgment.objects.count() == 3


def test_inspection_score_range_and_key_per_inspector(world):
    def save(**kw):
        values = {"inspector": "昆明市人民政府督查室", "document_number": "昆政督〔2026〕1号", "body": world.gov_a,
                  "inspected_on": dt.date(2026, 7, 1), "score": "88.5", "reason": "测试", "today": TODAY} | kw
        return services.save_inspection(factories.SYSTEM, **values)

    assert save().obj.score == Decimal("88.50")
    assert save(score=Decimal("88.50")).outcome == services.UNCHANGED
    assert save(inspector="云南省人民政府督查室").created  # the same number from another inspector
    for bad in ("120", "-1", "八十", "88.555"):
        with pytest.raises(ServiceError) as err:
            save(score=bad)
        assert set(_fields(err)) == {"score"}, bad
    assert save(score=None, document_number="昆政督〔2026〕2号").obj.score is None


def test_assessments_periods_self_and_the_assessor_restriction(world):
    def save(principal=factories.SYSTEM, **kw):
        values = {"kind": "third_party", "assessor": "某评估中心", "method": "问卷调查", "body": world.gov_a,
                  "period": "2026Q3", "score": "86.25", "reason": "测试", "today": TODAY} | kw
        return services.save_assessment(principal, **values)

    third = save().obj
    assert (third.period_start, third.period_end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    own = save(kind="self", assessor="", method="", period="2026q3", score=95).obj
    assert own.assessor == world.gov_a.name and own.period == "2026Q3" and own.kind == "self"
    assert save(period="2026-02", score="70").obj.period_end == dt.date(2026, 2, 28)
    assert save(period="2026").obj.period_end == dt.date(2026, 12, 31)
    with pytest.raises(ServiceError) as err:
        save(period="2026Q5", score="120", assessor="", method="")
    assert set(_fields(err)) == {"period", "score", "assessor", "method"}
    with pytest.raises(ServiceError) as err:
        save(period="2027")
    assert set(_fields(err)) == {"period"}
    assessor = factories.user("assessor", world.city_credit)
    assert save(principal=assessor, score="80").outcome == services.UPDATED
    with pytest.raises(ServiceError) as err:
        save(principal=assessor, kind="self")
    assert err.value.status == 403 and set(_fields(err)) == {"kind"}
    assert Assessment.objects.count() == 4


def test_period_bounds():
    assert services.period_bounds("2026Q1")[1:] == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert services.period_bounds("2026Q4")[1:] == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert services.period_bounds("2026-12")[1:] == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert services.period_bounds("2026-13") is None and services.period_bounds("26Q1") is None
