"""The evaluation's figures per body, against hand-counted small fixtures for the second quarter of 2026; each is
one SQL query whatever the number of rows."""

import datetime as dt
from decimal import Decimal

import pytest

from govtrust.supervision import queries, services
from govtrust.testing import factories

from .conftest import TODAY

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 4, 1), dt.date(2026, 6, 30)
D = dt.date


def _save(fn, **kw):
    return fn(factories.SYSTEM, reason="测试", today=TODAY, **kw)


def test_proposals(world, django_assert_num_queries):
    rows = [  # body, received, due, answered, satisfaction
        (world.finance_a, D(2026, 4, 10), D(2026, 7, 10), D(2026, 6, 1), "satisfied"),  # on time
        (world.finance_a, D(2026, 5, 1), D(2026, 6, 15), D(2026, 6, 20), "unsatisfied"),  # late
        (world.finance_a, D(2026, 6, 1), D(2026, 9, 1), D(2026, 7, 15), "satisfied"),  # answered after the period
        (world.finance_a, D(2026, 3, 1), D(2026, 6, 1), D(2026, 5, 1), "satisfied"),  # received before it
        (world.gov_a, D(2026, 4, 2), D(2026, 6, 30), D(2026, 6, 30), "basically"),  # on the last day
    ]
    for i, (body, received, due, answered, rating) in enumerate(rows):
        _save(services.save_proposal, kind="suggestion", year=2026, number=str(i), title="建议", body=body,
              received_on=received, due_on=due, answered_on=answered, satisfaction=rating)
    with django_assert_num_queries(1):
        figures = queries.proposal_figures(START, END)
    assert figures == {
        world.finance_a.pk: {"received": 3, "answered": 2, "answered_on_time": 1, "rated": 2, "satisfied": 1,
                             "unsatisfied": 1},
        world.gov_a.pk: {"received": 1, "answered": 1, "answered_on_time": 1, "rated": 1, "satisfied": 1,
                         "unsatisfied": 0},
    }
    assert set(queries.proposal_figures(START, END, bodies=[world.gov_a.pk])) == {world.gov_a.pk}


def test_litigation(world):
    rows = [  # filed, judged, outcome, head appeared
        (D(2026, 1, 10), D(2026, 4, 20), "lost", True),
        (D(2026, 4, 5), D(2026, 6, 1), "won", False),
        (D(2026, 5, 5), None, "", True),  # still pending
        (D(2026, 1, 1), D(2026, 3, 1), "lost", False),  # concluded before the period
    ]
    for i, (filed, judged, outcome, head) in enumerate(rows):
        _save(services.save_litigation, case_number=f"L{i}", body=world.gov_a, court="法院", filed_on=filed,
              judged_on=judged, outcome=outcome, head_appeared=head)
    assert queries.litigation_figures(START, END) == {
        world.gov_a.pk: {"filed": 2, "cases": 2, "lost": 1, "head_appeared": 1}}


def test_judgments(world):
    rows = [  # effective, due, performed
        (D(2026, 3, 1), D(2026, 4, 30), D(2026, 4, 20)),  # on time
        (D(2026, 3, 1), D(2026, 5, 31), D(2026, 6, 10)),  # late, within the period
        (D(2026, 4, 1), D(2026, 6, 15), None),  # overdue
        (D(2026, 1, 1), D(2026, 2, 28), None),  # an older one still outstanding: overdue, not due in the period
        (D(2026, 5, 1), D(2026, 6, 30), None),  # due on the last day: not yet overdue
        (D(2026, 4, 1), D(2026, 5, 15), D(2026, 7, 10)),  # performed after the period: overdue as of its end
        (D(2026, 1, 1), D(2026, 2, 1), D(2026, 2, 1)),  # done before: nothing
    ]
    for i, (effective, due, performed) in enumerate(rows):
        _save(services.save_judgment, case_number=f"J{i}", body=world.gov_a, court="法院", effective_on=effective,
              due_on=due, performed_on=performed)
    assert queries.judgment_figures(START, END) == {
        world.gov_a.pk: {"due": 5, "performed_on_time": 1, "performed_late": 1, "unperformed_overdue": 3}}


def test_inspections_and_assessments(world):
    for i, (day, score) in enumerate([(D(2026, 5, 1), "80"), (D(2026, 6, 1), "91"), (D(2026, 6, 10), None),
                                      (D(2026, 7, 1), "50")]):
        _save(services.save_inspection, inspector="督查室", document_number=str(i), body=world.finance_a,
              inspected_on=day, score=score)
    assert queries.inspection_figures(START, END) == {
        world.finance_a.pk: {"count": 3, "scored": 2, "mean_score": Decimal("85.50")}}
    for kind, period, score in [("third_party", "2026Q2", "80"), ("third_party", "2026-05", "90"),
                                ("third_party", "2026Q1", "40"), ("self", "2026Q2", "95.5"), ("self", "2026", "70")]:
        _save(services.save_assessment, kind=kind, body=world.gov_a, period=period, score=score, assessor="某中心",
              method="问卷")
    _save(services.save_assessment, kind="self", body=world.finance_a, period="2026-06", score="88.25")
    assert queries.assessment_figures(START, END) == {
        world.gov_a.pk: {"third_party_count": 2, "third_party_mean": Decimal("85.00"), "self_count": 1,
                         "self_mean": Decimal("95.50")},
        world.finance_a.pk: {"third_party_count": 0, "third_party_mean": None, "self_count": 1,
                             "self_mean": Decimal("88.25")},
    }
