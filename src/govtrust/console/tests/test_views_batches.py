"""The batch history and the per-category record templates on the import page."""

from urllib.parse import unquote

import pytest

from govtrust.core.access import Role
from govtrust.core.errors import ServiceError
from govtrust.intake.services import run_import
from govtrust.intake.tabular import read_table
from govtrust.testing import factories


@pytest.fixture
def penalty(db):
    return factories.category("batch_penalty", name="批次测试处罚", fields=[
        {"name": "fine", "label": "罚款金额", "label_en": "Fine", "type": "money", "required": True}])


def _import(user, world, penalty, filename, **cells):
    rows = [factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 罚款金额="100", **cells)]
    try:
        return run_import(user, dataset="records", filename=filename, content=factories.records_csv(rows),
                          reason="测试").batch_id
    except ServiceError:  # a refused import still leaves its batch in the history
        return None


def test_batches_list_filters_and_detail(world, login, penalty):
    user = factories.user(Role.CREDIT_OFFICE, world.credit_a)
    committed = _import(user, world, penalty, "好文件.csv")
    _import(user, world, penalty, "坏文件.csv", 决定日期="明天")
    client = login(Role.CREDIT_OFFICE, "credit_a")
    page = client.get("/console/imports/batches/").content.decode()
    assert "好文件.csv" in page and "坏文件.csv" in page
    refused = client.get("/console/imports/batches/?status=rejected").content.decode()
    assert "坏文件.csv" in refused and "好文件.csv" not in refused
    detail = client.get(f"/console/imports/batches/{committed}/").content.decode()
    assert "已入库" in detail and f"/console/records/?batch={committed}" in detail


def test_batches_are_scoped(world, login, penalty):
    batch = _import(factories.user(Role.CREDIT_OFFICE, world.credit_a), world, penalty, "五华.csv")
    other = login(Role.CREDIT_OFFICE, "finance_b")
    assert "五华.csv" not in other.get("/console/imports/batches/").content.decode()
    assert other.get(f"/console/imports/batches/{batch}/").status_code == 404
    assert login(Role.EVALUATED_BODY, "gov_a").get("/console/imports/batches/").status_code == 403


def test_a_category_template_carries_its_own_fields(world, login, penalty):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    assert "?category=batch_penalty" in client.get("/console/imports/").content.decode()
    res = client.get("/console/imports/templates/records.csv?category=batch_penalty")
    assert res.status_code == 200 and "批次测试处罚" in unquote(res["Content-Disposition"])
    table = read_table(b"".join(res.streaming_content), "t.csv")
    assert "罚款金额" in table.headers and table.rows[0].cells[0] == "批次测试处罚"
    assert client.get("/console/imports/templates/records.csv?category=no_such").status_code == 404


def test_a_batch_links_to_exactly_its_records(world, login, penalty):
    user = factories.user(Role.CREDIT_OFFICE, world.credit_a)
    first = _import(user, world, penalty, "第一批.csv", 决定文书号="批一〔2026〕1号")
    _import(user, world, penalty, "第二批.csv", 决定文书号="批二〔2026〕1号")
    page = login(Role.CREDIT_OFFICE, "credit_a").get(f"/console/records/?batch={first}").content.decode()
    assert "批一〔2026〕1号" in page and "批二〔2026〕1号" not in page
