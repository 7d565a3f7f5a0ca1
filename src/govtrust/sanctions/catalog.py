"""The measures list, the scenes and the party lists as data, and the credit office's edits to the list.

The defaults (data/measures.json, each measure with its legal basis from the seeds) are loaded by a data
migration as published version 1. Every edit — a change, publication, withdrawal — bumps the measure's
version and appends a MeasureVersion holding the whole measure; the highest MeasureVersion id is the
version of the list that every check names, and `rulebook()` recompiles the published measures in a
process only when that number moves (one indexed MAX per check, so an edit takes effect at once in every
worker).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from govtrust.core import access, audit, bare
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import FieldError, invalid
from govtrust.core.versioned import save_version
from govtrust.ledger.models import CIVIL_SERVANT_KIND, Category, CategoryVersion, Revision
from govtrust.subjects.models import Organization

from .models import Effect, Measure, MeasureKind, MeasureStatus, MeasureVersion, PartyList, Scene
from .rules import CompiledMeasure, parse_trigger

DATA_FILE = Path(__file__).parent / "data" / "measures.json"
MARKET_ENTITY = "market_entity"  # a party by USCC that the registry does not hold (company, village)
NATURAL_PERSON = "natural_person"  # a person by resident ID who is not a registered civil servant (applicant, household)
SUBJECT_KINDS = (*Organization.Kind.values, CIVIL_SERVANT_KIND, MARKET_ENTITY, NATURAL_PERSON)
VERSIONED = ("code", "name", "name_en", "kind", "subject_kinds", "trigger", "scenes", "effect", "legal_basis",
             "implementing_organization", "note", "status", "ordering")
EDITABLE = tuple(f for f in VERSIONED if f not in ("code", "status"))


@cache
def default_data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text("utf-8"))


def load_defaults(scene_model: Any, list_model: Any, measure_model: Any, version_model: Any) -> None:
    """Create the shipped scenes, lists and measures (models passed in, so a migration can use its own)."""
    data, now = default_data(), timezone.now()
    for i, spec in enumerate(data["scenes"]):
        scene_model.objects.update_or_create(code=spec["code"], defaults={
            "name": spec["name"], "name_en": spec["name_en"], "roles": spec["roles"], "ordering": (i + 1) * 10})
    for spec in data["lists"]:
        list_model.objects.update_or_create(code=spec["code"], defaults={k: v for k, v in spec.items() if k != "code"})
    for i, spec in enumerate(data["measures"]):
        values = {k: spec[k] for k in VERSIONED if k in spec} | {"status": MeasureStatus.PUBLISHED,
                                                                 "ordering": (i + 1) * 10}
        measure, created = measure_model.objects.get_or_create(code=spec["code"], defaults=values)
        if created:
            version_model.objects.create(measure=measure, number=1, content=values, actor="system:defaults",
                                         reason=data["basis"], created_at=now)


def content_of(measure: Measure) -> dict[str, Any]:
    return {f: getattr(measure, f) for f in VERSIONED}


def check_measure(values: dict[str, Any]) -> list[FieldError]:
    """Whether a measure's attributes hold together; the errors name the attribute."""
    errors: list[FieldError] = []
    for name in ("name", "name_en", "legal_basis", "implementing_organization"):
        if not str(values.get(name) or "").strip():
            errors.append(FieldError(name, "不能为空", "is required"))
    if values.get("kind") not in MeasureKind.values:
        errors.append(FieldError("kind", "类别应为失信惩戒或守信激励", "kind must be sanction or incentive"))
    effect = values.get("effect")
    if effect not in Effect.values:
        errors.append(FieldError("effect", "比对效果应为拦截、提示限制、优先或告知", "effect must be block, warn, prefer or inform"))
    elif (values.get("kind") == MeasureKind.INCENTIVE) != (effect == Effect.PREFER) and effect != Effect.INFORM:
        errors.append(FieldError("effect", "激励措施的效果为优先，惩戒措施的效果为拦截或提示限制",
                                 "an incentive prefers; a sanction blocks or warns"))
    kinds = values.get("subject_kinds")
    if not isinstance(kinds, list) or not kinds or any(k not in SUBJECT_KINDS for k in kinds):
        errors.append(FieldError("subject_kinds", f"适用主体应为以下之一或多个：{'、'.join(SUBJECT_KINDS)}",
                                 f"subject kinds must be one or more of: {', '.join(SUBJECT_KINDS)}"))
    scenes = values.get("scenes")
    known = set(Scene.objects.values_list("code", flat=True))
    if not isinstance(scenes, list) or not scenes or any(s not in known for s in scenes):
        errors.append(FieldError("scenes", f"适用场景应为以下之一或多个：{'、'.join(sorted(known))}",
                                 f"scenes must be one or more of: {', '.join(sorted(known))}"))
    _trigger, trigger_errors = parse_trigger(values.get("trigger"), Category.objects.values_list("code", flat=True),
                                             PartyList.objects.values_list("code", flat=True))
    return errors + trigger_errors


def _require_reason(reason: str) -> None:
    if not (reason or "").strip():
        raise invalid([FieldError("reason", "修改措施清单必须填写理由", "a reason is required to change the measures list")])


def _append_version(measure: Measure, reason: str) -> None:
    MeasureVersion.objects.create(measure=measure, number=measure.version, content=content_of(measure),
                                  reason=reason, actor=current().actor_label, created_at=timezone.now())


