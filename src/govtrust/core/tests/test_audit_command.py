"""`govtrust audit verify` and `govtrust audit checkpoint` through call_command: output, exit status, and
the checkpoints file (signed lines in var/audit-checkpoints) that catches a cut-off tail."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govtrust.core import audit
from govtrust.core.models import AuditEvent, AuditHead


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("audit", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _fails(*args):
    with pytest.raises(CommandError) as exc:
        _run(*args)
    assert exc.value.returncode == 1
    return str(exc.value)


def _truncate(keep):
    """The insider's clean cut: drop the tail and make the head agree."""
    AuditEvent.objects.filter(seq__gt=keep).delete()
    AuditHead.objects.update(seq=keep, hash=AuditEvent.objects.get(seq=keep).hash)


def test_verify_reports_the_count_and_the_head(world):
    n = AuditEvent.objects.count()
    out, _ = _run("verify")
    head = AuditHead.objects.get()
    assert f"已校验 {n} 个事件" in out and f"{n} events checked" in out
    assert f"#{n} {head.hash}" in out


def test_verify_fails_with_the_first_broken_event_in_both_languages(world):
    AuditEvent.objects.filter(seq=4).update(reason="改")
    AuditEvent.objects.filter(seq=7).delete()
    message = _fails("verify")
    assert "#4" in message and "#7" not in message
    assert "审计链校验失败" in message and "内容与哈希不符" in message
    assert "verification FAILED at event #4" in message and "does not match its hash" in message


def test_checkpoint_prints_a_signed_line_and_appends_it(world, settings):
    out, err = _run("checkpoint")
    cp = audit.Checkpoint.parse(out)
    last = AuditEvent.objects.order_by("-seq").first()
    assert (cp.seq, cp.hash) == (last.seq, last.hash) and cp.signature_ok()
    path = settings.VAR_DIR / "audit-checkpoints"
    assert str(path) in err
    assert audit.recorded_checkpoints() == [cp]
    _run("checkpoint")
    assert len(path.read_text().splitlines()) == 2


def test_checkpoint_no_append_only_prints(world, settings):
    out, _ = _run("checkpoint", "--no-append")
    assert audit.Checkpoint.parse(out).signature_ok()
    assert not (settings.VAR_DIR / "audit-checkpoints").exists()


def test_default_checkpoints_file_catches_a_clean_truncation(world):
    n = AuditEvent.objects.count()
    _run("checkpoint")
    _truncate(n - 2)
    message = _fails("verify")
    assert f"#{n - 1}" in message and "tail truncated" in message


def test_checkpoints_in_another_file_and_on_the_command_line(world, tmp_path):
    n = AuditEvent.objects.count()
    elsewhere = tmp_path / "worm" / "checkpoints"
    out, _ = _run("checkpoint", "--append", str(elsewhere))
    cp = audit.Checkpoint.parse(out)
    assert elsewhere.exists()
    _truncate(n - 1)
    assert "verification FAILED" in _fails("verify", "--checkpoints-file", str(elsewhere))
    assert "tail truncated" in _fails("verify", "--checkpoint", f"{cp.seq}:{cp.hash}")
    assert _run("verify")[0].startswith("审计链完整")  # without any record kept elsewhere the cut goes unseen


def test_an_edited_checkpoints_file_is_refused(world, settings):
    n = AuditEvent.objects.count()
    out, _ = _run("checkpoint")
    _truncate(n - 2)
    path = settings.VAR_DIR / "audit-checkpoints"
    sig = audit.Checkpoint.parse(out).signature
    kept = AuditHead.objects.get()
    path.write_text(f"{kept.seq} {kept.hash} {sig}\n")  # the insider moves the checkpoint back
    assert "invalid checkpoint signature" in _fails("verify")
    path.write_text(f"{kept.seq} {kept.hash}\n")  # or drops the signature
    message = _fails("verify")
    assert "第1行" in message and "must be signed" in message


def test_malformed_or_missing_checkpoint_input_is_refused(world, tmp_path):
    assert "SEQ HASH" in _fails("verify", "--checkpoint", "12:not-a-hash")
    assert "cannot read checkpoints file" in _fails("verify", "--checkpoints-file", str(tmp_path / "nope"))


def test_no_checkpoint_is_written_for_a_broken_chain(world, settings):
    AuditEvent.objects.filter(seq=3).update(actor="user:mallory")
    assert "#3" in _fails("checkpoint")
    assert not (settings.VAR_DIR / "audit-checkpoints").exists()


@pytest.mark.django_db
def test_an_empty_chain_verifies():
    out, _ = _run("verify")
    assert "0 events checked" in out
