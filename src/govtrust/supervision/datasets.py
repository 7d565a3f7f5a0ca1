"""The supervision datasets: proposals, litigation, judgments, inspections, assessments. Each row goes through its
`services.save_*` function (intake's row loop), so the console upload, `govtrust import FILE --dataset NAME` and
`POST /api/v1/imports/NAME` validate, check reach and audit alike; a refused row names its row and column.

A re-import of the same rows changes nothing; a changed row updates the stored one (the natural keys are in
models.py). The body is named by USCC or by full name (both given: they must agree). Cells reach the services as
text: the services parse and check them, so a file and the API get the same messages.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from govtrust.core.access import Perm
from govtrust.intake.datasets import Column, Dataset, RowContext, register

from . import services
from .models import AssessmentKind, Outcome, ProposalKind, Satisfaction

_USCC = "11530102MB0012345U"
YES_NO = (("yes", _("是")), ("no", _("否")))
BODY_ERRORS = {"body": ("body_uscc", "body_name")}
PLACEMENT = ("body_uscc", "body_name")


def _body_columns(header: str, example: str) -> tuple[Column, Column]:
    return (
        Column(f"{header}统一社会信用代码", "body_uscc", aliases=("统一社会信用代码", "信用代码", "USCC"), identifier=True,
               example=_USCC, note=f"与{header}名称二选一；同时填写时两者须一致"),
        Column(f"{header}名称", "body_name", aliases=(header, "单位名称"), example=example,
               note="填写单位全称（或曾用名）"),
    )


def _body(v: dict[str, str]) -> dict[str, str]:
    """The body by USCC when given (the name then checked against it), else by name."""
    if v["body_uscc"]:
        return {"body": v["body_uscc"], "body_name": v["body_name"]}
    return {"body": v["body_name"]}


def _key(*names: str) -> Any:
    """A row's natural key over several columns, for the in-file duplicate check ('' while one is missing)."""
    return lambda v: "\x1f".join(v[n].strip().casefold() for n in names) if all(v[n].strip() for n in names) else ""


def _assessment_key(v: dict[str, str]) -> str:
    """kind × assessor (empty for a self-assessment) × body (by USCC or name) × period."""
    parts = (v["kind"], v["assessor"], v["body_uscc"] or v["body_name"], v["period"])
    return "\x1f".join(p.strip().casefold() for p in parts) if v["kind"] and v["period"].strip() else ""


# ------------------------------------------------------------------------------------------------- proposals

def _proposal(ctx: RowContext, v: dict[str, str]) -> Any:
    return services.save_proposal(
        ctx.principal, kind=v["kind"], year=v["year"], number=v["number"], title=v["title"], received_on=v["received_on"],
        due_on=v["due_on"], answered_on=v["answered_on"], satisfaction=v["satisfaction"], reason=ctx.reason, **_body(v))


PROPOSALS = register(Dataset(
    name="proposals",
    title="人大代表建议和政协委员提案办理",
    title_en="deputies' suggestions and CPPCC proposals",
    perm=Perm.SUPERVISION_SUBMIT,
    columns=(
        Column("类别", "kind", required=True, aliases=("建议提案类别",), choices=tuple(ProposalKind.choices),
               example="人大代表建议", note="人大代表建议或政协委员提案"),
        Column("年度", "year", required=True, aliases=("届次年度",), identifier=True, example="2026"),
        Column("编号", "number", required=True, aliases=("建议编号", "提案编号", "建议提案编号"), identifier=True,
               example="第0123号", note="同一年度、同一类别内唯一；再次导入同一编号即更新该件"),
        Column("标题", "title", required=True, aliases=("案由", "建议提案标题"), example="关于优化营商环境的建议"),
        *_body_columns("承办单位", "昆明市五华区财政局"),
        Column("交办日期", "received_on", required=True, aliases=("收到日期", "交办时间"), example="2026-03-20"),
        Column("答复期限", "due_on", required=True, aliases=("办理期限", "答复截止日期"), example="2026-06-20"),
        Column("答复日期", "answered_on", aliases=("办复日期", "答复时间"), example="2026-06-10", note="未答复不填"),
        Column("满意度", "satisfaction", aliases=("代表委员满意度", "满意度测评"), choices=tuple(Satisfaction.choices),
               example="满意", note="满意、基本满意或不满意；未测评不填"),
    ),
    handler=_proposal,
    key_field="number",
    row_key=_key("kind", "year", "number"),
    one_of=(("body_uscc", "body_name"),),
    error_fields=BODY_ERRORS,
    placement_fields=PLACEMENT,
))


# ------------------------------------------------------------------------------------------------ litigation

def _litigation(ctx: RowContext, v: dict[str, str]) -> Any:
    return services.save_litigation(
        ctx.principal, case_number=v["case_number"], court=v["court"], filed_on=v["filed_on"],
        judged_on=v["judged_on"], outcome=v["outcome"], head_appeared=v["head_appeared"] == "yes", reason=ctx.reason,
        **_body(v))


