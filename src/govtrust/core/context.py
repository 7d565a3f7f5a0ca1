"""Who is acting, why, and under which request: carried in a context variable, not passed through every call.

The web middleware, the API auth and the CLI set it; the audit chain reads it. A service function can
still be given an explicit actor or reason, which wins over the context.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class ActionContext:
    """The acting party: a user (console, API session), an API key (system), or a named process (CLI)."""

    user: Any = None  # accounts.User or None
    actor_label: str = "system"
    request_id: str = ""
    reason: str = ""
    channel: str = "cli"  # console | api | portal | cli | job


_current: ContextVar[ActionContext] = ContextVar("govtrust_action_context", default=ActionContext())  # noqa: B039 — frozen, never mutated


def current() -> ActionContext:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_actor(user: Any, actor_label: str, channel: str) -> None:
    """Name the actor for the rest of the current request (used by API authentication).

    The request middleware resets the context when the request ends, so this cannot leak.
    """
    _current.set(replace(_current.get(), user=user, actor_label=actor_label, channel=channel))


@contextlib.contextmanager
def acting(**changes: Any) -> Iterator[ActionContext]:
    """Run a block with the context changed (e.g. `with acting(user=u, reason="…")`)."""
    ctx = replace(_current.get(), **changes)
    if not ctx.request_id:
        ctx = replace(ctx, request_id=new_request_id())
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def actor_label_for(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return f"user:{user.get_username()}"
