"""The public measures list (/measures/): published measures only, by kind, with the scenes and lists."""

import pytest
from django.test import Client

from govtrust.sanctions import catalog
from govtrust.sanctions.models import Measure, MeasureStatus
from govtrust.testing import factories

pytestmark = pytest.mark.django_db


def _draft(code="S-TEST-HIDDEN", name="未发布的测试措施"):
    return catalog.create_measure(factories.SYSTEM, code=code, reason="测试", name=name, name_en="Hidden",
                                  kind="sanction", effect="warn", subject_kinds=["department"], scenes=["honours"],
                                  trigger={"match": "any", "polarity": "negative"}, legal_basis="测试依据",
                                  implementing_organization="测试单位")


def test_the_portal_lists_the_published_measures_by_kind_and_not_drafts():
    hidden = _draft()
    res = Client().get("/measures/")
    assert res.status_code == 200
    html = res.content.decode()
    assert [g[0] for g in res.context["groups"]] == ["sanction", "incentive"]
    published = set(Measure.objects.filter(status=MeasureStatus.PUBLISHED).values_list("code", flat=True))
    listed = {v["m"].code for _kind, _label, measures in res.context["groups"] for v in measures}
    assert listed == published and hidden.code not in listed and hidden.name not in html
    honours = Measure.objects.get(code="S-GOV-HONOURS")
    for text in (honours.name, honours.legal_basis, honours.implementing_organization, "荣誉评选、评优评先", "人民政府",
                 "守信激励", "失信惩戒", "招标投标领域失信名单", "公务员录用"):
        assert text in html, text
    for kind, _label, measures in res.context["groups"]:
        assert measures and {v["m"].kind for v in measures} == {kind}


def test_a_published_then_withdrawn_measure_comes_and_goes():
    draft = _draft()
    catalog.update_measure(factories.SYSTEM, draft, reason="发布", status=MeasureStatus.PUBLISHED)
    assert draft.name in Client().get("/measures/").content.decode()
    catalog.update_measure(factories.SYSTEM, draft, reason="停用", status=MeasureStatus.WITHDRAWN)
    assert draft.name not in Client().get("/measures/").content.decode()


def test_the_portal_navigation_links_the_measures_list():
    html = Client().get("/").content.decode()
    assert 'href="/measures/"' in html and "奖惩措施" in html
