"""Reads of the check log for other apps (no access check here: the caller restricts what it shows).

`checks_citing` serves the remedies app: when a record is revoked or corrected after objection, the systems
that were told "block" or "warn" on the strength of it are told that the sanction rested on a record since
revoked.
"""

from __future__ import annotations

import datetime as dt

from govtrust.ledger.models import Record

from .models import Check, Decision

RESTRICTING = (Decision.BLOCK.value, Decision.WARN.value)


def checks_citing(record_id: int, since: dt.datetime) -> list[Check]:
    """The checks asked since `since` about the record's subject that blocked or warned and cite the record in
    their stored answer (`answer["records"]`, the records the measures rested on), newest first.

    Cost: the time index (`check_time`, on asked_at) bounds the scan to the checks asked since `since` — of
    every party, since the log has no index on the subject (one more index on every check insert, the hot
    write path, for a rare question). Subject and decision are filtered on those rows in the database; the
    citation is then tested in Python on the few that remain (a JSON array is not searchable on SQLite), so the
    cost grows with the number of checks asked in the period: keep `since` as late as the question allows (the
    record's decision or publication date, not the beginning of time). A record the ledger does not hold
    was never cited: [] without reading the log.
    """
    key = Record.objects.filter(pk=record_id).values_list("subject_key", flat=True).first()
    if key is None:
        return []
    found = Check.objects.filter(asked_at__gte=since, subject_key=key, decision__in=RESTRICTING)
    return [c for c in found.order_by("-asked_at", "-id").iterator(chunk_size=500)
            if any(r.get("id") == record_id for r in (c.answer or {}).get("records") or [])]
