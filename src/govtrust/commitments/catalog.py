"""The commitment kinds shipped as data (data/kinds.json), each with its legal basis.

Loaded by a data migration, so a fresh database has the defaults; the credit office edits the rows
afterwards. The phrases that flag a change or a breach (政府换届, 责任人更替) are data too: the file's
`flag_phrases` apply to every kind that does not list its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

KINDS_FILE = Path(__file__).parent / "data" / "kinds.json"
FIELDS = ("name", "name_en", "subject_kinds", "evidence", "public_default", "compensation_required", "legal_basis")


def default_data() -> dict[str, Any]:
    return json.loads(KINDS_FILE.read_text(encoding="utf-8"))


def load_defaults(kind_model: Any) -> None:
    data = default_data()
    for i, spec in enumerate(data["kinds"]):
        values = {f: spec[f] for f in FIELDS} | {"flag_phrases": spec.get("flag_phrases", data["flag_phrases"]),
                                                  "ordering": (i + 1) * 10}
        kind_model.objects.update_or_create(code=spec["code"], defaults=values)


def flag_hits(kind: Any, *texts: str) -> list[str]:
    """The kind's flag phrases that occur in any of `texts`."""
    joined = "\n".join(t or "" for t in texts)
    return [p for p in kind.flag_phrases if p and p in joined]


RULES_FILE = Path(__file__).parent / "data" / "rectification.json"
RULE_FIELDS = ("name", "explanation_working_days", "rectification_working_days", "escalation_working_days",
               "legal_basis")


def load_rectification_rules(rule_model: Any) -> None:
    """The shipped rectification rules (书面说明原因并限期加以整改), keyed by code."""
    import datetime as dt

    for spec in json.loads(RULES_FILE.read_text(encoding="utf-8"))["rules"]:
        values = {f: spec[f] for f in RULE_FIELDS} | {"in_force_from": dt.date.fromisoformat(spec["in_force_from"])}
        rule_model.objects.update_or_create(code=spec["code"], defaults=values)
