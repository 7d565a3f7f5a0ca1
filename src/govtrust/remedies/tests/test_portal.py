"""The portal's objection and credit-repair pages through the test client: the home page, the actions beside a
disclosed record, the forms with their errors per field and the anti-flood checks, the code shown once,
tracking, and what the organization page shows as cases are decided."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govtrust.complaints import throttle
from govtrust.complaints.models import PortalThrottle
from govtrust.ledger.models import RecordStatus
from govtrust.remedies import objections, repairs, views
from govtrust.remedies.models import Case, CaseFile, PublicStatement

from .conftest import PDF

pytestmark = pytest.mark.django_db

GROUNDS = "该处罚决定已被复议机关撤销（五华复决〔2026〕3号），记录与事实不符。"


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.COMPLAINT_PORTAL = {"min_fill_seconds": 0}


@pytest.fixture
def penalty(world, make_record):
    """A general administrative penalty about county A's finance bureau, disclosed, decided 30 days ago."""
    return make_record(world.finance_a, "administrative_penalty", severity="general")


@pytest.fixture
def old_penalty(world, make_record):
    """One decided 200 days ago: its minimum disclosure period has ended, so it can be repaired now."""
    return make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=200)


def evidence(name="复议决定书.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _stamp(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.content.decode()[:1000]
    return re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)


def objection_url(record=None):
    return "/remedies/objections/new/" + (f"?record={record.pk}" if record else "")


def repair_url(record=None):
    return "/remedies/repairs/new/" + (f"?record={record.pk}" if record else "")


def post(client, url, **kw):
    data = {"started": _stamp(client, url), "name": "张三", "contact": "13812345678", "grounds": GROUNDS,
            "requested": "撤销该记录", "files": [evidence()]} | kw
    return client.post(url, data)


def repair_post(client, url, **kw):
    kw.setdefault("grounds", "已于2026年8月足额缴纳罚款并完成整改，整改报告附后。")
    kw.setdefault("pledge", "on")
    kw.setdefault("pledge_signer", "昆明市五华区财政局")
    return post(client, url, **kw)


def serial_code(client, response):
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(response["Location"]).content.decode()
    serial = re.search(r'data-testid="serial">([^<]+)<', page).group(1)
    code = re.search(r'data-testid="code">([^<]+)<', page).group(1)
    return serial, code


def track(client, serial, code):
    return client.post("/remedies/track/", {"serial": serial, "code": code})


def org_page(client, world):
    response = client.get(f"/organizations/{world.finance_a.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_home_shows_the_time_limits_in_force_and_what_cannot_be_repaired(world):
    html = Client().get("/remedies/").content.decode()
    assert "收到申请后1个工作日内受理" in html and "受理后5个工作日内核查处理" in html
    assert "2个工作日内转数据来源单位" in html and "自收到申请起10个工作日内办结" in html
    assert "纪律处分" in html and "失信被执行人名单由人民法院依法删除或屏蔽" in html
    assert 'href="/remedies/objections/new/"' in html and 'href="/remedies/track/"' in html
    assert 'href="/remedies/"' in Client().get("/").content.decode()  # in the portal navigation


def test_the_organization_page_offers_an_objection_and_says_when_repair_is_possible(world, penalty, old_penalty):
    html = org_page(Client(), world)
    assert f'href="/remedies/objections/new/?record={penalty.pk}"' in html
    assert f'href="/remedies/objections/new/?record={old_penalty.pk}"' in html
    assert f'href="/remedies/repairs/new/?record={old_penalty.pk}"' in html and "可申请信用修复" in html
    assert f'href="/remedies/repairs/new/?record={penalty.pk}"' not in html
    assert f"最短公示期未满，可于{penalty.repair_from:%Y年%m月%d日}起申请修复" in html


def test_the_actions_cost_at_most_a_small_query_per_record(world, make_record, django_assert_max_num_queries):
    make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=200)
    client = Client()
    with django_assert_max_num_queries(100) as one:
        org_page(client, world)
    for _ in range(3):
        make_record(world.finance_a, "administrative_penalty", severity="general", days_ago=200)
    with django_assert_max_num_queries(100) as four:
        org_page(client, world)
    assert len(four.captured_queries) - len(one.captured_queries) <= 3 * 2


def test_file_an_objection_get_the_code_once_and_track_it(world, penalty):
    client = Client()
    response = post(client, objection_url(penalty), files=[evidence(), evidence("现场.pdf")],
                    grounds="<script>alert(1)</script>" + GROUNDS)
    serial, code = serial_code(client, response)
    assert serial.startswith("YY") and len(code) == 6
    assert client.get("/remedies/filed/")["Location"] == "/remedies/track/"  # the code is shown once
    c = Case.objects.get(serial=serial)
    assert c.kind == "objection" and c.channel == "portal" and c.capacity == "subject" and c.record == penalty
    assert CaseFile.objects.filter(case=c).count() == 2 and c.requested == "撤销该记录"
    html = track(client, serial, code).content.decode()
    assert 'data-testid="track-status">待受理<' in html and 'data-testid="track-kind">异议<' in html
    assert penalty.document_number in html and "申请已提交" in html and c.current_due.isoformat() in html
    assert "张三" not in html and "13812345678" not in html and "138****5678" not in html
    assert "<script>alert(1)" not in html


