"""Jobs API: follow a background job started in the console (status, progress while it runs, result)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from . import progress
from .models import Job
from .services import get_job, visible_jobs

router = Router(tags=["jobs 后台任务"])


class ProgressOut(Schema):
    done: int
    total: int | None
    percent: int | None
    step: str


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    actor: str
    message: str
    message_en: str
    result: dict[str, Any]
    progress: ProgressOut | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


def _out(job: Job) -> dict[str, Any]:
    snapshot = None if job.finished else progress.read(job.pk)
    result = {k: v for k, v in job.result.items() if k != "rejects_token"}  # a download secret of the console
    return {"id": job.pk, "kind": job.kind, "title": job.title, "status": job.status, "actor": job.actor,
            "message": job.message, "message_en": job.message_en, "result": result,
            "progress": None if snapshot is None else {"done": snapshot.done, "total": snapshot.total,
                                                       "percent": snapshot.percent, "step": snapshot.step},
            "created_at": job.created_at, "started_at": job.started_at, "finished_at": job.finished_at}


@router.get("/jobs", response=list[JobOut], summary="后台任务 / background jobs")
def list_jobs(request: HttpRequest, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    jobs = visible_jobs(request.auth)
    if status:
        jobs = jobs.filter(status=status)
    return [_out(job) for job in jobs[: max(1, min(limit, 200))]]


@router.get("/jobs/{job_id}", response=JobOut, summary="后台任务进度与结果 / a job's progress and result")
def get_one(request: HttpRequest, job_id: int) -> dict[str, Any]:
    return _out(get_job(request.auth, job_id))
