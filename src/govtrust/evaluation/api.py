"""Evaluation API: indicator systems — list, one version with its tree and its publication check, the data
sources an indicator may name, a new draft, editing a draft (JSON tree or a flat table), publishing; runs —
list, run a period, one run with its coverage and sensitivity, its ranking with every raw input, publishing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from govtrust.core import access
from govtrust.core.access import Perm

from . import periods, queries, runs, services, tree
from .models import IndicatorSystem, Run
from .sources import SOURCES

router = Router(tags=["evaluation 考核评价"])


class SystemOut(Schema):
    id: int
    code: str
    version: int
    name: str
    basis: str
    status: str
    note: str
    created_by: str
    created_at: dt.datetime
    published_by: str
    published_at: dt.datetime | None


class ErrorOut(Schema):
    field: str
    message: str
    message_en: str
    row: int | None = None


class SystemDetailOut(SystemOut):
    content: dict[str, Any]
    problems: list[ErrorOut]  # what publication would refuse (empty for a published version)

    @staticmethod
    def resolve_problems(obj: IndicatorSystem) -> list[Any]:
        return [e.as_dict() for e in tree.check(obj.content)]


class SourceOut(Schema):
    code: str
    name: str
    name_en: str
    unit: str
    counts: str
    sample: str


class DraftIn(Schema):
    code: str
    name: str = ""
    basis: str = ""
    note: str = ""
    content: dict[str, Any] | None = None


class EditIn(Schema):
    name: str | None = None
    basis: str | None = None
    note: str | None = None
    content: dict[str, Any] | None = None
    table: list[dict[str, Any]] | None = None  # flat rows (code, parent, name, weight, source, …) instead


def _system(request: HttpRequest, system_id: int) -> IndicatorSystem:
    return access.get_visible(request.auth, IndicatorSystem.objects.all(), Perm.EVALUATION_VIEW, pk=system_id)


@router.get("/evaluation/systems", response=list[SystemOut], summary="指标体系各版本 / indicator system versions")
def list_systems(request: HttpRequest) -> list[IndicatorSystem]:
    return list(access.restrict(request.auth, IndicatorSystem.objects.all(), Perm.EVALUATION_VIEW))


@router.get("/evaluation/sources", response=list[SourceOut], summary="指标可用的数据来源 / data sources")
def list_sources(request: HttpRequest) -> list[Any]:
    access.require(request.auth, Perm.EVALUATION_VIEW)
    return list(SOURCES.values())


@router.get("/evaluation/systems/{system_id}", response=SystemDetailOut, summary="指标体系（含指标树）/ one version")
def get_system(request: HttpRequest, system_id: int) -> IndicatorSystem:
    return _system(request, system_id)


@router.post("/evaluation/systems", response={201: SystemDetailOut},
             summary="新建草稿（复制最新版本，或新的指标树）/ a new draft")
def create_draft(request: HttpRequest, payload: DraftIn) -> Status:
    return Status(201, services.create_draft(request.auth, code=payload.code, content=payload.content,
                                             name=payload.name, basis=payload.basis, note=payload.note))


@router.patch("/evaluation/systems/{system_id}", response=SystemDetailOut,
              summary="修改草稿（指标树JSON或平铺表）/ edit a draft (tree JSON or a flat table)")
def edit_draft(request: HttpRequest, system_id: int, payload: EditIn) -> IndicatorSystem:
    s = _system(request, system_id)
    if payload.table is not None:
        s, _problems = services.import_table(request.auth, s, payload.table)
    else:
        s, _problems = services.update_draft(request.auth, s, content=payload.content, name=payload.name,
                                             basis=payload.basis, note=payload.note)
    return s


@router.post("/evaluation/systems/{system_id}/publish", response=SystemDetailOut,
             summary="发布（校验权重、层级、数据来源、标准化、等次）/ publish after the checks")
def publish(request: HttpRequest, system_id: int) -> IndicatorSystem:
    return services.publish(request.auth, _system(request, system_id))


# ------------------------------------------------------------------------------------------------------ runs

class RunIn(Schema):
    period: str
    system_code: str | None = None
    version: int | None = None
    region: str | None = None  # a region code; the caller's own region by default
    kinds: list[str] | None = None
    note: str = ""


class RunOut(Schema):
    id: int
    period: str
    period_start: dt.date
    period_end: dt.date
    system_code: str
    system_version: int
    region: str
    kinds: list[str]
    cutoff: dt.datetime
    fingerprint: str
    status: str
    corrects: int | None
    note: str
    created_by: str
    created_at: dt.datetime
    published_at: dt.datetime | None

    @staticmethod
    def resolve_system_code(obj: Run) -> str:
        return obj.system.code

    @staticmethod
    def resolve_system_version(obj: Run) -> int:
        return obj.system.version

    @staticmethod
    def resolve_region(obj: Run) -> str:
        return obj.region.code

    @staticmethod
    def resolve_corrects(obj: Run) -> int | None:
        return obj.corrects_id


class RunDetailOut(RunOut):
    summary: dict[str, Any]


class RankOut(Schema):
    subject_id: int
    name: str
    region: str
    group: str
    group_label: str
    score: float | None
    grade: str
    rank: int | None
    rank_best: int | None
    rank_worst: int | None
    coverage: float
    dimensions: dict[str, float | None]
    values: dict[str, dict[str, Any]]


@router.get("/evaluation/runs", response=list[RunOut], summary="评价记录 / evaluation runs")
def list_runs(request: HttpRequest, period: str = "", status: str = "") -> list[Run]:
    qs = queries.visible_runs(request.auth)
    if period:
        qs = qs.filter(period=periods.parse(period).label)
    if status:
        qs = qs.filter(status=status)
    return list(qs[:200])


@router.post("/evaluation/runs", response={201: RunDetailOut}, summary="评价一个评价期 / run an evaluation")
def create_run(request: HttpRequest, payload: RunIn) -> Status:
    return Status(201, runs.create_run(request.auth, period=payload.period, system_code=payload.system_code,
                                       version=payload.version, region=payload.region, kinds=payload.kinds,
                                       note=payload.note))


@router.get("/evaluation/runs/{run_id}", response=RunDetailOut, summary="一次评价（含指标覆盖与敏感性）/ one run")
def get_run(request: HttpRequest, run_id: int) -> Run:
    return queries.get_run(request.auth, run_id)


@router.get("/evaluation/runs/{run_id}/ranking", response=list[RankOut],
            summary="排名（按组；含各指标值及原始数据）/ the ranking, with every indicator's raw inputs")
def get_ranking(request: HttpRequest, run_id: int, group: str = "") -> list[dict[str, Any]]:
    return queries.ranking(queries.get_run(request.auth, run_id), group or None)


@router.post("/evaluation/runs/{run_id}/publish", response=RunDetailOut, summary="发布评价结果 / publish a run")
def publish_run(request: HttpRequest, run_id: int) -> Run:
    return runs.publish_run(request.auth, queries.get_run(request.auth, run_id))
