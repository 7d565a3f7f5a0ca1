"""The demo supervision inputs: loaded once, for every quarter so far, and varied enough that bodies differ."""

import datetime as dt

from govtrust.core.context import acting
from govtrust.subjects.demo import load_demo
from govtrust.supervision import queries
from govtrust.supervision.demo import load_supervision
from govtrust.supervision.models import Assessment, Inspection, Judgment, LitigationCase, Proposal

TODAY = dt.date(2026, 12, 1)


def test_demo_loads_once_and_varies(db):
    load_demo(civil_servants=0)
    with acting(actor_label="demo", channel="cli"):
        made = load_supervision(today=TODAY)
        assert made > 0 and load_supervision(today=TODAY) == 0
    total = sum(m.objects.count() for m in (Proposal, LitigationCase, Judgment, Inspection, Assessment))
    assert made == total
    assert set(Assessment.objects.values_list("period", flat=True)) == {"2026Q1", "2026Q2", "2026Q3", "2026Q4"}
    assert not Assessment.objects.filter(kind="third_party", period="2026Q4").exists()  # not over yet
    assert LitigationCase.objects.filter(outcome="lost").exists() and Judgment.objects.filter(
        performed_on__isnull=True).exists()
    year = queries.assessment_figures(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    means = {f["third_party_mean"] for f in year.values() if f["third_party_mean"] is not None}
    assert len(means) > 10
    rates = {round(f["answered_on_time"] / f["received"], 2)
             for f in queries.proposal_figures(dt.date(2026, 1, 1), TODAY).values()}
    assert len(rates) > 3
