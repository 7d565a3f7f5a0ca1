"""The default indicator system (data/system.json, with its basis), loaded as published version 1 by a data
migration, so a fresh database can evaluate at once; `load_defaults` does nothing when the code exists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.utils import timezone

DATA_FILE = Path(__file__).parent / "data" / "system.json"
DEFAULT_CODE = "gov-integrity-2026"  # the code of data/system.json: what a run uses unless told otherwise


def default_data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text("utf-8"))


def load_defaults(system_model: Any) -> None:
    spec, now = default_data(), timezone.now()
    system_model.objects.get_or_create(code=spec["code"], version=1, defaults={
        "name": spec["name"], "basis": spec["basis"], "content": spec["content"], "status": "published",
        "created_by": "govtrust", "created_at": now, "published_by": "govtrust", "published_at": now,
        "note": "随平台发布的默认指标体系 / the default system shipped with the platform"})
