"""The working-day calendar pages: years, a year's days, entering a schedule, the calculator."""

import datetime as dt

from govtrust.core import calendar
from govtrust.core.access import Role

SCHEDULE = """# 2027
2027-01-01 holiday 元旦
2027-02-06~2027-02-12 放假 春节
2027-02-14 调休上班 春节
"""


def test_years_list_shows_builtin_coverage(login):
    res = login(Role.DEPARTMENT, "finance_a").get("/console/calendar/")
    years = [s.year for s in res.context["schedules"]]
    assert years[0] == 2026 and years[-1] == 2004
    assert res.context["can_change"] is False


def test_year_detail_and_unknown_year(login):
    client = login(Role.AUDITOR)
    res = client.get("/console/calendar/2026/")
    assert (dt.date(2026, 10, 1), "holiday", "国庆节") in res.context["days"]
    unknown = client.get("/console/calendar/2031/")
    assert unknown.status_code == 404 and "尚未录入" in unknown.content.decode()


def test_entering_a_year_needs_the_permission_and_a_reason(login):
    data = {"year": "2027", "basis": "国务院办公厅关于2027年部分节假日安排的通知", "published_on": "2026-11-04",
            "days": SCHEDULE, "note": "", "reason": ""}
    assert login(Role.DEPARTMENT, "finance_a").post("/console/calendar/edit/", data).status_code == 403
    client = login(Role.ADMIN)
    missing_reason = client.post("/console/calendar/edit/", data)
    assert missing_reason.status_code == 400 and 'data-field-errors="reason"' in missing_reason.content.decode()
    res = client.post("/console/calendar/edit/", data | {"reason": "国务院公布2027年安排"})
    assert res.status_code == 302 and res.url == "/console/calendar/2027/"
    assert calendar.schedule_for(2027).workdays == {dt.date(2027, 2, 14): "春节"}
    prefilled = client.get("/console/calendar/edit/?year=2027").context["form"].initial
    assert prefilled["basis"].startswith("国务院办公厅") and "2027-02-14 workday 春节" in prefilled["days"]


def test_schedule_errors_name_their_line(login):
    client = login(Role.ADMIN)
    res = client.post("/console/calendar/edit/", {
        "year": "2027", "basis": "通知", "days": "2027-01-01 holiday 元旦\n2027-13-01 放假\n", "reason": "x"})
    html = res.content.decode()
    assert res.status_code == 400 and 'data-field-errors="days"' in html and "第2行" in html
    weekday = client.post("/console/calendar/edit/", {
        "year": "2027", "basis": "通知", "days": "2027-01-01 holiday\n2027-01-04 workday\n", "reason": "x"})
    assert 'data-field-errors="days"' in weekday.content.decode()  # "days.1.kind" is shown at the days field


def test_calculator(login):
    client = login(Role.DEPARTMENT, "finance_a")
    res = client.get("/console/calendar/calculate/?start=2026-09-30&n=3")
    assert res.context["result"] == dt.date(2026, 10, 10)  # 国庆 1–7 off; Thu 8, Fri 9, then Sat 10 (调休上班)
    assert "2026-10-10" in res.content.decode()
    unknown = client.get("/console/calendar/calculate/?start=2031-01-01&n=3")
    assert 'data-testid="service-error"' in unknown.content.decode()
    bad = client.get("/console/calendar/calculate/?start=x&n=-1")
    assert "result" not in bad.context
