"""The import API at /api/v1/imports/: uploads, refusals, permissions and templates, through the HTTP client."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govtrust.core.access import Role
from govtrust.subjects.models import Organization, Region
from govtrust.testing import factories

from .helpers import ORG_HEADERS, csv_file, read_csv

URL = "/api/v1/imports"


@pytest.fixture
def office(world, client):
    client.force_login(factories.user(Role.CREDIT_OFFICE, world.credit_a))
    return client


def _upload(client, dataset, rows, filename="data.csv", **form):
    upload = SimpleUploadedFile(filename, csv_file(rows, "gbk"), content_type="text/csv")
    return client.post(f"{URL}/{dataset}", {"file": upload, **form})


def test_an_upload_imports_and_answers_with_the_counts(world, office):
    response = _upload(office, "organizations", [
        ORG_HEADERS, ["昆明市五华区审计局", factories.uscc("11", "530102"), "政府部门", "530102", "", "昆明市五华区人民政府", ""],
    ], reason="新设机构")
    assert response.status_code == 200, response.content
    assert response.json() == {"dataset": "organizations", "batch_id": None, "total": 1, "created": 1, "revised": 0,
                               "unchanged": 0, "rejected": [], "warnings": []}
    assert Organization.objects.get(name="昆明市五华区审计局").parent == world.gov_a


def test_a_refused_upload_is_400_with_every_rows_errors_and_writes_nothing(world, office):
    response = _upload(office, "regions", [["区划代码", "名称"], ["530102001001", "甲社区"], ["530103001", "乙街道"],
                                           ["12", "丙"]])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_rejected"
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "区划代码"), (4, "区划代码")]
    assert body["errors"][0]["message"] == "目标区划或单位不在您的管辖范围内"
    assert not Region.objects.filter(code="530102001001").exists()


def test_accept_valid_answers_with_the_rejected_rows(world, office):
    response = _upload(office, "regions", [["区划代码", "名称", "备注"], ["530102002", "甲街道", ""], ["12", "丙", ""]],
                       accept_valid="true")
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], [r["row"] for r in body["rejected"]]) == (1, [3])
    assert body["rejected"][0]["errors"][0]["field"] == "区划代码"
    assert body["warnings"] == [{"field": "备注", "message": "未识别的列，已忽略",
                                 "message_en": "unrecognized column, ignored", "row": 1}]


def test_bad_files_answer_with_clear_errors(world, office, settings):
    assert _upload(office, "regions", [["代码甲", "名称乙"], ["1", "2"]]).json()["code"] == "invalid_headers"
    assert _upload(office, "nonsense", [["a"], ["1"]]).status_code == 404
    settings.IMPORT_MAX_BYTES = 10
    response = _upload(office, "regions", [["区划代码", "名称"], ["530102002", "甲街道"]])
    assert response.status_code == 413 and "文件过大" in response.json()["message"]


def test_without_the_import_permission_or_a_login_the_upload_is_refused(world, client):
    rows = [["区划代码", "名称"], ["530102002", "甲街道"]]
    assert _upload(client, "regions", rows).status_code == 401
    client.force_login(factories.user(Role.EVALUATED_BODY, world.finance_a))
    assert _upload(client, "regions", rows).status_code == 403
    assert client.get(f"{URL}/regions/template").status_code == 403
    assert not Region.objects.filter(code="530102002").exists()


def test_templates_download_with_identifier_columns_as_text(world, office):
    response = office.get(f"{URL}/organizations/template?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == ORG_HEADERS
    assert sheet["B2"].value == "11530102MB0012345U" and sheet["B2"].number_format == "@"
    assert sheet.column_dimensions["B"].number_format == "@" and sheet["A2"].number_format != "@"
    assert book.worksheets[1].title == "填写说明"
    csv_response = office.get(f"{URL}/regions/template?format=csv")
    assert read_csv(csv_response.content) == [["区划代码", "名称", "上级区划代码"], ["530102", "五华区", "530100"]]
    assert office.get(f"{URL}/regions/template?format=pdf").status_code == 422


def test_the_datasets_are_listed_with_their_columns(office):
    body = office.get(URL).json()
    by_name = {d["name"]: d for d in body}
    assert {"regions", "organizations", "civil-servants"} <= set(by_name)
    assert by_name["civil-servants"]["title"] == "公务员"
    uscc = next(c for c in by_name["organizations"]["columns"] if c["field"] == "uscc")
    assert uscc == {"header": "统一社会信用代码", "field": "uscc", "required": True,
                    "aliases": ["社会信用代码", "信用代码", "USCC"]}
