"""The mainland-China working-day calendar (REFERENCE §6): every legal deadline is counted here.

A day is a working day by the weekly rule (Monday–Friday) unless the year's schedule says otherwise:
official holidays are off, adjusted working days (调休上班, on weekends) are on. A year's schedule
comes from what administrators entered (WorkCalendarYear, which wins) or else from the chinese-calendar
package, which knows 2004–2026. A year known to neither raises UnknownCalendarYear: a deadline computed
by guessing weekdays would be silently wrong, and the State Council publishes each year's schedule
only in the November before.

Counting is "strictly after": `add_working_days(d, n)` is the n-th working day after d, never d
itself; `working_days_between(a, b)` counts the working days in (a, b]. The two agree:
`working_days_between(d, add_working_days(d, n)) == n`. (chinese_calendar.find_workday counts from
d inclusively and is a day late when d is a holiday, so it is not used.)

Admin-entered schedules are cached per process under (id, revision, updated_at); each computation
re-reads that stamp with one small query per year, so a change is seen by every process at once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import version
from types import MappingProxyType
from typing import Any

from chinese_calendar import constants as builtin_data
from django.db import transaction

from . import access, audit
from .access import Perm
from .context import current
from .errors import FieldError, ServiceError, field_error, invalid
from .models import CalendarDay, WorkCalendarYear

HOLIDAY = CalendarDay.Kind.HOLIDAY.value
WORKDAY = CalendarDay.Kind.WORKDAY.value
SOURCE_ADMIN = "admin"
SOURCE_BUILTIN = "builtin"
# The years an administrator may enter: wide enough for historical records and the years ahead.
YEAR_RANGE = range(1990, 2101)
_ONE_DAY = dt.timedelta(days=1)


class UnknownCalendarYear(ServiceError):
    """No schedule for the year: neither entered by an administrator nor known to the package."""

    def __init__(self, year: int):
        super().__init__(
            "calendar_unknown_year",
            f"{year}年的节假日和调休安排尚未录入，无法计算工作日。请管理员在 工作台 › 工作日历 中录入{year}年的安排。",
            f"The holiday schedule for {year} has not been entered, so working days cannot be counted. "
            f"An administrator must enter the {year} schedule in Console › Working-day calendar (工作台 › 工作日历).",
            status=422,
        )
        self.year = year


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule: the days off and the adjusted working days, with where it came from."""

    year: int
    source: str  # SOURCE_ADMIN | SOURCE_BUILTIN
    basis: str  # the legal basis, e.g. 国务院办公厅关于2027年部分节假日安排的通知
    revision: int  # bumped on every admin change; 0 for the built-in data
    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    workdays: Mapping[dt.date, str] = field(default_factory=dict)
    published_on: dt.date | None = None
    note: str = ""

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() < 5

    def days(self) -> list[tuple[dt.date, str, str]]:
        """All listed days in date order, as (date, kind, name) — the shape `set_year_schedule` takes."""
        listed = [(d, HOLIDAY, n) for d, n in self.holidays.items()] + [(d, WORKDAY, n) for d, n in self.workdays.items()]
        return sorted(listed)

    def reference(self) -> dict[str, Any]:
        """What an answer rests on: which schedule, of which revision, under which basis."""
        return {"year": self.year, "source": self.source, "basis": self.basis, "revision": self.revision}


# ---------------------------------------------------------------------------------------- schedules

@cache
def _builtin_schedules() -> dict[int, YearSchedule]:
    """The package's data grouped by year, with Chinese holiday names."""
    basis = f"chinese-calendar {version('chinesecalendar')} 包内置的国务院办公厅节假日安排"
    chinese = {h.value: h.chinese for h in builtin_data.Holiday}
    by_year: dict[int, tuple[dict[dt.date, str], dict[dt.date, str]]] = {}
    for index, table in enumerate((builtin_data.holidays, builtin_data.workdays)):
        for day, name in table.items():
            by_year.setdefault(day.year, ({}, {}))[index][day] = chinese.get(name, name)
    return {
        year: YearSchedule(year, SOURCE_BUILTIN, basis, 0, MappingProxyType(off), MappingProxyType(on))
        for year, (off, on) in by_year.items()
    }


_admin_cache: dict[int, tuple[tuple[Any, ...], YearSchedule]] = {}


def _load_admin(year: int) -> tuple[tuple[Any, ...], YearSchedule] | None:
    # The row is read before its days: if a change lands in between, the cached stamp is the older one
    # and the next lookup reloads. The other order could cache old days under the new stamp for good.
    row = WorkCalendarYear.objects.filter(year=year).first()
    if row is None:
        return None
    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    for day in CalendarDay.objects.filter(schedule=row):
        (holidays if day.kind == HOLIDAY else workdays)[day.date] = day.name
    schedule = YearSchedule(year, SOURCE_ADMIN, row.basis, row.revision, MappingProxyType(holidays),
                            MappingProxyType(workdays), row.published_on, row.note)
    return (row.pk, row.revision, row.updated_at), schedule


