"""Acknowledge, report action, close: the flows, the audit trail, the refusals (zh + en) and every role."""

import datetime as dt

import pytest

from govtrust.core.access import SYSTEM, Role
from govtrust.core.audit import AuditEvent
from govtrust.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from govtrust.monitoring import queries, services
from govtrust.monitoring.models import Warning, WarningStatus
from govtrust.testing import factories

from .conftest import TODAY, of, rule, scan

pytestmark = pytest.mark.django_db


def _events(w, action):
    return AuditEvent.objects.filter(object_type="monitoring.warning", object_id=str(w.pk), action=action)


def test_acknowledge_report_close(warning, dept_a, office_a):
    w = services.acknowledge(dept_a, warning, "已收到，正在核查")
    assert w.status == WarningStatus.ACKNOWLEDGED and w.acknowledged_at and w.acknowledge_note == "已收到，正在核查"
    assert _events(w, "acknowledge").get().reason == "已收到，正在核查"
    with pytest.raises(Conflict) as err:
        services.acknowledge(dept_a, w)
    assert "已签收" in err.value.message and err.value.message_en

    with pytest.raises(ServiceError) as err:
        services.report_action(dept_a, w, "   ")
    (e,) = err.value.errors
    assert (e.field, e.message, e.message_en) == ("action_report", "必须填写处置情况", "the action taken is required")
    w = services.report_action(dept_a, w, "已与法院沟通，10月20日前履行完毕")
    assert w.status == WarningStatus.ACTIONED and w.reported_at and w.action_report.startswith("已与法院沟通")
    assert _events(w, "report_action").get().after["status"] == "actioned"

    with pytest.raises(PermissionDenied):
        services.close(dept_a, w, "已处置")
    with pytest.raises(ServiceError) as err:
        services.close(office_a, w, "")
    assert err.value.errors[0].field == "reason" and err.value.errors[0].message_en
    w = services.close(office_a, w, "处置情况属实")
    assert w.status == WarningStatus.CLOSED and w.close_reason == "处置情况属实"
    with pytest.raises(Conflict):
        services.close(office_a, w, "再次关闭")
    with pytest.raises(Conflict):
        services.report_action(dept_a, w, "补充")


def test_reporting_without_acknowledging_first_acknowledges_too(warning, dept_a):
    w = services.report_action(dept_a, warning, "已履行")
    assert w.status == WarningStatus.ACTIONED and w.acknowledged_at == w.reported_at


def test_someone_elses_warning_is_refused_with_a_clear_reason(warning, world, office_a):
    other_dept = factories.user("department", world.finance_b)
    with pytest.raises(PermissionDenied) as err:
        services.acknowledge(other_dept, warning)
    assert "不是发给您所在单位" in err.value.message and "not addressed to your organization" in err.value.message_en
    with pytest.raises(PermissionDenied) as err:
        services.acknowledge(office_a, warning)  # the credit office sees it, but the body signs for it
    assert "只有被预警单位" in err.value.message and "Only the warned body" in err.value.message_en
    with pytest.raises(NotFound):
        queries.get(other_dept, warning.pk)
    warning.refresh_from_db()
    assert warning.status == WarningStatus.OPEN


# role → home (World attribute or None), sees the warning, may acknowledge it, may close it
ROLES = [
    (Role.ADMIN, None, True, True, True),
    (Role.CREDIT_OFFICE, "credit_a", True, False, True),
    (Role.CREDIT_OFFICE, "city_credit", True, False, True),
    (Role.DEPARTMENT, "finance_a", True, True, False),
    (Role.ORGANIZATION_DEPT, "gov_a", True, False, False),
    (Role.DISCIPLINE, "gov_a", True, False, False),
    (Role.EVALUATED_BODY, "gov_a", True, True, False),  # its own subtree: the government and its departments
    (Role.SYSTEM, "credit_a", True, False, False),
    (Role.ASSESSOR, "credit_a", None, False, False),  # None: no permission at all
    (Role.AUDITOR, None, None, False, False),
    (Role.PUBLIC, None, None, False, False),
]