@transaction.atomic
def create_measure(principal: Any, *, code: str, reason: str, **values: Any) -> Measure:
    """A new measure, as a draft: it applies only once published."""
    access.require(principal, Perm.MEASURES_CHANGE)
    errors = check_measure(values)
    if not code or not code.replace("-", "").replace("_", "").isalnum() or not code.isascii():
        errors.append(FieldError("code", "代码应为英文字母、数字、连字符和下划线", "code must be letters, digits, - and _"))
    elif Measure.objects.filter(code=code).exists():
        errors.append(FieldError("code", "代码已存在", "this code already exists"))
    if not (reason or "").strip():
        errors.append(FieldError("reason", "新增措施必须填写理由", "a reason is required"))
    if errors:
        raise invalid(errors)
    measure = Measure.objects.create(code=code, status=MeasureStatus.DRAFT,
                                     **{k: v for k, v in values.items() if k in EDITABLE})
    _append_version(measure, reason)
    audit.record("create", measure, after=content_of(measure), reason=reason)
    return measure


@transaction.atomic
def update_measure(principal: Any, measure: Measure, *, reason: str, status: str | None = None,
                   **changes: Any) -> Measure:
    """Change a measure, publish it (status="published") or withdraw it: a new version, audited."""
    access.require(principal, Perm.MEASURES_CHANGE)
    _require_reason(reason)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise invalid([FieldError(f, "不能修改此项", "cannot be changed") for f in unknown])
    if status is not None and status not in MeasureStatus.values:
        raise invalid([FieldError("status", "状态应为草稿、已发布或已停用", "status must be draft, published or withdrawn")])
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    before = content_of(measure)
    values = before | changes | ({"status": status} if status else {})
    errors = check_measure(values)
    if errors:
        raise invalid(errors)
    return save_version(measure, before, values, content_of=content_of, append_version=_append_version,
                        reason=reason)


@dataclass(frozen=True)
class Rulebook:
    """The published measures compiled for checks, by scene, at one version of the list."""

    version: int
    by_scene: dict[str, tuple[CompiledMeasure, ...]]
    scenes: dict[str, Scene]  # by code and by Chinese name
    categories: dict[int, tuple[str, str, str]]  # ledger category id → (code, name, polarity)
    # The categories whose records a scene's measures can look at: the only records a check in it reads.
    read_by_scene: dict[str, frozenset[int]]

    def scene(self, name_or_code: str) -> Scene | None:
        return self.scenes.get((name_or_code or "").strip())


def _records_read(measures: tuple[CompiledMeasure, ...], categories: dict[int, tuple[str, str, str]]) -> frozenset[int]:
    ids: set[int] = set()
    for m in measures:
        t = m.trigger
        if t.categories or t.polarity:  # a trigger on lists alone, or `always`, reads no records
            ids |= {pk for pk, (code, _name, polarity) in categories.items()
                    if (not t.categories or code in t.categories) and (not t.polarity or polarity == t.polarity)}
    return frozenset(ids)


_lock = threading.Lock()
_cached: list[tuple[tuple[int, Any, int], Rulebook]] = []


def versions() -> tuple[int, tuple[int, Any, int]]:
    """(ledger version, measures-list stamp) in one statement: the newest revision id; the newest measure
    version, its time (telling apart two lists that reused an id after a rollback) and the newest category
    version (a record category edited). One bare query: the stamp is compared as the database returns it."""
    quote = connection.ops.quote_name
    versions_table = quote(MeasureVersion._meta.db_table)
    [(ledger, measures, edited, catalog_version)] = bare.fetch(
        f"SELECT (SELECT MAX(id) FROM {quote(Revision._meta.db_table)}), "
        f"(SELECT MAX(id) FROM {versions_table}), (SELECT MAX(created_at) FROM {versions_table}), "
        f"(SELECT MAX(id) FROM {quote(CategoryVersion._meta.db_table)})")
    return ledger or 0, (measures or 0, edited, catalog_version or 0)


def stamp() -> tuple[int, Any, int]:
    return versions()[1]


def _compile(version: int) -> Rulebook:
    category_rows = {pk: (code, name, polarity)
                     for pk, code, name, polarity in Category.objects.values_list("id", "code", "name", "polarity")}
    categories = [code for code, _name, _polarity in category_rows.values()]
    lists = list(PartyList.objects.values_list("code", flat=True))
    by_scene: dict[str, list[CompiledMeasure]] = {}
    for m in Measure.objects.filter(status=MeasureStatus.PUBLISHED):
        trigger, _errors = parse_trigger(m.trigger, categories, lists)
        if trigger is None:  # validated on every edit; a catalog change since may have broken it: never apply
            continue
        compiled = CompiledMeasure(m.code, m.name, m.kind, m.effect, frozenset(m.subject_kinds),
                                   frozenset(m.scenes), trigger, m.legal_basis, m.implementing_organization, m.version)
        for scene in m.scenes:
            by_scene.setdefault(scene, []).append(compiled)
    scenes = {}
    for s in Scene.objects.filter(active=True):
        scenes[s.code] = scenes[s.name] = s
    compiled_scenes = {k: tuple(v) for k, v in by_scene.items()}
    read = {k: _records_read(v, category_rows) for k, v in compiled_scenes.items()}
    return Rulebook(version, compiled_scenes, scenes, category_rows, read)


def rulebook(current: tuple[int, Any, int] | None = None) -> Rulebook:
    """The published list as of `current` (a `stamp()`, read now when not given): recompiled only when a
    measure changed since this process last looked."""
    current = current or stamp()
    if _cached and _cached[0][0] == current:
        return _cached[0][1]
    with _lock:
        book = _compile(current[0])
        _cached[:] = [(current, book)]
    return book
