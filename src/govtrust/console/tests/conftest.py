"""Console test helpers: a logged-in client for a role at a home organization of the `world`."""

import pytest

from govtrust.testing import factories


@pytest.fixture
def login(world):
    """`login(role, home)` → a Client logged in as a new user of `role` at `world.<home>` (or none)."""

    def make(role, home=None):
        return factories.client(role, getattr(world, home) if home else None)

    return make


from govtrust.console.tests.browser import page  # noqa: E402, F401  (the e2e tests' browser fixture)
