"""The scheduled scans that `govtrust deadlines scan` runs (cron or a systemd timer runs it daily).

Each app declares its scans in `<app>/scans.py` with `register(name, scan)`: a scan is a function
`(principal, today) -> result` whose result has `summary()` (Chinese / English), takes "today" as a
parameter so that a missed day can be re-run, and is idempotent (running it twice the same day changes
nothing more). The modules are found on first use, as Django finds admin.py, so this module imports no app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import autodiscover_modules

Scan = Callable[[Any, dt.date], Any]
SCANS: dict[str, Scan] = {}


def register(name: str, scan: Scan) -> None:
    SCANS[name] = scan


@dataclass(frozen=True)
class Counted:
    """The result of a scan that only counts what it changed."""

    label: str
    label_en: str
    count: int

    def summary(self) -> str:
        return f"{self.label}{self.count}项 / {self.label_en}: {self.count}"


def run(principal: Any, today: dt.date, only: list[str] | None = None) -> dict[str, Any]:
    """Run every registered scan (or those named), in registration order: name → result."""
    autodiscover_modules("scans")
    names = only or list(SCANS)
    unknown = [n for n in names if n not in SCANS]
    if unknown:
        raise KeyError(", ".join(unknown))
    return {name: SCANS[name](principal, today) for name in names}
