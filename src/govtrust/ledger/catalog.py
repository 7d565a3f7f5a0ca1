"""The catalog and the regimes as data: the shipped defaults, and the credit office's edits.

The defaults (data/catalog.json, data/regimes.json) are loaded by a data migration, so every database
starts with them. After that the credit office edits categories in the console or the API: each edit
bumps the category's version and appends a CategoryVersion holding the whole category as it now
stands, so a record taken in under version 3 can always show what version 3 said.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from govtrust.core import access, audit
from govtrust.core.access import Perm
from govtrust.core.context import current
from govtrust.core.errors import FieldError, invalid
from govtrust.core.versioned import save_version
from govtrust.subjects.models import Organization

from .models import CIVIL_SERVANT_KIND, Category, CategoryVersion, DisclosureScope, Polarity, Severity
from .schema import check_spec

DATA = Path(__file__).parent / "data"
# What a CategoryVersion keeps: every attribute a record's handling depends on.
VERSIONED = ("code", "name", "name_en", "polarity", "subject_kinds", "default_severity", "legal_basis", "fields",
             "disclosure_scope", "domain", "disclosure_months", "active", "ordering")
EDITABLE = tuple(f for f in VERSIONED if f != "code")
SUBJECT_KINDS = (*Organization.Kind.values, CIVIL_SERVANT_KIND)


@cache
def default_data(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"{name}.json").read_text("utf-8"))


def load_defaults(category_model: Any, version_model: Any, regime_model: Any, rule_model: Any) -> None:
    """Create the shipped catalog and regimes (models passed in, so a migration can use its own)."""
    now = timezone.now()
    for i, spec in enumerate(default_data("catalog")["categories"]):
        values = {k: spec[k] for k in VERSIONED if k in spec} | {"ordering": spec.get("ordering", (i + 1) * 10)}
        category, created = category_model.objects.get_or_create(code=spec["code"], defaults=values)
        if created:
            version_model.objects.create(category=category, number=1, content=values, actor="system:defaults",
                                         reason=default_data("catalog")["basis"], created_at=now)
    for spec in default_data("regimes")["regimes"]:
        regime, created = regime_model.objects.get_or_create(code=spec["code"], defaults={
            "name": spec["name"], "basis": spec["basis"], "in_force_from": spec["in_force_from"],
            "note": spec.get("note", "")})
        if created:
            for rule in spec["rules"]:
                rule_model.objects.create(regime=regime, severity=rule["severity"], domain=rule.get("domain", ""),
                                          min_months=rule["min_months"], max_months=rule["max_months"],
                                          may_be_undisclosed=rule.get("may_be_undisclosed", False),
                                          note=rule.get("note", ""))


def content_of(category: Category) -> dict[str, Any]:
    return {f: getattr(category, f) for f in VERSIONED}


def check_category(values: dict[str, Any]) -> list[FieldError]:
    """Whether a category's attributes hold together; the errors name the attribute."""
    errors: list[FieldError] = []

    def bad(name: str, message: str, message_en: str) -> None:
        errors.append(FieldError(name, message, message_en))

    for name in ("name", "name_en", "legal_basis"):
        if not str(values.get(name) or "").strip():
            bad(name, "不能为空", "is required")
    if values.get("polarity") not in Polarity.values:
        bad("polarity", "性质应为失信、守信或中性", "polarity must be negative, positive or neutral")
    if values.get("disclosure_scope") not in DisclosureScope.values:
        bad("disclosure_scope", "公开范围无效", "unknown disclosure scope")
    kinds = values.get("subject_kinds")
    if not isinstance(kinds, list) or not kinds or any(k not in SUBJECT_KINDS for k in kinds):
        bad("subject_kinds", f"适用主体应为以下之一或多个：{'、'.join(SUBJECT_KINDS)}",
            f"subject kinds must be one or more of: {', '.join(SUBJECT_KINDS)}")
    severity = values.get("default_severity") or ""
    if values.get("polarity") == Polarity.NEGATIVE and severity not in Severity.values:
        bad("default_severity", "失信类别必须有默认失信程度", "a negative category needs a default severity")
    elif values.get("polarity") != Polarity.NEGATIVE and severity:
        bad("default_severity", "只有失信类别有失信程度", "only negative categories have a severity")
    return errors + check_spec(values.get("fields", []))


@transaction.atomic
def update_category(principal: Any, category: Category, *, reason: str, **changes: Any) -> Category:
    """Change a category: a new version with the whole category, audited. Unknown attributes are refused."""
    access.require(principal, Perm.CATALOG_CHANGE)
    if not (reason or "").strip():
        raise invalid([FieldError("reason", "修改目录必须填写理由", "a reason is required to change the catalog")])
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise invalid([FieldError(f, "不能修改此项", "cannot be changed") for f in unknown])
    category = Category.objects.select_for_update().get(pk=category.pk)
    before = content_of(category)
    values = before | changes
    errors = check_category(values)
    if errors:
        raise invalid(errors)
    return save_version(category, before, values, content_of=content_of, append_version=_append_version,
                        reason=reason)


@transaction.atomic
def create_category(principal: Any, *, code: str, reason: str, **values: Any) -> Category:
    access.require(principal, Perm.CATALOG_CHANGE)
    errors = check_category(values)
    if not code or not code.replace("_", "").isalnum() or not code.isascii():
        errors.append(FieldError("code", "代码应为英文字母、数字和下划线", "code must be letters, digits and underscores"))
    elif Category.objects.filter(code=code).exists():
        errors.append(FieldError("code", "代码已存在", "this code already exists"))
    if not (reason or "").strip():
        errors.append(FieldError("reason", "新增类别必须填写理由", "a reason is required"))
    if errors:
        raise invalid(errors)
    category = Category.objects.create(code=code, **{k: v for k, v in values.items() if k in EDITABLE})
    _append_version(category, reason)
    audit.record("create", category, after=content_of(category), reason=reason)
    return category


def _append_version(category: Category, reason: str) -> None:
    CategoryVersion.objects.create(category=category, number=category.version, content=content_of(category),
                                   reason=reason, actor=current().actor_label, created_at=timezone.now())
