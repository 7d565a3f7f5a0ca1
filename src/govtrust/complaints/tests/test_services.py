"""The complaint workflow through the service functions: deadlines in working days (2026 holidays), routing
with history, return and reassignment, merge, follow-up visit and reopening, the ledger record, privacy."""

import datetime as dt

import pytest

from govtrust.commitments.models import Notice
from govtrust.complaints import intake, routing, services
from govtrust.complaints.models import Complaint, ComplaintEvent, EventKind, RoutingEntry, Status
from govtrust.complaints.scan import scan
from govtrust.core.access import SYSTEM
from govtrust.core.errors import Conflict, PermissionDenied, ServiceError
from govtrust.core.models import AuditEvent
from govtrust.ledger.models import Record, RecordStatus
from govtrust.testing import factories

MON_SEP_21 = dt.date(2026, 9, 21)


def test_filing_gives_a_serial_and_code_and_the_accept_deadline_follows_the_calendar(world):
    c, code = intake.file_public(intake.Filing(category="arrears", body=" 昆明市五华区 财政局 ",
                                               facts="未付款", name="张三丰", contact="13812345678"),
                                 today=dt.date(2026, 9, 18))  # a Friday
    assert c.status == Status.RECEIVED and c.serial.startswith("TS20260918") and len(code) == 6
    assert c.accept_due == c.current_due == dt.date(2026, 9, 20)  # Sun Sep 20 2026 is an adjusted working day
    assert c.body == world.finance_a  # the name as typed, spaces folded
    assert c.rule.code == "12345-2020" and c.calendar_basis["calendar"][0]["year"] == 2026
    assert (c.name_masked, c.contact_masked) == ("张**", "138****5678")
    raw = Complaint.objects.filter(pk=c.pk).values_list("name_encrypted", "contact_encrypted").get()
    assert "张三丰" not in raw[0] and "13812345678" not in raw[1]
    assert intake.track(c.serial, code.lower()) == c  # codes are read back case-insensitively
    assert intake.track(c.serial, "WRONG1") is None and intake.track("TS2026091800000", code) is None
    trail = AuditEvent.objects.filter(object_type="complaints.complaint", object_id=str(c.pk)).get()
    assert "张三丰" not in str(trail.after) and "13812345678" not in str(trail.after)


def test_bad_input_names_every_field_and_writes_nothing(world):
    with pytest.raises(ServiceError) as err:
        intake.file_public(intake.Filing(category="nope", body="不存在的局", facts="", anonymous=False,
                                         contact="abc"))
    fields = [e.field for e in err.value.errors]
    assert fields == ["category", "body", "facts", "name", "contact"]
    assert all(e.message and e.message_en for e in err.value.errors)
    assert Complaint.objects.count() == 0


