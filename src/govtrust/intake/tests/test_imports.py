"""Imports through run_import: every dataset, every kind of bad input, all-or-nothing, accept-valid, scope."""

import pytest

from govtrust.core import audit
from govtrust.core.access import Role
from govtrust.core.context import acting
from govtrust.core.errors import PermissionDenied, ServiceError
from govtrust.core.models import AuditEvent
from govtrust.intake.services import ImportRejected, rejects_file, run_import
from govtrust.subjects.models import CivilServant, Organization, Region
from govtrust.testing import factories
from govtrust.testing.factories import SYSTEM

from .helpers import ORG_HEADERS, PERSON_HEADERS, csv_file, read_csv, read_xlsx, xlsx_file


def _import(rows, dataset, filename="data.csv", principal=SYSTEM, **kw):
    content = xlsx_file(rows) if filename.endswith(".xlsx") else csv_file(rows, kw.pop("encoding", "utf-8"))
    return run_import(principal, dataset=dataset, filename=filename, content=content, **kw)


def _rejected(rows, dataset, **kw) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        _import(rows, dataset, **kw)
    return caught.value


def _errors(err: ServiceError) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.field, e.message) for e in err.errors]


# ------------------------------------------------------------------------------------------- happy paths

def test_regions_import_in_file_order_with_inferred_and_explicit_parents(world):
    result = _import([
        ["区划代码", "名称", "上级区划代码"],
        ["530111", "官渡区", ""],
        ["530111001", "关上街道", ""],  # its county is the row above
        ["530112", "西山区", "530100"],
    ], "regions", filename="regions.csv")
    assert (result.total, result.created, result.rejected) == (3, 3, [])
    assert Region.objects.get(code="530111001").parent.code == "530111"
    assert Region.objects.get(code="530112").parent == world.city
    assert AuditEvent.objects.filter(object_type="subjects.region", action="create",
                                     reason="导入文件：regions.csv 第3行").count() == 1


def test_organizations_from_gbk_csv_with_labels_codes_parents_and_former_names(world):
    audit_uscc = factories.uscc("11", "530102")
    centre_uscc = factories.uscc("12", "530102")
    result = _import([
        ORG_HEADERS,
        ["昆明市五华区审计局", audit_uscc, "政府部门", "530102", world.gov_a.uscc, "", "五华区审计局；旧审计局;"],
        ["五华区审计服务中心", centre_uscc, "public_institution", "530102", "", "昆明市五华区审计局", ""],
    ], "organizations", encoding="gbk", reason="年度主体核对")
    assert result.created == 2
    office = Organization.objects.get(uscc=audit_uscc)
    centre = Organization.objects.get(uscc=centre_uscc)
    assert (office.kind, office.parent, centre.kind, centre.parent) == (
        Organization.Kind.DEPARTMENT, world.gov_a, Organization.Kind.PUBLIC_INSTITUTION, office)
    assert sorted(office.former_names.values_list("name", flat=True)) == ["五华区审计局", "旧审计局"]
    event = AuditEvent.objects.filter(object_type="subjects.organization", object_id=str(centre.pk)).get()
    assert event.reason == "年度主体核对（导入文件：data.csv） 第3行"


def test_civil_servants_from_xlsx_by_uscc_or_name_with_aliases_and_status_labels(world):
    first, second = factories.resident_id("530102"), factories.resident_id("530103")
    result = _import([
        ["姓名", "身份证号码", "所在单位统一社会信用代码", "所在单位名称", "职务", "职级", "状态"],
        ["赵六", first, world.finance_a.uscc, "", "科员", "一级科员", ""],
        ["钱七", second, "", "昆明市盘龙区财政局", "局长", "", "退休"],
    ], "civil-servants", filename="people.xlsx")
    assert result.created == 2
    zhao, qian = CivilServant.objects.get(name="赵六"), CivilServant.objects.get(name="钱七")
    assert (zhao.organization, zhao.status, zhao.rank) == (world.finance_a, CivilServant.Status.IN_SERVICE, "一级科员")
    assert (qian.organization, qian.status) == (world.finance_b, CivilServant.Status.RETIRED)
    assert zhao.resident_id_masked == first[:6] + "********" + first[-4:]


