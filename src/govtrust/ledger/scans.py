"""The ledger's daily scan: records past their maximum disclosure period leave disclosure (a revision each)."""

from typing import Any

from govtrust.jobs.scans import Counted, register

from .services import expire_due


def expire(principal: Any, today: Any) -> Counted:
    return Counted("信用记录：公示期满终止公示", "ledger records past their disclosure period", expire_due(principal, today))


register("ledger-expiry", expire)
