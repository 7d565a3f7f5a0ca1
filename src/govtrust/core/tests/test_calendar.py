"""The working-day calendar (REFERENCE §6): 2026 across the Spring Festival and National Day, starts on
holidays, weekends and adjusted working days; admin-entered years; unknown years are errors."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govtrust.core import calendar
from govtrust.core.access import SYSTEM, Role
from govtrust.core.context import acting
from govtrust.core.errors import ServiceError
from govtrust.core.models import AuditEvent
from govtrust.testing import factories

D = dt.date


@pytest.mark.parametrize(("start", "n", "expected", "why"), [
    (D(2026, 2, 12), 1, D(2026, 2, 13), "Thursday → Friday before the festival"),
    (D(2026, 2, 13), 1, D(2026, 2, 14), "Friday → Saturday 14 Feb, an adjusted working day"),
    (D(2026, 2, 13), 2, D(2026, 2, 24), "then the nine days off (15–23 Feb) are skipped"),
    (D(2026, 2, 14), 1, D(2026, 2, 24), "start on an adjusted working day"),
    (D(2026, 2, 15), 1, D(2026, 2, 24), "start on the first day off"),
    (D(2026, 2, 18), 1, D(2026, 2, 24), "start mid-holiday: strictly after, not inclusive"),
    (D(2026, 2, 23), 1, D(2026, 2, 24), "start on the last day off"),
    (D(2026, 2, 23), 5, D(2026, 2, 28), "Saturday 28 Feb is a working day"),
    (D(2026, 2, 23), 6, D(2026, 3, 2), "Sunday 1 Mar is not"),
    (D(2026, 2, 10), 7, D(2026, 2, 26), "seven working days (双公示) across the Spring Festival"),
    (D(2026, 9, 18), 1, D(2026, 9, 20), "Friday → Sunday 20 Sep, an adjusted working day"),
    (D(2026, 9, 24), 1, D(2026, 9, 28), "Mid-Autumn 25–27 Sep skipped"),
    (D(2026, 9, 30), 1, D(2026, 10, 8), "National Day 1–7 Oct skipped"),
    (D(2026, 10, 1), 1, D(2026, 10, 8), "start on National Day"),
    (D(2026, 10, 3), 3, D(2026, 10, 10), "Thursday 8, Friday 9, Saturday 10 Oct (adjusted)"),
    (D(2026, 9, 30), 7, D(2026, 10, 15), "seven working days across National Day"),
    (D(2026, 10, 10), 1, D(2026, 10, 12), "start on an adjusted working day: the Sunday after is off"),
    (D(2026, 11, 21), 1, D(2026, 11, 23), "start on a Saturday"),
    (D(2026, 11, 22), 1, D(2026, 11, 23), "start on a Sunday"),
    (D(2026, 11, 20), 0, D(2026, 11, 20), "n = 0 is the start itself"),
])
def test_add_working_days_2026(db, start, n, expected, why):
    assert calendar.add_working_days(start, n) == expected, why
    assert calendar.working_days_between(start, expected) == n, why


@pytest.mark.parametrize(("day", "working"), [
    (D(2026, 1, 4), True),  # Sunday, adjusted
    (D(2026, 1, 2), False),  # Friday, New Year
    (D(2026, 2, 28), True),  # Saturday, adjusted
    (D(2026, 5, 9), True),
    (D(2026, 5, 5), False),  # Tuesday, Labour Day
    (D(2026, 6, 19), False),
    (D(2026, 11, 21), False),  # an ordinary Saturday
    (D(2026, 11, 23), True),
])
def test_is_working_day(db, day, working):
    assert calendar.is_working_day(day) is working


def test_between_is_empty_when_the_end_is_not_after_the_start(db):
    assert calendar.working_days_between(D(2026, 3, 10), D(2026, 3, 10)) == 0
    assert calendar.working_days_between(D(2026, 3, 10), D(2026, 3, 2)) == 0
    assert calendar.working_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 248  # 365 − 104 weekend days − 19 weekdays off + 6 adjusted


def test_an_unknown_year_is_an_error_never_a_weekday_guess(db):
    with pytest.raises(calendar.UnknownCalendarYear) as exc:
        calendar.add_working_days(D(2026, 12, 30), 3)  # crosses into 2027, not yet entered
    assert exc.value.year == 2027 and "2027" in exc.value.message and "2027" in exc.value.message_en
    with pytest.raises(calendar.UnknownCalendarYear):
        calendar.add_working_days(D(2031, 5, 6), 0)
    with pytest.raises(calendar.UnknownCalendarYear):
        calendar.working_days_between(D(2003, 12, 1), D(2003, 12, 5))


def test_bad_arguments_are_refused(db):
    with pytest.raises(ServiceError) as exc:
        calendar.add_working_days(D(2026, 3, 2), -1)
    assert exc.value.errors[0].field == "n"
    with pytest.raises(TypeError):
        calendar.add_working_days(dt.datetime(2026, 3, 2, 9, 0), 1)


def _enter_2027(principal=SYSTEM, **kw):
    days = [(D(2027, 1, 1), "holiday", "元旦"), (D(2027, 2, 5), "holiday", "春节"),
            (D(2027, 2, 8), "holiday", "春节"), (D(2027, 2, 7), "workday", "春节")]
    args = {"year": 2027, "basis": "国办发明电〔2026〕示例号（测试）", "days": days} | kw
    return calendar.set_year_schedule(principal, **args)


def test_an_entered_year_is_used_and_audited(db):
    _enter_2027()
    assert calendar.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)  # Fri 1 Jan off, weekend
    assert calendar.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 7)  # Fri 5 off, Sat off, Sun 7 adjusted
    assert calendar.add_working_days(D(2027, 2, 7), 1) == D(2027, 2, 9)  # Mon 8 off
    cal = calendar.WorkingCalendar()
    cal.add_working_days(D(2026, 12, 30), 5)
    assert [(s.year, s.source, s.revision) for s in cal.used()] == [(2026, "builtin", 0), (2027, "admin", 1)]
    event = AuditEvent.objects.filter(object_type="core.workcalendaryear").latest("seq")
    assert event.action == "create" and ["2027-02-07", "workday", "春节"] in event.after["days"]


def test_re_entering_a_year_replaces_it_and_bumps_the_revision(db):
    _enter_2027()
    _enter_2027(days=[(D(2027, 1, 1), "holiday", "元旦")])
    schedule = calendar.schedule_for(2027)
    assert schedule.revision == 2 and list(schedule.holidays) == [D(2027, 1, 1)] and not schedule.workdays
    assert calendar.add_working_days(D(2027, 2, 4), 1) == D(2027, 2, 5)  # the cache saw the change
    assert AuditEvent.objects.filter(object_type="core.workcalendaryear", action="update").count() == 1


def test_an_entered_year_overrides_the_builtin_data(db):
    calendar.set_year_schedule(SYSTEM, year=2026, basis="更正（测试）", days=[(D(2026, 10, 1), "holiday", "国庆节")])
    assert calendar.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 2)
    assert calendar.schedule_for(2026).source == "admin"


def test_entering_a_year_checks_every_day_and_writes_nothing_when_wrong(db):
    with pytest.raises(ServiceError) as exc:
        _enter_2027(basis="", days=[(D(2026, 1, 1), "holiday", ""), (D(2027, 3, 3), "workday", "x"),
                                    (D(2027, 3, 6), "rest", ""), (D(2027, 3, 6), "holiday", "")])
    fields = [e.field for e in exc.value.errors]
    assert fields == ["basis", "days.0.date", "days.1.kind", "days.2.kind", "days.3.date"]
    assert "周六或周日" in exc.value.errors[2].message and "weekend" in exc.value.errors[2].message_en
    assert not calendar.WorkCalendarYear.objects.exists()
    with pytest.raises(ServiceError) as exc:
        _enter_2027(year=1800)
    assert exc.value.errors[0].field == "year"


def test_entering_a_year_needs_the_permission(world):
    dept = factories.user(Role.DEPARTMENT, world.finance_a)
    with pytest.raises(ServiceError) as exc:
        _enter_2027(dept)
    assert exc.value.status == 403
    admin = factories.user(Role.ADMIN, None)
    with acting(user=admin, channel="console"), pytest.raises(ServiceError) as exc:
        _enter_2027(admin)
    assert exc.value.errors[0].field == "reason"
    with acting(user=admin, channel="console", reason="国务院办公厅通知已发布"):
        _enter_2027(admin, reason="国务院办公厅通知已发布")
    assert calendar.schedule_for(2027).source == "admin"


def test_parse_schedule_text_reads_ranges_and_names_bad_lines():
    days = calendar.parse_schedule_text("# 2027\n2027-02-06~2027-02-08 放假 春节\n2027年2月14日 补班\n\n２０２７/1/1 holiday 元旦")
    assert days == [(D(2027, 2, 6), "holiday", "春节"), (D(2027, 2, 7), "holiday", "春节"),
                    (D(2027, 2, 8), "holiday", "春节"), (D(2027, 2, 14), "workday", ""),
                    (D(2027, 1, 1), "holiday", "元旦")]
    with pytest.raises(ServiceError) as exc:
        calendar.parse_schedule_text("2027-02-30 放假\n2027-01-01 休假日\n2027-03-01~2027-02-01 放假")
    assert [e.row for e in exc.value.errors] == [1, 2, 3]
    assert "不存在" in exc.value.errors[0].message and "does not exist" in exc.value.errors[0].message_en


def _workdays(*args):
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


def test_workdays_cli(db):
    assert _workdays("add", "2026-09-30", "1") == "2026-10-08"
    assert _workdays("add", "2026-02-13", "2") == "2026-02-24"
    assert _workdays("between", "2026-09-30", "2026-10-15") == "7"
    with pytest.raises(CommandError) as exc:
        _workdays("add", "2027-03-01", "1")
    assert "2027" in str(exc.value) and "not been entered" in str(exc.value)
