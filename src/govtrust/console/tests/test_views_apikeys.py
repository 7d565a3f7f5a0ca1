"""API keys in the console: issued per organization in scope, shown once, revoked with a reason."""

from django.test import Client

from govtrust.accounts.auth import authenticate_key
from govtrust.accounts.models import ApiKey
from govtrust.core.access import Role


def test_issue_shows_the_key_once(world, login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    res = client.post("/console/api-keys/", {"organization": world.finance_a.pk, "name": "公共资源交易平台",
                                             "reason": "接入招投标系统"})
    raw = res.context["raw_key"]
    assert res.status_code == 200 and res["Cache-Control"] == "no-store"
    assert raw in res.content.decode() and authenticate_key(raw) is not None
    again = client.get("/console/api-keys/").content.decode()
    assert raw not in again and "公共资源交易平台" in again


def test_issue_errors_and_scope(world, login):
    client = login(Role.CREDIT_OFFICE, "credit_a")
    no_reason = client.post("/console/api-keys/", {"organization": world.finance_a.pk, "name": "系统"})
    assert no_reason.status_code == 400 and 'data-field-errors="reason"' in no_reason.content.decode()
    out = client.post("/console/api-keys/", {"organization": world.finance_b.pk, "name": "系统", "reason": "x"})
    assert out.status_code == 400 and 'data-field-errors="organization"' in out.content.decode()
    assert not ApiKey.objects.exists()


def test_list_is_scoped_and_revoke_needs_a_reason(world, login, make_user):
    admin = Client()
    admin.force_login(make_user(Role.ADMIN, None))
    admin.post("/console/api-keys/", {"organization": world.finance_b.pk, "name": "盘龙系统", "reason": "x"})
    admin.post("/console/api-keys/", {"organization": world.finance_a.pk, "name": "五华系统", "reason": "x"})
    key_a, key_b = ApiKey.objects.get(name="五华系统"), ApiKey.objects.get(name="盘龙系统")
    client = login(Role.CREDIT_OFFICE, "credit_a")
    assert [k.name for k in client.get("/console/api-keys/").context["page"]] == ["五华系统"]
    assert client.post(f"/console/api-keys/{key_b.pk}/revoke/", {"reason": "x"}).status_code == 404
    client.post(f"/console/api-keys/{key_a.pk}/revoke/", {"reason": ""})
    key_a.refresh_from_db()
    assert key_a.revoked_at is None
    res = client.post(f"/console/api-keys/{key_a.pk}/revoke/", {"reason": "系统下线"}, follow=True)
    key_a.refresh_from_db()
    assert key_a.revoked_at is not None and "已吊销" in res.content.decode()
    assert login(Role.DEPARTMENT, "finance_a").get("/console/api-keys/").status_code == 403
