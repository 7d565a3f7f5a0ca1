"""The demo commitments: every kind, kept, breached, overdue and in progress; idempotent."""

import datetime as dt

from govtrust.commitments.demo import load_commitments
from govtrust.commitments.models import Commitment, CommitmentKind, Status
from govtrust.core.context import acting
from govtrust.subjects.demo import load_demo


def test_demo_commitments(db):
    load_demo(civil_servants=20)
    with acting(actor_label="demo", channel="cli"):
        created = load_commitments(today=dt.date(2026, 11, 30))
    assert created == Commitment.objects.count() > 50
    kinds = set(Commitment.objects.values_list("kind__code", flat=True))
    assert kinds == set(CommitmentKind.objects.values_list("code", flat=True))
    statuses = set(Commitment.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert Commitment.objects.filter(status=Status.IN_PROGRESS, overdue=True).exists()
    assert Commitment.objects.filter(status=Status.IN_PROGRESS, overdue=False).exists()
    breached = Commitment.objects.filter(status=Status.BREACHED)
    assert breached.filter(ledger_record__isnull=False).exists() and breached.filter(flagged=True).exists()
    assert Commitment.objects.filter(person__isnull=False).exists()
    with acting(actor_label="demo", channel="cli"):
        assert load_commitments(today=dt.date(2026, 11, 30)) == 0


def test_demo_rectification_cases_in_every_state(db):
    from govtrust.commitments.models import CaseStatus, RectificationCase
    from govtrust.commitments.rectification_demo import load_rectification
    from govtrust.ledger.demo import load_records

    load_demo(civil_servants=5)
    with acting(actor_label="demo", channel="cli"):
        load_records(300, today=dt.date(2026, 11, 30))
        opened = load_rectification(today=dt.date(2026, 12, 1))
        assert opened == RectificationCase.objects.count() > 30
        assert set(RectificationCase.objects.values_list("status", flat=True)) == set(CaseStatus.values)
        assert RectificationCase.objects.filter(reopen_count=1, status=CaseStatus.SUBMITTED).exists()
        assert load_rectification(today=dt.date(2026, 12, 1)) == 0
