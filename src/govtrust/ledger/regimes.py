"""Disclosure periods from the dated regimes (REFERENCE §2): the regime in force on the decision date decides.

Periods run from the decision date in calendar months (a month after 31 January is the last day of
February). The minimum period ends on `repair_from`, when the subject may apply for credit repair; the
maximum ends on `disclosure_end`, when disclosure stops by itself. A domain rule (special equipment,
work safety, fire protection …) overrides the regime's general rule for that severity.

`RegimeBook` loads every rule once, so bulk intake chooses periods in memory for a million rows.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from dataclasses import dataclass

from govtrust.core.errors import FieldError

from .models import Regime, RegimeRule


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Periods:
    rule_id: int
    regime_code: str
    repair_from: dt.date
    disclosure_end: dt.date
    may_be_undisclosed: bool


class RegimeBook:
    """All regimes and their rules, ordered by the date they came into force."""

    def __init__(self) -> None:
        regimes = list(Regime.objects.order_by("in_force_from"))
        self._starts = [r.in_force_from for r in regimes]
        self._codes = [r.code for r in regimes]
        self._rules: dict[tuple[str, str, str], RegimeRule] = {
            (rule.regime.code, rule.severity, rule.domain): rule
            for rule in RegimeRule.objects.select_related("regime")
        }

    def periods(self, decision_date: dt.date, severity: str, domain: str = "") -> Periods:
        """The periods for a negative record; raises PeriodError when no regime or rule covers it."""
        i = bisect.bisect_right(self._starts, decision_date) - 1
        if i < 0:
            first = self._starts[0].isoformat() if self._starts else "—"
            raise PeriodError(f"决定日期早于最早的公示期限规则（{first}施行），无法确定公示期限",
                              f"the decision date is before the earliest disclosure regime (in force {first})")
        code = self._codes[i]
        rule = self._rules.get((code, severity, domain)) or self._rules.get((code, severity, ""))
        if rule is None:
            raise PeriodError(f"公示期限规则“{code}”没有“{severity}”失信程度的期限",
                              f"disclosure regime {code} has no period for severity {severity!r}")
        return Periods(rule.pk, code, add_months(decision_date, rule.min_months),
                       add_months(decision_date, rule.max_months), rule.may_be_undisclosed)


class PeriodError(Exception):
    def __init__(self, message: str, message_en: str):
        super().__init__(message_en)
        self.message, self.message_en = message, message_en

    def field_error(self, field: str, row: int | None = None) -> FieldError:
        return FieldError(field, self.message, self.message_en, row=row)
