"""The warning rules shipped as data (data/rules.json), each with its basis.

Loaded by a data migration, so a fresh database has the seven defaults, one per kind; the credit office edits
level, params and the active flag afterwards (services.update_rule). `load_defaults` sets only the fields the
given (historical) model has, so an old migration keeps working when the model gains fields later.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).parent / "data" / "rules.json"
FIELDS = ("name", "name_en", "kind", "level", "params", "basis", "active", "in_force_from", "ordering")


def default_rules() -> list[dict[str, Any]]:
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))["rules"]


def load_defaults(rule_model: Any) -> int:
    present = {f.name for f in rule_model._meta.get_fields()}
    for i, spec in enumerate(default_rules()):
        values = spec | {"in_force_from": dt.date.fromisoformat(spec["in_force_from"]), "ordering": (i + 1) * 10}
        values.setdefault("active", True)
        rule_model.objects.get_or_create(code=spec["code"], defaults={
            f: values[f] for f in FIELDS if f in present and f in values})
    return len(default_rules())
