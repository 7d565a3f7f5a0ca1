"""The portal's complaint pages through the test client: filing, the anti-flood checks, tracking, privacy."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govtrust.complaints import throttle
from govtrust.complaints.models import Complaint, ComplaintFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _form(client):
    page = client.get("/complaints/new/")
    assert page.status_code == 200
    return re.search(r'name="started" value="([^"]+)"', page.content.decode()).group(1)


def _post(client, world, **kw):
    data = {"started": _form(client), "category": "arrears", "body": world.finance_a.name,
            "facts": "货款拖欠半年", "anonymous": "on"} | kw
    return client.post("/complaints/new/", data)


def _serial_code(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    serial = re.search(r'data-testid="serial">([^<]+)<', page).group(1)
    code = re.search(r'data-testid="code">([^<]+)<', page).group(1)
    return serial, code


def test_file_with_an_attachment_then_track(world):
    client = Client()
    res = _post(client, world, anonymous="", name="张三", contact="13812345678",
                files=[SimpleUploadedFile("现场.png", PNG)], facts='<script>alert(1)</script>仍未付款')
    serial, code = _serial_code(client, res)
    assert client.get("/complaints/filed/").status_code == 302  # the code is shown once
    c = Complaint.objects.get(serial=serial)
    assert ComplaintFile.objects.filter(complaint=c, extension="png").count() == 1
    page = client.post("/complaints/track/", {"serial": serial, "code": code})
    html = page.content.decode()
    assert page.status_code == 200 and "待受理" in html
    assert "张三" not in html and "13812345678" not in html and "138****5678" not in html
    assert "<script>alert(1)" not in html


def test_a_wrong_code_answers_like_an_unknown_serial(world):
    client = Client()
    serial, _code = _serial_code(client, _post(client, world))
    wrong = client.post("/complaints/track/", {"serial": serial, "code": "AAAAAA"})
    unknown = client.post("/complaints/track/", {"serial": "TS20260101000000", "code": "AAAAAA"})
    assert wrong.status_code == unknown.status_code == 404

    def body(r):
        return re.sub(r'name="(serial|csrfmiddlewaretoken)" value="[^"]*"', "", r.content.decode())

    assert body(wrong) == body(unknown)


def test_bad_input_is_shown_next_to_the_fields_and_kept(world):
    client = Client()
    res = _post(client, world, body="不存在的单位", facts="", anonymous="", contact="x",
                files=[SimpleUploadedFile("发票.pdf", b"MZ\x90 an exe")])
    html = res.content.decode()
    assert res.status_code == 400 and Complaint.objects.count() == 0
    for field in ("body", "facts", "name", "contact", "files"):
        assert f'data-field-errors="{field}"' in html or field == "files"
    assert "附件“发票.pdf”" in html and 'value="不存在的单位"' in html


def test_honeypot_and_fill_time_refuse_bots(world, settings):
    client = Client()
    assert _post(client, world, website="http://spam").status_code == 400
    settings.COMPLAINT_PORTAL = {"min_fill_seconds": 60}
    assert _post(client, world).status_code == 400
    assert client.post("/complaints/new/", {"started": "forged:stamp", "category": "arrears"}).status_code == 400
    assert Complaint.objects.count() == 0


def test_rate_limit_per_address(world, settings):
    settings.COMPLAINT_PORTAL = {"min_fill_seconds": 0, "file_per_hour": 2}
    client = Client(REMOTE_ADDR="10.0.0.9")
    assert _post(client, world).status_code == 302
    assert _post(client, world).status_code == 302
    refused = _post(client, world)
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert _post(Client(REMOTE_ADDR="10.0.0.10"), world).status_code == 302  # another address is not affected
    assert Complaint.objects.count() == 3
    assert throttle.allow("file-hour", "10.0.0.11", 1, 3600) and not throttle.allow("file-hour", "10.0.0.11", 1, 3600)


def test_tracking_is_rate_limited(world, settings):
    settings.COMPLAINT_PORTAL = {"track_per_hour": 3}
    client = Client()
    statuses = [client.post("/complaints/track/", {"serial": "TS1", "code": "X"}).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_the_complainant_rates_a_closed_case_on_the_tracking_page(world):
    from govtrust.complaints import services
    from govtrust.core.access import SYSTEM

    client = Client()
    serial, code = _serial_code(client, _post(client, world))
    c = Complaint.objects.get(serial=serial)
    services.accept(SYSTEM, c)
    services.assign(SYSTEM, c)
    services.reply(SYSTEM, c, text="已付清", finding="unfounded")
    services.close(SYSTEM, c)
    page = client.post("/complaints/track/", {"serial": serial, "code": code})
    assert 'data-testid="rate-form"' in page.content.decode() and "已付清" in page.content.decode()
    client.post("/complaints/track/", {"serial": serial, "code": code, "rating": "satisfied"})
    c.refresh_from_db()
    assert c.rating == "satisfied" and c.status == "visited"


def test_home_lists_categories_and_matters_not_accepted(world):
    html = Client().get("/complaints/").content.decode()
    assert "拖欠企业账款" in html and "已经或者依法应当通过诉讼" in html and "13个工作日内办理答复" in html
