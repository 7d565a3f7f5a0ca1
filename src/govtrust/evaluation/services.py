"""Editing and publishing indicator systems: a draft is a copy of a version, edited freely; publishing checks
the whole tree (tree.check: weights, levels, sources, normalization, grades — every error at once, each
naming its indicator) and freezes it. Every change is audited.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import Conflict, FieldError, NotFound, invalid

from . import tree
from .models import IndicatorSystem, SystemStatus

AUDITED = ("code", "version", "name", "status", "note")


def in_force(code: str) -> IndicatorSystem:
    """The latest published version of a system."""
    found = IndicatorSystem.objects.filter(code=code, status=SystemStatus.PUBLISHED).order_by("-version").first()
    if found is None:
        raise NotFound("指标体系", "Indicator system")
    return found


@transaction.atomic
def create_draft(principal: Any, *, code: str, content: dict[str, Any] | None = None, name: str = "",
                 basis: str = "", note: str = "") -> IndicatorSystem:
    """A new draft version of `code`: a copy of its latest version, or `content` given (a new system)."""
    access.require(principal, Perm.EVALUATION_MANAGE)
    code = (code or "").strip()
    latest = IndicatorSystem.objects.select_for_update().filter(code=code).order_by("-version").first()
    if latest is None and not (content and name.strip() and basis.strip()):
        raise invalid([FieldError(f, "新指标体系须填写", "required for a new system")
                       for f, v in (("content", content), ("name", name.strip()), ("basis", basis.strip())) if not v])
    if not code:
        raise invalid([FieldError("code", "须填写指标体系代码", "a code is required")])
    if IndicatorSystem.objects.filter(code=code, status=SystemStatus.DRAFT).exists():
        raise Conflict("该指标体系已有草稿，请先发布或继续编辑草稿", "a draft of this system exists")
    number = (IndicatorSystem.objects.filter(code=code).aggregate(n=Max("version"))["n"] or 0) + 1
    s = IndicatorSystem.objects.create(
        code=code, version=number, name=name.strip() or latest.name, basis=basis.strip() or latest.basis,
        content=copy.deepcopy(content if content is not None else latest.content), note=note.strip(),
        created_by=current().actor_label, created_at=timezone.now())
    audit.record("create", s, after=audit.snapshot(s, AUDITED), reason=note or "新建指标体系草稿")
    return s


def _draft(principal: Any, system: IndicatorSystem) -> IndicatorSystem:
    access.require(principal, Perm.EVALUATION_MANAGE)
    s = IndicatorSystem.objects.select_for_update().get(pk=system.pk)
    if s.status != SystemStatus.DRAFT:
        raise Conflict("已发布的指标体系不能修改，请新建草稿", "a published version never changes; create a draft")
    return s


@transaction.atomic
def update_draft(principal: Any, system: IndicatorSystem, *, content: dict[str, Any] | None = None,
                 name: str | None = None, basis: str | None = None, note: str | None = None
                 ) -> tuple[IndicatorSystem, list[FieldError]]:
    """Save the draft as edited (even with errors: editing goes on) and say what publication would refuse."""
    s = _draft(principal, system)
    before = audit.snapshot(s, AUDITED)
    for name_, value in (("content", content), ("name", name), ("basis", basis), ("note", note)):
        if value is not None:
            setattr(s, name_, value.strip() if isinstance(value, str) else value)
    s.save()
    audit.record("update", s, before=before, after=audit.snapshot(s, AUDITED), reason=s.note or "修改指标体系草稿")
    return s, tree.check(s.content)


@transaction.atomic
def import_table(principal: Any, system: IndicatorSystem, rows: list[dict[str, Any]]) -> tuple[IndicatorSystem,
                                                                                                list[FieldError]]:
    """Replace the draft's tree by a flat table (code, parent, …): orphans and cycles refuse the table."""
    content, errors = tree.from_table(rows, (system.content or {}).get("grades") or [])
    if errors:
        raise invalid(errors, "指标表有误，未导入", "The indicator table has errors; nothing was imported")
    return update_draft(principal, system, content=content)


@transaction.atomic
def publish(principal: Any, system: IndicatorSystem) -> IndicatorSystem:
    """Check the whole tree and freeze the version; refused with every error, each naming its indicator."""
    s = _draft(principal, system)
    errors = tree.check(s.content)
    if errors:
        raise invalid(errors, "指标体系有误，不能发布", "The indicator system has errors and cannot be published")
    before = audit.snapshot(s, AUDITED)
    s.status, s.published_by, s.published_at = SystemStatus.PUBLISHED, current().actor_label, timezone.now()
    s.save()
    audit.record("publish", s, before=before, after=audit.snapshot(s, AUDITED), reason=s.note or "发布指标体系")
    return s
