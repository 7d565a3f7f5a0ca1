"""The listings dataset: parties on other authorities' lists (招标投标失信名单, 失信被执行人 …), taken in by
intake's row loop through `services.add_listing` — so the console upload, `govtrust import FILE --dataset
listings` and the API push validate, check scope and audit alike, and each refused row names its column.
"""

from __future__ import annotations

from typing import Any

from govtrust.core.access import Perm
from govtrust.core.errors import field_error
from govtrust.intake.datasets import Column, Dataset, RowContext, register
from govtrust.ledger.schema import parse_date

from . import services


def _date(value: str, column: str, required: bool) -> Any:
    if not value:
        if required:
            raise field_error(column, "不能为空", "is required")
        return None
    day = parse_date(value)
    if day is None:
        raise field_error(column, f"“{value}”不是日期（如2026-03-05）", f"{value!r} is not a date (e.g. 2026-03-05)")
    return day


def _add(ctx: RowContext, v: dict[str, str]) -> Any:
    return services.add_listing(
        ctx.principal, party_list=v["party_list"], name=v["name"], uscc=v["uscc"], resident_id=v["resident_id"],
        authority=v["authority"], document_number=v["document_number"],
        listed_on=_date(v["listed_on"], "listed_on", True), listed_until=_date(v["listed_until"], "listed_until", False),
        reason=ctx.reason)


LISTINGS = register(Dataset(
    name="listings",
    title="名单主体",
    title_en="listed parties",
    perm=Perm.LISTINGS_SUBMIT,
    columns=(
        Column("名单", "party_list", required=True, aliases=("名单类别", "名单名称"), example="招标投标领域失信名单",
               note="名单名称或代码，见“联合奖惩措施清单”页面"),
        Column("名称", "name", required=True, aliases=("主体名称", "单位名称", "企业名称", "姓名"), example="昆明某某建设工程有限公司"),
        Column("统一社会信用代码", "uscc", aliases=("社会信用代码", "信用代码", "USCC"), identifier=True,
               example="91530100MA6K0000XX", note="与公民身份号码二选一"),
        Column("公民身份号码", "resident_id", aliases=("身份证号码", "身份证号"), identifier=True,
               note="与统一社会信用代码二选一；加密保存，只显示脱敏号码"),
        Column("列入机关", "authority", required=True, aliases=("认定机关", "决定机关"), example="昆明市住房和城乡建设局"),
        Column("列入文书号", "document_number", required=True, aliases=("文书号", "决定文书号"), example="昆建失信〔2026〕3号"),
        Column("列入日期", "listed_on", required=True, aliases=("认定日期",), example="2026-03-01"),
        Column("有效期至", "listed_until", aliases=("移出日期", "有效期"), example="2029-02-28", note="不填为长期"),
    ),
    handler=_add,
    key_field="document_number",
    one_of=(("uscc", "resident_id"),),
))