def test_the_filed_page_says_what_happens_next(world, penalty):
    client = Client()
    response = post(client, objection_url(penalty))
    page = client.get(response["Location"])
    html = page.content.decode()
    c = Case.objects.get()
    assert page["Cache-Control"] == "no-store"
    assert f"{c.current_due:%Y-%m-%d}前" in html and "异议中" in html and "受理后5个工作日内核查处理" in html


def test_errors_are_shown_next_to_each_field_and_nothing_is_written(world, penalty):
    client = Client()
    response = post(client, objection_url(penalty), name="", contact="call me", grounds=" ",
                    files=[evidence("证据.pdf", b"MZ\x90 an exe")])
    html = response.content.decode()
    assert response.status_code == 400
    for field in ("name", "contact", "grounds", "files"):
        assert f'data-field-errors="{field}"' in html, field
    assert "申请内容有误，请修改后重新提交" in html and "The application has errors" in html
    assert "证据.pdf：文件内容与类型“pdf”不符" in html
    assert "call me" in html  # what was typed is kept
    response = post(client, objection_url(penalty), files=[])
    assert 'data-field-errors="files"' in response.content.decode() and "请上传证明材料" in response.content.decode()
    assert not Case.objects.exists() and not CaseFile.objects.exists()


def test_a_second_open_objection_is_refused_with_the_first_serial(world, penalty):
    client = Client()
    serial, _code = serial_code(client, post(client, objection_url(penalty)))
    again = post(client, objection_url(penalty))
    assert again.status_code == 409 and serial in again.content.decode()
    assert Case.objects.count() == 1


def test_a_record_not_disclosed_has_no_form(world, make_record):
    shared = make_record(world.finance_a, "sme_payment_arrears", severity="general")  # shared, not public
    client = Client()
    assert client.get(objection_url(shared)).status_code == 404
    assert client.get("/remedies/objections/new/?record=x").status_code == 404
    assert client.post(objection_url(shared), {}).status_code == 404


def test_honeypot_and_fill_time_refuse_bots(world, penalty, settings):
    client = Client()
    assert post(client, objection_url(penalty), website="http://spam").status_code == 400
    assert client.post(objection_url(penalty), {"started": "forged:stamp", "grounds": GROUNDS}).status_code == 400
    settings.COMPLAINT_PORTAL = {"min_fill_seconds": 60}
    refused = post(client, objection_url(penalty))
    assert refused.status_code == 400 and "提交过于频繁或未通过校验" in refused.content.decode()
    assert not Case.objects.exists()


def test_rate_limit_per_address_in_the_remedies_own_buckets(world, make_record, settings):
    settings.COMPLAINT_PORTAL = {"min_fill_seconds": 0, "file_per_hour": 2}
    records = [make_record(world.finance_a, "administrative_penalty", severity="general") for _ in range(4)]
    client = Client(REMOTE_ADDR="10.0.0.9")
    assert post(client, objection_url(records[0])).status_code == 302
    assert post(client, objection_url(records[1])).status_code == 302
    refused = post(client, objection_url(records[2]))
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert post(Client(REMOTE_ADDR="10.0.0.10"), objection_url(records[3])).status_code == 302
    assert Case.objects.count() == 3
    assert set(PortalThrottle.objects.values_list("bucket", flat=True)) == {views.FILE_HOUR, views.FILE_DAY}
    # the complaint form's own counter is not used up by the remedies'
    assert throttle.allow("file-hour", "10.0.0.9", 2, 3600)


