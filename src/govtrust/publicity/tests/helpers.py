"""Rows of penalty and licence files by national header, written as CSV the way departments send them."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Any

from govtrust.core.access import SYSTEM
from govtrust.intake.services import run_import
from govtrust.testing import factories

_seq = itertools.count(1)


def penalty_row(world: Any, **cells: str) -> dict[str, str]:
    row = {
        "行政相对人名称": "昆明市某某商贸有限公司", "行政相对人类别": "法人及非法人组织",
        "统一社会信用代码": factories.uscc("91", "530102"), "法定代表人": "赵六",
        "行政处罚决定书文号": f"五华市监罚〔2026〕{next(_seq)}号", "违法行为类型": "虚假宣传", "违法事实": "经查，当事人发布虚假广告。",
        "处罚依据": "《中华人民共和国反不正当竞争法》第二十条", "处罚类别": "罚款", "处罚内容": "罚款人民币2万元",
        "罚款金额（万元）": "2", "处罚决定日期": "2026-10-09", "处罚机关": world.finance_a.name,
        "处罚机关统一社会信用代码": world.finance_a.uscc, "数据来源单位": world.finance_a.name,
        "数据来源单位统一社会信用代码": world.finance_a.uscc,
    }
    row.update(cells)
    return row


def licence_row(world: Any, **cells: str) -> dict[str, str]:
    row = {
        "行政相对人名称": "昆明市某某餐饮店", "行政相对人类别": "个体工商户", "统一社会信用代码": factories.uscc("92", "530102"),
        "行政许可决定文书名称": "准予行政许可决定书", "行政许可决定文书号": f"五华许〔2026〕{next(_seq)}号", "许可类别": "普通",
        "许可证书名称": "食品经营许可证", "许可编号": f"JY1530102{next(_seq):06d}", "许可内容": "预包装食品销售",
        "许可决定日期": "2026-10-09", "有效期自": "2026-10-09", "有效期至": "2031-10-08", "许可机关": world.finance_a.name,
        "许可机关统一社会信用代码": world.finance_a.uscc, "数据来源单位": world.finance_a.name,
        "数据来源单位统一社会信用代码": world.finance_a.uscc,
    }
    row.update(cells)
    return row


def to_csv(rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> bytes:
    headers = list(dict.fromkeys(h for row in rows for h in row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([[row.get(h, "") for h in headers] for row in rows])
    return out.getvalue().encode(encoding)


def load(dataset: str, rows: list[dict[str, str]], principal: Any = SYSTEM, **options: Any) -> Any:
    return run_import(principal, dataset=dataset, filename=f"{dataset}.csv", content=to_csv(rows), **options)
