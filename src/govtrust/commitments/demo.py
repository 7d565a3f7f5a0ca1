"""Demo commitments: every kind, made by the registry's bodies (and a few civil servants), with a realistic mix —
kept (evidence accepted), breached (a ledger record each; some citing 政府换届 and so flagged), changed by law,
overdue (past due, marked by the deadline scan) and in progress. Everything goes through the services.

Idempotent: when demo commitments exist, nothing is added. A few seconds for the default set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govtrust.core.access import SYSTEM
from govtrust.core.errors import ServiceError
from govtrust.subjects.models import CivilServant, Organization

from . import services
from .models import Commitment, CommitmentKind
from .scan import scan

PREFIX = "【演示】"
PER_KIND = 8
TITLES = {
    "service_quality": ("政务服务窗口“好差评”满意率不低于98%", "首问负责、一次告知"),
    "time_limit": ("企业开办1个工作日内办结", "不动产登记5个工作日内办结"),
    "service_guarantee": ("全年无休预约延时服务", "特殊群体上门办理服务"),
    "procurement_purchaser": ("办公设备采购项目合同款按期支付", "物业服务采购信息全流程公开"),
    "investment_policy": ("产业园区入驻企业租金减免兑现", "重点招商项目配套道路按期建成"),
    "grassroots_public": ("便民服务事项清单公开并按期办结", "村（社区）财务季度公开"),
    "statistics_integrity": ("年度统计数据依法报送、不弄虚作假", "经济普查数据质量承诺"),
    "credit_repair": ("整改期内不再发生拖欠账款", "按期完成失信问题整改"),
    "work_report": ("新建改扩建中小学5所", "城镇新增就业1.2万人"),
    "people_projects": ("老旧小区改造30个", "新增公办幼儿园学位1500个"),
}
# (share, outcome): the mix of outcomes.
OUTCOMES = (("fulfilled", 0.4), ("breached", 0.15), ("overdue", 0.15), ("changed", 0.1), ("in_progress", 0.2))
PDF = b"%PDF-1.4\n% govtrust demo evidence\n"


def _subjects(kind: CommitmentKind, rng: random.Random) -> list[object]:
    orgs = list(Organization.objects.filter(kind__in=kind.subject_kinds).order_by("pk")[:60])
    people = list(CivilServant.objects.order_by("pk")[:20]) if "civil_servant" in kind.subject_kinds else []
    rng.shuffle(orgs)
    return orgs[:PER_KIND - 1] + people[:1] if people else orgs[:PER_KIND]


def _outcome(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for name, share in OUTCOMES:
        acc += share
        if x < acc:
            return name
    return "in_progress"


def load_commitments(today: dt.date | None = None) -> int:
    """Load the demo commitments (once); returns how many were created."""
    if Commitment.objects.filter(title__startswith=PREFIX).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(5)
    created = 0
    for kind in CommitmentKind.objects.filter(active=True):
        titles = TITLES.get(kind.code, (kind.name,))
        for i, subject in enumerate(_subjects(kind, rng)):
            outcome = _outcome(rng)
            if outcome in ("in_progress",):
                start, due = today - dt.timedelta(days=rng.randint(10, 120)), today + dt.timedelta(days=rng.randint(2, 150))
            else:
                start = today - dt.timedelta(days=rng.randint(200, 400))
                due = today - dt.timedelta(days=rng.randint(5, 150))
            c = services.create(SYSTEM, subject=subject, kind=kind, title=f"{PREFIX}{titles[i % len(titles)]}",
                                content=f"{subject.name}承诺：{titles[i % len(titles)]}。", target=titles[i % len(titles)],
                                start_date=start, due_date=due, today=start)
            created += 1
            concluded = min(due + dt.timedelta(days=rng.randint(0, 10)), today)
            if outcome == "fulfilled":
                services.submit_evidence(SYSTEM, c, file=SimpleUploadedFile(f"践诺材料{c.pk}.pdf", PDF + str(c.pk).encode()),
                                         description="履行情况报告", today=due)
                services.review(SYSTEM, c, accept=True, today=concluded)
            elif outcome == "breached":
                reason = ("因政府换届，新一届领导班子未继续落实" if kind.compensation_required or i % 4 == 0
                          else "承诺期满未达到承诺目标，经核实未履行")
                services.breach(SYSTEM, c, reason=reason, today=concluded)
            elif outcome == "changed":
                services.change_by_law(SYSTEM, c, reason="上位法修改，承诺事项依法调整", legal_basis="《优化营商环境条例》",
                                       authority=subject.name if isinstance(subject, Organization) else "所在单位",
                                       compensation_note="已与相关企业协商并依法补偿" if kind.compensation_required else "",
                                       today=concluded)
    # Marks the overdue ones and warns the ones due soon (unless the horizon's year has no calendar yet).
    with contextlib.suppress(ServiceError):
        scan(SYSTEM, today)
    return created