def schedule_for(year: int) -> YearSchedule:
    """The schedule in force for `year`: the administrators' if entered, else the package's; else raise."""
    stamp = WorkCalendarYear.objects.filter(year=year).values_list("pk", "revision", "updated_at").first()
    if stamp is None:
        builtin = _builtin_schedules().get(year)
        if builtin is None:
            raise UnknownCalendarYear(year)
        return builtin
    cached = _admin_cache.get(year)
    if cached is not None and cached[0] == tuple(stamp):
        return cached[1]
    loaded = _load_admin(year)
    if loaded is None:  # deleted since the stamp was read
        return schedule_for(year)
    _admin_cache[year] = loaded
    return loaded[1]


# ---------------------------------------------------------------------------------------- counting

def _as_date(value: dt.date) -> dt.date:
    # A datetime would silently miss every dict lookup (datetime != date), so refuse it outright.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value


class WorkingCalendar:
    """One consistent view of the schedules for a run of computations.

    Each year's schedule is looked up once per instance, and `used()` says which schedules (and
    revisions) the answers rest on, so an API answer or a stored deadline can cite its data version.
    """

    def __init__(self) -> None:
        self._years: dict[int, YearSchedule] = {}

    def schedule(self, year: int) -> YearSchedule:
        if year not in self._years:
            self._years[year] = schedule_for(year)
        return self._years[year]

    def used(self) -> list[YearSchedule]:
        return [self._years[y] for y in sorted(self._years)]

    def is_working_day(self, day: dt.date) -> bool:
        day = _as_date(day)
        return self.schedule(day.year).is_working_day(day)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day strictly after `start`; n = 0 gives `start` itself, whatever day it is."""
        day = _as_date(start)
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise field_error("n", "工作日数应为不小于0的整数", "n must be a whole number of at least 0")
        self.schedule(day.year)  # an unknown start year is an error even for n = 0
        remaining = n
        while remaining:
            day += _ONE_DAY
            remaining -= self.is_working_day(day)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """The number of working days in (start, end]: after `start`, up to and including `end`; 0 if end <= start."""
        day, end = _as_date(start), _as_date(end)
        self.schedule(day.year)
        count = 0
        while day < end:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day strictly after `start` (n >= 0; n = 0 returns `start`)."""
    return WorkingCalendar().add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; 0 when end <= start. Inverse of `add_working_days`."""
    return WorkingCalendar().working_days_between(start, end)


# ------------------------------------------------------------------------------- admin-entered years

def _check_days(year: int, days: Iterable[tuple[dt.date, str, str]]) -> tuple[list[FieldError], list[CalendarDay]]:
    errors: list[FieldError] = []
    rows: list[CalendarDay] = []
    seen: set[dt.date] = set()
    for i, (day, kind, name) in enumerate(days):
        where = f"days.{i}"
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            errors.append(FieldError(f"{where}.date", f"日期“{day}”无效", f"invalid date {day!r}"))
            continue
        if day.year != year:
            errors.append(FieldError(f"{where}.date", f"{day}不在{year}年", f"{day} is not in {year}"))
        if day in seen:
            errors.append(FieldError(f"{where}.date", f"{day}重复出现", f"{day} is listed more than once"))
        seen.add(day)
        if kind not in CalendarDay.Kind.values:
            errors.append(FieldError(f"{where}.kind", f"{day}的类型“{kind}”无效（应为放假或调休上班）",
                                     f"{day}: unknown kind {kind!r} (holiday or workday)"))
        elif kind == WORKDAY and day.weekday() < 5:
            errors.append(FieldError(f"{where}.kind", f"{day}是工作日，调休上班日应为周六或周日",
                                     f"{day} is a weekday; an adjusted working day must fall on a weekend"))
        name = (name or "").strip()
        if len(name) > 32:
            errors.append(FieldError(f"{where}.name", f"{day}的节日名称过长（最多32字）",
                                     f"{day}: holiday name too long (32 characters at most)"))
        rows.append(CalendarDay(date=day, kind=kind, name=name))
    if not errors and not any(r.kind == HOLIDAY for r in rows):
        errors.append(FieldError("days", "至少应有一个放假日", "at least one holiday is required"))
    return errors, rows


def _audit_view(row: WorkCalendarYear) -> dict[str, Any]:
    days = [[d.date.isoformat(), d.kind, d.name] for d in CalendarDay.objects.filter(schedule=row)]
    return audit.snapshot(row) | {"days": days}


@transaction.atomic
def set_year_schedule(
    principal: Any, *, year: int, basis: str, days: list[tuple[dt.date, str, str]],
    published_on: dt.date | None = None, note: str = "", reason: str = "",
) -> WorkCalendarYear:
    """Enter or replace a whole year's schedule (days off and adjusted working days), bumping its revision.

    The entered year overrides the built-in package data for that year. `days` holds (date, kind, name)
    with kind "holiday" or "workday"; days not listed follow the weekly rule.
    """
    access.require(principal, Perm.CALENDAR_CHANGE)
    if current().channel == "console" and not (reason or "").strip():
        raise field_error("reason", "在工作台中修改数据必须填写理由", "A reason is required for changes made in the console")
    basis = (basis or "").strip()
    errors: list[FieldError] = []
    if isinstance(year, bool) or not isinstance(year, int) or year not in YEAR_RANGE:
        raise field_error("year", f"年份应在{YEAR_RANGE.start}—{YEAR_RANGE.stop - 1}之间",
                          f"year must be between {YEAR_RANGE.start} and {YEAR_RANGE.stop - 1}")
    if not basis:
        errors.append(FieldError("basis", "必须填写依据（如国务院办公厅通知的名称和文号）",
                                 "the legal basis is required (e.g. the State Council notice and its number)"))
    elif len(basis) > 255:
        errors.append(FieldError("basis", "依据过长（最多255字）", "basis too long (255 characters at most)"))
    day_errors, rows = _check_days(year, days)
    errors += day_errors
    if errors:
        raise invalid(errors, f"{year}年工作日历有误", f"The {year} schedule is invalid")

    schedule = WorkCalendarYear.objects.select_for_update().filter(year=year).first()
    before = _audit_view(schedule) if schedule else None
    if schedule is None:
        schedule = WorkCalendarYear(year=year, revision=1)
    else:
        schedule.revision += 1
        CalendarDay.objects.filter(schedule=schedule).delete()
    schedule.basis, schedule.published_on, schedule.note = basis, published_on, (note or "").strip()
    schedule.save()
    for r in rows:
        r.schedule = schedule
    CalendarDay.objects.bulk_create(rows)
    audit.record("create" if before is None else "update", schedule, before=before, after=_audit_view(schedule),
                 reason=reason)
    return schedule


# --------------------------------------------------------------------------------- the text form

_KIND_WORDS = {
    "holiday": HOLIDAY, "放假": HOLIDAY, "休息": HOLIDAY, "休": HOLIDAY,
    "workday": WORKDAY, "调休上班": WORKDAY, "上班": WORKDAY, "补班": WORKDAY, "班": WORKDAY,
}
_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_DAYS = re.compile(rf"{_DATE}(?:\s*(?:~|\.\.|至)\s*{_DATE})?")
_MAX_RANGE_DAYS = 31


def _parse_date(parts: tuple[str, ...]) -> dt.date:
    return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))


def parse_schedule_text(text: str) -> list[tuple[dt.date, str, str]]:
    """Read a year's schedule typed or pasted as lines of `DATE KIND [NAME]` into (date, kind, name).

    KIND is holiday/放假/休 or workday/调休上班/上班/补班; DATE is 2027-02-06 (also 2027/2/6, 2027年2月6日)
    or a range `2027-02-06~2027-02-12` (also `..` or `至`). Blank lines and lines starting with # are
    skipped; full-width characters are accepted. All bad lines are reported at once, each naming its line.
    """
    days: list[tuple[dt.date, str, str]] = []
    errors: list[FieldError] = []
    for lineno, raw in enumerate((text or "").splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line or line.startswith("#"):
            continue
        match = _DAYS.match(line)
        rest = re.split(r"[\s,]+", line[match.end():].strip(" \t,"), maxsplit=1) if match else []
        kind = _KIND_WORDS.get(rest[0].lower()) if rest else None
        if match is None or kind is None:
            errors.append(FieldError("days", f"无法识别“{raw.strip()}”，应为“日期 放假|调休上班 名称”",
                                     f"cannot read {raw.strip()!r}; expected 'DATE holiday|workday NAME'", row=lineno))
            continue
        try:
            first = _parse_date(match.groups()[:3])
            last = _parse_date(match.groups()[3:]) if match.group(4) else first
        except ValueError:
            errors.append(FieldError("days", f"日期“{match.group(0)}”不存在", f"date {match.group(0)!r} does not exist",
                                     row=lineno))
            continue
        span = (last - first).days
        if not 0 <= span < _MAX_RANGE_DAYS:
            errors.append(FieldError("days", f"日期区间“{match.group(0)}”应由早到晚且不超过{_MAX_RANGE_DAYS}天",
                                     f"range {match.group(0)!r} must run forwards and span at most "
                                     f"{_MAX_RANGE_DAYS} days", row=lineno))
            continue
        name = rest[1].strip() if len(rest) > 1 else ""
        days += [(first + dt.timedelta(days=k), kind, name) for k in range(span + 1)]
    if errors:
        raise invalid(errors, "工作日历文本有误", "The schedule text has errors")
    return days
