"""Who acts when an import runs from the server's shell.

Whoever can run `govtrust` on the server can already read the database and the keys, so the command
line acts with the administrator's role by default. The operator is not a User: the audit trail names
it by the operating-system account (`cli:<os user>`). `--as USERNAME` acts as a real user instead, with
that user's role and scope.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from govtrust.core.access import Role


@dataclass(frozen=True)
class Operator:
    """A principal for the access layer (role, organization, is_active) that is not a console user."""

    label: str
    role: str = Role.ADMIN
    organization: None = None
    is_active: bool = True


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return str(os.getuid())


def operator() -> Operator:
    return Operator(f"cli:{os_user()}")
