"""The end-to-end tests' browser: Debian's chromium driven by Playwright's sync API.

Playwright's own browser download cannot work here (no network but the package registries), so the
tests launch /usr/bin/chromium (`make browser` installs it). Playwright's sync API runs an event
loop in the test thread, which Django's ORM refuses unless DJANGO_ALLOW_ASYNC_UNSAFE is set; the
database work still happens synchronously in that one thread.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Page, sync_playwright

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
PASSWORD = "pass-for-tests-1"  # the factories' default


@pytest.fixture
def page() -> Iterator[Page]:
    """A fresh browser page (Chinese locale), failing fast when something does not appear."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="zh-CN")
            context.set_default_timeout(10_000)
            yield context.new_page()
        finally:
            browser.close()
            # While Playwright's loop runs, Django keeps this thread's connections per context, out of
            # pytest-django's reach: close the one the test body used, or it outlives the test database.
            connections.close_all()
