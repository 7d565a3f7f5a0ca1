"""A small world with two published quarters of evaluation (2026Q2 and 2026Q3), made through the real
services: supervision data (judgments, inspections) → evaluation runs → published."""

import datetime as dt

import pytest
from django.utils import timezone

from govtrust.evaluation import runs, services
from govtrust.supervision import services as supervision
from govtrust.testing import factories

D = dt.date
NOW = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))


def judgment(body, number, due, performed=None):
    supervision.save_judgment(factories.SYSTEM, case_number=number, body=body, court="五华区人民法院",
                              effective_on=D(2026, 3, 1), due_on=due, performed_on=performed, reason="测试")


def inspection(body, number, day, score):
    supervision.save_inspection(factories.SYSTEM, inspector="市政府督查室", document_number=number, body=body,
                                inspected_on=day, score=score, reason="测试")


def leaf(code, name, source, lo, hi, weight=100):
    return {"code": code, "name": name, "weight": weight, "source": source, "direction": "higher",
            "normalize": {"method": "linear", "lo": lo, "hi": hi}, "min_sample": 1, "missing": "na",
            "definition": f"{name}：期内按数据来源统计", "example": "例：10件中9件按期，得分按线性换算",
            "assumptions": "以数据来源单位报送为准"}


CONTENT = {"grades": [{"grade": "A", "min": 90}, {"grade": "B", "min": 80}, {"grade": "C", "min": 60},
                      {"grade": "D", "min": 0}],
           "children": [
               {"code": "lawful", "name": "依法行政", "weight": 50,
                "children": [leaf("judg", "生效判决按期履行率", "judgments.performed_rate", 0, 1)]},
               {"code": "key", "name": "重点工作", "weight": 50,
                "children": [leaf("insp", "上级督查得分", "inspections.mean_score", 60, 100)]}]}
SYSTEM_CODE = "report-test"


@pytest.fixture
def office(world):
    return factories.user("credit_office", world.city_credit)


@pytest.fixture
def quarters(world, office):
    """Published runs for 2026Q2 and 2026Q3 over 昆明市: 五华区财政局 improves, 盘龙区 declines."""
    judgment(world.finance_a, "J1", D(2026, 4, 30), D(2026, 4, 20))
    judgment(world.finance_a, "J2", D(2026, 5, 30))
    judgment(world.gov_a, "J3", D(2026, 6, 1), D(2026, 6, 1))
    inspection(world.finance_a, "D1", D(2026, 4, 10), "70")
    inspection(world.gov_b, "D2", D(2026, 5, 5), "95")
    inspection(world.finance_b, "D3", D(2026, 5, 6), "90")
    inspection(world.city_credit, "D4", D(2026, 5, 7), "85")
    # 2026Q3
    judgment(world.finance_a, "J5", D(2026, 8, 30), D(2026, 8, 20))
    judgment(world.gov_a, "J6", D(2026, 9, 1), D(2026, 8, 28))
    inspection(world.finance_a, "D5", D(2026, 8, 10), "98")
    inspection(world.gov_b, "D6", D(2026, 8, 5), "65")
    inspection(world.finance_b, "D7", D(2026, 8, 6), "75")
    inspection(world.city_credit, "D8", D(2026, 8, 7), "88")
    system = services.create_draft(office, code=SYSTEM_CODE, content=CONTENT, name="报告测试指标体系", basis="测试依据")
    services.publish(office, system)
    q2 = runs.publish_run(office, runs.create_run(office, period="2026Q2", system_code=SYSTEM_CODE, now=NOW))
    q3 = runs.publish_run(office, runs.create_run(office, period="2026Q3", system_code=SYSTEM_CODE, now=NOW))
    return q2, q3
