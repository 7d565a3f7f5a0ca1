"""Listings through intake's three doors (here: the shared import service and the API push)."""

import pytest

from govtrust.intake.services import ImportRejected, run_import
from govtrust.sanctions.models import Listing
from govtrust.testing import factories

pytestmark = pytest.mark.django_db
HEADER = "名单,名称,统一社会信用代码,公民身份号码,列入机关,列入文书号,列入日期,有效期至\n"


def _import(world, text, **kw):
    user = factories.user("credit_office", world.city_credit)
    return run_import(user, dataset="listings", filename="名单.csv", content=(HEADER + text).encode("utf-8-sig"),
                      reason="测试", **kw)


def test_a_listings_file_is_taken_in_and_checks_then_block(world):
    company, person = factories.uscc("91", "530100"), factories.resident_id("530102")
    result = _import(world, f"招标投标领域失信名单,昆明某某建设有限公司,{company},,昆明市住房和城乡建设局,昆建〔2026〕1号,2026/3/1,\n"
                            f"信用户名单,王某,,{person},五华区农业农村局,五农〔2026〕2号,2026-04-01,2029-03-31\n")
    assert result.created == 2
    listed = Listing.objects.get(uscc=company)
    assert listed.party_list.code == "tendering_blacklist" and str(listed.listed_on) == "2026-03-01"
    household = Listing.objects.get(party_list__code="credit_households")
    assert household.resident_id_masked.endswith(person[-4:]) and person not in household.resident_id_encrypted
    from govtrust.sanctions import services

    assert services.check(factories.SYSTEM, party={"uscc": company}, scene="招标投标").decision == "block"
    _import(world, f"招标投标领域失信名单,昆明某某建设有限公司,{company},,昆明市住房和城乡建设局,昆建〔2026〕1号,2026-03-01,\n")
    assert Listing.objects.filter(uscc=company).count() == 1  # the same listing again changes nothing


def test_bad_rows_name_their_column_and_nothing_is_written(world):
    rows = (f"没有的名单,甲公司,{factories.uscc('91', '530100')},,某局,甲〔2026〕1号,2026-03-01,\n"
            "招标投标领域失信名单,乙公司,91530100MA6K0000XX,,某局,乙〔2026〕2号,2026-03-01,\n"
            f"招标投标领域失信名单,丙公司,{factories.uscc('91', '530100')},,某局,丙〔2026〕3号,三月一日,\n"
            "招标投标领域失信名单,丁公司,,,某局,丁〔2026〕4号,2026-03-01,\n")
    with pytest.raises(ImportRejected) as err:
        _import(world, rows)
    by_row = {r.row: r.errors[0].field for r in err.value.result.rejected}
    assert set(by_row) == {2, 3, 4, 5}
    assert by_row[2] == "名单" and by_row[3] == "统一社会信用代码" and by_row[4] == "列入日期"
    assert Listing.objects.count() == 0
