"""Demo listings and checks: companies on each list (some removed, some lapsed), then the checks a tendering
platform, an honours committee and an organization department would have asked of the demo world, with
feedback on most of them — so the check log and the feedback figures have something to show. Everything goes
through the services.

Idempotent: when demo listings exist, nothing is added.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from govtrust.core.access import SYSTEM
from govtrust.ledger import demo as ledger_demo
from govtrust.subjects.demo import make_uscc
from govtrust.subjects.models import Organization

from . import services
from .models import Feedback, Listing, Outcome, PartyList

PREFIX = "演示名单"
PER_LIST = 30
TRADES = ("建设工程", "市政工程", "信息技术", "物业服务", "园林绿化", "医疗器械", "劳务", "商贸")


def _listings(rng: random.Random, source: Organization, today: dt.date) -> list[Listing]:
    made = []
    for li, party_list in enumerate(PartyList.objects.exclude(code="credit_households").order_by("code")):
        for i in range(PER_LIST):
            category = "N2" if party_list.code == "credit_villages" else "91"
            name = (f"五华区演示{i + 1}村股份经济合作社" if category == "N2"
                    else f"昆明演示{TRADES[i % len(TRADES)]}有限公司{li}{i:02d}")
            listed_on = today - dt.timedelta(days=rng.randrange(30, 900))
            lapsed = i % 10 == 9
            made.append(services.add_listing(
                SYSTEM, party_list=party_list.code, name=name, uscc=make_uscc(category, "530100", 910000 + li * 100 + i),
                authority="昆明市公共资源交易监督管理部门", document_number=f"{PREFIX}〔{listed_on.year}〕{li}{i:02d}号",
                listed_on=listed_on, listed_until=listed_on + dt.timedelta(days=365) if lapsed else None,
                source=source, reason="加载演示数据 load demo data"))
    for listing in made[5::PER_LIST]:
        services.remove_listing(SYSTEM, listing, reason="演示：完成信用修复，移出名单")
    return made


def _feedback(rng: random.Random, answered: list[services.Answered]) -> None:
    rows = []
    now = timezone.now()
    for c in answered:
        if c.decision not in ("block", "warn") or rng.random() < 0.2:
            continue
        applied = rng.random() < 0.85
        rows.append(Feedback(check_ref_id=c.pk, measure="", scene=c.scene,
                             outcome=Outcome.APPLIED if applied else Outcome.NOT_APPLIED,
                             reason="" if applied else "经核实已完成整改，评审委员会决定不予限制",
                             actor="apikey:demo", reported_at=now))
    Feedback.objects.bulk_create(rows)


def load_sanctions(today: dt.date | None = None) -> int:
    """Listings and checks for the demo (idempotent); returns how many checks were asked."""
    if Listing.objects.filter(document_number__startswith=PREFIX).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(17)
    source = Organization.objects.filter(name="昆明市公共资源交易中心").first() or Organization.objects.first()
    if source is None:
        return 0
    listed = _listings(rng, source, today)
    orgs, people_ids, _source = ledger_demo.subjects()  # the same demo people the ledger's demo records are about
    bodies = [{"uscc": uscc} for uscc, _name, _kind in orgs]
    bidders = bodies[:60] + [{"uscc": x.uscc} for x in listed if x.party_list.code != "credit_villages"]
    answered: list[services.Answered] = []
    _batch, checks = services.check_batch(SYSTEM, parties=bidders, scene="tendering", system="昆明市公共资源交易平台",
                                          reference="演示招标项目KMZB-2026-001")
    answered += checks
    for scene in ("honours", "civilized_unit", "project_application"):
        answered += services.check_batch(SYSTEM, parties=bodies, scene=scene, system="演示评审系统")[1]
    people = [{"resident_id": rid} for rid, _name in people_ids[:80]]
    if people:
        answered += services.check_batch(SYSTEM, parties=people, scene="promotion", system="干部管理信息系统")[1]
    answered += [services.check(SYSTEM, party={"name": "昆明市五华区财政局"}, scene="honours", system="演示评审系统")]
    _feedback(rng, answered)
    return len(answered)
