"""The working-day calendar: the years known (entered by administrators, or built in from the
chinese-calendar package), each year's days off and adjusted working days, entering a year's schedule,
and a calculator for "the n-th working day after a date"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chinese_calendar import constants as builtin_data
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govtrust.core import access, calendar
from govtrust.core.access import Perm
from govtrust.core.errors import ServiceError
from govtrust.core.models import WorkCalendarYear

from ..forms import ServiceForm, reason_field
from .base import console_view, submit

SCHEDULE_HELP = gettext_lazy(
    "每行一天或一段日期：日期 类型 名称。类型为 holiday/放假 或 workday/调休上班。"
    "例：2027-01-01 holiday 元旦；2027-02-06~2027-02-12 放假 春节；2027-02-14 调休上班 春节"
)


class ScheduleForm(ServiceForm):
    year = forms.IntegerField(label=gettext_lazy("年份"), min_value=calendar.YEAR_RANGE.start,
                              max_value=calendar.YEAR_RANGE.stop - 1)
    basis = forms.CharField(label=gettext_lazy("依据"), max_length=255,
                            help_text=gettext_lazy("如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）"))
    published_on = forms.DateField(label=gettext_lazy("发布日期"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.CharField(label=gettext_lazy("放假和调休安排"), help_text=SCHEDULE_HELP,
                           widget=forms.Textarea(attrs={"rows": 14, "class": "mono"}))
    note = forms.CharField(label=gettext_lazy("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = reason_field()


class CalculatorForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("起算日期"), widget=forms.DateInput(attrs={"type": "date"}))
    n = forms.IntegerField(label=gettext_lazy("工作日数"), min_value=0, max_value=3650)


def _known_years() -> list[int]:
    """Every year with a schedule: entered by administrators, or known to the package.

    The schedules are national public data, the same for every role, so no scope applies.
    """
    entered = set(WorkCalendarYear.objects.values_list("year", flat=True))
    return sorted(entered | {day.year for day in builtin_data.holidays}, reverse=True)


@console_view()
def calendar_list(request: HttpRequest) -> HttpResponse:
    return render(request, "console/calendar/list.html", {
        "schedules": [calendar.schedule_for(year) for year in _known_years()],
        "calculator": CalculatorForm(initial={"start": dt.date.today(), "n": 7}),
        "can_change": access.can(request.user, Perm.CALENDAR_CHANGE),
    })


@console_view()
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    context: dict[str, Any] = {"year": year, "can_change": access.can(request.user, Perm.CALENDAR_CHANGE)}
    try:
        schedule = calendar.schedule_for(year)
    except calendar.UnknownCalendarYear as err:
        return render(request, "console/calendar/year.html", context | {"error": err}, status=404)
    return render(request, "console/calendar/year.html", context | {"schedule": schedule, "days": schedule.days()})


def _schedule_text(schedule: calendar.YearSchedule) -> str:
    return "\n".join(f"{day.isoformat()} {kind} {name}".rstrip() for day, kind, name in schedule.days())


def _initial(year_param: str) -> dict[str, Any]:
    """Prefill from the schedule in force, so replacing a year starts from what is there."""
    if not year_param.isdigit():
        return {}
    try:
        schedule = calendar.schedule_for(int(year_param))
    except calendar.UnknownCalendarYear:
        return {"year": int(year_param)}
    initial = {"year": schedule.year, "days": _schedule_text(schedule)}
    if schedule.source == calendar.SOURCE_ADMIN:
        initial |= {"basis": schedule.basis, "published_on": schedule.published_on, "note": schedule.note}
    return initial


@console_view(Perm.CALENDAR_CHANGE)
def calendar_edit(request: HttpRequest) -> HttpResponse:
    form = ScheduleForm(request.POST or None, initial=_initial(request.GET.get("year", "")))

    def save(data: dict[str, Any]) -> WorkCalendarYear:
        days = calendar.parse_schedule_text(data.pop("days"))
        return calendar.set_year_schedule(request.user, days=days, **data)

    saved, status = submit(request, form, save)
    if saved:
        messages.success(request, _("已保存%(year)s年工作日历（第%(revision)s版）。") %
                         {"year": saved.year, "revision": saved.revision})
        return redirect("console:calendar_year", year=saved.year)
    return render(request, "console/calendar/form.html", {"form": form}, status=status)


@console_view()
def calendar_calculate(request: HttpRequest) -> HttpResponse:
    """The n-th working day strictly after a date, with the schedules the answer rests on (HTMX fragment)."""
    form = CalculatorForm(request.GET)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        cal = calendar.WorkingCalendar()
        try:
            context["result"] = cal.add_working_days(form.cleaned_data["start"], form.cleaned_data["n"])
            context["used"] = cal.used()
        except ServiceError as err:
            context["error"] = err
    return render(request, "console/calendar/_result.html", context)
