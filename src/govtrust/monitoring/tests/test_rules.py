"""One test per rule kind: the warning appears with its level and evidence when the rule's condition holds, and
not at the boundary (exactly at the threshold) or outside the window; a rescan never duplicates."""

import datetime as dt

import pytest

from govtrust.commitments import services as commitments
from govtrust.commitments.rectification_scan import open_cases
from govtrust.complaints import intake
from govtrust.core.access import SYSTEM
from govtrust.core.audit import AuditEvent
from govtrust.ledger.models import Record
from govtrust.monitoring import catalog
from govtrust.monitoring.models import Level, RuleKind, Warning, WarningRule, WarningStatus
from govtrust.publicity.tests.helpers import load, penalty_row

from .conftest import TODAY, at, of, rule, scan

pytestmark = pytest.mark.django_db


def test_seven_default_rules_one_per_kind_with_basis_and_params():
    rules = list(WarningRule.objects.all())
    assert len(rules) == 7 == len(catalog.default_rules())
    assert {r.kind for r in rules} == set(RuleKind.values)
    assert all(r.basis and r.params and r.active for r in rules)
    assert rule("publicity_on_time_low").params == {"threshold": 0.9, "min_sample": 5}
    assert rule("complaints_surge").params == {"factor": 2, "window_months": 6, "min_count": 3}
    assert rule("score_drop").params["drop"] == 10
    assert rule("new_serious_breach").level == Level.RED


def test_new_serious_breach(make_record, world):
    record = make_record(created=dt.date(2026, 10, 10))
    edge = make_record(created=TODAY - dt.timedelta(days=30))  # exactly the look-back: still in
    make_record(created=TODAY - dt.timedelta(days=31))  # before the look-back
    make_record(severity="一般", created=dt.date(2026, 10, 10))  # not serious
    make_record(created=dt.date(2026, 10, 10), **{"决定日期": "2025-10-14"})  # decided 366 days ago: old news
    in_year = make_record(created=dt.date(2026, 10, 10), **{"决定日期": "2025-10-15"})  # decided 365 days ago
    result = scan()
    found = of("new_serious_breach")
    assert {w.key for w in found} == {f"record:{record.pk}", f"record:{edge.pk}", f"record:{in_year.pk}"}
    assert result.created["new_serious_breach"] == 3 and "新增" in result.summary()
    w = found.get(key=f"record:{record.pk}")
    assert w.body == world.finance_a and w.level == Level.RED and w.status == WarningStatus.OPEN
    assert w.evidence["record_id"] == record.pk and w.evidence["document_number"] == record.document_number
    assert w.evidence["lookback_days"] == 30 and w.evidence["decided_within_days"] == 365
    assert w.evidence["params"] == {"lookback_days": 30, "decided_within_days": 365}
    assert record.document_number in w.summary and "严重失信记录" in w.summary and w.triggered_on == TODAY
    assert AuditEvent.objects.filter(object_type="monitoring.warning", object_id=str(w.pk), action="trigger").exists()
    again = scan()
    assert again.created["new_serious_breach"] == 0 and again.triggered["new_serious_breach"] == 3
    assert Warning.objects.filter(rule__code="new_serious_breach").count() == 3


def test_new_serious_breach_of_a_civil_servant_is_not_a_body_warning(make_record, world, penalty):
    from govtrust.intake.services import run_import
    from govtrust.testing import factories

    rid = factories.resident_id("530102")
    factories.civil_servant(world.finance_a, "赵六", resident_id=rid)
    row = factories.record_row(penalty.name, None, source=world.credit_a,
                               **{"主体名称": "赵六", "公民身份号码": rid, "失信程度": "严重"})
    run_import(SYSTEM, dataset="records", filename="p.csv", content=factories.records_csv([row]), reason="测试")
    Record.objects.update(created_at=at(dt.date(2026, 10, 10)))
    assert Record.objects.get().severity == "serious" and Record.objects.get().organization_id is None
    scan()
    assert not of("new_serious_breach").exists()