def test_english_field_names_are_accepted_as_headers(world):
    result = _import([["code", "name"], ["530111", "官渡区"]], "regions")
    assert result.created == 1 and result.warnings == []


# ------------------------------------------------------------------------------------------- bad rows

def test_every_bad_row_is_reported_with_row_field_and_reason_and_nothing_is_written(world):
    events_before, orgs_before = AuditEvent.objects.count(), Organization.objects.count()
    good = factories.uscc("11", "530102")
    err = _rejected([
        ORG_HEADERS,
        ["昆明市五华区审计局", good, "政府部门", "530102", "", "", ""],
        ["昆明市五华区统计局", "11530102MB00123I45", "政府部门", "530102", "", "", ""],
        ["昆明市五华区民政局", factories.uscc("11", "530102"), "政府部门", "530199", "", "", ""],
        ["昆明市五华区水务局", factories.uscc("11", "530102"), "政府部门", "530102", factories.uscc(), "", ""],
        ["昆明市五华区商务局", factories.uscc("11", "530102"), "公司", "530102", "", "", ""],
        ["", factories.uscc("11", "530102"), "政府部门", "530102", "", "", ""],
    ], "organizations")
    assert err.code == "import_rejected" and err.result.created == 1
    assert "5行有错误" in err.message and "5 of 6 rows" in err.message_en
    errors = _errors(err)
    assert [row for row, _, _ in errors] == [3, 4, 5, 6, 7]
    assert errors[0][1] == "统一社会信用代码" and "不允许的字符" in errors[0][2]
    assert errors[1][1:] == ("所属区划代码", "区划代码530199不存在或无权访问")
    assert errors[2][1] == "上级单位统一社会信用代码" and "不存在或无权访问" in errors[2][2]
    assert errors[3][1] == "单位类别" and "“公司”不是有效的取值" in errors[3][2] and "政府部门" in errors[3][2]
    assert errors[4][1:] == ("单位名称", "不能为空")
    assert err.errors[1].message_en == "division code 530199 not found or not accessible"
    assert (AuditEvent.objects.count(), Organization.objects.count()) == (events_before, orgs_before)
    assert not Organization.objects.filter(uscc=good).exists()


def test_invalid_resident_ids_and_excel_rounded_numbers_name_the_column(world):
    err = _rejected([
        PERSON_HEADERS,
        ["赵六", "530102199001010027", world.finance_a.uscc, "", "", "", ""],
        ["钱七", 530102199001010028, world.finance_a.uscc, "", "", "", ""],
        ["孙八", "53010219900101", world.finance_a.uscc, "", "", "", ""],
    ], "civil-servants", filename="people.xlsx")
    errors = _errors(err)
    assert errors[0] == (2, "公民身份号码", "校验码错误：应为8")
    assert errors[1][:2] == (3, "公民身份号码") and "Excel" in errors[1][2] and "文本格式" in errors[1][2]
    assert errors[2] == (4, "公民身份号码", "应为18位，实际14位")
    assert CivilServant.objects.count() == 2


