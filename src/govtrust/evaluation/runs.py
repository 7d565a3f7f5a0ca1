"""Evaluation runs (评价): evaluate a period for the bodies of a region under a published indicator system.

A run reads its raw inputs with one grouped query per data source (inputs.py), rolls each organization's
figures up to the subjects above it in the organization tree (a county government's figures are its own and
its departments'; a department's are its own and its sub-units'), scores them (scoring.py) and stores, per
subject, the score, grade, rank within its group (its kind at its region's level), the rank range under the system's sensitivity step, and every indicator
value with its raw inputs.

The fingerprint is a SHA-256 over everything the result depends on: the system version's content, the
period, the subjects and every raw input. Same fingerprint, same results — a test holds the code to it.

A published run never changes. Evaluating a period that already has a published run (same system, region,
kinds) makes a new run that `corrects` it; publishing the correction marks the old run superseded, and both
stay readable. Every creation and publication is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import orjson
from django.db import transaction
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, invalid
from govtrust.ledger.bulk import insert_rows
from govtrust.subjects.models import Organization, Region

from . import inputs, periods, scoring, tree
from .catalog import DEFAULT_CODE
from .models import IndicatorSystem, Run, RunScore, RunStatus, SystemStatus
from .sources import SOURCES

DEFAULT_KINDS = (Organization.Kind.GOVERNMENT, Organization.Kind.DEPARTMENT)
AUDITED = ("period", "fingerprint", "status", "note")
# A province's run writes about 6,000 scores with 1.5 KB of JSON each: set-based (COPY on PostgreSQL), where
# the ORM's bulk_create cost 0.65 s on SQLite and 1.95 s on PostgreSQL (docs/benchmarks.md).
SCORE_COLUMNS = ("run_id", "subject_id", "kind", "group", "score", "grade", "rank", "rank_best", "rank_worst",
                 "coverage", "dimensions", "values")


def _system(code: str | None, version: int | None) -> IndicatorSystem:
    qs = IndicatorSystem.objects.filter(code=code or DEFAULT_CODE, status=SystemStatus.PUBLISHED)
    found = (qs.filter(version=version) if version else qs.order_by("-version")).first()
    if found is None:
        which = f"{code or DEFAULT_CODE} v{version}" if version else (code or DEFAULT_CODE)
        raise invalid([FieldError("system", f"没有已发布的指标体系“{which}”", f"no published indicator system {which!r}")])
    return found


def _region(principal: Any, region: Region | str | None) -> Region:
    if isinstance(region, str):
        found = Region.objects.filter(code=region.strip()).first()
        if found is None:
            raise invalid([FieldError("region", f"区划代码“{region}”不存在", f"unknown region {region!r}")])
        region = found
    if region is None:
        org = getattr(principal, "organization", None)
        region = org.region if org is not None else Region.objects.filter(parent__isnull=True).order_by("path").first()
    if region is None:
        raise invalid([FieldError("region", "尚无行政区划", "there is no region yet")])
    access.require_placement(principal, Perm.EVALUATION_MANAGE, region)
    return region


def _kinds(kinds: Any) -> list[str]:
    chosen = list(dict.fromkeys(kinds or DEFAULT_KINDS))
    unknown = [k for k in chosen if k not in Organization.Kind.values]
    if unknown:
        raise invalid([FieldError("kinds", f"不认识的评价对象类别：{'、'.join(map(str, unknown))}",
                                  f"unknown subject kinds: {', '.join(map(str, unknown))}")])
    return sorted(chosen)


def roll_up(raw: dict[str, inputs.Pairs], paths: dict[int, str], subjects: set[int]
            ) -> dict[str, dict[int, tuple[float, float]]]:
    """Each organization's pairs added to every subject at or above it in the organization tree (a count's
    sample stays 1: the subject itself). Each organization's path is read once per run, not once per source."""
    above: dict[int, list[int]] = {}

    def subjects_above(org: int) -> list[int]:
        found = above.get(org)
        if found is None:
            found = above[org] = [a for a in map(int, filter(None, paths.get(org, "").split("/"))) if a in subjects]
        return found

    out: dict[str, dict[int, tuple[float, float]]] = {}
    for code, pairs in raw.items():
        count = SOURCES[code].unit == "count"
        nums: dict[int, float] = {}
        dens: dict[int, float] = {}
        for org, (num, den) in pairs.items():
            for ancestor in subjects_above(org):
                nums[ancestor] = nums.get(ancestor, 0.0) + num
                dens[ancestor] = 1.0 if count else dens.get(ancestor, 0.0) + den
        out[code] = {s: (round(n, 6), round(dens[s], 6)) for s, n in nums.items()}
    return out