def test_disguised_and_executable_attachments_are_refused(world, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for name, data in (("发票.pdf", b"MZ\x90\x00 this is a windows executable"), ("run.exe", b"MZ\x90\x00"),
                       ("说明.docx", b"PK\x03\x04 zip")):
        with pytest.raises(ServiceError) as err:
            intake.file_public(intake.Filing(category="arrears", body=world.finance_a.name, facts="x", anonymous=True,
                                             files=[SimpleUploadedFile(name, data)]))
        assert err.value.errors[0].field == "files"
    assert Complaint.objects.count() == 0 and not list(media.rglob("*.*"))


def test_oversized_and_too_many_attachments_are_refused(world, settings, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.COMPLAINT_PORTAL = {"max_file_bytes": 100, "max_files": 2}
    png = b"\x89PNG\r\n\x1a\n"
    for files in ([SimpleUploadedFile("大图.png", png + b"\x00" * 200)],
                  [SimpleUploadedFile(f"{i}.png", png) for i in range(3)]):
        with pytest.raises(ServiceError) as err:
            intake.file_public(intake.Filing(category="arrears", body=world.finance_a.name, facts="x", anonymous=True,
                                             files=files))
        assert [e.field for e in err.value.errors] == ["files"]
    long = "长" * 5001
    with pytest.raises(ServiceError) as err:
        intake.file_public(intake.Filing(category="arrears", body=world.finance_a.name, facts=long, anonymous=True))
    assert err.value.errors[0].field == "facts" and "5001" in err.value.errors[0].message
    assert Complaint.objects.count() == 0 and not list(media.rglob("*.*"))


def test_html_is_kept_as_text(world, file_one):
    c = file_one(facts='<script>alert("x")</script>拖欠')
    assert Complaint.objects.get(pk=c.pk).facts == '<script>alert("x")</script>拖欠'


def test_routing_table_nearest_region_and_category_first_with_history(world, office_a, file_one):
    city_route = routing.add(SYSTEM, category=None, region=world.city, organization=world.city_credit,
                             valid_from=dt.date(2026, 1, 1), note="市级兜底")
    c = file_one()
    assert routing.route(c.category, c.body, MON_SEP_21) == (world.city_credit, city_route)
    county = routing.add(office_a, category=c.category, region=world.county_a, organization=world.gov_a,
                         valid_from=dt.date(2026, 1, 1), note="区政府统筹拖欠账款")
    assert routing.route(c.category, c.body, MON_SEP_21) == (world.gov_a, county)
    newer = routing.replace(office_a, county, organization=world.finance_a, valid_from=dt.date(2026, 9, 1),
                            note="改由财政局承办")
    county.refresh_from_db()
    assert county.valid_to == dt.date(2026, 9, 1) and county.replaced_by == newer
    assert routing.route(c.category, c.body, dt.date(2026, 8, 31)) == (world.gov_a, county)  # history answers
    services.accept(office_a, c, today=MON_SEP_21)
    c = services.assign(office_a, c, today=MON_SEP_21)
    assert (c.assignee, c.routing_entry, c.status) == (world.finance_a, newer, Status.ASSIGNED)
    assert Notice.objects.filter(recipient=world.finance_a, text__contains=c.serial).exists()
    with pytest.raises(Conflict):
        routing.add(office_a, category=c.category, region=world.county_a, organization=world.gov_a,
                    valid_from=dt.date(2026, 10, 1))
    with pytest.raises(ServiceError) as err:  # another county is outside county A's credit office
        routing.add(office_a, category=None, region=world.county_b, organization=world.finance_b,
                    valid_from=dt.date(2026, 1, 1))
    assert err.value.errors[0].field == "region"
    assert RoutingEntry.objects.count() == 3


def test_without_an_entry_the_body_handles_its_own_case(assigned, world):
    c = assigned()
    assert c.assignee == world.finance_a and c.routing_entry is None


def test_handling_deadline_across_national_day_then_reminder_and_overdue(assigned, world):
    c = assigned(day=MON_SEP_21)
    # 13 working days after Mon Sep 21 2026: 中秋 (Sep 25) and 国庆 (Oct 1–7) off, Sat Oct 10 a working day.
    assert c.handle_due == c.current_due == dt.date(2026, 10, 15)
    assert scan(SYSTEM, dt.date(2026, 10, 9)).overdue == 0  # counting weekdays only, it would be overdue by now
    first = scan(SYSTEM, dt.date(2026, 10, 13))  # two working days before: Oct 14, Oct 15
    assert (first.reminded, first.overdue) == (1, 0)
    assert scan(SYSTEM, dt.date(2026, 10, 13)).reminded == 0  # idempotent
    late = scan(SYSTEM, dt.date(2026, 10, 16))
    assert late.overdue == 1 and scan(SYSTEM, dt.date(2026, 10, 17)).overdue == 0
    c.refresh_from_db()
    assert c.overdue
    kinds = list(c.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.REMINDED) == 1 and kinds.count(EventKind.OVERDUE) == 1
    assert Notice.objects.filter(recipient=world.finance_a, kind="投诉举报逾期督办").count() == 1
    assert Notice.objects.filter(recipient=world.gov_a, kind="投诉举报逾期督办").count() == 1  # the level above


def test_return_and_reassign_recompute_the_deadline(assigned, world, office_a, finance_a_user):
    c = assigned(day=MON_SEP_21)
    with pytest.raises(ServiceError) as err:
        services.return_case(finance_a_user, c, reason="")
    assert err.value.errors[0].field == "reason"
    c = services.return_case(finance_a_user, c, reason="不属于本单位职责，应由区政府办理", today=dt.date(2026, 9, 22))
    assert (c.status, c.returned_by, c.current_due) == (Status.RETURNED, world.finance_a, dt.date(2026, 9, 23))
    with pytest.raises(Conflict):  # returned: nothing more to do for the bureau until reassigned
        services.reply(finance_a_user, c, text="x", finding="unfounded")
    c = services.reassign(office_a, c, organization=world.gov_a, note="改由区政府办理", today=dt.date(2026, 9, 24))
    assert (c.status, c.assignee, c.return_count) == (Status.ASSIGNED, world.gov_a, 1)
    assert c.handle_due == dt.date(2026, 10, 20)  # counted afresh from Sep 24, across 中秋 and 国庆
    with pytest.raises(PermissionDenied):  # reassigned: the bureau no longer holds (or sees) it
        services.handle(finance_a_user, c)


def test_merge_gives_every_complainant_the_answer(file_one, office_a, world):
    first, second = file_one(), file_one(facts="同一笔货款，我也被拖欠")
    other = file_one(body=world.finance_b.name)
    with pytest.raises(ServiceError) as err:
        services.merge(SYSTEM, other, into=first)
    assert err.value.errors[0].field == "into"
    assert services.duplicates(office_a, first) == [second]
    services.merge(office_a, second, into=first, reason="同一被投诉单位、同一事项", today=MON_SEP_21)
    services.accept(office_a, first, today=MON_SEP_21)
    services.assign(office_a, first, today=MON_SEP_21)
    services.reply(SYSTEM, first, text="已于9月30日付清货款。", finding="substantiated", today=dt.date(2026, 9, 29))
    second.refresh_from_db()
    assert second.status == Status.MERGED and second.root == first
    answered = second.events.get(kind=EventKind.ANSWERED)
    assert "已于9月30日付清货款" in answered.reason


def test_unsatisfied_visit_reopens_with_a_new_deadline(assigned, office_a, finance_a_user):
    c = assigned(day=MON_SEP_21)
    services.handle(finance_a_user, c, today=dt.date(2026, 9, 22))
    c = services.reply(finance_a_user, c, text="已协调付款", finding="unfounded", today=dt.date(2026, 10, 12))
    assert c.on_time is True and c.status == Status.REPLIED
    c = services.close(office_a, c, today=dt.date(2026, 10, 13))
    assert c.current_due == dt.date(2026, 10, 16)  # visit within 3 working days
    with pytest.raises(ServiceError) as err:
        services.visit(office_a, c, rating="")
    assert err.value.errors[0].field == "rating"
    c = services.visit(office_a, c, rating="unsatisfied", note="钱还没到账", today=dt.date(2026, 10, 14))
    assert (c.status, c.reopen_count, c.reply, c.assignee) == (Status.ASSIGNED, 1, "", c.assignee)
    assert c.handle_due == dt.date(2026, 11, 2)  # 13 working days from Oct 14
    assert list(c.events.values_list("kind", flat=True))[-2:] == [EventKind.VISITED, EventKind.REOPENED]
    c = services.reply(finance_a_user, c, text="已到账", finding="unfounded", today=dt.date(2026, 10, 20))
    c = services.visit(office_a, services.close(office_a, c, today=dt.date(2026, 10, 21)), rating="satisfied",
                       today=dt.date(2026, 10, 22))
    assert c.status == Status.VISITED and c.current_due is None


def test_found_true_writes_a_ledger_record_and_an_unfounded_reclose_revokes_it(assigned, office_a, finance_a_user,
                                                                              world):
    c = assigned(day=MON_SEP_21)
    services.reply(finance_a_user, c, text="经核查，确未按合同付款，已责令整改。", finding="partly",
                   today=dt.date(2026, 9, 28))
    c = services.close(office_a, c, today=dt.date(2026, 9, 29))
    record = c.ledger_record
    assert record.category.code == "complaint_substantiated" and record.subject_key == f"o:{world.finance_a.pk}"
    assert record.data == {"complaint_number": c.serial} and record.document_number == f"GT-TS-{c.serial}"
    assert record.severity == "minor" and record.status == RecordStatus.ACTIVE
    assert c.events.filter(kind=EventKind.RECORDED).exists()
    c = services.visit(office_a, c, rating="unsatisfied", today=dt.date(2026, 9, 30))
    services.reply(finance_a_user, c, text="复核：款项系对方未开票所致，不属实。", finding="unfounded",
                   today=dt.date(2026, 10, 12))
    services.close(office_a, c, today=dt.date(2026, 10, 13))
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED
    c = services.visit(office_a, c, rating="unsatisfied", today=dt.date(2026, 10, 14))
    services.reply(finance_a_user, c, text="再次复核：确有拖欠。", finding="substantiated", today=dt.date(2026, 10, 20))
    c = services.close(office_a, c, today=dt.date(2026, 10, 21))
    again = c.ledger_record
    assert again.pk != record.pk and again.status == RecordStatus.ACTIVE
    assert again.document_number == f"GT-TS-{c.serial}-2"


def test_inquiries_take_three_working_days_and_write_no_record(file_one, office_a):
    c = file_one(category="inquiry", facts="拖欠账款应向哪个部门反映？")
    services.accept(office_a, c, today=dt.date(2026, 9, 30))
    c = services.assign(office_a, c, today=dt.date(2026, 9, 30))
    assert c.handle_due == dt.date(2026, 10, 10)  # Oct 8, 9 and the adjusted working Saturday
    services.reply(SYSTEM, c, text="可向财政局反映。", today=dt.date(2026, 10, 9))
    c = services.close(office_a, c, today=dt.date(2026, 10, 9))
    assert c.finding == "not_applicable" and c.ledger_record is None and Record.objects.count() == 0


def test_decline_needs_a_listed_matter(file_one, office_a):
    c = file_one()
    with pytest.raises(ServiceError) as err:
        services.decline(office_a, c, matter="")
    assert err.value.errors[0].field == "matter"
    c = services.decline(office_a, c, matter="litigation", reason="已起诉")
    assert c.status == Status.DECLINED and c.current_due is None and c.decline_matter.code == "litigation"


def test_serious_case_is_reported_to_the_level_above_the_same_day(file_one, office_a, world):
    c = services.flag_serious(office_a, file_one(), reason="涉及金额巨大、群体性", today=MON_SEP_21)
    assert (c.serious, c.reported_to, c.reported_on) == (True, world.gov_a, MON_SEP_21)
    assert Notice.objects.filter(recipient=world.gov_a, kind="重大投诉举报报告").exists()
    with pytest.raises(Conflict):
        services.flag_serious(office_a, c, reason="again")


def test_identity_only_for_those_handling_and_every_read_is_audited(assigned, world, finance_a_user, office_a):
    c = assigned(name="李小龙", contact="zhang@example.cn")
    assert c.contact_masked == "z***@example.cn"
    assert services.reveal_identity(finance_a_user, c, purpose="电话回访") == {"name": "李小龙",
                                                                           "contact": "zhang@example.cn"}
    assert AuditEvent.objects.filter(action="read_unmasked", object_id=str(c.pk), reason="电话回访").exists()
    with pytest.raises(ServiceError):
        services.reveal_identity(office_a, c, purpose="")
    assessor = factories.user("assessor", world.credit_a)
    with pytest.raises(PermissionDenied):
        services.reveal_identity(assessor, c, purpose="评估")
    other = factories.user("department", world.finance_b)
    with pytest.raises(PermissionDenied):
        services.reveal_identity(other, c, purpose="x")


def test_the_body_complained_about_does_not_see_a_case_handled_elsewhere(assigned, world):
    from govtrust.complaints.queries import QueueFilters, filter_complaints

    c = assigned(organization=world.gov_a)
    finance = factories.user("department", world.finance_a)
    gov = factories.user("evaluated_body", world.gov_a)
    assert not filter_complaints(finance, QueueFilters()).exists()
    assert list(filter_complaints(gov, QueueFilters(queue="mine"))) == [c]


def test_hotline_cases_are_idempotent_by_the_hotline_number(world, office_a):
    f = intake.Filing(category="arrears", body=world.finance_a.uscc, facts="来电反映拖欠工程款", name="王五",
                      contact="0871-12345678", hotline_number="12345-20260921-0001", received_on=MON_SEP_21)
    first = intake.from_hotline(office_a, f)
    again = intake.from_hotline(office_a, f)
    assert first.created and not again.created and again.complaint == first.complaint and again.code == ""
    assert Complaint.objects.count() == 1
    assert ComplaintEvent.objects.filter(kind=EventKind.RESENT).count() == 1


def test_csv_import_is_all_or_nothing_with_rows_named(world, office_a):
    header = "热线工单号,投诉类别,被投诉单位,事实和理由,登记日期,是否匿名,投诉人姓名,联系方式\n"
    bad = (header + f"H-1,拖欠企业账款,{world.finance_a.name},未付款,2026-09-21,是,,\n"
           f"H-2,不存在类别,{world.finance_a.name},,2026-09-21,否,赵六,123\n"
           "H-1,拖欠企业账款,不存在的单位,x,2026-13-01,是,,\n").encode("utf-8-sig")
    with pytest.raises(ServiceError) as err:
        intake.import_hotline(office_a, filename="12345.csv", content=bad)
    found = {(e.row, e.field) for e in err.value.errors}
    assert {(3, "投诉类别"), (3, "事实和理由"), (3, "联系方式"), (4, "热线工单号")} <= found
    assert Complaint.objects.count() == 0
    good = (header + f"H-1,拖欠企业账款,{world.finance_a.name},未付款,2026-09-21,是,,\n"
            f"H-2,inquiry,{world.finance_a.name},咨询,2026-09-22,否,赵六,13900001111\n").encode("gb18030")
    result = intake.import_hotline(office_a, filename="12345.csv", content=good)
    assert (result.created, result.existing) == (2, 0)
    assert intake.import_hotline(office_a, filename="12345.csv", content=good).existing == 2
    assert set(Complaint.objects.values_list("received_on", flat=True)) == {MON_SEP_21, dt.date(2026, 9, 22)}


def test_the_daily_cli_scan_marks_the_case_overdue_after_national_day(assigned):
    import io

    from django.core.management import call_command

    c = assigned(day=MON_SEP_21)  # due Thu Oct 15 2026
    out = io.StringIO()
    call_command("deadlines", "scan", "--today", "2026-10-16", "--only", "complaints", stdout=out)
    assert "[complaints] 2026-10-16 投诉举报：临期提醒0件，逾期督办1件" in out.getvalue()
    c.refresh_from_db()
    assert c.overdue and c.events.filter(kind=EventKind.OVERDUE, day=dt.date(2026, 10, 16)).exists()


def test_a_deadline_in_a_year_not_yet_entered_waits_and_is_counted_once_the_year_is(file_one):
    from govtrust.core import calendar

    c = file_one(day=dt.date(2026, 12, 31))  # accepting is due the next working day: in 2027
    assert c.pk and c.status == Status.RECEIVED and c.current_due is None and c.calendar_basis["pending"]
    scan(SYSTEM, dt.date(2026, 12, 31))  # still unknown: nothing counted, nothing fails
    c.refresh_from_db()
    assert c.current_due is None
    calendar.set_year_schedule(SYSTEM, year=2027, basis="国办发明电（测试）",
                               days=[(dt.date(2027, 1, 1), "holiday", "元旦")])
    scan(SYSTEM, dt.date(2027, 1, 4))
    c.refresh_from_db()
    assert c.current_due == dt.date(2027, 1, 4) and "pending" not in c.calendar_basis
