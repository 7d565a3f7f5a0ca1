"""Evaluation API: indicator systems — list, one version with its tree and its publication check, the data
sources an indicator may name, a new draft, editing a draft (JSON tree or a flat table), publishing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from govtrust.core import access
from govtrust.core.access import Perm

from . import services, tree
from .models import IndicatorSystem
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
