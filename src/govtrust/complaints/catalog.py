"""The complaints catalog shipped as data (data/catalog.json), each entry with its legal basis.

Categories, the dated time-limit rules and the list of matters not accepted are loaded by a data migration,
so a fresh database has the defaults; the credit office edits them afterwards. `load_defaults` is keyed by
code (update or create), so running it again — as transactional tests do after a flush — is harmless.
The portal's anti-flood limits (data/portal.json) are operational defaults, read at run time and
overridable through settings.COMPLAINT_PORTAL.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings

DATA = Path(__file__).parent / "data"
CATEGORY_FIELDS = ("name", "name_en", "limit_class", "writes_record", "legal_basis")
RULE_FIELDS = ("name", "accept_working_days", "assign_working_days", "reassign_working_days", "close_working_days",
               "visit_working_days", "remind_before_working_days", "handle_working_days", "legal_basis")


def default_data() -> dict[str, Any]:
    return json.loads((DATA / "catalog.json").read_text(encoding="utf-8"))


def load_defaults(category_model: Any, rule_model: Any, matter_model: Any) -> None:
    data = default_data()
    for i, spec in enumerate(data["categories"]):
        category_model.objects.update_or_create(
            code=spec["code"], defaults={f: spec[f] for f in CATEGORY_FIELDS} | {"ordering": (i + 1) * 10})
    for spec in data["rules"]:
        rule_model.objects.update_or_create(
            code=spec["code"], defaults={f: spec[f] for f in RULE_FIELDS}
            | {"in_force_from": dt.date.fromisoformat(spec["in_force_from"])})
    for i, spec in enumerate(data["not_accepted"]):
        matter_model.objects.update_or_create(
            code=spec["code"], defaults={"text": spec["text"], "legal_basis": spec["legal_basis"],
                                         "ordering": (i + 1) * 10})


def portal_limits() -> dict[str, Any]:
    """The portal's limits: the shipped defaults, with settings.COMPLAINT_PORTAL's keys on top."""
    shipped = json.loads((DATA / "portal.json").read_text(encoding="utf-8"))
    return shipped | dict(getattr(settings, "COMPLAINT_PORTAL", {}))
