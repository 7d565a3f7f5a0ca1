"""Quarterly reports through the services, the console, the API, the portal and the CLI: a narrative is
required to publish, a published report is frozen (a corrected run or new data do not change it), who may read
and who may draft or publish, the portal lists only published reports, the CLI writes the file and refuses a
bad period with a clear message."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govtrust.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from govtrust.core.models import AuditEvent
from govtrust.evaluation import runs
from govtrust.evaluation.models import RunStatus
from govtrust.reports import content, services
from govtrust.reports.models import QuarterlyReport, ReportStatus
from govtrust.testing import factories

from .conftest import NOW, SYSTEM_CODE, D, inspection

pytestmark = pytest.mark.django_db


def test_the_content_has_every_section(world, office, quarters):
    q2, q3 = quarters
    c = content.build(q3)
    assert c["meta"]["run"]["id"] == q3.pk and c["meta"]["run"]["fingerprint"] == q3.fingerprint
    assert c["summary"]["subjects"] == 7 and c["summary"]["ranked"] == 6
    assert c["summary"]["unranked"] == ["昆明市五华区发展和改革局"]
    assert c["summary"]["sensitivity_step"] == "20%"
    assert sum(g["count"] for g in c["summary"]["grades"]) == 6
    assert [r["label"] for r in c["rankings"]] == ["市级人民政府", "县级人民政府", "市级政府部门", "县级政府部门"]
    assert [d["name"] for d in c["dimensions"]] == ["依法行政", "重点工作"]
    assert c["changes"]["previous_run"]["id"] == q2.pk
    assert c["changes"]["improved"][0]["name"] == "昆明市五华区财政局"  # 37.5 → 97.5
    assert c["changes"]["declined"][0]["name"] == "昆明市盘龙区人民政府"
    assert c["trend"]["periods"][-2:] == ["2026Q2", "2026Q3"]
    assert [a["code"] for a in c["annex"]] == ["judg", "insp"] and c["annex"][0]["source"] == "生效判决按期履行率"
    assert c["warnings"]["available"] in (True, False)


def test_a_quarter_without_a_published_run_or_a_non_quarter_is_refused(world, office, quarters):
    with pytest.raises(Conflict, match="2026Q1"):
        services.draft(office, "2026Q1")
    with pytest.raises(ServiceError) as err:
        services.draft(office, "2026-09")
    assert err.value.errors[0].field == "period" and "不是季度" in err.value.errors[0].message
    with pytest.raises(ServiceError, match="period"):
        services.draft(office, "2026Q5")


def test_a_narrative_is_required_to_publish_and_the_published_report_is_frozen(world, office, quarters):
    _q2, q3 = quarters
    report = services.draft(office, "2026Q3")
    assert services.draft(office, "2026Q3").pk == report.pk  # one open draft per quarter and region
    with pytest.raises(ServiceError) as err:
        services.publish(office, report)
    assert err.value.errors[0].field == "narrative"
    services.set_narrative(office, report, "本季度各单位总体平稳。\n\n盘龙区下降明显，应督促整改。")
    report = services.publish(office, QuarterlyReport.objects.get(pk=report.pk))
    assert report.status == ReportStatus.PUBLISHED and report.pdf_sha256 and bytes(report.pdf).startswith(b"%PDF")
    assert "盘龙区下降明显" in report.html and "草稿" not in report.html
    frozen_html, frozen_pdf = report.html, bytes(report.pdf)
    assert AuditEvent.objects.filter(action="publish", object_id=str(report.pk), object_type__icontains="report").exists()

    # New data and a corrected run published later: the published report does not change.
    inspection(world.gov_b, "D9", D(2026, 9, 20), "100")
    fixed = runs.publish_run(office, runs.create_run(office, period="2026Q3", system_code=SYSTEM_CODE, now=NOW))
    assert fixed.corrects_id == q3.pk and fixed.fingerprint != q3.fingerprint
    report = QuarterlyReport.objects.get(pk=report.pk)
    assert services.render_html(report) == frozen_html and services.render_pdf(report) == frozen_pdf
    with pytest.raises(Conflict):
        services.set_narrative(office, report, "改写")
    with pytest.raises(Conflict):
        services.publish(office, report)
    # A new draft of the quarter rests on the corrected run.
    assert services.draft(office, "2026Q3").run_id == fixed.pk


def test_a_draft_whose_run_was_corrected_cannot_be_published_as_it_was(world, office, quarters):
    report = services.draft(office, "2026Q3")
    services.set_narrative(office, report, "分析")
    inspection(world.gov_b, "D9", D(2026, 9, 20), "100")
    fixed = runs.publish_run(office, runs.create_run(office, period="2026Q3", system_code=SYSTEM_CODE, now=NOW))
    assert report.run.__class__.objects.get(pk=report.run_id).status == RunStatus.SUPERSEDED
    with pytest.raises(Conflict, match="更正"):
        services.publish(office, report)
    again = services.draft(office, "2026Q3")
    assert again.pk == report.pk and again.run_id == fixed.pk and again.narrative == "分析"


def test_who_may_read_draft_and_publish(world, office, quarters):
    report = services.draft(office, "2026Q3")
    # 组织人事部门: EVALUATION_VIEW over the city (region scope), not EVALUATION_MANAGE: reads the draft only.
    dept = factories.user("organization_dept", world.city_credit)
    assert services.get(dept, report.pk) == report
    # A department's scope is its own organization: a region's draft report is out of its reach.
    with pytest.raises(NotFound):
        services.get(factories.user("department", world.finance_a), report.pk)
    with pytest.raises(PermissionDenied):
        services.draft(dept, "2026Q3")
    with pytest.raises(PermissionDenied):
        services.set_narrative(dept, report, "x")
    with pytest.raises(PermissionDenied):
        services.publish(dept, report)
    with pytest.raises(PermissionDenied):
        services.get(factories.user("public", None), report.pk)
    county_office = factories.user("credit_office", world.credit_a)  # 五华区: the city's report is out of reach
    with pytest.raises(NotFound):
        services.get(county_office, report.pk)
    with pytest.raises(PermissionDenied):
        services.set_narrative(county_office, report, "x")
    with pytest.raises(NotFound):
        services.draft(county_office, "2026Q3", world.city)


def test_the_portal_lists_only_published_reports(world, office, quarters, client):
    draft_q2 = services.draft(office, "2026Q2")
    q3 = services.draft(office, "2026Q3")
    services.set_narrative(office, q3, "分析意见")
    services.publish(office, q3)
    page = client.get("/reports/").content.decode()
    assert 'data-period="2026Q3"' in page and 'data-period="2026Q2"' not in page
    assert "监测报告" in client.get("/").content.decode()  # the portal's navigation
    res = client.get(f"/reports/{q3.pk}.pdf")
    assert res.status_code == 200 and res["Content-Type"] == "application/pdf" and res.content.startswith(b"%PDF")
    assert client.get(f"/reports/{q3.pk}.html").content.decode().count("<svg") >= 3
    assert client.get(f"/reports/{draft_q2.pk}.pdf").status_code == 404
    assert client.get(f"/reports/{q3.pk}.exe").status_code == 404


def test_the_console_drafts_annotates_previews_and_publishes(world, quarters):
    c = factories.client("credit_office", world.city_credit)
    assert "季度监测报告" in c.get("/console/").content.decode()
    res = c.post("/console/reports/quarterly/", {"period": "2026Q3"})
    report = QuarterlyReport.objects.get()
    assert res.status_code == 302 and res["Location"].endswith(f"/console/reports/quarterly/{report.pk}/")
    page = c.get(f"/console/reports/quarterly/{report.pk}/").content.decode()
    assert 'data-testid="narrative-form"' in page and 'data-testid="preview"' in page and "<svg" in page
    res = c.post(f"/console/reports/quarterly/{report.pk}/publish/")
    assert res.status_code == 400 and "分析意见" in res.content.decode()
    c.post(f"/console/reports/quarterly/{report.pk}/narrative/", {"narrative": "总体平稳。"})
    c.post(f"/console/reports/quarterly/{report.pk}/publish/")
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.narrative == "总体平稳。"
    res = c.get(f"/console/reports/quarterly/{report.pk}.pdf")
    assert res.status_code == 200 and bytes(res.content) == bytes(report.pdf)
    assert "quarterly-report-2026Q3" in c.get("/console/reports/quarterly/").content.decode() or \
        "2026Q3" in c.get("/console/reports/quarterly/").content.decode()
    bad = c.post("/console/reports/quarterly/", {"period": "2026Q9"})
    assert bad.status_code == 400 and "不是有效的评价期" in bad.content.decode()
    dept = factories.client("department", world.finance_a)
    assert dept.post("/console/reports/quarterly/", {"period": "2026Q2"}).status_code == 403
    assert dept.post(f"/console/reports/quarterly/{report.pk}/narrative/", {"narrative": "x"}).status_code == 403


def test_the_api_lists_reads_drafts_annotates_and_publishes(world, quarters):
    c = factories.client("credit_office", world.city_credit)
    res = c.post("/api/v1/reports/quarterly", {"period": "2026Q3"}, content_type="application/json")
    assert res.status_code == 201, res.content
    body = res.json()
    rid = body["id"]
    assert body["status"] == "draft" and body["region_code"] == "530100" and body["content"]["meta"]["period"] == "2026Q3"
    res = c.post(f"/api/v1/reports/quarterly/{rid}/publish")
    assert res.status_code == 400 and res.json()["errors"][0]["field"] == "narrative"
    assert c.post(f"/api/v1/reports/quarterly/{rid}/narrative", {"narrative": "意见"},
                  content_type="application/json").json()["narrative"] == "意见"
    assert c.post(f"/api/v1/reports/quarterly/{rid}/publish").json()["status"] == "published"
    assert [r["id"] for r in c.get("/api/v1/reports/quarterly?period=2026Q3").json()] == [rid]
    assert c.get("/api/v1/reports/quarterly?period=2026-09").status_code == 400
    pdf = c.get(f"/api/v1/reports/quarterly/{rid}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert c.get(f"/api/v1/reports/quarterly/{rid}").json()["content"]["summary"]["ranked"] == 6
    assert c.post(f"/api/v1/reports/quarterly/{rid}/narrative", {"narrative": "改"},
                  content_type="application/json").status_code == 409
    dept = factories.client("department", world.finance_a)
    assert dept.post("/api/v1/reports/quarterly", {"period": "2026Q2"}, content_type="application/json").status_code == 403
    schema = c.get("/api/v1/openapi.json").json()
    assert "/api/v1/reports/quarterly/{report_id}/pdf" in schema["paths"]


def test_the_cli_writes_the_pdf_and_refuses_a_bad_period(world, quarters, tmp_path):
    out, html = tmp_path / "q3.pdf", tmp_path / "q3.html"
    stdout = io.StringIO()
    call_command("report", "quarterly", "--period", "2026Q3", "--out", str(out), "--html", str(html), stdout=stdout)
    assert out.read_bytes().startswith(b"%PDF") and "<svg" in html.read_text(encoding="utf-8")
    assert "草稿" in stdout.getvalue() and str(out) in stdout.getvalue()
    assert not QuarterlyReport.objects.exists()  # the command line stores nothing
    with pytest.raises(CommandError) as err:
        call_command("report", "quarterly", "--period", "2026Q5", "--out", str(tmp_path / "x.pdf"))
    assert "不是有效的评价期" in str(err.value) and "is not a period" in str(err.value)
    with pytest.raises(CommandError, match="不是季度"):
        call_command("report", "quarterly", "--period", "2026-09", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="没有已发布的评价"):
        call_command("report", "quarterly", "--period", "2025Q4", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="区划代码"):
        call_command("report", "quarterly", "--period", "2026Q3", "--region", "999999", "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_the_cli_writes_a_published_report_as_it_was_published(world, office, quarters, tmp_path):
    report = services.draft(office, "2026Q3")
    services.set_narrative(office, report, "已发布的意见")
    report = services.publish(office, report)
    out = tmp_path / "q3.pdf"
    call_command("report", "quarterly", "--period", "2026q3", "--out", str(out), "--region", "530100",
                 stdout=io.StringIO())
    assert out.read_bytes() == bytes(report.pdf)


def test_the_warnings_section_reads_the_monitoring_app(world, office, quarters):
    from django.apps import apps

    if not apps.is_installed("govtrust.monitoring"):
        pytest.skip("govtrust.monitoring is not installed")
    from django.utils import timezone

    from govtrust.monitoring.models import Warning, WarningRule

    rule = WarningRule.objects.first()
    if rule is None:
        pytest.skip("no warning rules shipped")
    Warning.objects.create(rule=rule, body=world.finance_b, level=rule.level, key="test-1", summary="得分下降超过10分",
                           period="2026Q3", triggered_on=D(2026, 10, 8), triggered_at=timezone.now())
    items = content.build(quarters[1])["warnings"]
    assert items["available"] and items["items"][0]["body"] == "昆明市盘龙区财政局"
    assert items["items"][0]["rule"] == rule.name and items["items"][0]["summary"] == "得分下降超过10分"