def test_rectification_overdue(make_record, world):
    record = make_record(created=dt.date(2026, 9, 29), severity="一般")
    open_cases(SYSTEM, dt.date(2026, 9, 30))
    case = record.rectification
    assert case.current_due == dt.date(2026, 10, 12)
    assert scan(dt.date(2026, 10, 12)).created["rectification_overdue"] == 0  # due today: not overdue
    assert scan(dt.date(2026, 10, 13)).created["rectification_overdue"] == 1
    w = of("rectification_overdue").get()
    assert w.key == f"case:{case.pk}:2026-10-12" and w.level == Level.ORANGE and w.body == world.finance_a
    assert w.evidence["due"] == "2026-10-12" and w.evidence["days_overdue"] == 1 and w.evidence["stage"] == "书面说明"
    assert w.evidence["document_number"] == record.document_number and "逾期1天" in w.summary
    assert scan(dt.date(2026, 10, 20)).created["rectification_overdue"] == 0  # the same deadline: no new warning


def _decisions(world, body, on_time: int, late: int) -> None:
    cells = {"数据来源单位": body.name, "数据来源单位统一社会信用代码": body.uscc, "处罚决定日期": "2026-09-01"}
    if on_time:
        load("penalties", [penalty_row(world, **cells) for _ in range(on_time)], now=at(dt.date(2026, 9, 3)))
    if late:
        load("penalties", [penalty_row(world, **cells) for _ in range(late)], now=at(dt.date(2026, 10, 9)))


def test_publicity_on_time_low(world):
    _decisions(world, world.finance_a, on_time=8, late=2)  # 0.80 < 0.90
    _decisions(world, world.finance_b, on_time=9, late=1)  # exactly 0.90: not below
    _decisions(world, world.credit_a, on_time=0, late=4)  # 0.00 but only 4 decisions (< min_sample 5)
    scan()
    (w,) = of("publicity_on_time_low")
    assert w.body == world.finance_a and w.level == Level.YELLOW and w.period == "2026-09"
    assert w.key == f"body:{world.finance_a.pk}:2026-09"
    assert w.summary == "2026年9月双公示按时公示率0.80，低于规则阈值0.90（样本10件，按时公示8件）"
    assert (w.evidence["sample"], w.evidence["on_time"], w.evidence["late"]) == (10, 8, 2)
    assert w.evidence["threshold"] == "0.9" and w.evidence["from"] == "2026-09-01" and w.evidence["to"] == "2026-09-30"
    assert scan().created["publicity_on_time_low"] == 0


def _complaints(world, body, per_month: dict[str, int]) -> None:
    for month, n in per_month.items():
        year, m = (int(x) for x in month.split("-"))
        for i in range(n):
            intake.file_public(intake.Filing(category="arrears", body=body.name, anonymous=True,
                                             facts=f"货物已验收，至今未付款（{month}第{i + 1}件）。"),
                               today=dt.date(year, m, 10 + i))


def test_complaints_surge(world):
    _complaints(world, world.finance_a, {"2026-03": 2, "2026-06": 4, "2026-09": 3})  # mean 1.00, 3 > 2 × 1
    _complaints(world, world.finance_b, {"2026-04": 4, "2026-07": 5, "2026-09": 3})  # mean 1.50, 3 = 2 × 1.5
    _complaints(world, world.gov_a, {"2026-09": 2})  # above a zero mean, but fewer than min_count 3
    _complaints(world, world.credit_a, {"2026-02": 6, "2026-10": 4})  # February is outside the window, October unfinished
    scan()
    (w,) = of("complaints_surge")
    assert w.body == world.finance_a and w.level == Level.YELLOW and w.period == "2026-09"
    assert (w.evidence["count"], w.evidence["prior_total"], w.evidence["window_months"]) == (3, 6, 6)
    assert w.evidence["prior_from"] == "2026-03-01" and w.evidence["prior_to"] == "2026-08-31"
    assert w.evidence["mean"] == "1.0000" and w.evidence["factor"] == "2"
    assert "登记投诉举报3件" in w.summary and "月均1.00件" in w.summary
    assert "serial" not in str(w.evidence)  # counts only: the complaints themselves are not shown to the body


def test_commitment_breached(world, office_a):
    def breached(day, title):
        c = commitments.create(office_a, subject=world.finance_a, kind="service_quality", title=title,
                               content="窗口办件一次办结率不低于95%", start_date=dt.date(2026, 1, 1),
                               due_date=dt.date(2026, 6, 30), today=dt.date(2026, 1, 1))
        return commitments.breach(office_a, c, reason="未达到承诺目标", today=day)

    recent = breached(dt.date(2026, 10, 10), "办结率承诺")
    edge = breached(TODAY - dt.timedelta(days=30), "边界承诺")
    breached(TODAY - dt.timedelta(days=31), "过早承诺")
    scan()
    found = of("commitment_breached")
    assert {w.key for w in found} == {f"commitment:{recent.pk}", f"commitment:{edge.pk}"}
    w = found.get(key=f"commitment:{recent.pk}")
    assert w.level == Level.ORANGE and w.body == world.finance_a
    assert w.evidence["concluded_on"] == "2026-10-10" and w.evidence["title"] == "办结率承诺"
    assert w.evidence["record_id"] == recent.ledger_record_id
    assert "办结率承诺" in w.summary and "2026-10-10被认定未履行" in w.summary


