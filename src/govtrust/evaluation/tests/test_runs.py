"""Runs through the service functions on a small world, against hand-computed figures: roll-up from
departments to their government, not-applicable subjects, ranks per kind, reproducibility (same inputs, same
fingerprint, identical results), immutability after publication, corrections, and bad input refused."""

from decimal import Decimal

import pytest

from govtrust.core.audit import AuditEvent
from govtrust.core.errors import Conflict, PermissionDenied, ServiceError
from govtrust.evaluation import runs
from govtrust.evaluation.models import RunScore, RunStatus
from govtrust.testing import factories

from .conftest import NOW, D, inspection, judgment

pytestmark = pytest.mark.django_db


def scores(run):
    return {s.subject_id: s for s in RunScore.objects.filter(run=run)}


def test_a_run_rolls_departments_up_to_their_government_and_ranks_each_kind(world, office, system, data):
    run = runs.create_run(office, period="2026Q2", system_code="test-system", now=NOW)
    assert (run.period_start, run.period_end, run.status, run.system_id) == (D(2026, 4, 1), D(2026, 6, 30),
                                                                               RunStatus.DRAFT, system.pk)
    got = scores(run)
    fa, ga, gb = got[world.finance_a.pk], got[world.gov_a.pk], got[world.gov_b.pk]
    # 五华区财政局: 1 of 2 judgments on time → 50; inspections (80 + 90) / 2 = 85 → (85 − 60) / 40 = 62.5
    assert fa.values["judg"] == {"num": 1.0, "den": 2.0, "value": 0.5, "score": 50.0, "status": "ok"}
    assert fa.values["insp"]["value"] == 85.0 and fa.score == Decimal("56.25") and fa.grade == "D"
    # 五华区人民政府 = its own judgment and its departments': 2 of 3 → 66.6667; inspections 85 → 62.5
    assert ga.values["judg"]["num"] == 2.0 and ga.values["judg"]["den"] == 3.0
    assert ga.score == Decimal("64.58") and ga.grade == "C" and ga.coverage == Decimal("1")
    # 盘龙区人民政府: no judgment due → lawful not applicable, its weight goes to key work: 70 → 25
    assert gb.values["judg"]["status"] == "na_missing" and gb.dimensions["lawful"] is None
    assert gb.score == Decimal("25.00") and gb.coverage == Decimal("0.5")
    assert (ga.rank, gb.rank, fa.rank) == (1, 2, 1)
    city = got[world.city_gov.pk]
    assert city.score is None and city.rank is None and city.grade == ""  # nothing to count: not ranked
    assert run.summary["indicators"]["judg"]["with_data"] == 2 and run.summary["ranked"] == 3
    assert AuditEvent.objects.filter(action="create", object_type="evaluation.run", object_id=str(run.pk)).exists()


def test_same_inputs_same_fingerprint_and_identical_results(world, office, system, data):
    first = runs.create_run(office, period="2026Q2", system_code="test-system", now=NOW)
    again = runs.create_run(office, period="2026Q2", system_code="test-system", now=NOW)
    assert first.fingerprint == again.fingerprint and first.summary == again.summary

    def table(run):
        return sorted((s.subject_id, s.score, s.grade, s.rank, s.rank_best, s.rank_worst, s.coverage, s.dimensions,
                       s.values) for s in RunScore.objects.filter(run=run))
    assert table(first) == table(again)
    inspection(world.gov_b, "D4", D(2026, 6, 5), "90")
    changed = runs.create_run(office, period="2026Q2", system_code="test-system", now=NOW)
    assert changed.fingerprint != first.fingerprint
    assert scores(changed)[world.gov_b.pk].score == Decimal("50.00")  # (70 + 90) / 2 = 80 → 50


def test_a_published_run_never_changes_and_a_correction_supersedes_it(world, office, system, data):
    run = runs.publish_run(office, runs.create_run(office, period="2026Q2", system_code="test-system", now=NOW))
    assert run.status == RunStatus.PUBLISHED and run.published_at
    with pytest.raises(Conflict):
        runs.publish_run(office, run)
    inspection(world.gov_b, "D4", D(2026, 6, 5), "90")
    correction = runs.create_run(office, period="2026Q2", system_code="test-system", now=NOW, note="补录督查结果")
    assert correction.corrects_id == run.pk
    runs.publish_run(office, correction)
    run.refresh_from_db()
    assert run.status == RunStatus.SUPERSEDED and scores(run)[world.gov_b.pk].score == Decimal("25.00")


def test_bad_input_is_refused_before_anything_is_written(world, office, system, data):
    def field(**kw):
        with pytest.raises(ServiceError) as e:
            runs.create_run(office, **({"period": "2026Q2", "system_code": "test-system", "now": NOW} | kw))
        return {x.field for x in e.value.errors}

    assert field(period="2026Q5") == {"period"}
    assert field(period="2027Q1") == {"period"}  # not begun
    assert field(period="2025Q1") == {"period"}  # no data at all
    assert field(version=9) == {"system"}
    assert field(system_code="nope") == {"system"}
    assert field(kinds=["bogus"]) == {"kinds"}
    assert field(region="999999") == {"region"}
    assert not RunScore.objects.exists()


def test_only_the_credit_office_runs_and_only_in_its_region(world, office, system, data):
    with pytest.raises(PermissionDenied):
        runs.create_run(factories.user("department", world.finance_a), period="2026Q2", now=NOW)
    county = factories.user("credit_office", world.credit_a)
    with pytest.raises(PermissionDenied):
        runs.create_run(county, period="2026Q2", system_code="test-system", region=world.city.code, now=NOW)
    own = runs.create_run(county, period="2026Q2", system_code="test-system", now=NOW)
    assert set(scores(own)) == {world.gov_a.pk, world.finance_a.pk, world.credit_a.pk}


def test_the_default_system_runs_on_every_source(world, office):
    judgment(world.finance_a, "J1", D(2026, 4, 30), D(2026, 4, 20))
    run = runs.create_run(office, period="2026Q2", now=NOW)
    indicators = run.summary["indicators"]
    assert len(indicators) == 17
    assert indicators["judgments_performed"]["with_data"] == 2  # 五华区财政局 and, rolled up, 五华区人民政府
    assert indicators["new_serious"]["with_data"] == indicators["new_serious"]["subjects"]  # missing counts as 0


def test_the_set_based_score_write_names_every_column_of_the_model():
    """Scores are written without the ORM: a field added to RunScore must be added to the write too."""
    assert sorted(runs.SCORE_COLUMNS) == sorted(f.column for f in RunScore._meta.concrete_fields if not f.primary_key)
