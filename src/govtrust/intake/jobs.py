"""Imports that run in the background: the console hands a large file to the worker and shows progress.

`queue_import` keeps the upload under settings.IMPORT_UPLOADS_DIR (the worker reads it from there; both
processes share var/) and submits an "import" job; the handler below runs the very same `run_import`
as the other doors, reporting rows read to the job's progress file. The upload is a working copy: it
is removed when the job has run. A killed worker leaves no partial batch (the batch is one
transaction): the job page then shows no progress, and importing the file again completes it.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings

from govtrust.core import access
from govtrust.core.access import Perm
from govtrust.jobs.models import Job
from govtrust.jobs.progress import Reporter
from govtrust.jobs.services import JobRejected, handler, submit

from . import rejected_rows
from .datasets import get_dataset
from .services import ImportRejected, ImportResult, run_import
from .tabular import check_size

SHOWN_REJECTS = 200  # refused rows kept in the job's result for the page; all of them are in the rejects file


def runs_in_background(dataset: str, size: int) -> bool:
    """Bulk datasets (set-based intake) from files of IMPORT_BACKGROUND_MIN_BYTES up run as jobs."""
    return get_dataset(dataset).bulk is not None and size >= settings.IMPORT_BACKGROUND_MIN_BYTES


def queue_import(principal: Any, *, dataset: str, upload: Any, accept_valid: bool, reason: str) -> Job:
    """Keep the uploaded file and queue its import; the checks a request can make are made here."""
    ds = get_dataset(dataset)
    access.require(principal, Perm.IMPORT)
    access.require(principal, ds.perm)
    check_size(upload.size)
    folder = Path(settings.IMPORT_UPLOADS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(upload.name or "upload").name
    path = folder / f"{secrets.token_hex(8)}-{name}"
    with path.open("wb") as out:
        for block in upload.chunks():
            out.write(block)
    payload = {"dataset": ds.name, "path": str(path), "filename": name, "accept_valid": accept_valid,
               "reason": reason, "size": upload.size}
    try:
        return submit(principal, kind="import", title=f"导入{ds.title}：{name}", payload=payload, reason=reason)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def estimate_rows(path: Path) -> int | None:
    """Data rows in a CSV file (its lines less the header), counted at disk speed; None for spreadsheets."""
    if path.suffix.lower() != ".csv":
        return None
    lines = 0
    last = b"\n"
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return max(0, lines + (last != b"\n") - 1)


def summary(result: ImportResult, written: bool) -> dict[str, Any]:
    data = result.as_dict()
    data["rejected_count"] = len(result.rejected)
    data["rejected"] = data["rejected"][:SHOWN_REJECTS]
    data["written"] = written
    if result.rejected:
        data["rejects_token"] = rejected_rows.store(result)
    return data


@handler("import")
def import_job(job: Job, report: Reporter) -> dict[str, Any]:
    p = job.payload
    path = Path(p["path"])
    report.total = estimate_rows(path)
    report(0, "读取并校验 / reading and checking", force=True)
    try:
        result = run_import(job.user, dataset=p["dataset"], filename=p["filename"], content=path,
                            accept_valid=p["accept_valid"], reason=p["reason"],
                            limit=settings.IMPORT_MAX_FILE_BYTES, progress=report)
    except ImportRejected as err:
        raise JobRejected(err, summary(err.result, written=False)) from None
    finally:
        path.unlink(missing_ok=True)
    return summary(result, written=True)
