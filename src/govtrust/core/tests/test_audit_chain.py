"""The audit chain: an intact chain verifies; every kind of tampering with stored rows is found, and a
cut-off tail is found against a checkpoint kept outside the database. Runs on SQLite and PostgreSQL.

The insider here can write any row (queryset.update, raw SQL) but does not hold the chain key.
"""

import datetime as dt
import hashlib
import hmac
import itertools
import json
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import F

from govtrust.core import audit
from govtrust.core.audit import Change, Checkpoint
from govtrust.core.context import acting
from govtrust.core.errors import ServiceError
from govtrust.core.models import GENESIS_HASH, AuditEvent, AuditHead


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # never read or write the developer's var/audit-checkpoints


@pytest.fixture
def chain(world):
    """The world's audit events: (number of events, a seq in the middle)."""
    n = AuditEvent.objects.count()
    assert n >= 10
    return n, n // 2


def _event(seq):
    return AuditEvent.objects.get(seq=seq)


def _problem_at(seq, *words):
    result = audit.verify()
    assert not result.ok and result.problem.seq == seq, result.problem
    assert all(w in result.problem.reason_en for w in words), result.problem
    return result.problem


def test_intact_chain_verifies_up_to_its_head(chain):
    n, _ = chain
    result = audit.verify()
    last = _event(n)
    assert result.ok and result.problem is None
    assert result.checked == n == AuditHead.objects.get().seq
    assert result.head == Checkpoint(n, last.hash) and AuditHead.objects.get().hash == last.hash
    checked, problem = result  # the tuple form other modules use
    assert (checked, problem) == (n, None)


def test_each_event_links_to_the_previous_hash(chain):
    n, _ = chain
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, n + 1))
    assert events[0].prev_hash == GENESIS_HASH
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))


def test_the_hash_depends_on_the_secret_key(chain, settings):
    settings.AUDIT_KEY = "someone-elses-key"
    _problem_at(1, "does not match its hash")


@pytest.mark.parametrize(("field", "value"), [
    ("before", {"name": "伪造的旧名称"}),
    ("after", {"name": "伪造的新名称"}),
    ("actor", "user:mallory"),
    ("reason", "事后补写的理由"),
    ("object_id", "99999"),
    ("channel", "api"),
    ("request_id", "forged-request"),
    ("occurred_at", F("occurred_at") + dt.timedelta(microseconds=1)),
])
def test_changing_a_stored_field_is_detected(chain, field, value):
    _, k = chain
    AuditEvent.objects.filter(seq=k).update(**{field: value})
    _problem_at(k, "does not match its hash")


def test_changing_a_field_with_raw_sql_is_detected(chain):
    _, k = chain
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {AuditEvent._meta.db_table} SET object_repr = %s WHERE seq = %s", ["别的单位", k])
    _problem_at(k, "does not match its hash")


def test_recomputing_the_hash_without_the_key_is_detected(chain):
    """The insider alters a row and recomputes plain SHA-256 hashes onward, head included."""
    n, k = chain
    AuditEvent.objects.filter(seq=k).update(reason="改过了")
    prev = _event(k - 1).hash
    for seq in range(k, n + 1):
        event = _event(seq)
        event.prev_hash = prev
        event.hash = prev = hashlib.sha256(prev.encode() + b"\n" + audit._canonical(event)).hexdigest()
        event.save()
    AuditHead.objects.update(seq=n, hash=prev)
    _problem_at(k, "does not match its hash")


def test_changing_only_the_stored_hash_is_detected(chain):
    _, k = chain
    AuditEvent.objects.filter(seq=k).update(hash="f" * 64)
    _problem_at(k, "does not match its hash")


def test_deleting_a_middle_row_is_detected(chain):
    _, k = chain
    AuditEvent.objects.filter(seq=k).delete()
    _problem_at(k, "sequence gap")


def test_deleting_the_first_row_is_detected(chain):
    AuditEvent.objects.filter(seq=1).delete()
    _problem_at(1, "sequence gap")


