"""The one task the queue knows: run a Job by id (JSON arguments only; the Job row holds the rest)."""

from django_tasks import task

from . import services


@task()
def run_job(job_id: int) -> str:
    return services.execute(job_id)
