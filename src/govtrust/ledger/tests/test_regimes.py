"""Disclosure periods come from the regime in force on the decision date (REFERENCE §2), as data."""

import datetime as dt

import pytest

from govtrust.ledger.models import Regime, RegimeRule
from govtrust.ledger.regimes import PeriodError, RegimeBook, add_months

D = dt.date


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2026, 5, 20), 12, D(2027, 5, 20)),
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2026, 5, 20), 0, D(2026, 5, 20)),
])
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("decided", "severity", "domain", "regime", "repair_from", "end"), [
    # 2019 regime (发改办财金〔2019〕527号): general 3 months – 1 year, serious 6 months – 3 years
    (D(2019, 7, 1), "general", "", "ndrc-2019-527", D(2019, 10, 1), D(2020, 7, 1)),
    (D(2021, 3, 15), "serious", "", "ndrc-2019-527", D(2021, 9, 15), D(2024, 3, 15)),
    # the day before the 2023 regime still falls under 2019
    (D(2023, 4, 30), "general", "", "ndrc-2019-527", D(2023, 7, 30), D(2024, 4, 30)),
    # 2023 regime (58号令): min 3 months, max 3 years; special equipment etc. min 1 year
    (D(2023, 5, 1), "general", "", "ndrc-2023-58", D(2023, 8, 1), D(2026, 5, 1)),
    (D(2024, 6, 10), "serious", "work_safety", "ndrc-2023-58", D(2025, 6, 10), D(2027, 6, 10)),
    (D(2024, 6, 10), "general", "unlisted_domain", "ndrc-2023-58", D(2024, 9, 10), D(2027, 6, 10)),
    # 2026 regime (36号令): minor ≤ 3 months, general 3 months – 1 year, serious 1 – 3 years
    (D(2026, 4, 1), "minor", "", "ndrc-2026-36", D(2026, 4, 1), D(2026, 7, 1)),
    (D(2026, 5, 20), "general", "", "ndrc-2026-36", D(2026, 8, 20), D(2027, 5, 20)),
    (D(2026, 5, 20), "serious", "", "ndrc-2026-36", D(2027, 5, 20), D(2029, 5, 20)),
])
def test_the_regime_in_force_on_the_decision_date_decides(decided, severity, domain, regime, repair_from, end):
    periods = RegimeBook().periods(decided, severity, domain)
    assert (periods.regime_code, periods.repair_from, periods.disclosure_end) == (regime, repair_from, end)
    rule = RegimeRule.objects.get(pk=periods.rule_id)
    assert rule.regime.code == regime and rule.severity == severity


@pytest.mark.django_db
def test_minor_records_under_2026_may_be_left_undisclosed():
    assert RegimeBook().periods(D(2026, 6, 1), "minor").may_be_undisclosed is True
    assert RegimeBook().periods(D(2025, 6, 1), "minor").may_be_undisclosed is False


@pytest.mark.django_db
def test_a_decision_before_every_regime_is_a_clear_error():
    with pytest.raises(PeriodError) as err:
        RegimeBook().periods(D(2019, 6, 30), "general")
    assert "2019-07-01" in err.value.message and "earliest" in err.value.message_en


@pytest.mark.django_db
def test_a_new_regime_entered_as_data_applies_from_its_date():
    regime = Regime.objects.create(code="local-2027", name="某市2027规则", basis="某市文件", in_force_from=D(2026, 9, 1))
    RegimeRule.objects.create(regime=regime, severity="general", min_months=6, max_months=24)
    book = RegimeBook()
    assert book.periods(D(2026, 9, 1), "general").disclosure_end == D(2028, 9, 1)
    assert book.periods(D(2026, 8, 31), "general").regime_code == "ndrc-2026-36"
    with pytest.raises(PeriodError) as err:
        book.periods(D(2026, 10, 1), "serious")  # the new regime has no serious rule: said, not guessed
    assert "local-2027" in err.value.message
