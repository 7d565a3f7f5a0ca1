"""Background imports end to end: the console queues the file, the real worker (db_worker) runs it, the job
page shows progress and the outcome; the scope rules hold for jobs as for everything else."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from govtrust.core.access import Role
from govtrust.jobs import progress
from govtrust.jobs.models import Job
from govtrust.ledger.models import Record
from govtrust.testing import factories

# The worker runs as in production: in autocommit, outside a test-wide transaction (it closes connections that
# are left inside one, as it should).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _defaults(transactional_db):
    """The shipped catalog and regimes: loaded by a data migration, so gone after a transactional test's flush."""
    from govtrust.ledger.catalog import load_defaults
    from govtrust.ledger.models import Category, CategoryVersion, Regime, RegimeRule

    load_defaults(Category, CategoryVersion, Regime, RegimeRule)


@pytest.fixture(autouse=True)
def _background(settings, tmp_path):
    """Every records upload goes to the worker; uploads, progress and rejects stay in a temporary folder."""
    settings.IMPORT_BACKGROUND_MIN_BYTES = 0
    settings.VAR_DIR = tmp_path
    settings.IMPORT_UPLOADS_DIR = tmp_path / "uploads"
    settings.JOBS_DIR = tmp_path / "jobs"


@pytest.fixture
def login(world):
    return lambda role, home: factories.client(role, getattr(world, home))


@pytest.fixture
def penalty(db):
    return factories.category("job_penalty", name="后台测试处罚")


def _upload(client, rows, accept_valid=False):
    upload = SimpleUploadedFile("records.csv", factories.records_csv(rows), "text/csv")
    data = {"dataset": "records", "file": upload, "reason": "季度归集"}
    if accept_valid:
        data["accept_valid"] = "on"
    return client.post("/console/imports/", data)


def _work():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def test_a_large_upload_is_queued_then_run_by_the_worker(world, login, penalty, tmp_path):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    rows = [factories.record_row(penalty.name, world.finance_a, source=world.credit_a) for _ in range(3)]
    res = _upload(client, rows)
    job = Job.objects.get()
    assert res.status_code == 302 and res.url == f"/console/jobs/{job.pk}/"
    assert job.status == Job.Status.QUEUED and job.kind == "import"
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert not Record.objects.exists()  # nothing imported within the request
    assert list((tmp_path / "uploads").iterdir())  # the upload waits for the worker

    page = client.get(f"/console/jobs/{job.pk}/")
    assert page.status_code == 200 and 'hx-trigger="every 1s"' in page.content.decode()  # polls while queued

    _work()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message_en
    assert job.result["created"] == 3 and job.result["written"] is True
    assert Record.objects.filter(batch_id=job.result["batch_id"]).count() == 3
    assert not list((tmp_path / "uploads").iterdir())  # the working copy is gone
    done = client.get(f"/console/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done  # finished: polling stops
    assert 'data-status="succeeded"' in done and f"/console/imports/batches/{job.result['batch_id']}/" in done


def test_a_refused_background_import_writes_nothing_and_offers_the_rejects(world, login, penalty):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    rows = [factories.record_row(penalty.name, world.finance_a, source=world.credit_a),
            factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 决定日期="2026-02-30")]
    _upload(client, rows)
    _work()
    job = Job.objects.get()
    assert job.status == Job.Status.REJECTED
    assert "未写入任何数据" in job.message and job.result["written"] is False
    assert job.result["rejected"][0]["row"] == 3
    assert job.result["rejected"][0]["errors"][0]["field"] == "决定日期"
    assert not Record.objects.exists()
    page = client.get(f"/console/jobs/{job.pk}/").content.decode()
    assert "2026-02-30" in page and f"/console/jobs/{job.pk}/rejects.csv" in page
    rejects = client.get(f"/console/jobs/{job.pk}/rejects.csv")
    assert rejects.status_code == 200
    body = b"".join(rejects.streaming_content).decode("utf-8-sig")
    assert "2026-02-30" in body and "错误原因" in body and rejects["Cache-Control"] == "no-store"


