"""The demo remedies: objections and repairs in every state over the demo ledger, a mitigation, loaded once."""

import datetime as dt

from govtrust.ledger.demo import load_records
from govtrust.ledger.models import Record
from govtrust.remedies.demo import load_remedies
from govtrust.remedies.models import Case, Mitigation, PublicStatement, Status
from govtrust.testing import factories

TODAY = dt.date(2026, 11, 30)


def test_demo_remedies_cover_every_state_and_load_once(world):
    for i in range(12):
        factories.organization(f"昆明市五华区演示局{i}", world.county_a, parent=world.gov_a)
    for i in range(30):
        factories.civil_servant(world.finance_a, f"演示{i}")
    assert load_records(1500, today=TODAY)
    filed = load_remedies(today=TODAY)
    assert filed == Case.objects.count() == 12
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert {"disputed", "revoked", "corrected", "repaired"} <= set(
        Record.objects.filter(remedy_cases__isnull=False).values_list("status", flat=True))
    assert PublicStatement.objects.exists()
    assert Mitigation.objects.filter(status="granted").exists()
    assert load_remedies(today=TODAY) == 0
