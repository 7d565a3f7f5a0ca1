"""The steps every door (API, console) takes on a case, dispatched to its kind's module.

Objections (objections.py) and repair applications (repairs.py) share acceptance and declining; each kind has
its own decision. Mitigation is in mitigation.py. Everything here is a thin dispatch, so the API and the
console name one function per step.
"""

from __future__ import annotations

from typing import Any

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
