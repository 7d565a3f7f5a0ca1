"""The remedies' shipped data (data/rules.json), each entry with its legal basis.

The dated time-limit rules and the categories excluded from credit repair are loaded by a data migration, so
a fresh database has the defaults; the credit office changes them afterwards (a new rule from a date).
`load_defaults` is keyed by code (update or create), so running it again is harmless. The standard text of
the credit-repair commitment is read from the same file.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
RULE_FIELDS = ("name", "objection_accept_days", "objection_decide_days", "objection_forward_days",
               "source_decide_days", "repair_accept_days", "repair_decide_days", "repair_share_days",
               "remind_before_days", "repair_commitment_months", "legal_basis")


def default_data() -> dict[str, Any]:
    return json.loads((DATA / "rules.json").read_text(encoding="utf-8"))


def _known(model: Any, names: tuple[str, ...]) -> list[str]:
    """The fields the model has: a data migration passes the model as it stood then, before later fields."""
    have = {f.name for f in model._meta.get_fields()}
    return [n for n in names if n in have]


def load_defaults(rule_model: Any, exclusion_model: Any, category_model: Any) -> None:
    data = default_data()
    for spec in data["rules"]:
        rule_model.objects.update_or_create(
            code=spec["code"], defaults={f: spec[f] for f in _known(rule_model, RULE_FIELDS)}
            | {"in_force_from": dt.date.fromisoformat(spec["in_force_from"])})
    for spec in data["repair_exclusions"]:
        category = category_model.objects.filter(code=spec["category"]).first()
        if category is not None:  # a catalog without the category has nothing to exclude
            exclusion_model.objects.update_or_create(
                category=category, defaults={"reason": spec["reason"], "legal_basis": spec["legal_basis"]})


def pledge_text() -> str:
    """The standard credit-repair commitment (信用修复承诺书) applicants sign, shipped as data with its basis."""
    return str(default_data()["pledge"]["text"])
