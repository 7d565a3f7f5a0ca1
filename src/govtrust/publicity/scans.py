"""双公示's daily scan: decisions past their disclosure end leave the listing as expired (audited)."""

from typing import Any

from govtrust.jobs.scans import Counted, register

from .services import expire_due


def expire(principal: Any, today: Any) -> Counted:
    return Counted("双公示：公示期满", "decisions past their disclosure end", expire_due(principal, today))


register("publicity-expiry", expire)
