"""The check's hot path (ADR 0015): the short way answers what the ninja route answers, only for keys; a check
outside a transaction is stored whole."""

import json

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from govtrust.accounts.models import ApiKey
from govtrust.sanctions.models import Check
from govtrust.testing import factories

from .conftest import ask

pytestmark = pytest.mark.django_db

WITHOUT_FASTPATH = [m for m in settings.MIDDLEWARE if not m.endswith("CheckFastPath")]
VOLATILE = {"check_id", "asked_at"}


def _bodies(world, listed):
    return [
        {"party": {"uscc": listed.uscc.lower()}, "scene": "招标投标", "reference": "KMZB-1"},
        {"party": {"uscc": world.gov_a.uscc}, "scene": "procurement", "system": "采购平台"},
        {"party": {"name": "昆明某某建设工程有限公司"}, "scene": "tendering"},
        {"party": {"uscc": "91530100MA6K0000XX"}, "scene": "tendering"},  # bad check digit
        {"party": {"uscc": world.gov_a.uscc, "resident_id": "x"}, "scene": "tendering"},
        {"party": "91530100", "scene": "tendering"},  # not an object
        {"party": {"uscc": world.gov_a.uscc}},  # no scene
        {"party": {"uscc": world.gov_a.uscc}, "scene": "拍卖"},  # unknown scene
        {"party": {"uscc": world.gov_a.uscc}, "scene": "晋升"},  # not granted to the key
        {"party": {"uscc": world.gov_a.uscc}, "scene": 7},
        ["not", "an", "object"],
    ]


def _send(client, body):
    raw = body if isinstance(body, bytes) else json.dumps(body)
    r = client.post("/api/v1/checks", raw, content_type="application/json")
    data = r.json()
    return r.status_code, {k: v for k, v in data.items() if k not in VOLATILE}, r


def test_both_ways_give_the_same_answers_and_errors(world, listing, key_client):
    bodies = _bodies(world, listing())
    short = [_send(key_client(), b) for b in [*bodies, b"{not json"]]
    with override_settings(MIDDLEWARE=WITHOUT_FASTPATH):
        full = [_send(key_client(), b) for b in [*bodies, b"{not json"]]
    assert [(s, d) for s, d, _r in short] == [(s, d) for s, d, _r in full]
    statuses = [s for s, _d, _r in short]
    assert statuses == [200, 200, 200, 400, 400, 422, 422, 400, 403, 422, 422, 400]
    # The short way was taken (the rest of the stack adds X-Frame-Options), and both logged their checks.
    assert all("X-Frame-Options" not in r for _s, _d, r in short)
    assert all("X-Frame-Options" in r for _s, _d, r in full)
    assert all(r["X-Request-Id"] and r["Content-Length"] == str(len(r.content)) for _s, _d, r in short)
    assert Check.objects.count() == 6


def test_the_callers_request_id_comes_back(world, key_client):
    r = key_client().post("/api/v1/checks", json.dumps({"party": {"uscc": world.gov_a.uscc}, "scene": "tendering"}),
                          content_type="application/json", headers={"X-Request-Id": "ZB-2026-0042"})
    assert r.status_code == 200 and r["X-Request-Id"] == "ZB-2026-0042" and "X-Frame-Options" not in r


def test_a_bad_or_revoked_key_and_the_session_go_the_full_way(world, key_client):
    body = {"party": {"uscc": world.gov_a.uscc}, "scene": "tendering"}
    client = key_client()
    ApiKey.objects.update(revoked_at=timezone.now())
    status, data, r = _send(client, body)
    assert status == 401 and data["code"] == "unauthenticated" and "X-Frame-Options" in r
    staff = factories.client("credit_office", world.credit_a)
    r = staff.post("/api/v1/checks", json.dumps(body), content_type="application/json")
    assert r.status_code == 200 and "X-Frame-Options" in r


@pytest.mark.django_db(transaction=True)
def test_a_check_outside_a_transaction_is_stored_whole(shipped_lists, world, listing):
    """Outside a transaction (as in a server) a single check is written its own way: on PostgreSQL one statement
    with its hits, on SQLite behind the write gate. The other tests run inside one transaction and never see it."""
    listed = listing()
    blocked = ask("tendering", uscc=listed.uscc)
    allowed = ask("tendering", uscc=world.finance_a.uscc)
    stored = Check.objects.get(pk=blocked.pk)
    assert stored.decision == "block" and stored.answer["measures"][0]["code"] == "S-TENDER-BLACKLIST"
    assert list(stored.hits.values_list("measure", "scene", "effect")) == [("S-TENDER-BLACKLIST", "tendering", "block")]
    assert stored.asked_at == blocked.asked_at and stored.organization_id == blocked.organization_id
    again = Check.objects.get(pk=allowed.pk)
    assert again.decision == "allow" and not again.hits.exists() and again.subject_key == f"o:{world.finance_a.pk}"
