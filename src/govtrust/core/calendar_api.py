"""Working-day calendar API (/api/v1/calendar): count working days, read and enter a year's schedule.

Every count answers with the schedules it rests on (year, source, basis, revision), so a calling
system can store which calendar data a deadline was computed with. The schedules are national public
data: any authenticated principal may count and read; entering a year needs Perm.CALENDAR_CHANGE.
"""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from .calendar import WorkingCalendar, YearSchedule, schedule_for, set_year_schedule

router = Router(tags=["calendar 工作日历"])


class ScheduleRef(Schema):
    year: int
    source: str
    basis: str
    revision: int


class AddOut(Schema):
    date: dt.date
    start: dt.date
    n: int
    schedule: list[ScheduleRef]


class BetweenOut(Schema):
    start: dt.date
    end: dt.date
    working_days: int
    schedule: list[ScheduleRef]


class Day(Schema):
    date: dt.date
    kind: str
    name: str = ""


class YearOut(ScheduleRef):
    published_on: dt.date | None
    note: str
    days: list[Day]


class YearIn(Schema):
    basis: str
    days: list[Day]
    published_on: dt.date | None = None
    note: str = ""
    reason: str = ""


def _refs(cal: WorkingCalendar) -> list[dict]:
    return [s.reference() for s in cal.used()]


def _year_out(schedule: YearSchedule) -> dict:
    days = [{"date": d, "kind": k, "name": n} for d, k, n in schedule.days()]
    return schedule.reference() | {"published_on": schedule.published_on, "note": schedule.note, "days": days}


@router.get("/add", response=AddOut)
def add(request: HttpRequest, date: dt.date, n: int) -> dict:
    """第n个工作日（严格在date之后；n=0时为date本身） / the n-th working day strictly after `date`."""
    cal = WorkingCalendar()
    return {"date": cal.add_working_days(date, n), "start": date, "n": n, "schedule": _refs(cal)}


@router.get("/between", response=BetweenOut)
def between(request: HttpRequest, start: dt.date, end: dt.date) -> dict:
    """(start, end] 内的工作日数 / working days after `start` up to and including `end` (0 if end <= start)."""
    cal = WorkingCalendar()
    return {"start": start, "end": end, "working_days": cal.working_days_between(start, end), "schedule": _refs(cal)}


@router.get("/years/{year}", response=YearOut)
def get_year(request: HttpRequest, year: int) -> dict:
    return _year_out(schedule_for(year))


@router.put("/years/{year}", response=YearOut)
def put_year(request: HttpRequest, year: int, payload: YearIn) -> dict:
    """录入或替换整年安排（覆盖内置数据） / enter or replace the whole year's schedule (overrides the built-in data)."""
    set_year_schedule(
        request.auth, year=year,  # type: ignore[attr-defined]  # set by ninja's authentication
        basis=payload.basis, days=[(d.date, d.kind, d.name) for d in payload.days],
        published_on=payload.published_on, note=payload.note, reason=payload.reason,
    )
    return _year_out(schedule_for(year))
