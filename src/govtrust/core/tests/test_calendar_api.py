"""/api/v1/calendar: counting working days around the 2026 National Day, reading a year's schedule, and
entering one (calendar.change only, audited, field errors naming the day)."""

import pytest
from django.test import Client

from govtrust.accounts import services as account_services
from govtrust.core import calendar
from govtrust.core.access import Role
from govtrust.core.models import AuditEvent
from govtrust.testing import factories

ADD, BETWEEN, YEARS = "/api/v1/calendar/add", "/api/v1/calendar/between", "/api/v1/calendar/years"
BASIS_2027 = "国办发明电〔2026〕示例号（测试）"
DAYS_2027 = [
    {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
    {"date": "2027-02-05", "kind": "holiday", "name": "春节"},
    {"date": "2027-02-07", "kind": "workday", "name": "春节"},
    {"date": "2027-02-08", "kind": "holiday", "name": "春节"},
]


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def dept_client(world):
    return _client(factories.user(Role.DEPARTMENT, world.finance_a))


@pytest.fixture
def admin(world):
    return factories.user(Role.ADMIN, None, username="pingtai")


@pytest.fixture
def admin_client(admin):
    return _client(admin)


def _get(client, url, **params):
    res = client.get(url, params)
    assert res.status_code == 200, res.content
    return res.json()


def _put(client, year, body):
    return client.put(f"{YEARS}/{year}", body, content_type="application/json")


def _add(client, date, n):
    return _get(client, ADD, date=date, n=n)["date"]


def _between(client, start, end):
    return _get(client, BETWEEN, start=start, end=end)["working_days"]


# ------------------------------------------------------------------------------------ counting, 2026


def test_the_2026_national_day_schedule_is_the_seeded_one(dept_client):
    body = _get(dept_client, f"{YEARS}/2026")
    assert body["year"] == 2026 and body["source"] == "builtin" and body["revision"] == 0 and body["basis"]
    days = {d["date"]: d["kind"] for d in body["days"]}
    for day in range(1, 8):
        assert days[f"2026-10-{day:02d}"] == "holiday"
    assert "2026-10-08" not in days  # Thursday 8 Oct: an ordinary working day
    assert (
        days["2026-09-20"] == "workday" and days["2026-10-10"] == "workday"
    )  # Sunday and Saturday, adjusted
    assert days["2026-09-27"] == "holiday"  # Mid-Autumn (25–27 Sep), not an adjusted working day
    assert body["days"] == sorted(body["days"], key=lambda d: d["date"])
    assert next(d for d in body["days"] if d["date"] == "2026-10-01")["name"] == "国庆节"


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        ("2026-09-18", 1, "2026-09-20"),  # Friday → Sunday 20 Sep, an adjusted working day
        ("2026-09-24", 1, "2026-09-28"),  # Mid-Autumn 25–27 Sep skipped
        ("2026-09-30", 1, "2026-10-08"),  # 1–7 Oct off
        ("2026-10-01", 1, "2026-10-08"),  # start on the holiday: strictly after
        ("2026-10-07", 1, "2026-10-08"),
        ("2026-10-08", 1, "2026-10-09"),
        ("2026-10-09", 1, "2026-10-10"),  # Friday → Saturday 10 Oct, adjusted
        ("2026-10-10", 1, "2026-10-12"),  # Sunday 11 Oct is off
        ("2026-09-30", 7, "2026-10-15"),
        ("2026-10-03", 0, "2026-10-03"),  # n = 0 is the start itself, even on a holiday
    ],
)
def test_add_around_national_day(dept_client, start, n, expected):
    assert _add(dept_client, start, n) == expected
    assert _between(dept_client, start, expected) == n