def test_duplicates_of_existing_subjects_and_within_the_file_are_refused(world):
    new = factories.uscc("11", "530102")
    err = _rejected([
        ORG_HEADERS,
        ["昆明市五华区审计局", new, "政府部门", "530102", "", "", ""],
        ["昆明市五华区审计局二", new.lower(), "政府部门", "530102", "", "", ""],
        ["昆明市五华区财政局二", world.finance_a.uscc, "政府部门", "530102", "", "", ""],
        ["昆明市五华区财政局", factories.uscc("11", "530102"), "政府部门", "530102", "", "", ""],
    ], "organizations")
    errors = _errors(err)
    assert errors[0] == (3, "统一社会信用代码", "与第2行重复")
    assert errors[1][:2] == (4, "统一社会信用代码") and "已被其他单位使用" in errors[1][2]
    assert errors[2][:2] == (5, "单位名称") and "已有同名单位" in errors[2][2]
    person = _rejected([PERSON_HEADERS, ["李四", factories.resident_id(), world.finance_a.uscc, "", "", "", ""],
                        ["李四", "", world.finance_a.uscc, "", "", "", ""]], "civil-servants")
    assert _errors(person) == [(3, "公民身份号码", "不能为空")]
    region = _rejected([["区划代码", "名称"], ["530102", "五华区"]], "regions")
    assert _errors(region) == [(2, "区划代码", "530102已存在")]


def test_a_resident_id_already_registered_is_a_duplicate(world):
    from govtrust.core import crypto
    from govtrust.core.identifiers import check_resident_id

    number = factories.resident_id("530102")
    _import([PERSON_HEADERS, ["赵六", number, world.finance_a.uscc, "", "", "", ""]], "civil-servants")
    assert CivilServant.objects.filter(resident_id_hash=crypto.lookup_hash(check_resident_id(number).value)).exists()
    err = _rejected([PERSON_HEADERS, ["赵六", number, world.finance_a.uscc, "", "", "", ""]], "civil-servants")
    assert _errors(err) == [(2, "公民身份号码", "该公民身份号码已登记")]


def test_a_parent_later_in_the_file_is_unknown_when_its_child_is_read(world):
    parent_uscc = factories.uscc("11", "530102")
    err = _rejected([
        ORG_HEADERS,
        ["五华区审计服务中心", factories.uscc("12", "530102"), "事业单位", "530102", parent_uscc, "", ""],
        ["昆明市五华区审计局", parent_uscc, "政府部门", "530102", "", "", ""],
    ], "organizations")
    assert [(e.row, e.field) for e in err.errors] == [(2, "上级单位统一社会信用代码")]


def test_same_names_are_told_apart_by_region_or_refused_as_ambiguous(world):
    factories.organization("财政局", world.county_a, parent=world.gov_a)
    in_b = factories.organization("财政局", world.county_b, parent=world.gov_b)
    result = _import([ORG_HEADERS, ["盘龙区国库中心", factories.uscc("12", "530103"), "事业单位", "530103", "", "财政局", ""]],
                     "organizations")
    assert result.created == 1 and Organization.objects.get(name="盘龙区国库中心").parent == in_b
    err = _rejected([PERSON_HEADERS, ["赵六", factories.resident_id(), "", "财政局", "", "", ""]], "civil-servants")
    assert _errors(err) == [(2, "所在单位名称", "名称“财政局”对应多个单位，请改填统一社会信用代码")]


def test_a_name_that_contradicts_the_uscc_is_refused(world):
    err = _rejected([PERSON_HEADERS, ["赵六", factories.resident_id(), world.finance_a.uscc, "昆明市盘龙区财政局", "", "", ""]],
                    "civil-servants")
    assert _errors(err)[0][:2] == (2, "所在单位名称") and "昆明市五华区财政局" in _errors(err)[0][2]


def test_data_in_a_column_without_header_is_refused(world):
    err = _rejected([["区划代码", "名称"], ["530111", "官渡区", "多出来的"]], "regions")
    assert [(e.row, e.field) for e in err.errors] == [(2, "第3列")] and "没有列名" in err.errors[0].message


# ------------------------------------------------------------------------------------------- bad files

def _file_error(rows, dataset) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        _import(rows, dataset)
    assert not isinstance(caught.value, ImportRejected)
    return caught.value


