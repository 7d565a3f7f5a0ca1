"""Shared pytest fixtures: a small world of regions, organizations and people, and users by role."""

import pytest

from govtrust.testing import factories


@pytest.fixture
def world(db):
    return factories.World()


@pytest.fixture
def make_user(db):
    return factories.user