def test_add_answers_with_its_inputs_and_the_schedule_it_used(dept_client):
    body = _get(dept_client, ADD, date="2026-09-30", n=1)
    assert body["start"] == "2026-09-30" and body["n"] == 1 and body["date"] == "2026-10-08"
    assert body["schedule"] == [
        {"year": 2026, "source": "builtin", "basis": body["schedule"][0]["basis"], "revision": 0}
    ]
    assert "chinese-calendar" in body["schedule"][0]["basis"]


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2026-09-30", "2026-10-07", 0),  # all of National Day off
        ("2026-09-30", "2026-10-08", 1),
        ("2026-09-19", "2026-09-20", 1),  # Sunday 20 Sep counts
        ("2026-10-08", "2026-10-08", 0),  # (start, end] is empty
        ("2026-10-15", "2026-10-08", 0),  # end before start
    ],
)
def test_between_around_national_day(dept_client, start, end, count):
    body = _get(dept_client, BETWEEN, start=start, end=end)
    assert body["working_days"] == count and body["start"] == start and body["end"] == end
    assert [s["year"] for s in body["schedule"]] == [2026]


def test_between_counts_the_makeup_days_and_skips_the_holidays(dept_client):
    # 25 Sep – 11 Oct: working days are Mon–Wed 28–30 Sep and Thu–Sat 8–10 Oct, plus nothing else.
    assert _between(dept_client, "2026-09-24", "2026-10-11") == 6
    # 14 – 20 Sep: Mon–Fri 14–18 and the adjusted Sunday 20 Sep.
    assert _between(dept_client, "2026-09-13", "2026-09-20") == 6


def test_counting_into_an_unknown_year_is_a_422(dept_client):
    for res in (
        dept_client.get(ADD, {"date": "2026-12-30", "n": 5}),
        dept_client.get(BETWEEN, {"start": "2026-12-30", "end": "2027-01-05"}),
        dept_client.get(f"{YEARS}/2027"),
    ):
        assert res.status_code == 422, res.content
        body = res.json()
        assert body["code"] == "calendar_unknown_year"
        assert "2027" in body["message"] and "2027" in body["message_en"] and body["errors"] == []


def test_a_negative_count_is_a_field_error(dept_client):
    res = dept_client.get(ADD, {"date": "2026-10-01", "n": -1})
    assert res.status_code == 400 and res.json()["errors"][0]["field"] == "n"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date": "2026-02-30", "n": 1}, "date"),
        ({"date": "2026-10-01", "n": "一"}, "n"),
        ({"n": 1}, "date"),
    ],
)
def test_malformed_query_parameters_name_the_field(dept_client, params, field):
    res = dept_client.get(ADD, params)
    assert res.status_code == 422
    assert res.json()["code"] == "invalid" and [e["field"] for e in res.json()["errors"]] == [field]


def test_anonymous_callers_are_refused(db):
    for url in (f"{ADD}?date=2026-10-01&n=1", f"{BETWEEN}?start=2026-10-01&end=2026-10-09", f"{YEARS}/2026"):
        res = Client().get(url)
        assert res.status_code == 401 and res.json()["code"] == "unauthenticated", url
    assert _put(Client(), 2027, {"basis": BASIS_2027, "days": DAYS_2027}).status_code == 401


# ------------------------------------------------------------------------------------ entering a year


def test_department_users_may_not_enter_a_year(dept_client):
    res = _put(dept_client, 2027, {"basis": BASIS_2027, "days": DAYS_2027})
    assert res.status_code == 403 and res.json()["code"] == "forbidden"
    assert not calendar.WorkCalendarYear.objects.exists()
    assert not AuditEvent.objects.filter(object_type="core.workcalendaryear").exists()


def test_an_api_key_may_not_enter_a_year(world):
    _, raw = account_services.create_api_key(factories.SYSTEM, organization=world.gov_a, name="采购系统")
    keyed = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert keyed.get(f"{YEARS}/2026").status_code == 200
    res = keyed.put(
        f"{YEARS}/2027", {"basis": BASIS_2027, "days": DAYS_2027}, content_type="application/json"
    )
    assert res.status_code == 403 and not calendar.WorkCalendarYear.objects.exists()


