"""Demo ledger records: realistic rows for every category, taken in through the real intake pipeline.

`govtrust demo` loads a few thousand of them (the benchmark writes a million with the same generator),
so the console, the portal and the API have a ledger to show: each category, both subject kinds, decision
dates across the 2023 and 2026 regimes, and a few records that are disputed, corrected or revoked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterator
from typing import Any

from govtrust.core import crypto
from govtrust.core.access import SYSTEM

from .models import CIVIL_SERVANT_KIND, Category, Polarity, Record
from .services import change_status, correct

DEFAULT_RECORDS = 3000
AUTHORITIES = ("市场监督管理局", "人民法院", "纪委监委", "财政局", "统计局", "人力资源和社会保障局", "政务服务管理局")


def sample_value(spec: dict[str, Any], rng: random.Random, decided: dt.date) -> str:
    """A plausible cell for a category field, written as a department would write it."""
    kind = spec["type"]
    if kind == "date":
        return (decided - dt.timedelta(days=rng.randrange(0, 300))).isoformat()
    if kind == "money":
        return f"{rng.randrange(1000, 5_000_000) / 100:.2f}"
    if kind == "integer":
        return str(decided.year - 1)
    if kind == "choice":
        return spec["choices"][rng.randrange(len(spec["choices"]))][1]
    return "见决定书"


def rows(count: int, organizations: list[tuple[str, str, str]], people: list[tuple[str, str]], source: str,
         today: dt.date, seed: int = 7) -> Iterator[tuple[list[str], list[str]]]:
    """(header, row) pairs: `organizations` are (uscc, name, kind), `people` (resident ID, name)."""
    rng = random.Random(seed)
    categories = list(Category.objects.filter(active=True))
    labels = sorted({spec["label"] for c in categories for spec in c.fields})
    header = ["信用信息类别", "主体名称", "统一社会信用代码", "公民身份号码", "决定文书号", "决定机关", "决定日期", "失信程度", "事实",
              "依据", "报送单位统一社会信用代码", *labels]
    by_kind: dict[str, list[tuple[str, str, str]]] = {}
    for org in organizations:
        by_kind.setdefault(org[2], []).append(org)
    for i in range(count):
        category = categories[i % len(categories)]
        kinds = [k for k in category.subject_kinds if k in by_kind]
        as_person = CIVIL_SERVANT_KIND in category.subject_kinds and people and (not kinds or rng.random() < 0.3)
        if as_person:
            resident_id, name = people[rng.randrange(len(people))]
            uscc = ""
        else:
            choices = by_kind[kinds[i % len(kinds)]]
            uscc, name, _ = choices[rng.randrange(len(choices))]
            resident_id = ""
        decided = today - dt.timedelta(days=rng.randrange(1, 1100))
        values = {spec["label"]: sample_value(spec, rng, decided) for spec in category.fields}
        severity = rng.choice(["一般", "一般", "严重", "轻微"]) if category.polarity == Polarity.NEGATIVE else ""
        authority = "昆明市" + AUTHORITIES[i % len(AUTHORITIES)]
        yield header, [category.name, name, uscc, resident_id, f"演示〔{decided.year}〕{i + 1}号", authority,
                       decided.isoformat(), severity, f"经查，{name}存在{category.name}情形，事实清楚，证据确凿。",
                       category.legal_basis[:60], source, *[values.get(label, "") for label in labels]]


def csv_bytes(count: int, organizations: list[tuple[str, str, str]], people: list[tuple[str, str]], source: str,
              today: dt.date) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for i, (header, row) in enumerate(rows(count, organizations, people, source, today)):
        if i == 0:
            writer.writerow(header)
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def subjects() -> tuple[list[tuple[str, str, str]], list[tuple[str, str]], str]:
    """The registry's organizations with a USCC, a few hundred civil servants, and a city-level source."""
    from govtrust.subjects.models import CivilServant, Organization

    orgs = list(Organization.objects.exclude(uscc=None).order_by("pk").values_list("uscc", "name", "kind"))
    people = [(crypto.decrypt(enc), name) for enc, name in
              CivilServant.objects.order_by("pk").values_list("resident_id_encrypted", "name")[:300]]
    source = next(uscc for uscc, name, kind in orgs if "发展和改革" in name or kind == "department")
    return orgs, people, source


def load_records(count: int = DEFAULT_RECORDS, today: dt.date | None = None) -> int:
    """Import the demo records once (idempotent: a second run finds them unchanged) and vary some states."""
    from django.utils import timezone

    from govtrust.intake.services import run_import

    if Record.objects.filter(document_number__startswith="演示〔").exists():
        return 0
    orgs, people, source = subjects()
    if not orgs:
        return 0
    today = today or timezone.localdate()
    content = csv_bytes(count, orgs, people, source, today)
    result = run_import(SYSTEM, dataset="records", filename="演示信用记录.csv", content=content,
                        reason="加载演示数据 load demo data", accept_valid=True)
    for i, record in enumerate(Record.objects.filter(batch_id=result.batch_id).order_by("pk")[:40]):
        if i % 4 == 0:
            change_status(SYSTEM, record, "dispute", reason="演示：主体提出异议")
        elif i % 4 == 1:
            change_status(SYSTEM, record, "dispute", reason="演示：主体提出异议")
            correct(SYSTEM, record, reason="演示：异议成立，更正事实", objection=True, facts="经核实，已于决定后一个月内整改完毕。")
        elif i % 4 == 2:
            change_status(SYSTEM, record, "revoke", reason="演示：原决定被依法撤销")
    return result.created