@pytest.mark.parametrize(("role", "home", "sees", "responds", "closes"), ROLES)
def test_every_role(warning, world, role, home, sees, responds, closes):
    user = factories.user(role, getattr(world, home) if home else None)
    if sees is None:
        with pytest.raises(PermissionDenied):
            queries.visible(user)
        assert queries.count_for(user) == 0
    else:
        assert list(queries.visible(user)) == [warning]
        assert queries.get(user, warning.pk) == warning and queries.count_for(user) == 1
        assert list(queries.for_body(user, world.finance_a)) == [warning]
    if responds:
        assert services.acknowledge(user, warning).status == WarningStatus.ACKNOWLEDGED
    else:
        with pytest.raises(PermissionDenied):
            services.acknowledge(user, warning)
    if closes:
        assert services.close(user, warning, "测试关闭").status == WarningStatus.CLOSED
    else:
        with pytest.raises(PermissionDenied):
            services.close(user, warning, "测试关闭")


@pytest.mark.parametrize("role", [Role.CREDIT_OFFICE, Role.DEPARTMENT, Role.EVALUATED_BODY])
def test_county_b_sees_nothing_of_county_a(warning, world, role):
    user = factories.user(role, world.finance_b if role == Role.DEPARTMENT else world.gov_b)
    assert not queries.visible(user).exists()
    assert queries.open_counts(user) == {"red": 0, "orange": 0, "yellow": 0}
    with pytest.raises(NotFound):
        queries.get(user, warning.pk)


def test_open_counts_and_for_body(warning, world, office_a, dept_a, judgment):
    judgment(body=world.gov_a)
    scan()
    assert queries.open_counts(office_a) == {"red": 0, "orange": 2, "yellow": 0}
    assert queries.open_counts(office_a, world.finance_a) == {"red": 0, "orange": 1, "yellow": 0}
    services.report_action(dept_a, warning, "已履行")
    assert queries.open_counts(office_a)["orange"] == 1
    assert list(queries.for_body(office_a, world.finance_a)) == [warning]
    assert not queries.for_body(office_a, world.finance_b).exists()
    assert queries.filter_warnings(office_a, queries.Filters(status="open")).count() == 1
    assert queries.filter_warnings(office_a, queries.Filters(level="orange", rule="judgment_unperformed",
                                                             body=world.gov_a.pk)).count() == 1


def test_scan_needs_the_manage_permission_and_stays_in_scope(judgment, world, office_a, dept_a):
    judgment(body=world.finance_a)
    judgment(body=world.finance_b)
    with pytest.raises(PermissionDenied):
        services.scan(dept_a, TODAY)
    assert services.scan(office_a, TODAY).created["judgment_unperformed"] == 1  # county B's is not county A's to raise
    assert of("judgment_unperformed").get().body == world.finance_a
    assert services.scan(SYSTEM, TODAY).created["judgment_unperformed"] == 1


def test_update_rule_validates_every_param_and_audits(office_a, dept_a):
    r = rule("publicity_on_time_low")
    with pytest.raises(PermissionDenied):
        services.update_rule(dept_a, r, params={"threshold": 0.8, "min_sample": 5}, reason="x")
    with pytest.raises(ServiceError) as err:
        services.update_rule(office_a, r, level="purple", params={"threshold": "1.5", "min_sample": "2.5", "x": 1},
                             reason="")
    fields = {e.field for e in err.value.errors}
    assert fields == {"level", "params.threshold", "params.min_sample", "params.x", "reason"}
    assert all(e.message and e.message_en for e in err.value.errors)
    r = services.update_rule(office_a, r, level="orange", params={"threshold": "0.85", "min_sample": "8"},
                             active=True, reason="按市信用办通知调整")
    assert r.level == "orange" and r.params == {"threshold": 0.85, "min_sample": 8} and r.updated_by
    event = AuditEvent.objects.filter(object_type="monitoring.warningrule", object_id=str(r.pk)).get()
    assert event.before["level"] == "yellow" and event.after["params"]["threshold"] == 0.85
    assert services.update_rule(office_a, r, level="orange", reason="无变化").pk == r.pk
    assert AuditEvent.objects.filter(object_type="monitoring.warningrule").count() == 1


def test_a_warning_keeps_the_level_and_params_it_was_raised_under(warning, office_a):
    services.update_rule(office_a, rule("judgment_unperformed"), level="red", params={"min_days_overdue": 3},
                         reason="调整")
    warning.refresh_from_db()
    assert warning.level == "orange" and warning.evidence["params"] == {"min_days_overdue": 1}
    assert Warning.objects.count() == 1 and scan(TODAY + dt.timedelta(days=5)).created["judgment_unperformed"] == 0
