"""`govtrust import`: exit statuses, messages, the rejects file, templates and acting as a user."""


import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govtrust.core.access import Role
from govtrust.core.models import AuditEvent
from govtrust.intake.operator import os_user
from govtrust.subjects.models import Region
from govtrust.testing import factories

from .helpers import ORG_HEADERS, csv_file, read_csv, read_xlsx, run_import_command

_run = run_import_command


@pytest.fixture
def regions_file(tmp_path):
    def make(*rows):
        path = tmp_path / "regions.csv"
        path.write_bytes(csv_file([["区划代码", "名称"], *rows], "gbk"))
        return str(path)
    return make


def test_a_clean_import_exits_0_and_is_audited_as_the_os_user(world, regions_file):
    code, out, _ = _run(regions_file(["530111", "官渡区"]), "--dataset", "regions", "--reason", "新设")
    assert code == 0
    assert "共1行，新增1行，拒绝0行" in out and "1 rows, 1 created, 0 rejected" in out
    event = AuditEvent.objects.filter(object_type="subjects.region").last()
    assert (event.actor, event.channel, event.reason) == (f"cli:{os_user()}", "cli", "新设（导入文件：regions.csv） 第2行")


def test_a_refused_import_exits_1_lists_every_error_and_writes_the_rejects(world, regions_file, tmp_path):
    rejects = tmp_path / "bad.xlsx"
    code, _, err = _run(regions_file(["530111", "官渡区"], ["5301", "甲"], ["530102", "五华区"]),
                        "--dataset", "regions", "--rejects", str(rejects))
    assert code == 1
    assert "第3行 区划代码: 区划代码应为6位" in err and "第4行 区划代码: 530102已存在" in err
    assert "nothing was written" in err
    assert not Region.objects.filter(code="530111").exists()
    assert [r[0] for r in read_xlsx(rejects.read_bytes())] == ["区划代码", "5301", "530102"]


def test_accept_valid_exits_0_when_the_batch_was_written_without_some_rows(world, regions_file, tmp_path):
    rejects = tmp_path / "bad.csv"
    code, out, err = _run(regions_file(["530111", "官渡区"], ["5301", "甲"]), "--dataset", "regions",
                          "--accept-valid", "--rejects", str(rejects))
    assert code == 0
    assert "新增1行，拒绝1行" in out and "第3行" in err
    assert Region.objects.filter(code="530111").exists()
    assert read_csv(rejects.read_bytes())[1][:3] == ["5301", "甲", "3"]


def test_bad_files_and_usage_errors(world, tmp_path, regions_file):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _, err = _run(str(empty), "--dataset", "regions")
    assert code == 1 and "文件为空" in err
    assert _run(str(tmp_path / "missing.csv"), "--dataset", "regions")[0] == 2
    assert _run(regions_file(["530111", "官渡区"]))[0] == 2  # no --dataset
    assert _run(regions_file(["530111", "官渡区"]), "--dataset", "regions", "--rejects", "out.pdf")[0] == 2
    assert _run(regions_file(["530111", "官渡区"]), "--dataset", "regions", "--as", "nobody")[0] == 2
    with pytest.raises(CommandError):
        call_command("import", str(empty), "--dataset", "records")
    assert not Region.objects.filter(code="530111").exists()


def test_as_user_imports_with_that_users_scope(world, tmp_path):
    user = factories.user(Role.CREDIT_OFFICE, world.credit_a, username="wuhua-credit")
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_file([ORG_HEADERS,
                               ["昆明市五华区审计局", factories.uscc("11", "530102"), "政府部门", "530102", "", "", ""],
                               ["昆明市盘龙区审计局", factories.uscc("11", "530103"), "政府部门", "530103", "", "", ""]]))
    code, _, err = _run(str(path), "--dataset", "organizations", "--as", "wuhua-credit", "--accept-valid")
    assert code == 0 and "第3行 所属区划代码: 目标区划或单位不在您的管辖范围内" in err
    event = AuditEvent.objects.filter(object_type="subjects.organization").last()
    assert (event.actor_user_id, event.actor) == (user.pk, f"user:wuhua-credit via cli:{os_user()}")


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_template_is_written(db, tmp_path, suffix):
    path = tmp_path / f"t.{suffix}"
    code, out, _ = _run("--template", "civil-servants", str(path))
    assert code == 0 and "模板已写入" in out
    rows = read_xlsx(path.read_bytes()) if suffix == "xlsx" else read_csv(path.read_bytes())
    assert rows[0][:2] == ["姓名", "公民身份号码"] and rows[1][1] == "530102199001010028"
