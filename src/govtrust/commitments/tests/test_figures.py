"""Fulfilment figures on a small hand-made set."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from govtrust.commitments import figures, services
from govtrust.core.access import SYSTEM
from govtrust.testing import factories

PDF = b"%PDF-1.4 x"


def _fulfil(user, c):
    services.submit_evidence(user, c, file=SimpleUploadedFile(f"{c.pk}.pdf", PDF + str(c.pk).encode()))
    services.review(user, c, accept=True)


def test_rates_per_body_region_and_kind(world, make_commitment):
    city = factories.user("credit_office", world.city_credit)
    a = [make_commitment(subject=world.finance_a, title=f"A{i}", due=dt.date(2026, 3, 10 + i)) for i in range(5)]
    _fulfil(city, a[0])
    _fulfil(city, a[1])
    _fulfil(city, a[2])
    services.breach(city, a[3], reason="未达标")
    # a[4] stays in progress, past due on "today": overdue
    changed = make_commitment(subject=world.gov_a, kind="investment_policy", title="A-changed", due=dt.date(2026, 3, 1))
    services.change_by_law(city, changed, reason="法律修改", legal_basis="某法", authority="某机关", compensation_note="已补偿")
    b = services.create(city, subject=world.finance_b, kind="time_limit", title="B1", content="c",
                        start_date=dt.date(2026, 1, 1), due_date=dt.date(2026, 3, 20))
    _fulfil(city, b)
    services.create(city, subject=world.finance_b, kind="time_limit", title="B-later", content="c",
                    start_date=dt.date(2026, 1, 1), due_date=dt.date(2026, 5, 20))  # due after the period
    services.create(city, subject=world.finance_b, kind="time_limit", title="B-pending", content="c",
                    start_date=dt.date(2026, 1, 1), due_date=dt.date(2026, 3, 31))  # not yet due on today

    data = figures.report(SYSTEM, dt.date(2026, 3, 1), dt.date(2026, 3, 31), today=dt.date(2026, 3, 25))
    total = data["total"]
    assert {k: total[k] for k in ("total", "fulfilled", "breached", "changed", "overdue", "pending")} == {
        "total": 8, "fulfilled": 4, "breached": 1, "changed": 1, "overdue": 1, "pending": 1}
    assert total["rate"] == round(4 / 6, 4)
    bodies = {r["unit__name"]: (r["total"], r["rate"]) for r in data["by_body"]}
    assert bodies == {"昆明市五华区财政局": (5, 0.6), "昆明市五华区人民政府": (1, None), "昆明市盘龙区财政局": (2, 1.0)}
    regions = {r["unit__region__name"]: (r["fulfilled"], r["rate"]) for r in data["by_region"]}
    assert regions == {"五华区": (3, 0.6), "盘龙区": (1, 1.0)}
    kinds = {r["kind__code"]: (r["total"], r["rate"]) for r in data["by_kind"]}
    assert kinds == {"service_quality": (5, 0.6), "investment_policy": (1, None), "time_limit": (2, 1.0)}
    # A county credit office sees its own county only.
    county = figures.report(factories.user("credit_office", world.credit_a), dt.date(2026, 3, 1),
                            dt.date(2026, 3, 31), today=dt.date(2026, 3, 25))
    assert county["total"]["total"] == 6 and [r["unit__region__name"] for r in county["by_region"]] == ["五华区"]
