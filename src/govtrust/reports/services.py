"""Drafting, annotating and publishing quarterly monitoring reports. Every change is audited.

- `draft(principal, period, region=None)`: a new draft resting on the latest published run of that quarter
  and region (the principal's region by default; the top-most region with a run for the platform itself).
- `set_narrative(principal, report, text)`: the credit office's analysis (分析意见), drafts only.
- `publish(principal, report)`: refused without a narrative, or when the run has since been corrected;
  otherwise assembles the content, renders the HTML and the PDF and stores all three: the published report
  never changes afterwards.
- `render_pdf(report)` / `render_html(report)`: the stored file of a published report; a draft is rendered
  from the run's current results, marked as a draft.

Reading a draft needs EVALUATION_VIEW within the report's region; drafting and publishing EVALUATION_MANAGE.
Published reports are public (the portal lists them).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, NotFound, field_error
from govtrust.evaluation import periods
from govtrust.evaluation.models import Run, RunStatus
from govtrust.subjects.models import Region

from . import content, render
from .models import QuarterlyReport, ReportStatus

AUDITED = ("period", "region_id", "run_id", "narrative", "status", "published_by", "pdf_sha256")
NARRATIVE_MAX = 20000


def quarter(label: str) -> periods.Period:
    """A quarter from its label (2026Q3); a clear error for anything else, month and year included."""
    period = periods.parse(label)
    if period.kind != "quarter":
        raise field_error("period", f"“{label}”不是季度（季度监测报告的期间应如2026Q3）",
                          f"{label!r} is not a quarter (a quarterly report needs e.g. 2026Q3)")
    return period


def region_by_code(code: str) -> Region:
    found = Region.objects.filter(code=(code or "").strip()).first()
    if found is None:
        raise field_error("region", f"区划代码“{code}”不存在", f"no region with code {code!r}")
    return found


def _default_region(principal: Any, label: str) -> Region:
    org = getattr(principal, "organization", None)
    if org is not None:
        return org.region
    run = (Run.objects.filter(period=label, status=RunStatus.PUBLISHED).select_related("region")
           .order_by("region__path").first())
    if run is None:
        raise _no_run(label)
    return run.region


def _no_run(label: str) -> Conflict:
    return Conflict(f"{label}没有已发布的评价，请先完成并发布该季度的考核评价",
                    f"there is no published evaluation run for {label}; run and publish one first")


def run_for(principal: Any, period: str, region: Region | None = None) -> Run:
    """The published run a report of `period` (a quarter) rests on, within the principal's reach."""
    label = quarter(period).label
    region = region or _default_region(principal, label)
    run = content.latest_published_run(label, region)
    if run is None:
        raise _no_run(label)
    if not access.in_scope(principal, run):
        raise NotFound("评价", "Evaluation run")
    return run


@transaction.atomic
def draft(principal: Any, period: str, region: Region | None = None) -> QuarterlyReport:
    access.require(principal, Perm.EVALUATION_MANAGE)
    run = run_for(principal, period, region)
    if not access.reaches_placement(principal, run.region):  # a run of a region above: read, never reported on
        raise NotFound("评价", "Evaluation run")
    open_draft = QuarterlyReport.objects.filter(period=run.period, region=run.region, status=ReportStatus.DRAFT).first()
    if open_draft is not None:
        if open_draft.run_id == run.pk:
            return open_draft
        # The run was corrected since: the draft follows the new run, keeping its narrative.
        before = audit.snapshot(open_draft, AUDITED)
        open_draft.run = run
        open_draft.save(update_fields=["run"])
        audit.record("update", open_draft, before=before, after=audit.snapshot(open_draft, AUDITED),
                     reason="季度监测报告改据更正后的评价")
        return open_draft
    report = QuarterlyReport.objects.create(period=run.period, region=run.region, run=run,
                                            created_by=current().actor_label, created_at=timezone.now())
    audit.record("create", report, after=audit.snapshot(report, AUDITED), reason="起草季度监测报告")
    return report