def test_a_wrong_code_answers_like_an_unknown_serial_and_tracking_is_limited(world, penalty, settings):
    client = Client()
    serial, code = serial_code(client, post(client, objection_url(penalty)))
    wrong = track(client, serial, "AAAAAA")
    unknown = track(client, "YY20260101000000", "AAAAAA")
    assert wrong.status_code == unknown.status_code == 404

    def body(r):
        return re.sub(r'name="(serial|csrfmiddlewaretoken)" value="[^"]*"', "", r.content.decode())

    assert body(wrong) == body(unknown) and "编号或提取码不正确" in body(wrong) and penalty.document_number not in body(wrong)
    assert track(client, serial.lower(), code.lower()).status_code == 200  # typed as people type
    settings.COMPLAINT_PORTAL = {"track_per_hour": 2}
    statuses = [track(Client(REMOTE_ADDR="10.0.0.20"), serial, code).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_accepted_shows_disputed_then_rejected_shows_the_reasons(world, penalty, office_a):
    client = Client()
    serial, code = serial_code(client, post(client, objection_url(penalty)))
    c = Case.objects.get(serial=serial)
    objections.accept(office_a, c)
    html = org_page(client, world)
    assert 'data-testid="record-status">异议中<' in html and "已有异议正在核查处理" in html
    assert f'href="/remedies/objections/new/?record={penalty.pk}"' not in html
    html = track(client, serial, code).content.decode()
    assert "已受理核查中" in html and "标注异议中" in html
    objections.decide(office_a, c, upheld=False, reason="处罚决定合法有效，复议维持原决定")
    html = track(client, serial, code).content.decode()
    assert 'data-testid="track-status">异议不成立<' in html
    assert 'data-testid="track-decision">处罚决定合法有效，复议维持原决定<' in html
    assert office_a.username not in html and "system" not in html  # never who acted
    assert "异议中" not in org_page(client, world).split('data-testid="public-records"')[1].split("</section>")[0]


def test_an_upheld_revocation_removes_the_record_and_publishes_a_statement(world, penalty, office_a):
    client = Client()
    serial, code = serial_code(client, post(client, objection_url(penalty)))
    c = Case.objects.get(serial=serial)
    assert "更正说明" not in org_page(client, world)
    objections.accept(office_a, c)
    objections.decide(office_a, c, upheld=True, outcome="revoked", reason="处罚决定已被复议机关撤销")
    statement = PublicStatement.objects.get(record=penalty)
    html = org_page(client, world)
    assert penalty.document_number not in html.split('data-testid="public-records"')[1].split("</section>")[0]
    assert 'data-testid="public-statements"' in html and "更正说明" in html and statement.text in html
    html = track(client, serial, code).content.decode()
    assert "异议成立" in html and "撤销记录" in html and "发布更正说明" in html


def test_repair_form_needs_the_signed_commitment_then_approval_ends_the_disclosure(world, old_penalty, office_a):
    client = Client()
    form = client.get(repair_url(old_penalty)).content.decode()
    assert "信用修复承诺书" in form and "我已阅读并签署" in form and views.PLEDGE.splitlines()[1] in form
    response = repair_post(client, repair_url(old_penalty), pledge="", pledge_signer="")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-errors="pledge"' in html and "须签署信用修复承诺书" in html
    assert 'data-field-errors="pledge_signer"' in html and not Case.objects.exists()
    serial, code = serial_code(client, repair_post(client, repair_url(old_penalty)))
    c = Case.objects.get(serial=serial)
    assert serial.startswith("XF") and c.kind == "repair" and c.pledge == views.PLEDGE
    assert c.pledge_signer == "昆明市五华区财政局" and c.pledged_at is not None
    repairs.approve(office_a, c, reason="已履行义务并作出承诺，准予修复")
    old_penalty.refresh_from_db()
    assert old_penalty.status == RecordStatus.REPAIRED
    assert old_penalty.document_number not in org_page(client, world)
    html = track(client, serial, code).content.decode()
    assert 'data-testid="track-status">准予修复<' in html and "已履行义务并作出承诺，准予修复" in html
    assert "结果共享" in html and 'data-testid="track-kind">信用修复<' in html


def test_a_record_not_yet_repairable_shows_why_and_no_form(world, penalty):
    client = Client()
    html = client.get(repair_url(penalty)).content.decode()
    assert 'data-testid="not-repairable"' in html and "最短公示期未满" in html
    assert 'data-testid="remedy-form"' not in html
    response = client.post(repair_url(penalty), {  # posted anyway: the service refuses it
        "started": _stamp(client, objection_url(penalty)), "name": "张三", "contact": "13812345678",
        "grounds": GROUNDS, "pledge": "on", "pledge_signer": "昆明市五华区财政局", "files": [evidence()]})
    assert response.status_code == 400 and "最短公示期未满" in response.content.decode()
    assert not Case.objects.exists()


def test_a_civil_servant_objects_to_their_own_record(world, person, make_record):
    someone, rid = person
    record = make_record(someone, "accountability", severity="general", person_id=rid)
    client = Client()
    form = client.get(objection_url()).content.decode()
    assert 'name="resident_id"' in form and 'name="document_number"' in form
    wrong = post(client, objection_url(), resident_id="110101199001011234", document_number=record.document_number)
    assert wrong.status_code == 400 and 'data-field-errors="resident_id"' in wrong.content.decode()
    missing = post(client, objection_url(), resident_id=rid, document_number="不存在〔2026〕1号")
    assert 'data-field-errors="document_number"' in missing.content.decode()
    assert missing["Cache-Control"] == "no-store"
    serial, code = serial_code(client, post(client, objection_url(), resident_id=rid,
                                            document_number=record.document_number))
    c = Case.objects.get(serial=serial)
    assert c.capacity == "self" and c.record == record
    html = track(client, serial, code).content.decode()
    assert record.document_number in html and rid not in html and "赵六" not in html


def test_a_civil_servant_repair_of_an_excluded_category_is_refused_with_the_reason(world, person, make_record):
    someone, rid = person
    record = make_record(someone, "accountability", severity="general", person_id=rid, days_ago=400)
    client = Client()
    response = repair_post(client, repair_url(), resident_id=rid, document_number=record.document_number,
                           pledge_signer="赵六")
    html = response.content.decode()
    assert response.status_code == 400 and "问责处理的影响期依问责规定执行" in html
    assert 'data-field-errors="record"' in html and not Case.objects.exists()

