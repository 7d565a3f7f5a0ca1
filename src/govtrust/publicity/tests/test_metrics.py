"""Metrics against hand-computed figures, the access layer on them, and the CLI report and export."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from govtrust.core.access import SYSTEM, Role
from govtrust.core.errors import PermissionDenied, ServiceError
from govtrust.publicity import metrics, services
from govtrust.publicity.models import Kind

from .helpers import load, penalty_row

pytestmark = pytest.mark.django_db


def at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T10:00"))


@pytest.fixture
def october(world):
    """County A's finance bureau: 2 on time (one incomplete), 1 late by 4; county B's: 1 late by 1, inaccurate;
    county A's development bureau declares October empty; the city's is silent."""
    load("penalties", [penalty_row(world), penalty_row(world, 违法事实="")], now=at("2026-10-12"))
    load("penalties", [penalty_row(world)], now=at("2026-10-23"))
    b = {"处罚机关": "盘龙区财政", "处罚机关统一社会信用代码": world.finance_b.uscc, "数据来源单位": world.finance_b.name,
         "数据来源单位统一社会信用代码": world.finance_b.uscc}
    load("penalties", [penalty_row(world, **b)], now=at("2026-10-20"))
    services.declare_empty(SYSTEM, world.credit_a, Kind.PENALTY, dt.date(2026, 10, 1), note="本月无行政处罚")
    return world


def test_report_figures_match_hand_computation(october):
    data = metrics.report(SYSTEM, metrics.parse_period("2026-10"), Kind.PENALTY)
    t = data["total"]
    assert (t["total"], t["on_time_count"], t["late"], t["days_late_total"], t["complete_count"], t["accurate_count"]) == (4, 2, 2, 5, 3, 3)
    assert (t["on_time_rate"], t["completeness"], t["accuracy"]) == (0.5, 0.75, 0.75)
    regions = {r["source__region__name"]: r for r in data["by_region"]}
    assert regions["五华区"]["on_time_rate"] == 0.6667 and regions["盘龙区"]["on_time_rate"] == 0.0
    assert regions["盘龙区"]["accuracy"] == 0.0
    (oct_,) = data["coverage"]
    assert (oct_["departments"], oct_["reported"], oct_["declared_empty"], oct_["silent"]) == (4, 2, 1, 1)
    assert oct_["silent_departments"] == ["昆明市发展和改革委员会"]
    kinds = {w["type"] for w in data["warnings"]}
    assert kinds == {"overdue", "incomplete", "inaccurate", "silent"}


def test_quarter_and_other_periods():
    q = metrics.parse_period("2026Q4")
    assert (q.start, q.end, len(q.months())) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1), 3)
    with pytest.raises(ServiceError):
        metrics.parse_period("2026-13")


def test_a_county_user_sees_only_its_county(october, make_user):
    user = make_user(Role.CREDIT_OFFICE, october.credit_a)
    data = metrics.report(user, metrics.parse_period("2026-10"), Kind.PENALTY)
    assert data["total"]["total"] == 3 and [r["source__region__name"] for r in data["by_region"]] == ["五华区"]
    (oct_,) = data["coverage"]
    assert (oct_["departments"], oct_["reported"], oct_["declared_empty"], oct_["silent"]) == (2, 1, 1, 0)


def test_declaring_a_month_with_decisions_is_refused(october):
    with pytest.raises(ServiceError, match="已有"):
        services.declare_empty(SYSTEM, october.finance_a, Kind.PENALTY, dt.date(2026, 10, 1))


def test_cli_report_text_and_json(october):
    out = io.StringIO()
    call_command("publicity", "report", "--month", "2026-10", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["total"]["total"] == 4 and data["period"] == "2026-10"
    out = io.StringIO()
    call_command("publicity", "report", "--quarter", "2026Q4", "--kind", "penalty", stdout=out)
    assert "按时公示率 50.0%" in out.getvalue() and "[silent] 昆明市发展和改革委员会" in out.getvalue()


def test_cli_export_csv_json_xlsx(october, tmp_path):
    load("penalties", [penalty_row(october, 行政相对人名称="=HYPERLINK(1)")], now=at("2026-10-30"))
    out = io.StringIO()
    call_command("publicity", "export", "--since", "2026-10-21", "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert rows[0][:2] == ["行政相对人名称", "行政相对人类别"] and len(rows) == 1 + 2  # published Oct 23 and Oct 30
    assert "'=HYPERLINK(1)" in [r[0] for r in rows]
    out = io.StringIO()
    call_command("publicity", "export", "--format", "json", stdout=out)
    assert len(json.loads(out.getvalue())) == 5
    path = tmp_path / "p.xlsx"
    call_command("publicity", "export", "--format", "xlsx", "--output", str(path))
    sheet = load_workbook(path).active
    assert sheet.max_row == 6 and sheet["A1"].value == "行政相对人名称"


def test_withdraw_needs_the_permission(october, make_user):
    from govtrust.publicity.models import Decision

    user = make_user(Role.DEPARTMENT, october.finance_a)
    with pytest.raises(PermissionDenied):
        services.withdraw(user, Decision.objects.first(), note="撤销")
