"""Console logins, failed logins and logouts go into the audit chain (等保: who signed in, when, from where).

Connected to Django's auth signals in CoreConfig.ready(). A failed login names the attempted username
(and the account, when one exists), never the password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from . import audit
from .context import acting, actor_label_for


def _client(request: HttpRequest | None) -> dict[str, str] | None:
    ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    return {"ip": ip} if ip else None


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    with acting(user=user, actor_label=actor_label_for(user)):
        audit.record("login", user, after=_client(request))


def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:  # logging out without a session: nobody to name
        return
    with acting(user=user, actor_label=actor_label_for(user)):
        audit.record("logout", user, after=_client(request))


def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD, ""))
    account = User._default_manager.filter(**{User.USERNAME_FIELD: username}).values_list("pk", flat=True).first()
    change = audit.Change("login_failed", User._meta.label_lower, str(account or ""), username,
                          after=_client(request))
    with acting(user=None, actor_label="anonymous"):
        audit.record_many([change])


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="govtrust.audit.login")
    user_logged_out.connect(on_logout, dispatch_uid="govtrust.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="govtrust.audit.login_failed")
