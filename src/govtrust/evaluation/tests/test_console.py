"""The indicator-system pages: the tree with every definition, problems before publishing, draft and publish."""

import copy

import pytest

from govtrust.evaluation.catalog import default_data
from govtrust.evaluation.models import IndicatorSystem
from govtrust.testing import factories

pytestmark = pytest.mark.django_db


def test_the_tree_shows_each_indicators_definition_and_the_office_drafts_and_publishes(world):
    office = factories.client("credit_office", world.city_credit)
    shipped = IndicatorSystem.objects.get(version=1)
    page = office.get("/console/evaluation/systems/").content.decode()
    assert shipped.name in page
    page = office.get(f"/console/evaluation/systems/{shipped.pk}/").content.decode()
    assert "双公示按时公示率" in page and "自决定之日起7个工作日内公示的比例" in page
    assert "线性：0.6 → 0分，1 → 100分" in page and "越低越好" in page and 'data-testid="publish"' not in page
    res = office.post(f"/console/evaluation/systems/{shipped.pk}/draft/", {"note": "调整"})
    draft = IndicatorSystem.objects.get(version=2)
    assert res.status_code == 302 and res["Location"].endswith(f"/{draft.pk}/")
    bad = copy.deepcopy(default_data()["content"])
    bad["children"][0]["weight"] = 99
    IndicatorSystem.objects.filter(pk=draft.pk).update(content=bad)
    page = office.get(f"/console/evaluation/systems/{draft.pk}/").content.decode()
    assert 'data-testid="problems"' in page and "同级指标权重之和应为100" in page
    res = office.post(f"/console/evaluation/systems/{draft.pk}/publish/")
    assert res.status_code == 400 and "不能发布" in res.content.decode()
    IndicatorSystem.objects.filter(pk=draft.pk).update(content=default_data()["content"])
    office.post(f"/console/evaluation/systems/{draft.pk}/publish/")
    assert IndicatorSystem.objects.get(pk=draft.pk).status == "published"


def test_readers_see_the_tree_but_cannot_change_it(world):
    dept = factories.client("department", world.finance_a)
    shipped = IndicatorSystem.objects.get(version=1)
    page = dept.get(f"/console/evaluation/systems/{shipped.pk}/").content.decode()
    assert "新建草稿" not in page
    assert dept.post(f"/console/evaluation/systems/{shipped.pk}/draft/").status_code == 403
    assert IndicatorSystem.objects.count() == 1
