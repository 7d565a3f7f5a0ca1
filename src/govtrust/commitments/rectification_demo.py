"""Demo rectification cases: the `rectification-open` scan opens a case for every live breach record of the demo
bodies, then a few cases are taken through the services into every state — explained, rectifying, submitted,
returned, resubmitted after a return, accepted, and closed because the record was repaired — the rest stay
awaiting their explanation. Everything goes through the services.

Idempotent: when demo explanations exist, nothing is added. Well under a second for the default set.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govtrust.core.access import SYSTEM
from govtrust.core.errors import ServiceError
from govtrust.ledger import services as ledger
from govtrust.ledger.models import RevisionKind

from . import rectification as rect
from .models import CaseStatus, RectificationCase
from .rectification_scan import close_dead, escalate, open_cases

PREFIX = "【演示】"
PER_STATE = 4
PDF = b"%PDF-1.4\n% govtrust demo rectification report\n"
# The path each demo case takes, by the state it ends in.
STATES = ("explained", "rectifying", "submitted", "returned", "resubmitted", "accepted", "closed")


def _advance(case: RectificationCase, state: str, today: dt.date) -> None:
    c = rect.explain(SYSTEM, case, text=f"{PREFIX}因资金调度和审批流程延误未按期履行，已制定整改方案。", today=today)
    if state == "explained":
        return
    if state == "closed":
        ledger.change_status(SYSTEM, c.record, RevisionKind.REPAIR, reason=f"{PREFIX}整改完成后申请信用修复")
        return
    c = rect.set_deadline(SYSTEM, c, working_days=c.rule.rectification_working_days, today=today)
    if state == "rectifying":
        return
    files = [SimpleUploadedFile(f"整改报告{c.pk}.pdf", PDF + str(c.pk).encode())]
    c = rect.submit_report(SYSTEM, c, report=f"{PREFIX}已完成整改：款项已支付，制度已修订。", files=files, today=today)
    if state == "submitted":
        return
    if state == "accepted":
        rect.accept(SYSTEM, c, note="整改到位", today=today)
        return
    c = rect.return_case(SYSTEM, c, reason="整改材料不完整，请补充支付凭证", today=today)
    if state == "resubmitted":
        rect.submit_report(SYSTEM, c, report=f"{PREFIX}已补充支付凭证。", today=today)


def load_rectification(today: dt.date | None = None) -> int:
    """Open the demo cases and take some into every state (once); returns how many cases were opened."""
    if RectificationCase.objects.filter(explanation__startswith=PREFIX).exists():
        return 0
    today = today or timezone.localdate()
    try:
        opened = open_cases(SYSTEM, today).opened
    except ServiceError:
        return 0
    pending = list(RectificationCase.objects.filter(status=CaseStatus.AWAITING_EXPLANATION)
                   .select_related("rule", "record").order_by("pk")[:PER_STATE * (len(STATES) + 1)])
    for i, case in enumerate(pending[PER_STATE:]):  # the first few stay awaiting their explanation
        with contextlib.suppress(ServiceError):  # e.g. a deadline in a year whose calendar is not entered yet
            _advance(case, STATES[i % len(STATES)], today)
    with contextlib.suppress(ServiceError):
        close_dead(SYSTEM, today)
        escalate(SYSTEM, today)
    return opened