def test_missing_required_and_one_of_headers_are_named(world):
    err = _file_error([["姓名", "职务"], ["赵六", "科员"]], "civil-servants")
    assert err.code == "invalid_headers"
    assert [(e.row, e.field, e.message) for e in err.errors] == [
        (1, "公民身份号码", "缺少必填列（也可写作：身份证号码、身份证号、证件号码）"),
        (1, "所在单位统一社会信用代码、所在单位名称", "至少需要其中一列"),
    ]


def test_duplicate_headers_are_refused_including_aliases_of_one_column(world):
    err = _file_error([["区划代码", "名称", "行政区划代码"], ["530111", "官渡区", "530111"]], "regions")
    assert [(e.row, e.field) for e in err.errors] == [(1, "行政区划代码")]
    assert "第3列与第1列" in err.errors[0].message and "column 3 repeats column 1" in err.errors[0].message_en


def test_garbled_headers_hint_at_the_encoding(world):
    content = "区划代码,名称\n530111,官渡区\n".encode("gbk").decode("latin-1").encode("utf-8")
    with pytest.raises(ServiceError) as caught:
        run_import(SYSTEM, dataset="regions", filename="r.csv", content=content)
    assert caught.value.code == "invalid_headers" and "编码" in caught.value.message


def test_unknown_headers_are_ignored_with_a_warning(world):
    result = _import([["区划代码", "名称", "备注"], ["530111", "官渡区", "新设"]], "regions")
    assert result.created == 1
    assert [(w.row, w.field, w.message) for w in result.warnings] == [(1, "备注", "未识别的列，已忽略")]


def test_unknown_dataset_and_wrong_encoding_are_clear_errors(world):
    with pytest.raises(ServiceError) as caught:
        run_import(SYSTEM, dataset="no-such-dataset", filename="a.csv", content=b"a\n1\n")
    assert caught.value.code == "unknown_dataset" and caught.value.status == 404 and "regions" in caught.value.message
    with pytest.raises(ServiceError) as caught:
        run_import(SYSTEM, dataset="regions", filename="a.csv", content="区划代码,名称\n".encode("utf-16"))
    assert caught.value.code == "invalid_file" and "编码" in caught.value.message


# ----------------------------------------------------------------------------------------- accept valid

def test_accept_valid_keeps_the_good_rows_and_returns_the_bad_ones_as_a_file(world):
    rows = [
        [*PERSON_HEADERS, "备注"],
        ["赵六", factories.resident_id(), world.finance_a.uscc, "", "科员", "", "", "a"],
        ["钱七", "530102199001010027", world.finance_a.uscc, "", "科员", "", "", "b"],
        ["孙八", factories.resident_id(), "", "不存在的单位", "", "", "", "c"],
        ["周九", factories.resident_id(), world.finance_b.uscc, "", "", "", "在职", "d"],
    ]
    result = _import(rows, "civil-servants", accept_valid=True)
    assert (result.total, result.created) == (4, 2)
    assert [r.row for r in result.rejected] == [3, 4]
    assert set(CivilServant.objects.values_list("name", flat=True)) == {"李四", "王五", "赵六", "周九"}

    table = read_csv(rejects_file(result, "csv"))
    assert table[0] == [*PERSON_HEADERS, "备注", "原行号", "错误原因"]
    assert table[1][:2] == ["钱七", "530102199001010027"] and table[1][7:9] == ["b", "3"]
    assert table[1][9] == "公民身份号码: 校验码错误：应为8 / 公民身份号码: wrong check character: expected 8"
    assert table[2][3] == "不存在的单位" and table[2][8] == "4" and table[2][9].startswith("所在单位名称: 单位“不存在的单位”不存在")

    sheet = read_xlsx(rejects_file(result, "xlsx"))
    assert sheet[0] == table[0] and [["" if v is None else v for v in r] for r in sheet[1:]] == table[1:]


