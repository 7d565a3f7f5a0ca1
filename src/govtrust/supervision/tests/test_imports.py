"""Supervision datasets through intake: the shared import service (as the console upload and `govtrust import` use
it), the template, re-imports that change nothing or update, and bad rows named by row and column."""

import pytest

from govtrust.core.models import AuditEvent
from govtrust.intake.services import ImportRejected, run_import, template_file
from govtrust.supervision.models import Assessment, Inspection, LitigationCase, Proposal
from govtrust.testing import factories

pytestmark = pytest.mark.django_db


def _import(world, dataset, text, user=None, **kw):
    user = user or factories.user("credit_office", world.credit_a)
    return run_import(user, dataset=dataset, filename=f"{dataset}.csv", content=text.encode("utf-8-sig"),
                      reason="测试", **kw)


def test_assessments_import_rejects_unknown_bodies_and_scores_out_of_range(world):
    header = "类别,评估机构,评估方法,被评估单位统一社会信用代码,被评估单位名称,评估期间,得分\n"
    rows = (f"第三方评估,某评估中心,问卷调查,{world.gov_a.uscc},,2026Q3,86.5\n"
            "第三方评估,某评估中心,问卷调查,,昆明市五华区不存在局,2026Q3,80\n"
            f"第三方评估,某评估中心,问卷调查,,{world.finance_a.name},2026Q3,120\n"
            f"自评,,,,{world.finance_a.name},2026年三季度,90\n")
    with pytest.raises(ImportRejected) as err:
        _import(world, "assessments", header + rows)
    by_row = {r.row: [(e.field, e.message) for e in r.errors] for r in err.value.result.rejected}
    assert set(by_row) == {3, 4, 5}
    assert by_row[3][0][0] == "被评估单位名称" and "不存在" in by_row[3][0][1]
    assert by_row[4][0][0] == "得分" and "0至100" in by_row[4][0][1]
    assert by_row[5][0][0] == "评估期间"
    assert Assessment.objects.count() == 0  # all or nothing
    assert not AuditEvent.objects.filter(object_type="supervision.assessment").exists()
    kept = _import(world, "assessments", header + rows, accept_valid=True)
    assert kept.created == 1 and len(kept.rejected) == 3 and Assessment.objects.count() == 1


def test_a_re_import_changes_nothing_and_a_changed_row_updates(world):
    header = "类别,年度,编号,标题,承办单位名称,交办日期,答复期限,答复日期,满意度\n"
    rows = (f"人大代表建议,2026,第0001号,关于优化营商环境的建议,{world.finance_a.name},2026-03-20,2026-06-20,2026-06-01,满意\n"
            f"政协委员提案,2026,第0001号,关于规范涉企收费的提案,{world.gov_a.name},2026/3/22,2026-06-22,,\n")
    assert _import(world, "proposals", header + rows).created == 2
    events = AuditEvent.objects.filter(object_type="supervision.proposal").count()
    _import(world, "proposals", header + rows)
    assert Proposal.objects.count() == 2 and AuditEvent.objects.filter(object_type="supervision.proposal").count() == events
    _import(world, "proposals", header + rows.replace("2026-06-22,,", "2026-06-22,2026-07-01,不满意"))
    answered = Proposal.objects.get(kind="proposal")
    assert str(answered.answered_on) == "2026-07-01" and answered.satisfaction == "unsatisfied"
    assert AuditEvent.objects.filter(object_type="supervision.proposal", action="update").count() == 1
    with pytest.raises(ImportRejected) as err:  # the same key twice in one file
        _import(world, "proposals", header + rows + rows.splitlines()[0] + "\n")
    assert err.value.result.rejected[0].row == 4 and err.value.result.rejected[0].errors[0].field == "编号"


def test_litigation_and_inspections_files(world):
    lit = ("案号,被告单位名称,审理法院,立案日期,裁判日期,裁判结果,负责人出庭应诉\n"
           f"（2026）云0102行初1号,{world.gov_a.name},五华区人民法院,2026-02-01,2026-05-10,败诉,是\n"
           f"（2026）云0102行初2号,{world.gov_a.name},五华区人民法院,2026-03-01,,,\n")
    assert _import(world, "litigation", lit).created == 2
    lost = LitigationCase.objects.get(outcome="lost")
    assert lost.head_appeared and not LitigationCase.objects.get(outcome="").head_appeared
    ins = ("督查单位,督查文号,被督查单位名称,督查日期,督查发现问题,督查得分\n"
           f"昆明市人民政府督查室,昆政督〔2026〕1号,{world.gov_b.name},2026-07-01,公开不及时,85\n")
    with pytest.raises(ImportRejected) as err:  # county B's government is beyond county A's credit office
        _import(world, "inspections", ins)
    assert err.value.result.rejected[0].errors[0].field == "被督查单位名称"
    assert _import(world, "inspections", ins, user=factories.user("credit_office", world.city_credit)).created == 1
    assert Inspection.objects.get().body == world.gov_b


def test_templates_exist_for_every_dataset():
    for name in ("proposals", "litigation", "judgments", "inspections", "assessments"):
        assert template_file(name, "xlsx")[:2] == b"PK"
