"""`govtrust deadlines scan` runs every app's registered scan, once per day, each idempotent."""

import io

import pytest
from django.core.management import CommandError, call_command

from govtrust.intake.services import run_import
from govtrust.ledger.models import Record, RecordStatus
from govtrust.testing import factories


def test_the_daily_scan_runs_every_apps_scan_and_expires_old_records(world):
    penalty = factories.category("scan_penalty", name="扫描测试处罚")
    rows = [factories.record_row(penalty.name, world.finance_a, decided="2020-01-10", source=world.credit_a)]
    run_import(factories.SYSTEM, dataset="records", filename="old.csv", content=factories.records_csv(rows), reason="测试")
    record = Record.objects.get()
    assert record.status == RecordStatus.ACTIVE and record.disclosure_end.isoformat() == "2021-01-10"

    out = io.StringIO()
    call_command("deadlines", "scan", "--today", "2026-12-01", stdout=out)
    lines = out.getvalue().splitlines()
    assert sorted(line.split("]")[0] + "]" for line in lines) == ["[commitments]", "[complaints]", "[ledger-expiry]",
                                                                  "[publicity-expiry]",
                                                                  "[rectification-deadlines]", "[rectification-open]",
                                                                  "[remedies]", "[warnings]"]
    assert "ledger records past their disclosure period: 1" in out.getvalue()
    record.refresh_from_db()
    assert record.status == RecordStatus.EXPIRED and record.revision == 2

    again = io.StringIO()
    call_command("deadlines", "scan", "--today", "2026-12-01", "--only", "ledger-expiry", stdout=again)
    assert "ledger records past their disclosure period: 0" in again.getvalue()
    with pytest.raises(CommandError):
        call_command("deadlines", "scan", "--only", "no-such-scan")
