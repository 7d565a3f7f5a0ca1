"""Undoing what a record did once it is found wrong (objection upheld) or repaired — and telling people.

- `lift`: the screening checks that blocked or warned on the record (sanctions.checks_citing) are reported to
  the organizations that asked, in their console inbox: the restriction rested on a record since corrected,
  revoked or repaired, and should be lifted; a new check gives the current answer. Returns how many.
- `after_upheld`: where the record had been disclosed on the portal, a public statement (更正说明) is published
  beside the organization's records, and a linked 双公示 decision is withdrawn with the same public note.
- `tell_applicant`: a government applicant hears in the console inbox; the public reads it on the tracking page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from govtrust.commitments.notices import notify_many
from govtrust.core import audit
from govtrust.ledger.models import DisclosureScope, Record
from govtrust.publicity import services as publicity
from govtrust.sanctions.queries import checks_citing

from . import casework
from .models import Case, EventKind, Outcome, PublicStatement


def notify(organization_id: int | None, kind: str, text: str, c: Case) -> None:
    notify_many([(organization_id, kind, text, casework.link(c))])


def tell_applicant(c: Case, text: str) -> None:
    if c.applicant_organization_id:
        notify(c.applicant_organization_id, casework.NOTICE_DECIDED, text, c)


def was_public(record: Record, day: dt.date) -> bool:
    """Whether the record had been disclosed on the portal (an organization's public record whose period began)."""
    return (record.organization_id is not None and record.disclosure_scope == DisclosureScope.PUBLIC
            and record.disclosure_start <= day)


def lift(c: Case, record: Record) -> int:
    """Tell the systems that asked: each check that blocked or warned on the record since it was taken in."""
    checks = checks_citing(record.pk, record.created_at)
    what = {"objection": "经异议核查已更正或撤销", "repair": "已信用修复"}
    notify_many([(k.organization_id, casework.NOTICE_LIFTED,
                  f"比对记录#{k.pk}（{k.asked_at:%Y-%m-%d}，{k.system}）所依据的信用记录{record.document_number}"
                  f"{what[c.kind]}，据此实施的限制应予解除；请重新比对以获得当前结论", casework.link(c))
                 for k in checks])
    if checks:
        casework.event(c, EventKind.LIFTED, f"已通知{len(checks)}次比对的发起单位解除据此实施的限制",
                       timezone.localdate())
    return len(checks)


def after_upheld(principal: Any, c: Case, record: Record, public_before: bool, day: dt.date) -> None:
    if not public_before:
        return
    done = "撤销" if c.outcome == Outcome.REVOKED else "更正"
    text = (f"经异议核查，{record.authority}作出的{record.category.name}记录（文书号{record.document_number}，"
            f"{record.decision_date:%Y年%m月%d日}）有误，已于{day:%Y年%m月%d日}{done}。")
    statement = PublicStatement.objects.create(organization_id=record.organization_id, record=record, case=c,
                                               text=text, published_on=day)
    audit.record("publish", statement, after={"case": c.serial, "record": record.pk, "text": text}, reason=text)
    if c.outcome == Outcome.REVOKED:
        publicity.withdraw_for_record(principal, record, note=text)
    casework.event(c, EventKind.STATEMENT, text, day)
