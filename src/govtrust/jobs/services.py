"""Starting a background job and running it: the only way a Job row changes.

`submit` writes the Job and enqueues its task in the caller's transaction, so a job whose request was
rolled back never runs (django-tasks' database backend enqueues transactionally). `execute` is what the
worker runs: it marks the job running, calls the handler registered for its kind under the submitting
user's name and role (the audit chain names them, with channel "job"), and records how it ended.

Handlers are registered by the app that owns the work (`@handler("import")` in intake/jobs.py), so
this module never imports the apps whose jobs it runs. A handler gets the Job and a progress Reporter
and returns its result as JSON; a ServiceError it raises (or a JobRejected, which carries a result too)
ends the job as rejected, with the message the user reads; anything else ends it as failed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import acting, actor_label_for, current
from govtrust.core.errors import NotFound, ServiceError

from . import progress
from .models import Job

Handler = Callable[[Job, progress.Reporter], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}


class JobRejected(Exception):
    """A refusal with something to show besides the message (an import's refused rows)."""

    def __init__(self, error: ServiceError, result: dict[str, Any]):
        super().__init__(error.message_en)
        self.error, self.result = error, result


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


def _handler(kind: str) -> Handler:
    if kind not in HANDLERS:
        autodiscover_modules("jobs")
    return HANDLERS[kind]


@transaction.atomic
def submit(principal: Any, *, kind: str, title: str, payload: dict[str, Any], reason: str = "") -> Job:
    """Queue a job for `principal` (a console user); the caller has checked what the job needs."""
    from .tasks import run_job  # the task module needs the app registry ready

    _handler(kind)  # an unknown kind fails here, in the request, not later in the worker
    ctx = current()
    user = principal if hasattr(principal, "get_username") else None
    job = Job.objects.create(kind=kind, title=title[:255], payload=payload, user=user,
                             organization=getattr(principal, "organization", None), actor=ctx.actor_label)
    audit.record("job_submit", job, after={"kind": kind, "title": job.title}, reason=reason)
    run_job.enqueue(job.pk)
    return job


def execute(job_id: int) -> str:
    """Run one job (the worker's task body); returns the status it ended with."""
    job = Job.objects.select_related("user", "organization").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return job.status  # already run (a task retried after a crash does not run the work twice)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())
    principal = job.user
    if principal is None or not principal.is_active:
        return _finish(job, Job.Status.REJECTED, {}, "提交任务的用户已停用，任务未执行",
                       "the user who submitted the job is no longer active; nothing was done")
    reporter = progress.Reporter(job.pk)
    try:
        with acting(user=principal, actor_label=f"{actor_label_for(principal)} (job {job.pk})", channel="job"):
            result = _handler(job.kind)(job, reporter)
    except JobRejected as rejected:
        err = rejected.error
        return _finish(job, Job.Status.REJECTED, rejected.result | {"error": err.as_dict()}, err.message, err.message_en)
    except ServiceError as err:
        return _finish(job, Job.Status.REJECTED, {"error": err.as_dict()}, err.message, err.message_en)
    except Exception as err:
        _finish(job, Job.Status.FAILED, {}, "任务执行出错，请联系管理员", f"the job failed: {type(err).__name__}: {err}")
        raise  # the task's own result keeps the traceback for the administrator
    return _finish(job, Job.Status.SUCCEEDED, result, "", "")


def _finish(job: Job, status: str, result: dict[str, Any], message: str, message_en: str) -> str:
    Job.objects.filter(pk=job.pk).update(status=status, result=result, message=message, message_en=message_en,
                                         finished_at=timezone.now())
    progress.clear(job.pk)
    return status


def visible_jobs(principal: Any) -> Any:
    """The jobs a principal may follow: those of its scope (its organization's, or everything)."""
    return access.restrict(principal, Job.objects.select_related("user"), Perm.CONSOLE)


def get_job(principal: Any, job_id: int) -> Job:
    job = visible_jobs(principal).filter(pk=job_id).first()
    if job is None:
        raise NotFound("后台任务", "job")
    return job