def test_deleting_a_middle_row_and_renumbering_is_detected(chain):
    n, k = chain
    AuditEvent.objects.filter(seq=k).delete()
    for seq in range(k + 1, n + 1):
        AuditEvent.objects.filter(seq=seq).update(seq=seq - 1)
    AuditHead.objects.update(seq=n - 1)
    _problem_at(k, "previous hash mismatch")


def _forge(seq, prev_hash, how):
    """A plausible new row whose hash is computed without the key, or with a guessed key."""
    event = AuditEvent(seq=seq, occurred_at=dt.datetime.now(dt.UTC), actor="user:admin", channel="console",
                       action="delete", object_type="subjects.organization", object_id="1", object_repr="伪造",
                       before={"name": "x"}, reason="清理", request_id="r", prev_hash=prev_hash)
    if how == "no key":
        event.hash = hashlib.sha256(prev_hash.encode() + b"\n" + audit._canonical(event)).hexdigest()
    else:
        event.hash = hmac.new(b"guessed-key", prev_hash.encode() + b"\n" + audit._canonical(event),
                              hashlib.sha256).hexdigest()
    return event


@pytest.mark.parametrize("how", ["no key", "wrong key"])
def test_appending_a_forged_row_is_detected(chain, how):
    n, _ = chain
    forged = _forge(n + 1, _event(n).hash, how)
    forged.save()
    AuditHead.objects.update(seq=n + 1, hash=forged.hash)
    _problem_at(n + 1, "does not match its hash")


@pytest.mark.parametrize("how", ["no key", "wrong key"])
def test_inserting_a_forged_row_in_the_middle_is_detected(chain, how):
    n, k = chain
    for seq in range(n, k, -1):  # make room at k+1, one row at a time (seq is unique)
        AuditEvent.objects.filter(seq=seq).update(seq=seq + 1)
    _forge(k + 1, _event(k).hash, how).save()
    AuditHead.objects.update(seq=n + 1)
    _problem_at(k + 1, "does not match its hash")


def test_reordering_two_rows_is_detected(chain):
    _, k = chain
    AuditEvent.objects.filter(seq=k).update(seq=10**9)
    AuditEvent.objects.filter(seq=k + 1).update(seq=k)
    AuditEvent.objects.filter(seq=10**9).update(seq=k + 1)
    _problem_at(k, "previous hash mismatch")


def test_truncating_the_tail_without_fixing_the_head_is_detected(chain):
    n, _ = chain
    AuditEvent.objects.filter(seq__gt=n - 3).delete()
    problem = _problem_at(n - 2, "missing", "tail truncated")
    assert f"#{n - 2} to #{n}" in problem.reason_en


def test_rewriting_the_head_to_another_hash_is_detected(chain):
    n, _ = chain
    AuditHead.objects.update(hash="0" * 63 + "1")
    _problem_at(n, "head rewritten")


def test_deleting_the_head_row_is_detected(chain):
    n, _ = chain
    AuditHead.objects.all().delete()
    _problem_at(n + 1, "head row is missing")


def test_truncating_the_tail_and_the_head_consistently_is_caught_only_by_a_checkpoint(chain):
    n, _ = chain
    recorded = audit.checkpoint()
    assert recorded.seq == n and recorded.signature_ok()
    AuditEvent.objects.filter(seq__gt=n - 3).delete()
    AuditHead.objects.update(seq=n - 3, hash=_event(n - 3).hash)
    assert audit.verify().ok  # the limit: without a record kept elsewhere, a clean cut looks intact
    problem = audit.verify([recorded]).problem
    assert problem.seq == n - 2 and "tail truncated" in problem.reason_en and "尾部被截断" in problem.reason
    # A checkpoint a person wrote down (unsigned) works the same way.
    assert audit.verify([Checkpoint(n, recorded.hash)]).problem.seq == n - 2


def test_a_checkpoint_with_another_hash_is_reported(chain):
    _, k = chain
    problem = audit.verify([Checkpoint(k, "a" * 64)]).problem
    assert problem.seq == k and "checkpoint" in problem.reason_en


