"""The demo listings and checks, and what they must show: blocks citing only settled records, every
measure of the scenes asked appearing, nothing repaired, revoked or expired cited; idempotent."""

import datetime as dt

from govtrust.core.context import acting
from govtrust.ledger.demo import load_records
from govtrust.ledger.models import Record
from govtrust.sanctions.demo import load_sanctions
from govtrust.sanctions.models import Check, CheckHit, Feedback, Listing
from govtrust.subjects.demo import load_demo


def test_demo_checks_cite_only_what_may_be_cited(db):
    load_demo(civil_servants=30)
    with acting(actor_label="demo", channel="cli"):
        load_records(600, today=dt.date(2026, 11, 30))
        asked = load_sanctions(today=dt.date(2026, 12, 1))
        assert asked == Check.objects.count() > 200
        assert load_sanctions() == 0
    assert Listing.objects.filter(removed_on__isnull=False).exists()
    decisions = set(Check.objects.values_list("decision", flat=True))
    assert decisions == {"block", "warn", "allow", "prefer"}
    applied = set(CheckHit.objects.values_list("measure", "scene"))
    assert {("S-TENDER-BLACKLIST", "tendering"), ("S-DEBTOR-BID", "tendering"), ("S-GOV-HONOURS", "honours"),
            ("I-GOV-HONOURS", "honours"), ("S-GOV-CIVILIZED", "civilized_unit"), ("S-CS-QUERY", "promotion"),
            ("S-CS-PROMOTION", "promotion")} <= applied
    status = dict(Record.objects.values_list("id", "status"))
    for c in Check.objects.exclude(subject_key=""):
        cited = {r["id"] for r in c.answer["records"]}
        assert all(status[r] in ("active", "corrected", "disputed") for r in cited), c.pk
        for m in c.answer["measures"]:
            if m["effect"] == "block":
                assert all(status[r] in ("active", "corrected") for r in m["records"]), (c.pk, m["code"])
    assert Feedback.objects.filter(outcome="not_applied").exclude(reason="").exists()
