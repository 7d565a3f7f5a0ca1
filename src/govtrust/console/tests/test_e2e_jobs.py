"""A background import in a real browser: upload, the job page polls, the worker runs it, the page turns."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from govtrust.console.tests.browser import PASSWORD
from govtrust.core.access import Role
from govtrust.ledger.catalog import load_defaults
from govtrust.ledger.models import Category, CategoryVersion, Record, Regime, RegimeRule
from govtrust.testing import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_background_import_shows_its_progress_and_outcome(world, live_server, page, settings, tmp_path):
    load_defaults(Category, CategoryVersion, Regime, RegimeRule)  # data-migration rows do not survive a flush
    settings.IMPORT_BACKGROUND_MIN_BYTES = 0
    settings.VAR_DIR, settings.IMPORT_UPLOADS_DIR, settings.JOBS_DIR = tmp_path, tmp_path / "up", tmp_path / "jobs"
    factories.user(Role.CREDIT_OFFICE, world.credit_a, username="credit")
    penalty = factories.category("e2e_penalty", name="浏览器测试处罚")
    path = tmp_path / "信用记录.csv"
    path.write_bytes(factories.records_csv(
        [factories.record_row(penalty.name, world.finance_a, source=world.credit_a) for _ in range(2)]))

    page.goto(live_server.url + "/console/login/")
    page.locator("#id_username").fill("credit")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/console/imports/")
    page.locator("#id_dataset").select_option("records")
    page.locator("#id_file").set_input_files(str(path))
    page.locator("#id_reason").fill("季度归集")
    page.get_by_role("button", name="导入").click()

    status = page.locator("[data-testid=job-status]")
    expect(status).to_have_attribute("data-status", "queued")
    assert "/console/jobs/" in page.url
    page.evaluate("window.__samePage = true")
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    expect(status).to_have_attribute("data-status", "succeeded")  # swapped in by the page's own polling
    expect(page.locator("[data-testid=created-count]")).to_have_text("2")
    assert page.evaluate("window.__samePage") is True
    assert Record.objects.count() == 2