def _editable(principal: Any, report: QuarterlyReport) -> QuarterlyReport:
    access.require(principal, Perm.EVALUATION_MANAGE, report)
    locked = QuarterlyReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportStatus.DRAFT:
        raise Conflict("已发布的报告不能修改", "a published report never changes")
    return locked


@transaction.atomic
def set_narrative(principal: Any, report: QuarterlyReport, narrative: str) -> QuarterlyReport:
    r = _editable(principal, report)
    text = (narrative or "").strip()
    if len(text) > NARRATIVE_MAX:
        raise field_error("narrative", f"分析意见不能超过{NARRATIVE_MAX}字", f"at most {NARRATIVE_MAX} characters")
    before = audit.snapshot(r, AUDITED)
    r.narrative = text
    r.save(update_fields=["narrative"])
    audit.record("update", r, before=before, after=audit.snapshot(r, AUDITED), reason="填写季度监测报告分析意见")
    return r


def _html(report: QuarterlyReport, data: dict[str, Any]) -> str:
    published_at = timezone.localtime(report.published_at).strftime("%Y-%m-%d") if report.published_at else ""
    return render.render_html(data, narrative=report.narrative, status=report.status, published_at=published_at,
                              published_by=report.published_by)


@transaction.atomic
def publish(principal: Any, report: QuarterlyReport) -> QuarterlyReport:
    r = _editable(principal, report)
    if not r.narrative.strip():
        raise field_error("narrative", "发布前须填写信用办的分析意见", "the credit office's narrative is required to publish")
    run = Run.objects.get(pk=r.run_id)
    if run.status != RunStatus.PUBLISHED:
        raise Conflict("所据评价已被更正或撤回，请重新起草报告", "the run this report rests on is no longer published; "
                       "draft the report again")
    before = audit.snapshot(r, AUDITED)
    r.status, r.published_by, r.published_at = ReportStatus.PUBLISHED, current().actor_label, timezone.now()
    # A public document in the platform's language, whatever the publishing user browses in.
    with translation.override(settings.LANGUAGE_CODE):
        data = content.build(run)
        r.content = data
        r.html = _html(r, data)
        r.pdf = render.render_pdf(r.html)
    r.pdf_sha256 = hashlib.sha256(bytes(r.pdf)).hexdigest()
    r.save()
    audit.record("publish", r, before=before, after=audit.snapshot(r, AUDITED), reason="发布季度监测报告")
    return r


def render_html(report: QuarterlyReport) -> str:
    if report.status == ReportStatus.PUBLISHED:
        return report.html
    return _html(report, content.build(report.run))


def render_pdf(report: QuarterlyReport) -> bytes:
    if report.status == ReportStatus.PUBLISHED:
        return bytes(report.pdf)
    return render.render_pdf(render_html(report))


def preview(principal: Any, period: str, region: Region | None = None) -> tuple[Run, str]:
    """The HTML of a report not stored (the command line): a published report's own HTML if there is one,
    else a draft from the latest published run."""
    run = run_for(principal, period, region)
    published = published_reports().filter(period=run.period, region=run.region).first()
    if published is not None:
        return run, published.html
    unsaved = QuarterlyReport(period=run.period, region=run.region, run=run, status=ReportStatus.DRAFT)
    return run, _html(unsaved, content.build(run))


# ------------------------------------------------------------------------------------------- reading

def visible(principal: Any) -> QuerySet[QuarterlyReport]:
    return access.restrict(principal, QuarterlyReport.objects.select_related("region", "run"), Perm.EVALUATION_VIEW)


def get(principal: Any, pk: int) -> QuarterlyReport:
    return access.get_visible(principal, QuarterlyReport.objects.select_related("region", "run", "run__system"),
                              Perm.EVALUATION_VIEW, pk=pk)


def published_reports() -> QuerySet[QuarterlyReport]:
    """What the portal lists: published reports only, newest quarter first."""
    return (QuarterlyReport.objects.filter(status=ReportStatus.PUBLISHED).select_related("region")
            .defer("pdf", "html", "content").order_by("-period", "region__code"))
