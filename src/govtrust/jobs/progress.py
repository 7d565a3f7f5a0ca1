"""How far a running job has got, kept in a small JSON file per job (see models.Job for why not a row).

The worker writes the file atomically (a temporary file, then a rename), at most a few times a second;
the web app reads it when it renders the job. Worker and web app share `settings.JOBS_DIR` (under
var/ by default) just as they share the uploaded files the worker reads.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings

MIN_INTERVAL = 0.5  # seconds between two writes of the same job's file
STALL_AFTER = 300  # seconds without a report after which a running job is shown as possibly stopped


@dataclass(frozen=True)
class Snapshot:
    done: int = 0
    total: int | None = None  # None: not known in advance (the bar shows the count only)
    step: str = ""
    updated: float = 0.0  # time.time() of the last report

    def stalled(self, now: float | None = None) -> bool:
        """A report was written once, but not for STALL_AFTER seconds: the worker may have been stopped."""
        return bool(self.updated) and (now or time.time()) - self.updated > STALL_AFTER

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return max(0, min(99, self.done * 100 // self.total))  # 100 only once the job has finished


def _path(job_id: int) -> Path:
    return Path(settings.JOBS_DIR) / f"job-{job_id}.json"


def read(job_id: int) -> Snapshot:
    try:
        data = json.loads(_path(job_id).read_text("utf-8"))
    except (OSError, ValueError):
        return Snapshot()
    return Snapshot(**{k: data[k] for k in ("done", "total", "step", "updated") if k in data})


def clear(job_id: int) -> None:
    _path(job_id).unlink(missing_ok=True)


class Reporter:
    """Given to a job's handler: `report(done, step=…)`; `total` is set once it is known."""

    def __init__(self, job_id: int, total: int | None = None):
        self.job_id, self.total = job_id, total
        self._last = 0.0

    def __call__(self, done: int, step: str = "", *, force: bool = False) -> None:
        now = time.time()
        if not force and now - self._last < MIN_INTERVAL:
            return
        self._last = now
        path = _path(self.job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        snapshot = Snapshot(done, self.total, step, now)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(asdict(snapshot), out, ensure_ascii=False)
        os.replace(tmp, path)
