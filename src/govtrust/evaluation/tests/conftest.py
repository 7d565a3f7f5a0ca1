"""Fixtures for runs: a small published indicator system over two sources (judgments performed on time,
inspection scores) and hand-countable supervision data for the second quarter of 2026."""

import datetime as dt

import pytest
from django.utils import timezone

from govtrust.evaluation import runs, services
from govtrust.supervision import services as supervision
from govtrust.testing import factories

D = dt.date
NOW = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))


def linear_leaf(code, source, lo, hi):
    return {"code": code, "name": code, "weight": 100, "source": source, "direction": "higher",
            "normalize": {"method": "linear", "lo": lo, "hi": hi}, "min_sample": 1, "missing": "na",
            "definition": f"测试指标 {code}"}


CONTENT = {"grades": [{"grade": "A", "min": 90}, {"grade": "B", "min": 80}, {"grade": "C", "min": 60},
                      {"grade": "D", "min": 0}],
           "children": [
               {"code": "lawful", "name": "依法行政", "weight": 50,
                "children": [linear_leaf("judg", "judgments.performed_rate", 0, 1)]},
               {"code": "key", "name": "重点工作", "weight": 50,
                "children": [linear_leaf("insp", "inspections.mean_score", 60, 100)]}]}


@pytest.fixture
def office(world):
    return factories.user("credit_office", world.city_credit)


@pytest.fixture
def system(office):
    draft = services.create_draft(office, code="test-system", content=CONTENT, name="测试体系", basis="测试依据")
    return services.publish(office, draft)


def judgment(world_body, number, due, performed=None):
    supervision.save_judgment(factories.SYSTEM, case_number=number, body=world_body, court="五华区人民法院",
                              effective_on=D(2026, 3, 1), due_on=due, performed_on=performed, reason="测试")


def inspection(body, number, day, score):
    supervision.save_inspection(factories.SYSTEM, inspector="市政府督查室", document_number=number, body=body,
                                inspected_on=day, score=score, reason="测试")


@pytest.fixture
def data(world):
    judgment(world.finance_a, "J1", D(2026, 4, 30), D(2026, 4, 20))  # performed on time
    judgment(world.finance_a, "J2", D(2026, 5, 30))  # not performed
    judgment(world.gov_a, "J3", D(2026, 6, 1), D(2026, 6, 1))
    judgment(world.gov_a, "J4", D(2026, 8, 1))  # due after the quarter: not counted
    inspection(world.finance_a, "D1", D(2026, 4, 10), "80")
    inspection(world.finance_a, "D2", D(2026, 6, 10), "90")
    inspection(world.gov_b, "D3", D(2026, 5, 5), "70")



@pytest.fixture
def run(office, system, data):
    return runs.create_run(office, period="2026Q2", system_code="test-system", now=NOW)
