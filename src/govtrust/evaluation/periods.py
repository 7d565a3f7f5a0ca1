"""Evaluation periods: a month, a quarter, a year, or the rolling twelve months ending with a month.

Labels, as the CLI, the API and the pages write them: `2026-09` (month), `2026Q3` (quarter; `2026-Q3` is
accepted), `2026` (year), `2026-09R12` (the twelve months October 2025 – September 2026, as the national city
credit monitoring evaluates). `end` is inclusive. `previous` is the period of the same kind just before,
which the trend views and the score-drop warning compare with.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from govtrust.core.errors import field_error

KINDS = ("month", "quarter", "year", "rolling12")


@dataclass(frozen=True)
class Period:
    label: str
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def previous(self) -> Period:
        return _make(self.kind, _shift(self.end, -_months(self.kind)))


def _months(kind: str) -> int:
    return {"month": 1, "quarter": 3, "year": 12, "rolling12": 1}[kind]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _shift(day: dt.date, months: int) -> dt.date:
    """The last day of the month `months` away from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return _month_end(index // 12, index % 12 + 1)


def _make(kind: str, end: dt.date) -> Period:
    """The period of `kind` that ends with `end`'s month (for a quarter or year, the one containing it)."""
    y, m = end.year, end.month
    if kind == "month":
        return Period(f"{y}-{m:02d}", kind, dt.date(y, m, 1), _month_end(y, m))
    if kind == "quarter":
        q = (m - 1) // 3 + 1
        return Period(f"{y}Q{q}", kind, dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if kind == "year":
        return Period(f"{y}", kind, dt.date(y, 1, 1), dt.date(y, 12, 31))
    start = _shift(end, -12) + dt.timedelta(days=1)
    return Period(f"{y}-{m:02d}R12", kind, start, _month_end(y, m))


def parse(text: str) -> Period:
    """A period from its label; a clear error naming the field otherwise."""
    label = (text or "").strip().upper()
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})(R12)?", label):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12 and year >= 2000:
            return _make("rolling12" if m[3] else "month", dt.date(year, month, 1))
    elif m := re.fullmatch(r"(\d{4})-?Q([1-4])", label):
        if int(m[1]) >= 2000:
            return _make("quarter", dt.date(int(m[1]), 3 * int(m[2]), 1))
    elif re.fullmatch(r"\d{4}", label) and int(label) >= 2000:
        return _make("year", dt.date(int(label), 1, 1))
    raise field_error("period", f"“{text}”不是有效的评价期（如2026-09、2026Q3、2026、2026-09R12）",
                      f"{text!r} is not a period (e.g. 2026-09, 2026Q3, 2026, 2026-09R12)")
