"""The demo complaints: every state, deadlines from the calendar, ledger records for cases found true, idempotent."""

import datetime as dt

from govtrust.complaints.demo import load_complaints
from govtrust.complaints.models import Complaint, ComplaintEvent, RoutingEntry, Status
from govtrust.ledger.models import Record
from govtrust.testing import factories


def test_demo_complaints_cover_every_state_and_load_once(world):
    for i in range(6):  # a few more bodies to complain about
        factories.organization(f"昆明市五华区演示局{i}", world.county_a, parent=world.gov_a)
    created = load_complaints(600, today=dt.date(2026, 11, 30))
    assert created == 600 == Complaint.objects.count()
    assert set(Complaint.objects.values_list("status", flat=True)) == set(Status.values)
    assert Complaint.objects.filter(reopen_count=1).exists() and Complaint.objects.filter(serious=True).exists()
    assert Complaint.objects.filter(overdue=True).exists()  # marked by the deadline scan
    found = Complaint.objects.exclude(ledger_record=None)
    assert found.exists() and set(Record.objects.filter(complaints__in=found).values_list("category__code", flat=True)) \
        == {"complaint_substantiated"}
    merged = Complaint.objects.filter(status=Status.MERGED).select_related("merged_into").first()
    assert merged.body_id == merged.merged_into.body_id
    assert ComplaintEvent.objects.filter(complaint=merged, kind="merged").exists()
    assigned = Complaint.objects.filter(status=Status.ASSIGNED, reopen_count=0).first()
    assert assigned.current_due == assigned.handle_due
    assert 2026 in {s["year"] for s in assigned.calendar_basis["calendar"]}
    assert RoutingEntry.objects.filter(replaced_by__isnull=False).exists()  # the table has history
    assert load_complaints(600, today=dt.date(2026, 11, 30)) == 0
