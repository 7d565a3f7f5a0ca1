"""Background jobs: the list of the user's jobs, one job's progress (polled with HTMX while it runs), and
the refused rows of a background import."""

from __future__ import annotations

import io

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from govtrust.core.errors import NotFound
from govtrust.intake import rejected_rows
from govtrust.jobs import progress
from govtrust.jobs.services import get_job, visible_jobs

from .base import console_view, is_htmx, no_store, not_found, paginate

POLL_SECONDS = 1


@console_view()
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "console/jobs/list.html", {"page": paginate(request, visible_jobs(request.user))})


@console_view()
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job(request.user, pk)
    snapshot = progress.read(job.pk) if not job.finished else None
    context = {"job": job, "snapshot": snapshot, "stalled": bool(snapshot and snapshot.stalled()),
               "poll_seconds": POLL_SECONDS}
    template = "console/jobs/_status.html" if is_htmx(request) else "console/jobs/detail.html"
    return render(request, template, context)


@console_view()
def job_rejects(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    job = get_job(request.user, pk)
    token = job.result.get("rejects_token")
    found = rejected_rows.load(token, fmt) if token else None
    if found is None:
        return not_found(request, NotFound("未导入行文件（可能已过期）", "rejects file (it may have expired)"))
    dataset, content = found
    return no_store(FileResponse(io.BytesIO(content), as_attachment=True, filename=f"{dataset}-未导入的行.{fmt}"))
