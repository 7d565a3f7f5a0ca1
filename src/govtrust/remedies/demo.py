"""Demo objections, repair applications and mitigations over the demo ledger, in every state, so the queues,
the tracking page, the portal's 异议中 marks and public statements, and the figures have something to show.
Everything goes through the services, dated back from today in working days.

Idempotent: when any remedy case exists, nothing is added.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from govtrust.core import calendar
from govtrust.core.access import SYSTEM
from govtrust.core.calendar import UnknownCalendarYear
from govtrust.ledger.models import DisclosureScope, Polarity, Record, RecordStatus, Severity
from govtrust.portal.queries import public_records
from govtrust.subjects.models import Organization

from . import catalog, mitigation, objections, repairs, services
from .filing import Filing
from .models import Case

EVIDENCE = b"%PDF-1.4\n% govtrust demo evidence\n"
PLEDGE = catalog.pledge_text()


def _evidence() -> list[Any]:
    return [SimpleUploadedFile("证明材料.pdf", EVIDENCE, content_type="application/pdf")]


def _back(today: dt.date, n: int) -> dt.date:
    """The working day n working days before today (calendar days when a year's schedule is missing)."""
    day, left = today, n
    while left:
        day -= dt.timedelta(days=1)
        try:
            left -= calendar.is_working_day(day)
        except UnknownCalendarYear:
            left -= 1
    return day


def _disclosed(today: dt.date) -> QuerySet[Record]:
    bodies = Organization.objects.filter(records__isnull=False).distinct()
    ids = [pk for org in bodies[:200] for pk in public_records(org, today).filter(
        category__polarity=Polarity.NEGATIVE).values_list("pk", flat=True)[:2]]
    return Record.objects.filter(pk__in=ids).select_related("category", "regime_rule").order_by("pk")


def _objections(records: list[Record], today: dt.date) -> int:
    plans = ["received", "accepted", "forwarded", "revoked", "corrected", "rejected", "declined"]
    done = 0
    for record, plan in zip(records, plans, strict=False):
        filed_on = _back(today, 12)
        c, _code = objections.file_public(
            Filing(grounds="该记录所依据的处罚决定已被复议机关变更，与事实不符（演示）", requested="更正或撤销该记录",
                   name="王演示", contact="13800000000", files=_evidence()), record_id=record.pk, today=filed_on)
        done += 1
        if plan == "received":
            continue
        if plan == "declined":
            services.decline(SYSTEM, c, reason="申请人未能证明系该单位授权人员（演示）", today=_back(today, 11))
            continue
        services.accept(SYSTEM, c, today=_back(today, 11))
        if plan == "accepted":
            continue
        if plan in ("forwarded", "rejected"):
            services.forward(SYSTEM, c, today=_back(today, 10))
            if plan == "forwarded":
                continue
        if plan == "rejected":
            services.decide(SYSTEM, c, upheld=False, reason="经数据来源单位核查，处罚决定合法有效（演示）",
                            today=_back(today, 6))
        elif plan == "revoked":
            services.decide(SYSTEM, c, upheld=True, outcome="revoked", reason="处罚决定已被依法撤销（演示）",
                            today=_back(today, 8))
        else:
            services.decide(SYSTEM, c, upheld=True, outcome="corrected", reason="失信程度认定有误（演示）",
                            changes={"severity": Severity.MINOR}, today=_back(today, 8))
    return done


def _repairs(records: list[Record], today: dt.date) -> int:
    done = 0
    for record, plan in zip(records, ["approved", "approved", "refused", "accepted", "received"], strict=False):
        filed_on = _back(today, 9)
        c, _code = repairs.apply_public(
            Filing(grounds="罚款已全额缴纳，整改报告经主管部门确认（演示）", name="李演示", contact="0871-12345678",
                   pledge=PLEDGE, pledge_signer=record.subject_name, files=_evidence()),
            record_id=record.pk, today=filed_on)
        done += 1
        if plan == "received":
            continue
        services.accept(SYSTEM, c, today=_back(today, 8))
        if plan == "approved":
            services.approve(SYSTEM, c, reason="已纠正失信行为并履行义务，作出信用承诺，准予修复（演示）",
                             today=_back(today, 3))
        elif plan == "refused":
            services.refuse(SYSTEM, c, reason="未提供罚款缴纳凭证，请补充后重新申请（演示）", today=_back(today, 4))
    return done


def _mitigations() -> int:
    records = list(Record.objects.filter(person__isnull=False, category__polarity=Polarity.NEGATIVE,
                                         status=RecordStatus.ACTIVE, severity__in=(Severity.GENERAL, Severity.SERIOUS))
                   .order_by("pk")[:2])
    for i, record in enumerate(records):
        m = mitigation.record_correction(SYSTEM, record.pk, corrections=["recovered_loss", "removed_effect"],
                                         facts="主动退赔违规款项并在单位作出深刻检查（演示）", files=_evidence())
        if i == 0:
            mitigation.decide(SYSTEM, m, grant=True, decision="依据主动挽回损失情节从轻处理（演示）",
                              reliefs={"S-CS-PROMOTION": "reduce"})
    return len(records)


def load_remedies(today: dt.date | None = None) -> int:
    """Objections, repairs and mitigations for the demo (idempotent); returns how many cases were filed."""
    if Case.objects.exists():
        return 0
    today = today or timezone.localdate()
    disclosed = list(_disclosed(today).filter(disclosure_scope=DisclosureScope.PUBLIC))
    eligible = [r for r in disclosed if repairs.repairability(r, _back(today, 9)).repairable]  # when filed
    repairable_ids = {r.pk for r in eligible[:5]}
    count = _repairs(eligible[:5], today)
    count += _objections([r for r in disclosed if r.pk not in repairable_ids][:7], today)
    _mitigations()
    return count