def test_an_edited_signed_checkpoint_is_rejected(chain):
    _, k = chain
    recorded = audit.checkpoint()
    edited = Checkpoint(k, _event(k).hash, recorded.signature)  # moved back to hide a later cut
    problem = audit.verify([edited]).problem
    assert problem.seq == k and "signature" in problem.reason_en
    assert Checkpoint(k, _event(k).hash).signed().signature_ok()


def test_no_checkpoint_is_issued_for_a_broken_chain(chain):
    _, k = chain
    AuditEvent.objects.filter(seq=k).update(actor="user:mallory")
    with pytest.raises(audit.ChainBroken) as err:
        audit.checkpoint()
    assert err.value.problem.seq == k and err.value.status == 409


@pytest.mark.parametrize("text", [f"12 {'a' * 64}", f"12:{'a' * 64}", f"12 {'a' * 64} {'b' * 64}  # 2025-01-01",
                                  f"12:{'a' * 64}:{'b' * 64}"])
def test_checkpoint_text_forms(text):
    cp = Checkpoint.parse(text)
    assert (cp.seq, cp.hash) == (12, "a" * 64)
    assert Checkpoint.parse(str(cp)) == cp


@pytest.mark.parametrize("text", ["", "12", f"x {'a' * 64}", f"12 {'A' * 64}", f"12 {'a' * 63}",
                                  f"-1 {'a' * 64}", f"12 {'a' * 64} {'b' * 64} {'c' * 64}"])
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(ServiceError) as err:
        Checkpoint.parse(text)
    assert err.value.errors[0].field == "checkpoint"


# ----------------------------------------------------------------- hashes survive the database round trip

TRICKY = {
    "名称": "昆明市五华区财政局（本级）𠀀😀",
    "z_numbers": [1e16, 0.1, -0.0, 1.5e-7, 2**60, 3, 1.0, True, False, None],
    "nested": {"b": {"d": 1, "c": 2}, "a": []},
    "when": dt.datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai")),
    "day": dt.date(2025, 3, 1),
    "text": 'line\r\nbreak\ttab "quoted" \\ back',
}


@pytest.mark.django_db
def test_hashes_are_stable_across_the_database_round_trip():
    with acting(actor_label="用户:" + "长" * 200, reason="测试理由 ✓", channel="job"):
        written = audit.record_many([
            Change("update", "core.test", "1", "对象一", before=TRICKY, after={"k": TRICKY["nested"]}),
            Change("create", "core.test", "2" * 80, "x" * 300, after={"z": 1, "a": 2}),
        ])
    for event in written:
        stored = AuditEvent.objects.get(seq=event.seq)
        assert stored.hash == event.hash == audit.compute_hash(stored.prev_hash, stored)
        assert stored.occurred_at == event.occurred_at
        assert (stored.before, stored.after) == (event.before, event.after)
    assert len(written[0].actor) == 128 and len(written[1].object_id) == 64 and len(written[1].object_repr) == 255
    assert written[0].before["when"].startswith("2025-03-01T09:30:15.123")
    assert audit.verify().ok


def test_canonical_form_ignores_key_order_and_number_spelling():
    assert audit._canonical_json({"b": 1, "a": [1e16, 2.0]}) == '{"a":[10000000000000000,2],"b":1}'
    assert audit._canonical_json(json.loads('{"a": [10000000000000000, 2.0], "b": 1}')) == (
        audit._canonical_json({"b": 1.0, "a": [10**16, 2]}))
    assert audit._canonical_json({"x": "中文"}) == '{"x":"中文"}'
    assert audit._canonical_json({"x": 1}) != audit._canonical_json({"x": "1"})


@pytest.mark.django_db
def test_values_jsonb_cannot_store_are_refused_before_writing():
    with pytest.raises(ValueError):
        audit.record_many([Change("update", "core.test", "1", after={"score": float("nan")})])
    assert not AuditEvent.objects.exists()
