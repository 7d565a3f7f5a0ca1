"""The steps every door (API, console) takes on a case, dispatched to its kind's module.

Objections (objections.py) and repair applications (repairs.py) share acceptance and declining; each kind has
its own decision. Mitigation is in mitigation.py. Everything here is a thin dispatch, so the API and the
console name one function per step.
"""

from __future__ import annotations

from typing import Any

from govtrust.core import access, tracking
from govtrust.core.access import Perm
from govtrust.core.errors import Conflict

from . import objections, repairs
from .models import Case, Kind


def _module(case: Case) -> Any:
    return objections if case.kind == Kind.OBJECTION else repairs


def accept(principal: Any, case: Case, **kw: Any) -> Case:
    return _module(case).accept(principal, case, **kw)  # type: ignore[no-any-return]


def decline(principal: Any, case: Case, *, reason: str, **kw: Any) -> Case:
    return _module(case).decline(principal, case, reason=reason, **kw)  # type: ignore[no-any-return]


def _only(case: Case, kind: str) -> None:
    if case.kind != kind:
        raise Conflict(f"此操作只适用于{Kind(kind).label}申请", f"this step applies to {kind} cases only")


def forward(principal: Any, case: Case, **kw: Any) -> Case:
    _only(case, Kind.OBJECTION)
    return objections.forward(principal, case, **kw)


def decide(principal: Any, case: Case, **kw: Any) -> Case:
    _only(case, Kind.OBJECTION)
    return objections.decide(principal, case, **kw)


def approve(principal: Any, case: Case, **kw: Any) -> Case:
    _only(case, Kind.REPAIR)
    return repairs.approve(principal, case, **kw)


def refuse(principal: Any, case: Case, **kw: Any) -> Case:
    _only(case, Kind.REPAIR)
    return repairs.refuse(principal, case, **kw)


def reveal_applicant(principal: Any, case: Case, *, purpose: str) -> dict[str, str]:
    """A portal applicant's name and contact, for the credit office handling the case, for a stated purpose;
    the read is audited (console and API filers are named by their organization and need no reveal)."""
    if not (case.name_encrypted or case.contact_encrypted) and (purpose or "").strip():
        access.require(principal, Perm.REMEDIES_DECIDE, case)
        raise Conflict("该申请由单位提出，没有个人身份信息", "the case was filed by an organization: no personal data")
    return tracking.reveal_filer(principal, case, Perm.REMEDIES_DECIDE, purpose=purpose)
