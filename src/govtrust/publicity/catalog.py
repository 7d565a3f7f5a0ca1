"""The publicity catalog shipped as data (data/catalog.json): the deadline rules and the penalty kinds.

Loaded by a data migration, so a fresh database has the defaults; the credit office edits the rows
afterwards (a new rule is a new row with its own in-force date, so old decisions keep the rule of their day).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

CATALOG_FILE = Path(__file__).parent / "data" / "catalog.json"


def load_defaults(rule_model: Any, kind_model: Any) -> None:
    data = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    for rule in data["rules"]:
        rule_model.objects.update_or_create(code=rule["code"], defaults={
            **rule, "in_force_from": dt.date.fromisoformat(rule["in_force_from"]),
            "max_amount": Decimal(rule["max_amount"])})
    for kind in data["penalty_kinds"]:
        kind_model.objects.update_or_create(code=kind["code"], defaults=kind)


class RuleBook:
    """The deadline rules by in-force date: `for_date(d)` is the rule that governed a decision made on d."""

    def __init__(self) -> None:
        from .models import PublicityRule

        self.rules = list(PublicityRule.objects.order_by("in_force_from"))
        self._starts = [r.in_force_from for r in self.rules]

    def for_date(self, day: dt.date) -> Any:
        i = bisect.bisect_right(self._starts, day) - 1
        return self.rules[i] if i >= 0 else None
