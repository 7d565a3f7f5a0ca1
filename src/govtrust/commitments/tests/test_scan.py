"""The deadline scan across the 2026 National Day holiday (Oct 1–7 off, Sat Oct 10 a working day), and the CLI."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govtrust.commitments import services
from govtrust.commitments.models import CommitmentEvent
from govtrust.commitments.scan import scan
from govtrust.core.access import SYSTEM


def _events(kind):
    return sorted(CommitmentEvent.objects.filter(kind=kind).values_list("commitment__title", "day"))


@pytest.fixture
def due(make_commitment):
    return {
        "oct9": make_commitment(title="十月九日到期", start=dt.date(2026, 9, 1), due=dt.date(2026, 10, 9)),
        "oct12": make_commitment(title="十月十二日到期", start=dt.date(2026, 9, 1), due=dt.date(2026, 10, 12)),
        "sep25": make_commitment(title="九月二十五日到期", start=dt.date(2026, 9, 1), due=dt.date(2026, 9, 25)),
    }


def test_warns_five_working_days_before_due_across_national_day(settings, due):
    settings.COMMITMENT_WARN_WORKING_DAYS = 5
    first = scan(SYSTEM, dt.date(2026, 9, 28))  # Mon: 5 working days later is Sat Oct 10 (调休上班)
    assert (first.horizon, first.warned, first.overdue) == (dt.date(2026, 10, 10), 1, 1)
    assert _events("warned") == [("十月九日到期", dt.date(2026, 9, 28))]
    assert _events("overdue") == [("九月二十五日到期", dt.date(2026, 9, 28))]
    second = scan(SYSTEM, dt.date(2026, 9, 29))  # Tue: Sep 30, Oct 8, 9, 10, 12 — now Oct 12 is within reach
    assert (second.horizon, second.warned, second.overdue) == (dt.date(2026, 10, 12), 1, 0)
    assert _events("warned") == [("十月九日到期", dt.date(2026, 9, 28)), ("十月十二日到期", dt.date(2026, 9, 29))]
    due["oct12"].refresh_from_db()
    assert due["oct12"].warned_for == dt.date(2026, 10, 12) and not due["oct12"].overdue


def test_scan_is_idempotent_and_marks_overdue_after_the_due_date(due, office_a):
    for _ in range(2):
        scan(SYSTEM, dt.date(2026, 9, 29))
    assert CommitmentEvent.objects.filter(kind="warned").count() == 2
    assert CommitmentEvent.objects.filter(kind="overdue").count() == 1
    services.breach(office_a, due["oct9"], reason="未按期办结", today=dt.date(2026, 10, 10))
    result = scan(SYSTEM, dt.date(2026, 10, 13))
    assert result.overdue == 1 and _events("overdue")[-1] == ("十月十二日到期", dt.date(2026, 10, 13))
    assert scan(SYSTEM, dt.date(2026, 10, 13)).overdue == 0  # the same day again adds nothing
    assert scan(SYSTEM, dt.date(2026, 10, 14)).overdue == 0  # nor does the next day


def test_the_deadlines_command_runs_the_scans(due):
    out = io.StringIO()
    call_command("deadlines", "scan", "--today", "2026-09-29", stdout=out)
    assert "[commitments] 2026-09-29" in out.getvalue() and "逾期1项" in out.getvalue() and "到期提醒2项" in out.getvalue()
    again = io.StringIO()
    call_command("deadlines", "scan", "--today", "2026-09-29", stdout=again)
    assert "逾期0项，到期提醒0项" in again.getvalue()
    assert CommitmentEvent.objects.filter(kind="warned", actor__startswith="cli:").count() == 2
    with pytest.raises(CommandError):
        call_command("deadlines", "scan", "--today", "2026-13-01")
    with pytest.raises(CommandError):
        call_command("deadlines", "scan", "--only", "nonsense")