def test_a_corrected_rejects_file_imports_without_warnings(world):
    rows = [["区划代码", "名称"], ["530111", "官渡区"], ["53011X", "西山区"]]
    result = _import(rows, "regions", accept_valid=True)
    fixed = read_csv(rejects_file(result, "csv"))
    fixed[1][0] = "530112"
    again = run_import(SYSTEM, dataset="regions", filename="fixed.csv", content=csv_file(fixed))
    assert (again.created, again.warnings) == (1, [])
    assert Region.objects.get(code="530112").name == "西山区"


def test_accept_valid_with_no_valid_row_writes_nothing(world):
    before = AuditEvent.objects.count()
    result = _import([["区划代码", "名称"], ["1", "甲"], ["2", "乙"]], "regions", accept_valid=True)
    assert (result.created, len(result.rejected)) == (0, 2)
    assert AuditEvent.objects.count() == before


def test_imported_rows_keep_the_audit_chain_valid(world):
    _import([["区划代码", "名称"], ["530111", "官渡区"], ["530112", "西山区"]], "regions")
    count, problem = audit.verify()
    assert problem is None and count >= 16


# ------------------------------------------------------------------------------------------------ scope

def test_a_county_credit_office_cannot_place_or_attach_outside_its_county(world):
    office = factories.user(Role.CREDIT_OFFICE, world.credit_a)
    result = _import([
        ORG_HEADERS,
        ["昆明市五华区审计局", factories.uscc("11", "530102"), "政府部门", "530102", world.gov_a.uscc, "", ""],
        ["昆明市盘龙区审计局", factories.uscc("11", "530103"), "政府部门", "530103", "", "", ""],
        ["昆明市五华区水务局", factories.uscc("11", "530102"), "政府部门", "530102", world.gov_b.uscc, "", ""],
        ["昆明市五华区商务局", factories.uscc("11", "530102"), "政府部门", "530102", "", "昆明市盘龙区人民政府", ""],
    ], "organizations", principal=office, accept_valid=True)
    assert result.created == 1
    errors = [(r.row, e.field, e.message) for r in result.rejected for e in r.errors]
    assert errors[0] == (3, "所属区划代码", "目标区划或单位不在您的管辖范围内")
    assert errors[1][:2] == (4, "上级单位统一社会信用代码") and "不存在或无权访问" in errors[1][2]
    assert errors[2] == (5, "上级单位名称", "单位“昆明市盘龙区人民政府”不存在或无权访问")
    assert not Organization.objects.filter(name__in=["昆明市盘龙区审计局", "昆明市五华区水务局"]).exists()


def test_a_county_user_cannot_add_civil_servants_to_another_countys_organization(world):
    office = factories.user(Role.ORGANIZATION_DEPT, world.gov_a)
    err = _rejected([
        PERSON_HEADERS,
        ["赵六", factories.resident_id(), world.finance_a.uscc, "", "", "", ""],
        ["钱七", factories.resident_id(), world.finance_b.uscc, "", "", "", ""],
    ], "civil-servants", principal=office)
    assert [(e.row, e.field) for e in err.errors] == [(3, "所在单位统一社会信用代码")]
    assert "无权访问" in err.errors[0].message


@pytest.mark.parametrize("role,dataset", [
    (Role.DEPARTMENT, "organizations"),  # may import, but not change subjects
    (Role.EVALUATED_BODY, "regions"),  # may not import at all
    (Role.ORGANIZATION_DEPT, "regions"),  # may import civil servants only
])
def test_roles_without_the_permission_are_refused_before_the_file_is_read(world, role, dataset):
    principal = factories.user(role, world.finance_a)
    with pytest.raises(PermissionDenied):
        run_import(principal, dataset=dataset, filename="a.csv", content=b"")


def test_the_console_requires_a_reason(world):
    with acting(channel="console"), pytest.raises(ServiceError) as caught:
        _import([["区划代码", "名称"], ["530111", "官渡区"]], "regions")
    assert [e.field for e in caught.value.errors] == ["reason"]
    with acting(channel="console"):
        assert _import([["区划代码", "名称"], ["530111", "官渡区"]], "regions", reason="新设区划").created == 1