LITIGATION = register(Dataset(
    name="litigation",
    title="行政诉讼案件",
    title_en="administrative litigation",
    perm=Perm.SUPERVISION_SUBMIT,
    columns=(
        Column("案号", "case_number", required=True, aliases=("案件编号",), example="（2026）云0102行初15号",
               note="再次导入同一案号即更新该案"),
        *_body_columns("被告单位", "昆明市五华区人民政府"),
        Column("审理法院", "court", required=True, aliases=("法院", "受理法院"), example="昆明市五华区人民法院"),
        Column("立案日期", "filed_on", required=True, aliases=("立案时间",), example="2026-02-11"),
        Column("裁判日期", "judged_on", aliases=("结案日期", "判决日期"), example="2026-05-30", note="未结案不填"),
        Column("裁判结果", "outcome", aliases=("审理结果", "结果"), choices=tuple(Outcome.choices), example="胜诉",
               note="胜诉、败诉、撤诉或其他；与裁判日期同时填写"),
        Column("负责人出庭应诉", "head_appeared", aliases=("行政机关负责人出庭", "负责人出庭"), choices=YES_NO,
               example="是", note="是或否；不填为否"),
    ),
    handler=_litigation,
    key_field="case_number",
    normalize_key=lambda v: v.strip().casefold(),
    one_of=(("body_uscc", "body_name"),),
    error_fields=BODY_ERRORS,
    placement_fields=PLACEMENT,
))


# ------------------------------------------------------------------------------------------------- judgments

def _judgment(ctx: RowContext, v: dict[str, str]) -> Any:
    return services.save_judgment(
        ctx.principal, case_number=v["case_number"], court=v["court"], effective_on=v["effective_on"],
        due_on=v["due_on"], performed_on=v["performed_on"], reason=ctx.reason, **_body(v))


JUDGMENTS = register(Dataset(
    name="judgments",
    title="生效判决履行",
    title_en="judgment performance",
    perm=Perm.SUPERVISION_SUBMIT,
    columns=(
        Column("案号", "case_number", required=True, aliases=("判决案号",), example="（2026）云01行终8号",
               note="再次导入同一案号即更新该案"),
        *_body_columns("义务单位", "昆明市五华区人民政府"),
        Column("作出法院", "court", required=True, aliases=("法院", "审理法院"), example="昆明市中级人民法院"),
        Column("生效日期", "effective_on", required=True, aliases=("判决生效日期",), example="2026-04-01"),
        Column("履行期限", "due_on", required=True, aliases=("履行截止日期",), example="2026-05-31"),
        Column("履行日期", "performed_on", aliases=("实际履行日期", "履行完毕日期"), example="2026-05-20", note="未履行不填"),
    ),
    handler=_judgment,
    key_field="case_number",
    normalize_key=lambda v: v.strip().casefold(),
    one_of=(("body_uscc", "body_name"),),
    error_fields=BODY_ERRORS,
    placement_fields=PLACEMENT,
))


# ----------------------------------------------------------------------------------------------- inspections

def _inspection(ctx: RowContext, v: dict[str, str]) -> Any:
    return services.save_inspection(
        ctx.principal, inspector=v["inspector"], document_number=v["document_number"], inspected_on=v["inspected_on"],
        findings=v["findings"], score=v["score"], reason=ctx.reason, **_body(v))


INSPECTIONS = register(Dataset(
    name="inspections",
    title="上级督查",
    title_en="upper-level inspections",
    perm=Perm.SUPERVISION_SUBMIT,
    columns=(
        Column("督查单位", "inspector", required=True, aliases=("检查单位",), example="昆明市人民政府督查室"),
        Column("督查文号", "document_number", required=True, aliases=("文号", "通报文号"), example="昆政督〔2026〕12号",
               note="同一督查单位内唯一；再次导入即更新"),
        *_body_columns("被督查单位", "昆明市五华区人民政府"),
        Column("督查日期", "inspected_on", required=True, aliases=("检查日期",), example="2026-07-15"),
        Column("督查发现问题", "findings", aliases=("发现问题", "督查意见"), example="政务公开栏目更新不及时"),
        Column("督查得分", "score", aliases=("得分", "分数"), example="88.5", note="0至100，最多两位小数；未评分不填"),
    ),
    handler=_inspection,
    key_field="document_number",
    row_key=_key("inspector", "document_number"),
    one_of=(("body_uscc", "body_name"),),
    error_fields=BODY_ERRORS,
    placement_fields=PLACEMENT,
))


# ----------------------------------------------------------------------------------------------- assessments

def _assessment(ctx: RowContext, v: dict[str, str]) -> Any:
    return services.save_assessment(
        ctx.principal, kind=v["kind"], assessor=v["assessor"], method=v["method"], period=v["period"],
        score=v["score"], reason=ctx.reason, **_body(v))


ASSESSMENTS = register(Dataset(
    name="assessments",
    title="第三方评估和自评结果",
    title_en="third-party and self-assessment results",
    perm=Perm.SUPERVISION_SUBMIT,
    columns=(
        Column("类别", "kind", required=True, aliases=("评估类别",), choices=tuple(AssessmentKind.choices),
               example="第三方评估", note="第三方评估或自评"),
        Column("评估机构", "assessor", aliases=("机构名称", "第三方机构"), example="云南某某评估咨询有限公司",
               note="第三方评估必填；自评不填（即被评估单位）"),
        Column("评估方法", "method", aliases=("方法",), example="指标核查＋问卷调查", note="第三方评估必填"),
        *_body_columns("被评估单位", "昆明市五华区人民政府"),
        Column("评估期间", "period", required=True, aliases=("期间", "评估周期"), identifier=True, example="2026Q3",
               note="年（2026）、季度（2026Q3）或月份（2026-07）"),
        Column("得分", "score", required=True, aliases=("评估得分", "分数"), example="86.25", note="0至100，最多两位小数"),
    ),
    handler=_assessment,
    key_field="period",
    row_key=_assessment_key,
    one_of=(("body_uscc", "body_name"),),
    error_fields=BODY_ERRORS,
    placement_fields=PLACEMENT,
))
