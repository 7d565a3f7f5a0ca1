"""The scheduled expiry and the recorded, incremental export through the CLI (call_command)."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from govtrust.core.access import SYSTEM
from govtrust.core.models import AuditEvent
from govtrust.publicity import services
from govtrust.publicity.models import Decision, ExportRun, Status

from .helpers import licence_row, load, penalty_row

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 10, 21, 10, 0))


def _export(*args):
    out = io.StringIO()
    call_command("publicity", "export", *args, stdout=out, stderr=io.StringIO())
    rows = list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    return rows[0], [r[0] for r in rows[1:]]


def test_expire_command_marks_decisions_past_their_disclosure_end(world):
    load("penalties", [penalty_row(world, 行政相对人名称="到期公司", 公示截止期="2026-10-31"),
                       penalty_row(world, 行政相对人名称="未到期公司", 公示截止期="2026-11-30")], now=NOW)
    out = io.StringIO()
    call_command("publicity", "expire", "--today", "2026-11-01", stdout=out)
    assert "公示期满1项" in out.getvalue() and "1 decisions expired as of 2026-11-01" in out.getvalue()
    assert dict(Decision.objects.values_list("counterparty_name", "status")) == {
        "到期公司": Status.EXPIRED, "未到期公司": Status.PUBLISHED}
    (event,) = AuditEvent.objects.filter(action="expire")
    assert event.channel == "job" and event.after == {"status": "expired"} and "2026-10-31" in event.reason
    out = io.StringIO()
    call_command("publicity", "expire", "--today", "2026-11-01", stdout=out)
    assert "公示期满0项" in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("publicity", "expire", "--today", "11/01/2026")


def test_export_since_last_exports_only_what_is_new(world):
    load("penalties", [penalty_row(world, 行政相对人名称="甲公司"), penalty_row(world, 行政相对人名称="乙公司")], now=NOW)
    load("licences", [licence_row(world, 行政相对人名称="丙店")], now=NOW)
    headers, first = _export("--since", "last", "--format", "csv")
    assert headers[0] == "行政相对人名称" and sorted(first) == ["乙公司", "甲公司"]  # no earlier run: everything
    run1 = ExportRun.objects.get()
    assert (run1.kind, run1.format, run1.count, run1.since, run1.previous) == ("penalty", "csv", 2, None, None)
    assert run1.actor.startswith("cli:")

    load("penalties", [penalty_row(world, 行政相对人名称="丁公司")], now=timezone.now())
    _, second = _export("--since", "last")
    assert second == ["丁公司"]
    run2 = ExportRun.objects.order_by("-id").first()
    assert run2.since == run1.until and run2.previous == run1 and run2.count == 1

    _, nothing = _export("--since", "last")
    assert nothing == []
    services.withdraw(SYSTEM, Decision.objects.get(counterparty_name="甲公司"), note="原决定已撤销")
    _, withdrawn = _export("--since", "last")
    assert withdrawn == ["甲公司"]  # a withdrawal is a change the receiving platform must hear about

    _, licences = _export("--since", "last", "--kind", "licence")  # each kind has its own chain
    assert licences == ["丙店"]
    _, elsewhere = _export("--since", "last", "--target", "信用中国")  # and each target
    assert sorted(elsewhere) == ["丁公司", "乙公司", "甲公司"]
    _, by_date = _export("--since", "2026-10-21")  # a date still works, and is recorded as a run too
    assert sorted(by_date) == ["丁公司", "乙公司", "甲公司"]

    assert ExportRun.objects.count() == 7
    events = AuditEvent.objects.filter(action="export").order_by("seq")
    assert events.count() == 7 and events[1].after["count"] == 1 and events[1].after["kind"] == "penalty"
    assert events[5].after["target"] == "信用中国"


def test_export_refuses_a_bad_since(world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("publicity", "export", "--since", "yesterday")
    assert not ExportRun.objects.exists()
