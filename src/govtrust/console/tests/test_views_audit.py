"""The audit trail pages: auditors only; filters; verification of the chain."""

from govtrust.core.access import Role
from govtrust.core.models import AuditEvent


def test_only_the_auditor_reads_the_trail(login):
    assert login(Role.ADMIN).get("/console/audit/").status_code == 403
    assert login(Role.CREDIT_OFFICE, "credit_a").post("/console/audit/verify/").status_code == 403
    assert login(Role.AUDITOR).get("/console/audit/").status_code == 200


def test_events_newest_first_and_filtered(world, login):
    client = login(Role.AUDITOR)
    res = client.get("/console/audit/")
    seqs = [e.seq for e in res.context["page"]]
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == AuditEvent.objects.order_by("-seq").first().seq
    one = client.get(f"/console/audit/?object_type=subjects.organization&object_id={world.finance_b.pk}")
    assert [(e.action, e.object_repr) for e in one.context["page"]] == [("create", "昆明市盘龙区财政局")]
    html = one.content.decode()
    assert "<details>" in html and "昆明市盘龙区财政局" in html


def test_bad_date_range_is_shown_on_the_form(login):
    res = login(Role.AUDITOR).get("/console/audit/?since=2026-02-01&until=2026-01-01")
    assert res.status_code == 400
    assert 'data-field-errors="until"' in res.content.decode()
    assert login(Role.AUDITOR).get("/console/audit/?since=not-a-date").status_code == 400


def test_verify_reports_an_intact_chain_and_a_tampered_one(world, login):
    client = login(Role.AUDITOR)
    ok = client.post("/console/audit/verify/")
    assert 'data-testid="verify-ok"' in ok.content.decode()
    AuditEvent.objects.filter(seq=2).update(reason="被篡改")
    bad = client.post("/console/audit/verify/")
    assert 'data-testid="verify-bad"' in bad.content.decode()
    assert "第 2 号事件" in bad.content.decode()
