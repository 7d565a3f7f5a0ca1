"""Demo 双公示 decisions: a year of penalties and licences from the registry's departments, through the real intake.

Each department publishes weekly: one batch per week, received on that week's Friday, holding the decisions
it made in the days before. Most arrive within 7 working days, some weeks late and a few months late; some
rows leave required fields empty, a few name the authority by a short name, a few penalties concern
registered public institutions (and so become ledger records), and some departments declare their empty
months. Everything goes through `run_import`, so the demo measures what the platform would measure.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from django.utils import timezone

from govtrust.core.access import SYSTEM
from govtrust.subjects.demo import make_resident_id, make_uscc

from .models import Decision, Kind

DEFAULT_DECISIONS = 30000
WEEKS = 52
PREFIX = "演示"
PENALTY_KINDS = ("警告", "罚款", "警告、罚款", "罚款、没收违法所得", "责令停产停业", "通报批评", "吊销许可证件")
VIOLATIONS = ("虚假宣传", "未按规定明码标价", "无证经营", "超范围经营", "违规排放", "未按规定公示信息", "安全隐患未整改")
LICENCES = (("食品经营许可证", "普通"), ("建设工程规划许可证", "普通"), ("排污许可证", "核准"), ("道路运输经营许可证", "特许"),
            ("民办学校办学许可证", "认可"), ("个体工商户登记", "登记"))
SURNAMES = "王李张刘陈杨赵黄周吴"
TRADES = ("商贸", "科技", "建设", "餐饮", "物流")


def _rows(kind: str, week_end: dt.date, count: int, rng: random.Random, departments: list[tuple[str, str, str]],
          institutions: list[tuple[str, str]], serial: list[int]) -> list[dict[str, str]]:
    rows = []
    for _ in range(count):
        serial[0] += 1
        n = serial[0]
        uscc, name, division = departments[rng.randrange(len(departments))]
        roll = rng.random()
        delay = rng.randrange(1, 9) if roll < 0.72 else rng.randrange(10, 21) if roll < 0.93 else rng.randrange(22, 70)
        decided = week_end - dt.timedelta(days=delay)
        who = rng.random()
        row = {"行政相对人类别": "法人及非法人组织", "统一社会信用代码": make_uscc("91", division, 500000 + n),
               "行政相对人名称": f"{name[:2]}{'恒信华泰宏达'[n % 6]}{TRADES[n % len(TRADES)]}有限公司{n}",
               "法定代表人": rng.choice(SURNAMES) + "某"}
        if kind == Kind.PENALTY and institutions and who < 0.01:
            code, iname = institutions[rng.randrange(len(institutions))]
            row |= {"统一社会信用代码": code, "行政相对人名称": iname}
        elif who < 0.2:
            row = {"行政相对人类别": "自然人", "行政相对人名称": rng.choice(SURNAMES) + "某" + str(n % 100), "证件类型": "身份证",
                   "证件号码": make_resident_id(division, dt.date(1970 + n % 30, 1 + n % 12, 1 + n % 28), n % 999)}
        elif who < 0.35:
            row = {"行政相对人类别": "个体工商户", "统一社会信用代码": make_uscc("92", division, 700000 + n),
                   "行政相对人名称": f"{name[:2]}{rng.choice(SURNAMES)}记小吃店{n}"}
        common = {"数据来源单位": name, "数据来源单位统一社会信用代码": uscc, "备注": ""}
        if kind == Kind.PENALTY:
            kinds = rng.choice(PENALTY_KINDS)
            fine = str(round(rng.uniform(0.05, 30), 2)) if "罚款" in kinds else ""
            row |= {"行政处罚决定书文号": f"{PREFIX}罚〔{decided.year}〕{n}号", "违法行为类型": rng.choice(VIOLATIONS),
                    "违法事实": "经查，当事人存在违法行为，事实清楚。", "处罚依据": "《中华人民共和国行政处罚法》及相关法律法规",
                    "处罚类别": kinds, "处罚内容": kinds + (f"，罚款{fine}万元" if fine else ""), "罚款金额（万元）": fine,
                    "没收违法所得、没收非法财物的金额（万元）": "0.5" if "没收" in kinds else "",
                    "暂扣或吊销证照名称及编号": "营业执照" if "吊销" in kinds else "",
                    "处罚决定日期": decided.isoformat(), "处罚机关": name, "处罚机关统一社会信用代码": uscc}
            if rng.random() < 0.12:
                row[rng.choice(("违法事实", "处罚依据", "处罚内容"))] = ""
        else:
            certificate, category = rng.choice(LICENCES)
            row |= {"行政许可决定文书名称": "准予行政许可决定书", "行政许可决定文书号": f"{PREFIX}许〔{decided.year}〕{n}号",
                    "许可类别": category, "许可证书名称": certificate, "许可编号": f"XK{division}{n:08d}", "许可内容": certificate,
                    "许可决定日期": decided.isoformat(), "有效期自": decided.isoformat(),
                    "有效期至": decided.replace(year=decided.year + 5).isoformat(), "许可机关": name,
                    "许可机关统一社会信用代码": uscc}
            if rng.random() < 0.1:
                row[rng.choice(("许可内容", "有效期至"))] = ""
        if rng.random() < 0.03:  # the authority written by a short name: published, counted as inaccurate
            row["处罚机关" if kind == Kind.PENALTY else "许可机关"] = name[3:]
        rows.append(row | common)
    return rows


def _csv(rows: list[dict[str, str]]) -> bytes:
    headers = list(dict.fromkeys(h for row in rows for h in row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows([[row.get(h, "") for h in headers] for row in rows])
    return out.getvalue().encode("utf-8")


def load_decisions(count: int = DEFAULT_DECISIONS, today: dt.date | None = None) -> int:
    """Import the demo decisions once (idempotent: skipped when they are there) and declare some empty months."""
    from govtrust.intake.services import run_import
    from govtrust.subjects.models import Organization

    if count <= 0 or Decision.objects.filter(document_number__startswith=PREFIX).exists():
        return 0
    departments = [(u, n, r[:6]) for u, n, r in Organization.objects.filter(
        kind=Organization.Kind.DEPARTMENT).exclude(uscc=None).order_by("pk").values_list("uscc", "name", "region__code")]
    if not departments:
        return 0
    institutions = list(Organization.objects.filter(kind=Organization.Kind.PUBLIC_INSTITUTION).exclude(uscc=None)
                        .order_by("pk").values_list("uscc", "name"))
    today = today or timezone.localdate()
    rng = random.Random(11)
    # The departments that take part: the rest stay silent, which the coverage figures show.
    active = [d for d in departments if rng.random() < 0.8] or departments
    friday = today - dt.timedelta(days=(today.weekday() - 4) % 7)
    serial, created = [0], 0
    per_week = max(1, count // WEEKS)
    for week in range(WEEKS, 0, -1):
        received = friday - dt.timedelta(weeks=week - 1)
        moment = timezone.make_aware(dt.datetime.combine(received, dt.time(16, 0)))
        for kind, share in ((Kind.PENALTY, 0.6), (Kind.LICENCE, 0.4)):
            rows = _rows(kind, received, max(1, int(per_week * share)), rng, active, institutions, serial)
            result = run_import(SYSTEM, dataset="penalties" if kind == Kind.PENALTY else "licences",
                                filename=f"演示{Kind(kind).label}{received:%Y%m%d}.csv", content=_csv(rows),
                                reason="加载演示数据 load demo data", accept_valid=True, now=moment, today=received)
            created += result.created
    _declare_empty_months(departments, active, today)
    _withdraw_some()
    return created


def _declare_empty_months(departments: list[tuple[str, str, str]], active: list[tuple[str, str, str]],
                          today: dt.date) -> None:
    from govtrust.subjects.models import Organization

    from .services import declare_empty

    taking_part = {d[0] for d in active}
    silent = [d[0] for d in departments if d[0] not in taking_part]
    month = today.replace(day=1)
    for uscc in silent[: len(silent) // 2]:
        org = Organization.objects.get(uscc=uscc)
        for back in range(1, 4):
            first = (month - dt.timedelta(days=28 * back)).replace(day=1)
            declare_empty(SYSTEM, org, Kind.PENALTY, first, note="演示：本月无行政处罚决定")


def _withdraw_some() -> None:
    from .services import withdraw

    for decision in Decision.objects.filter(document_number__startswith=PREFIX, kind=Kind.PENALTY).order_by("pk")[:5]:
        withdraw(SYSTEM, decision, note="演示：原处罚决定经复议被撤销")