def test_platform_admin_enters_a_year_which_is_audited_and_used(admin_client):
    res = _put(
        admin_client,
        2027,
        {
            "basis": f"  {BASIS_2027} ",
            "days": DAYS_2027,
            "published_on": "2026-11-10",
            "note": "测试录入",
            "reason": "国务院办公厅通知已发布",
        },
    )
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["year"] == 2027 and body["source"] == "admin" and body["revision"] == 1
    assert body["basis"] == BASIS_2027 and body["published_on"] == "2026-11-10" and body["note"] == "测试录入"
    assert body["days"] == sorted(DAYS_2027, key=lambda d: d["date"])

    event = AuditEvent.objects.filter(object_type="core.workcalendaryear").latest("seq")
    assert event.action == "create" and event.reason == "国务院办公厅通知已发布" and event.channel == "api"
    assert event.actor == "user:pingtai"
    assert ["2027-02-07", "workday", "春节"] in event.after["days"]

    assert _get(admin_client, f"{YEARS}/2027") == body
    # Fri 5 Feb off, Sat 6 off, Sun 7 adjusted; Mon 8 off.
    assert _add(admin_client, "2027-02-04", 1) == "2027-02-07"
    assert _add(admin_client, "2027-02-07", 1) == "2027-02-09"
    across = _get(admin_client, ADD, date="2026-12-30", n=2)
    assert across["date"] == "2027-01-04"  # Thu 31 Dec, then Fri 1 Jan off and the weekend
    assert [(s["year"], s["source"], s["revision"]) for s in across["schedule"]] == [
        (2026, "builtin", 0),
        (2027, "admin", 1),
    ]


def test_re_entering_a_year_bumps_the_revision(admin_client):
    assert _put(admin_client, 2027, {"basis": BASIS_2027, "days": DAYS_2027}).json()["revision"] == 1
    res = _put(admin_client, 2027, {"basis": BASIS_2027, "days": DAYS_2027[:1]})
    assert res.status_code == 200 and res.json()["revision"] == 2
    assert res.json()["days"] == [{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]
    assert _add(admin_client, "2027-02-04", 1) == "2027-02-05"  # 5 Feb is an ordinary Friday again
    assert AuditEvent.objects.filter(object_type="core.workcalendaryear", action="update").count() == 1


def test_credit_office_may_enter_a_year(world):
    c = _client(factories.user(Role.CREDIT_OFFICE, world.city_credit))
    assert _put(c, 2027, {"basis": BASIS_2027, "days": DAYS_2027}).status_code == 200


def test_schema_errors_name_the_day(admin_client):
    days = [
        *DAYS_2027,
        {"date": "2027-02-30", "kind": "holiday"},
        {"kind": "holiday"},
        {"date": "2027-03-01"},
    ]
    res = _put(admin_client, 2027, {"basis": BASIS_2027, "days": days})
    assert res.status_code == 422, res.content
    body = res.json()
    assert body["code"] == "invalid"
    assert [e["field"] for e in body["errors"]] == ["days.4.date", "days.5.date", "days.6.kind"]
    assert all(e["message"] and e["message_en"] for e in body["errors"])
    assert not calendar.WorkCalendarYear.objects.exists()


def test_rule_errors_name_the_day_and_write_nothing(admin_client):
    days = [
        {"date": "2027-01-01", "kind": "holiday"},
        {"date": "2027-03-03", "kind": "workday"},  # a Wednesday cannot be an adjusted working day
        {"date": "2027-03-06", "kind": "rest"},  # unknown kind
        {"date": "2026-10-01", "kind": "holiday"},  # not in 2027
        {"date": "2027-01-01", "kind": "holiday"},  # listed twice
    ]
    res = _put(admin_client, 2027, {"basis": " ", "days": days})
    assert res.status_code == 400, res.content
    errors = res.json()["errors"]
    assert [e["field"] for e in errors] == [
        "basis",
        "days.1.kind",
        "days.2.kind",
        "days.3.date",
        "days.4.date",
    ]
    assert "weekend" in errors[1]["message_en"] and "周六或周日" in errors[1]["message"]
    assert "rest" in errors[2]["message_en"]
    assert not calendar.WorkCalendarYear.objects.exists()
    assert not AuditEvent.objects.filter(object_type="core.workcalendaryear").exists()


def test_a_year_outside_the_range_is_refused(admin_client):
    res = _put(admin_client, 1800, {"basis": BASIS_2027, "days": [{"date": "1800-01-01", "kind": "holiday"}]})
    assert res.status_code == 400 and res.json()["errors"][0]["field"] == "year"
    assert _put(admin_client, "abc", {"basis": BASIS_2027, "days": DAYS_2027}).status_code == 422