def fingerprint(system: IndicatorSystem, period: periods.Period, subjects: dict[int, str],
                rolled: dict[str, dict[int, tuple[float, float]]]) -> str:
    doc = {"system": [system.code, system.version, system.content], "period": [period.label, str(period.start),
           str(period.end)], "subjects": sorted(subjects.items()),
           "inputs": {code: sorted(pairs.items()) for code, pairs in sorted(rolled.items())}}
    return hashlib.sha256(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)).hexdigest()


def compute(system: IndicatorSystem, period: periods.Period, region: Region, kinds: list[str],
            asof: dt.date) -> tuple[dict[int, str], str, list[scoring.Result], dict[str, Any]]:
    """Subjects, fingerprint, results and summary — everything a run stores, computed without writing."""
    subjects = {pk: f"{kind}:{level}" for pk, kind, level in Organization.objects.filter(
        kind__in=kinds, status=Organization.Status.ACTIVE, region__path__startswith=region.path).values_list(
        "pk", "kind", "region__level")}
    if not subjects:
        raise invalid([FieldError("kinds", "该区域没有所选类别的评价对象", "no subjects of these kinds in the region")])
    raw = inputs.read((leaf["source"] for _, leaf in tree.leaves(system.content)), period.start, period.end, asof)
    if not any(raw.values()):
        raise invalid([FieldError("period", f"评价期{period.label}没有任何数据", f"there is no data for {period.label}")])
    paths = dict(Organization.objects.values_list("pk", "path"))  # one row per body: cheaper than an IN list
    rolled = roll_up(raw, paths, set(subjects))
    results = scoring.evaluate(system.content, subjects, rolled)
    return subjects, fingerprint(system, period, subjects, rolled), results, scoring.summary(system.content, results)


def _dec(x: float | None) -> Decimal | None:
    return None if x is None else Decimal(str(x)).quantize(Decimal("0.01"))


def _coverage(x: float) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.0001"))


@transaction.atomic
def create_run(principal: Any, *, period: str, system_code: str | None = None, version: int | None = None,
               region: Region | str | None = None, kinds: Any = None, note: str = "",
               now: dt.datetime | None = None) -> Run:
    """Evaluate `period` and store the run as a draft (a correction when the period has a published run)."""
    access.require(principal, Perm.EVALUATION_MANAGE)
    p, system = periods.parse(period), _system(system_code, version)
    place, chosen = _region(principal, region), _kinds(kinds)
    now = now or timezone.now()
    today = timezone.localdate(now)
    if p.start > today:
        raise invalid([FieldError("period", f"评价期{p.label}尚未开始", f"the period {p.label} has not begun")])
    _subjects, print_, results, summary = compute(system, p, place, chosen, min(p.end, today))
    published = Run.objects.select_for_update().filter(
        system__code=system.code, period=p.label, region=place, kinds=chosen, status=RunStatus.PUBLISHED).first()
    run = Run.objects.create(system=system, period=p.label, period_start=p.start, period_end=p.end, region=place,
                             kinds=chosen, cutoff=now, fingerprint=print_, corrects=published, summary=summary,
                             note=note.strip(), created_by=current().actor_label, created_at=now)
    insert_rows(RunScore, SCORE_COLUMNS, [(
        run.pk, r.subject, r.kind.split(":")[0], r.kind, _dec(r.score), r.grade, r.rank, r.rank_best, r.rank_worst,
        _coverage(r.coverage), orjson.dumps(r.dimensions).decode(), orjson.dumps(r.values).decode())
        for r in results], {"dimensions", "values"})
    audit.record("create", run, after=audit.snapshot(run, AUDITED), reason=note or f"评价 {p.label}")
    return run


@transaction.atomic
def publish_run(principal: Any, run: Run) -> Run:
    """Publish a draft run: it is frozen for good; a correction supersedes the run it corrects."""
    access.require(principal, Perm.EVALUATION_MANAGE, run)
    r = Run.objects.select_for_update().get(pk=run.pk)
    if r.status != RunStatus.DRAFT:
        raise Conflict("该评价已发布，不能修改；如需更正请重新评价", "a published run never changes; run again to correct it")
    before = audit.snapshot(r, AUDITED)
    r.status, r.published_by, r.published_at = RunStatus.PUBLISHED, current().actor_label, timezone.now()
    r.save(update_fields=["status", "published_by", "published_at"])
    audit.record("publish", r, before=before, after=audit.snapshot(r, AUDITED), reason=r.note or "发布评价结果")
    if r.corrects_id:
        old = Run.objects.select_for_update().get(pk=r.corrects_id)
        if old.status == RunStatus.PUBLISHED:
            before = audit.snapshot(old, AUDITED)
            old.status = RunStatus.SUPERSEDED
            old.save(update_fields=["status"])
            audit.record("update", old, before=before, after=audit.snapshot(old, AUDITED),
                         reason=f"被评价 #{r.pk} 更正")
    return r
