"""Console logins, failed logins and logouts are audit events; a password never is."""

import pytest
from django.contrib.auth.signals import user_logged_in
from django.test import Client, RequestFactory

from govtrust.core import audit
from govtrust.core.access import Role
from govtrust.core.models import AuditEvent
from govtrust.testing import factories

PASSWORD = "pass-for-tests-1"


@pytest.fixture
def clerk(db):
    return factories.user(Role.DEPARTMENT, None, username="clerk", password=PASSWORD)


def _last():
    return AuditEvent.objects.order_by("-seq").first()


def test_login_and_logout_are_recorded_against_the_user(clerk):
    c = Client()
    assert c.login(username="clerk", password=PASSWORD)
    login = _last()
    assert (login.action, login.object_type, login.object_id) == ("login", "accounts.user", str(clerk.pk))
    assert (login.actor, login.actor_user_id) == ("user:clerk", clerk.pk)
    c.logout()
    logout = _last()
    assert (logout.action, logout.object_id, logout.actor) == ("logout", str(clerk.pk), "user:clerk")
    assert logout.seq == login.seq + 1 and audit.verify().ok


def test_a_failed_login_names_the_account_but_never_the_password(clerk):
    assert not Client().login(username="clerk", password="wrong-guess-123")
    event = _last()
    assert (event.action, event.object_type, event.object_id) == ("login_failed", "accounts.user", str(clerk.pk))
    assert (event.object_repr, event.actor, event.actor_user_id) == ("clerk", "anonymous", None)
    stored = AuditEvent.objects.filter(seq=event.seq).values()[0]
    assert not any("wrong-guess-123" in str(v) for v in stored.values())


def test_a_failed_login_for_an_unknown_username_is_recorded_too(db):
    assert not Client().login(username="no-such-user", password="whatever-123")
    event = _last()
    assert (event.action, event.object_id, event.object_repr) == ("login_failed", "", "no-such-user")


def test_logging_out_without_a_session_records_nothing(db):
    Client().logout()
    assert not AuditEvent.objects.exists()


def test_the_client_address_is_kept_when_the_login_view_has_one(clerk):
    request = RequestFactory().get("/console/login/", REMOTE_ADDR="10.1.2.3")
    user_logged_in.send(sender=type(clerk), request=request, user=clerk)
    assert _last().after == {"ip": "10.1.2.3"}
