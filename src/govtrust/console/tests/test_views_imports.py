"""The import page: datasets by permission, results with row errors, rejects and template downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govtrust.core.access import Role
from govtrust.subjects.models import Organization
from govtrust.testing import factories

HEADER = "单位名称,统一社会信用代码,单位类别,所属区划代码,上级单位名称\n"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    """Rejects files are written under VAR_DIR: keep them out of the checkout."""
    settings.VAR_DIR = tmp_path


def _csv(*rows):
    return SimpleUploadedFile("单位.csv", (HEADER + "".join(r + "\n" for r in rows)).encode("utf-8"), "text/csv")


def _good_row(name):
    return f"{name},{factories.uscc('11', '530102')},政府部门,530102,昆明市五华区人民政府"


def _bad_row(name):
    return f"{name},ABC,政府部门,530102,"


def _post(client, upload, **extra):
    return client.post("/console/imports/", {"dataset": "organizations", "file": upload, "reason": "批量登记", **extra})


def test_datasets_offered_by_permission(login):
    dept = login(Role.DEPARTMENT, "finance_a").get("/console/imports/")
    # departments submit credit records, their licence and penalty decisions (双公示), the lists they keep and
    # their supervision inputs (proposals handled, litigation, judgments, inspections, assessments)
    assert [ds.name for ds in dept.context["datasets"]] == ["records", "penalties", "licences", "listings", "proposals",
                                                            "litigation", "judgments", "inspections", "assessments"]
    org_dept = login(Role.ORGANIZATION_DEPT, "gov_a").get("/console/imports/")
    assert [ds.name for ds in org_dept.context["datasets"]] == ["civil-servants", "records"]
    assert login(Role.EVALUATED_BODY, "gov_a").get("/console/imports/").status_code == 403
    assert login(Role.AUDITOR).get("/console/imports/").status_code == 403


def test_valid_file_is_imported(login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = _post(client, _csv(_good_row("昆明市五华区审计局"), _good_row("昆明市五华区统计局")))
    assert res.status_code == 200 and res.context["result"].created == 2
    assert Organization.objects.filter(name__in=["昆明市五华区审计局", "昆明市五华区统计局"]).count() == 2


def test_reason_is_required(login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = _post(client, _csv(_good_row("昆明市五华区审计局")), reason="")
    assert res.status_code == 400 and 'data-field-errors="reason"' in res.content.decode()
    assert not Organization.objects.filter(name="昆明市五华区审计局").exists()


def test_all_or_nothing_shows_every_bad_row_and_writes_nothing(login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = _post(client, _csv(_good_row("昆明市五华区审计局"), _bad_row("昆明市五华区统计局")))
    assert res.status_code == 400
    assert [r.row for r in res.context["result"].rejected] == [3]
    html = res.content.decode()
    assert 'data-testid="row-errors"' in html and "统一社会信用代码" in html and "整体撤销" in html
    assert not Organization.objects.filter(name="昆明市五华区审计局").exists()


def test_accept_valid_keeps_good_rows_and_offers_the_rejects(login, settings):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = _post(client, _csv(_good_row("昆明市五华区审计局"), _bad_row("昆明市五华区统计局")), accept_valid="on")
    assert res.status_code == 200 and res.context["result"].created == 1
    token = res.context["rejects_token"]
    download = client.get(f"/console/imports/rejects/{token}.csv")
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert "昆明市五华区统计局" in body and "错误原因" in body and "昆明市五华区审计局" not in body
    assert client.get(f"/console/imports/rejects/{token}.xlsx").status_code == 200
    # Another user's session does not know the token.
    assert login(Role.CREDIT_OFFICE, "credit_a").get(f"/console/imports/rejects/{token}.csv").status_code == 404
    # The file on disk is encrypted: the rows (which may hold resident IDs) are not readable there.
    stored = next((settings.VAR_DIR / "import-rejects").glob("*.enc")).read_text()
    assert "昆明市五华区统计局" not in stored


def test_unreadable_file_is_refused_on_top(login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = _post(client, SimpleUploadedFile("单位.pdf", b"%PDF-1.4", "application/pdf"))
    assert res.status_code == 400 and 'data-testid="form-error"' in res.content.decode()


def test_template_downloads(login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = client.get("/console/imports/templates/organizations.csv")
    assert res.status_code == 200 and "单位名称" in b"".join(res.streaming_content).decode("utf-8-sig")
    assert client.get("/console/imports/templates/organizations.xlsx").status_code == 200
    assert client.get("/console/imports/templates/organizations.pdf").status_code == 404
    assert client.get("/console/imports/templates/nothing.csv").status_code == 404
    # A dataset the role may not import is not offered for download either.
    assert login(Role.ORGANIZATION_DEPT, "gov_a").get("/console/imports/templates/organizations.csv").status_code == 404
