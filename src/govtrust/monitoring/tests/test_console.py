"""The console pages: the list with level badges and filters, a warning with its evidence and the body's forms,
the credit office's close form, the rules page and editing a rule, the menu and the home page count."""

import pytest

from govtrust.monitoring.models import WarningRule, WarningStatus
from govtrust.testing import factories

pytestmark = pytest.mark.django_db


def test_list_detail_and_acknowledge_in_the_console(warning, world):
    body = factories.client("department", world.finance_a)
    page = body.get("/console/warnings/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="level-orange"' in html and world.finance_a.name in html
    assert "不是对单位的认定或评价结论" in html
    partial = body.get("/console/warnings/?level=red", HTTP_HX_REQUEST="true").content.decode()
    assert "没有符合条件的预警" in partial and "<html" not in partial

    detail = body.get(f"/console/warnings/{warning.pk}/").content.decode()
    assert warning.summary in detail and warning.evidence["case_number"] in detail and "逾期天数" in detail
    assert 'data-testid="acknowledge-form"' in detail and 'data-testid="action-form"' in detail
    assert 'data-testid="close-form"' not in detail

    res = body.post(f"/console/warnings/{warning.pk}/action/", {"action_report": ""})
    assert res.status_code == 400 and "必须填写处置情况" in res.content.decode()
    res = body.post(f"/console/warnings/{warning.pk}/acknowledge/", {"note": ""})
    assert res.status_code == 302
    warning.refresh_from_db()
    assert warning.status == WarningStatus.ACKNOWLEDGED

    office = factories.client("credit_office", world.credit_a)
    detail = office.get(f"/console/warnings/{warning.pk}/").content.decode()
    assert 'data-testid="close-form"' in detail and 'data-testid="acknowledge-form"' not in detail
    assert office.post(f"/console/warnings/{warning.pk}/close/", {"reason": "核查属实，已督促"}).status_code == 302
    warning.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED

    assert factories.client("department", world.finance_b).get(f"/console/warnings/{warning.pk}/").status_code == 404
    assert factories.client("assessor", world.credit_a).get("/console/warnings/").status_code == 403


def test_rules_page_and_edit(world):
    office = factories.client("credit_office", world.credit_a)
    html = office.get("/console/warnings/rules/").content.decode()
    assert "探索建立政务诚信监测预警机制" in html and 'data-testid="rule-score_drop"' in html and "修改" in html
    r = WarningRule.objects.get(code="publicity_on_time_low")
    form = f"/console/warnings/rules/{r.pk}/edit/"
    assert office.get(form).status_code == 200
    bad = office.post(form, {"level": "yellow", "active": "on", "params.threshold": "2", "params.min_sample": "5",
                             "reason": "调整"})
    assert bad.status_code == 400 and "按时公示率阈值" in bad.content.decode()
    ok = office.post(form, {"level": "orange", "active": "on", "params.threshold": "0.95", "params.min_sample": "5",
                            "reason": "按市信用办通知调整"})
    assert ok.status_code == 302
    r.refresh_from_db()
    assert r.level == "orange" and r.params == {"threshold": 0.95, "min_sample": 5}
    dept = factories.client("department", world.finance_a)
    assert dept.get("/console/warnings/rules/").status_code == 200
    assert "修改</a>" not in dept.get("/console/warnings/rules/").content.decode()
    assert dept.get(form).status_code == 403


def test_menu_and_home_count(warning, world):
    body = factories.client("evaluated_body", world.gov_a)
    html = body.get("/console/").content.decode()
    assert 'href="/console/warnings/"' in html
    assert 'data-testid="open-warning-count">1<' in html
    assessor = factories.client("assessor", world.credit_a)
    html = assessor.get("/console/").content.decode()
    assert 'href="/console/warnings/"' not in html and "open-warning-count" not in html