def test_judgment_unperformed(judgment, world):
    late = judgment(due_on=dt.date(2026, 10, 14))
    judgment(due_on=dt.date(2026, 9, 1), performed_on=dt.date(2026, 9, 20))  # performed (late, but performed)
    judgment(due_on=dt.date(2026, 12, 31))  # not due yet
    assert scan(dt.date(2026, 10, 14)).created["judgment_unperformed"] == 0  # due today
    assert scan(dt.date(2026, 10, 15)).created["judgment_unperformed"] == 1
    w = of("judgment_unperformed").get()
    assert w.key == f"judgment:{late.pk}" and w.level == Level.ORANGE and w.body == world.finance_a
    assert w.evidence["case_number"] == late.case_number and w.evidence["days_overdue"] == 1
    assert late.case_number in w.summary and "未登记履行日期" in w.summary


def test_score_drop(make_run, world):
    q2 = make_run("2026Q2", {world.gov_a: "85.00", world.finance_a: "85.00", world.gov_b: "70.00"},
                  published=at(dt.date(2026, 7, 10)))
    q3 = make_run("2026Q3", {world.gov_a: "75.00", world.finance_a: "75.01", world.gov_b: "50.00"})
    make_run("2026Q3", {world.finance_b: "10.00"}, status="draft")  # not published
    scan()
    found = of("score_drop")
    assert {w.body for w in found} == {world.gov_a, world.gov_b}  # a drop of exactly 10 counts; 9.99 does not
    w = found.get(body=world.gov_a)
    assert w.key == f"run:{q3.pk}:body:{world.gov_a.pk}" and w.level == Level.YELLOW and w.period == "2026Q3"
    assert (w.evidence["score"], w.evidence["previous_score"], w.evidence["drop"]) == ("75.00", "85.00", "10.00")
    assert w.evidence["previous_run_id"] == q2.pk and w.evidence["previous_period"] == "2026Q2"
    assert "较上期（2026Q2）85.00下降10.00分" in w.summary
    assert scan().created["score_drop"] == 0


def test_score_drop_ignores_other_regions_and_old_runs(make_run, world):
    make_run("2026Q2", {world.gov_a: "90.00"}, region=world.county_a, published=at(dt.date(2026, 7, 10)))
    make_run("2026Q3", {world.gov_a: "50.00"})  # region: the city — another evaluation
    make_run("2026Q1", {world.gov_b: "90.00"}, published=at(dt.date(2026, 4, 10)))
    make_run("2026Q2", {world.gov_b: "50.00"}, published=at(dt.date(2026, 7, 10)))  # published 97 days ago
    scan()
    assert not of("score_drop").exists()


def test_inactive_rules_and_rules_not_yet_in_force_do_not_run(judgment):
    judgment()
    WarningRule.objects.filter(code="judgment_unperformed").update(active=False)
    assert "judgment_unperformed" not in scan().created
    WarningRule.objects.filter(code="judgment_unperformed").update(active=True, in_force_from=dt.date(2027, 1, 1))
    assert "judgment_unperformed" not in scan().created
    WarningRule.objects.filter(code="judgment_unperformed").update(in_force_from=dt.date(2026, 1, 1))
    assert scan().created["judgment_unperformed"] == 1


def test_changed_params_apply_at_the_next_scan(judgment, office_a):
    from govtrust.monitoring import services

    judgment(due_on=dt.date(2026, 10, 10))  # 5 days overdue on TODAY
    services.update_rule(office_a, rule("judgment_unperformed"), params={"min_days_overdue": 6}, reason="本地规定")
    assert scan().created["judgment_unperformed"] == 0
    assert scan(TODAY + dt.timedelta(days=1)).created["judgment_unperformed"] == 1


def test_the_daily_scan_registry_runs_it(judgment):
    from govtrust.jobs import scans

    judgment()
    result = scans.run(SYSTEM, TODAY, only=["warnings"])["warnings"]
    assert result.created["judgment_unperformed"] == 1 and "监测预警：新增1条" in result.summary()
