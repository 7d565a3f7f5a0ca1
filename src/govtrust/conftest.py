"""Shared pytest fixtures: a small world of regions, organizations and people, and users by role."""

import pytest

from govtrust.testing import factories


@pytest.fixture
def world(db):
    return factories.World()


@pytest.fixture
def make_user(db):
    return factories.user


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder (apps that store evidence make this autouse as `media`)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def office_a(world):
    """The credit office of county A (五华区)."""
    return factories.user("credit_office", world.credit_a)


@pytest.fixture
def dept_a(world):
    """A department user at county A's finance bureau."""
    return factories.user("department", world.finance_a)