def test_accept_valid_in_the_background_keeps_the_good_rows(world, login, penalty):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    rows = [factories.record_row(penalty.name, world.finance_a, source=world.credit_a),
            factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 统一社会信用代码="91X")]
    _upload(client, rows, accept_valid=True)
    _work()
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.result["created"], job.result["rejected_count"]) == (1, 1)
    assert Record.objects.count() == 1


def test_jobs_follow_the_scope_rules(world, login, penalty):
    client_a = login(Role.CREDIT_OFFICE, "credit_a")
    _upload(client_a, [factories.record_row(penalty.name, world.finance_a, source=world.credit_a)])
    job = Job.objects.get()
    other_county = login(Role.CREDIT_OFFICE, "finance_b")
    assert other_county.get(f"/console/jobs/{job.pk}/").status_code == 404
    assert other_county.get(f"/console/jobs/{job.pk}/rejects.csv").status_code == 404
    assert f"/console/jobs/{job.pk}/" not in other_county.get("/console/jobs/").content.decode()
    city = login(Role.CREDIT_OFFICE, "city_credit")  # the level above sees the county's jobs
    assert city.get(f"/console/jobs/{job.pk}/").status_code == 200
    assert f"/console/jobs/{job.pk}/" in city.get("/console/jobs/").content.decode()


def test_small_files_and_registry_datasets_stay_in_the_request(world, login, penalty, settings):
    settings.IMPORT_BACKGROUND_MIN_BYTES = 10**6
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = _upload(client, [factories.record_row(penalty.name, world.finance_a, source=world.credit_a)])
    assert res.status_code == 200 and res.context["result"].created == 1
    assert not Job.objects.exists()


def test_the_progress_page_shows_rows_and_percent_while_running(world, login, penalty):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    _upload(client, [factories.record_row(penalty.name, world.finance_a, source=world.credit_a)])
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    reporter = progress.Reporter(job.pk, total=40_000)
    reporter(10_000, "读取并校验", force=True)
    page = client.get(f"/console/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "10000 / 40000" in page.replace(",", "") and "25%" in page and 'value="25"' in page and "every 1s" in page


def test_a_running_job_without_progress_for_minutes_is_shown_as_possibly_stopped(world, login, penalty):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    _upload(client, [factories.record_row(penalty.name, world.finance_a, source=world.credit_a)])
    job = Job.objects.get()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    progress.Reporter(job.pk)(500, force=True)
    fresh = client.get(f"/console/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "job-stalled" not in fresh
    path = progress._path(job.pk)
    report = json.loads(path.read_text())
    path.write_text(json.dumps(report | {"updated": report["updated"] - progress.STALL_AFTER - 1}))
    stale = client.get(f"/console/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "job-stalled" in stale and "every 1s" in stale


def test_row_estimate_counts_data_lines(tmp_path):
    from govtrust.intake.jobs import estimate_rows

    path = tmp_path / "a.csv"
    path.write_bytes(b"h1,h2\n1,2\n3,4")  # no final newline
    assert estimate_rows(path) == 2
    path.write_bytes(b"h1,h2\n1,2\n3,4\n")
    assert estimate_rows(path) == 2
    assert estimate_rows(tmp_path / "a.xlsx") is None


def test_a_job_of_a_deactivated_user_does_not_run(world, login, penalty):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    _upload(client, [factories.record_row(penalty.name, world.finance_a, source=world.credit_a)])
    job = Job.objects.get()
    job.user.is_active = False
    job.user.save()
    _work()
    job.refresh_from_db()
    assert job.status == Job.Status.REJECTED and "停用" in job.message
    assert not Record.objects.exists()


def test_the_api_reports_a_job_without_its_download_secret(world, login, penalty):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    rows = [factories.record_row(penalty.name, world.finance_a, source=world.credit_a, 决定日期="2026-13-01")]
    _upload(client, rows)
    job = Job.objects.get()
    queued = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert queued["status"] == "queued" and queued["progress"] == {"done": 0, "total": None, "percent": None,
                                                                    "step": ""}
    _work()
    body = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert body["status"] == "rejected" and body["result"]["rejected_count"] == 1
    assert "rejects_token" not in body["result"] and body["progress"] is None
    assert login(Role.CREDIT_OFFICE, "finance_b").get(f"/api/v1/jobs/{job.pk}").status_code == 404
