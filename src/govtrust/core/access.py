"""The access layer: who may do what, to which objects. Decided here and nowhere else.

A principal is a console user or an API key: anything with `.role` and `.organization`. Each role has
a scope (SCOPES) and the permissions the grant matrix gives it (GRANTS: permission → roles; together
ROLE_POLICIES). Scoped models declare where they sit in the tree:

    scope_region_field = "organization__region__path"   # lookup to a Region.path
    scope_org_field = "organization__path"               # lookup to an Organization.path
                                                         # (a tuple of lookups: any of them)

A REGION-scoped principal sees objects whose region path lies under its organization's region; an
ORGANIZATION-scoped principal sees objects under its own organization; ALL sees everything; NONE sees
nothing. A model about a whole region may also reach the principals inside it:

    scope_covering_field = "region__path"                # lookup to a Region.path
    scope_covering = {"status__in": ("published",)}      # which of its objects do so

so that a department or an evaluated body sees the published evaluation runs of its county, city and
province, in which it is ranked.

Views, API endpoints and CLI commands call `restrict`, `get_visible` and `require`; tests in
core/tests/test_access.py exercise every role.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .errors import NotFound, PermissionDenied

M = TypeVar("M", bound=models.Model)


class Role(models.TextChoices):
    ADMIN = "admin", _("平台管理员")
    CREDIT_OFFICE = "credit_office", _("信用办")
    DEPARTMENT = "department", _("数据报送部门")
    ORGANIZATION_DEPT = "organization_dept", _("组织人事部门")
    DISCIPLINE = "discipline", _("纪检监察机关")
    EVALUATED_BODY = "evaluated_body", _("被评价单位")
    ASSESSOR = "assessor", _("第三方评估机构")
    AUDITOR = "auditor", _("安全审计员")
    SYSTEM = "system", _("系统接口")
    PUBLIC = "public", _("社会公众")


class Scope(models.TextChoices):
    ALL = "all", _("全部")
    REGION = "region", _("本区划及下级")
    ORGANIZATION = "organization", _("本单位及下属")
    NONE = "none", _("无")


class Perm:
    """Permission names. A permission lets a principal act; the scope limits on what."""

    CONSOLE = "console.use"
    SUBJECTS_VIEW = "subjects.view"
    SUBJECTS_CHANGE = "subjects.change"
    CIVIL_SERVANTS_CHANGE = "civil_servants.change"
    PERSONAL_UNMASK = "personal.unmask"
    AUDIT_VIEW = "audit.view"
    CALENDAR_CHANGE = "calendar.change"
    APIKEYS_MANAGE = "apikeys.manage"
    USERS_MANAGE = "users.manage"
    IMPORT = "intake.import"  # submit data: registry imports, and records into the ledger
    LEDGER_VIEW = "ledger.view"
    LEDGER_CHANGE = "ledger.change"  # correct, revoke, repair records; expire by hand
    CATALOG_CHANGE = "catalog.change"
    PUBLICITY_VIEW = "publicity.view"  # 双公示 decisions and their timeliness figures (the public listing needs none)
    PUBLICITY_CHANGE = "publicity.change"  # withdraw decisions (also revokes their ledger records)
    PUBLICITY_SUBMIT = "publicity.submit"  # submit licence and penalty decisions (with IMPORT), declare empty months
    COMMITMENTS_VIEW = "commitments.view"  # commitments (信用承诺) and their history, figures
    COMMITMENTS_SUBMIT = "commitments.submit"  # register commitments, submit evidence of fulfilment
    COMMITMENTS_REVIEW = "commitments.review"  # review evidence, confirm breaches (writes the ledger), change by law
    RECTIFICATION_VIEW = "rectification.view"  # rectification cases (整改) and their history, figures
    RECTIFICATION_ACT = "rectification.act"  # the body: written explanation, rectification report and evidence
    RECTIFICATION_REVIEW = "rectification.review"  # the credit office: deadlines, accept or return, deadline scans
    CHECKS_RUN = "sanctions.check"  # ask screening checks (in the scenes the principal may), report feedback
    CHECKS_VIEW = "sanctions.view"  # the check log and the feedback figures, within scope
    MEASURES_CHANGE = "sanctions.measures"  # edit, publish and withdraw measures of the measures list
    LISTINGS_SUBMIT = "sanctions.listings"  # put parties on other authorities' lists (with IMPORT), take them off
    COMPLAINTS_VIEW = "complaints.view"  # complaints (投诉举报) in scope, their timeline, register and figures
    COMPLAINTS_INTAKE = "complaints.intake"  # enter hotline calls; take cases from a 12345 system (API, file)
    COMPLAINTS_MANAGE = "complaints.manage"  # the credit office: accept, assign, reassign, merge, close, visit, routing
    COMPLAINTS_HANDLE = "complaints.handle"  # the assigned organization: sign for, return, reply
    COMPLAINTS_IDENTITY = "complaints.identity"  # the complainant's name and contact, to those handling (audited)
    LEDGER_HISTORY = "ledger.history"  # records that have left sharing (repaired, revoked, expired), marked as such
    REMEDIES_VIEW = "remedies.view"  # objections, repair applications and mitigations in scope, figures
    OBJECTIONS_FILE = "remedies.object"  # file an objection about a record the principal reaches (subject or user)
    REPAIRS_APPLY = "remedies.repair"  # apply for credit repair of the principal's own unit's records
    REMEDIES_DECIDE = "remedies.decide"  # the credit office: accept, forward and decide objections; decide repairs
    OBJECTIONS_SOURCE = "remedies.source"  # the source organization: decide an objection forwarded to it
    MITIGATION_DECIDE = "remedies.mitigate"  # record a civil servant's self-correction and decide the mitigation
    SUPERVISION_VIEW = "supervision.view"  # supervision inputs in scope: proposals, litigation, judgments, assessments …
    EVALUATION_VIEW = "evaluation.view"  # indicator systems, runs, rankings and reports in scope (warnings: below)
    EVALUATION_MANAGE = "evaluation.manage"  # the credit office: edit and publish indicator systems, run, publish
    SUPERVISION_SUBMIT = "supervision.submit"  # enter or import them (an assessor: third-party assessments only)
    WARNINGS_VIEW = "warnings.view"  # early warnings (监测预警) in scope, their evidence, and the warning rules
    WARNINGS_RESPOND = "warnings.respond"  # the warned body: acknowledge a warning, report the action taken
    # Editing warning rules, running the scan and closing warnings: EVALUATION_MANAGE (the credit office).


@dataclass(frozen=True)
class RolePolicy:
    scope: str
    perms: frozenset[str]


# Each role's scope. What it may do is the grant matrix below, read down a permission's row.
SCOPES: dict[str, str] = {
    Role.ADMIN: Scope.ALL, Role.CREDIT_OFFICE: Scope.REGION, Role.DEPARTMENT: Scope.ORGANIZATION,
    Role.ORGANIZATION_DEPT: Scope.REGION, Role.DISCIPLINE: Scope.REGION, Role.EVALUATED_BODY: Scope.ORGANIZATION,
    Role.ASSESSOR: Scope.REGION, Role.AUDITOR: Scope.ALL, Role.SYSTEM: Scope.REGION, Role.PUBLIC: Scope.NONE,
}

_A, _C, _D, _O = Role.ADMIN, Role.CREDIT_OFFICE, Role.DEPARTMENT, Role.ORGANIZATION_DEPT
_K, _E, _S, _SYS = Role.DISCIPLINE, Role.EVALUATED_BODY, Role.ASSESSOR, Role.SYSTEM
_STAFF = (_A, _C, _D, _O, _K, _E, _S)  # console users who work with the data
_READERS = (*_STAFF, _SYS)  # and the systems that read it through the API

# 三员分立: the administrator manages the platform but does not read the audit trail; the security auditor
# reads the audit trail and nothing else. Those handling a complaint (the credit office, the assigned
# organization) may see who complained; others with access see cases masked.
GRANTS: dict[str, tuple[str, ...]] = {
    Perm.CONSOLE: (*_STAFF, Role.AUDITOR),
    Perm.SUBJECTS_VIEW: _READERS,
    Perm.SUBJECTS_CHANGE: (_A, _C),
    Perm.CIVIL_SERVANTS_CHANGE: (_A, _C, _O),
    Perm.PERSONAL_UNMASK: (_O, _K),
    Perm.AUDIT_VIEW: (Role.AUDITOR,),
    Perm.CALENDAR_CHANGE: (_A, _C),
    Perm.APIKEYS_MANAGE: (_A, _C),
    Perm.USERS_MANAGE: (_A,),
    Perm.IMPORT: (_A, _C, _D, _O, _K, _SYS),
    Perm.LEDGER_VIEW: _READERS,
    Perm.LEDGER_CHANGE: (_A, _C),
    Perm.CATALOG_CHANGE: (_A, _C),
    Perm.PUBLICITY_VIEW: _READERS,
    Perm.PUBLICITY_CHANGE: (_A, _C),
    Perm.PUBLICITY_SUBMIT: (_A, _C, _D, _SYS),
    Perm.COMMITMENTS_VIEW: _READERS,
    Perm.COMMITMENTS_SUBMIT: (_A, _C, _D, _E),
    Perm.COMMITMENTS_REVIEW: (_A, _C),
    Perm.RECTIFICATION_VIEW: _READERS,
    Perm.RECTIFICATION_ACT: (_A, _D, _E),
    Perm.RECTIFICATION_REVIEW: (_A, _C),
    Perm.CHECKS_RUN: (_A, _C, _D, _O, _K, _SYS),
    Perm.CHECKS_VIEW: (_A, _C, _D, _O, _K, _SYS),
    Perm.MEASURES_CHANGE: (_A, _C),
    Perm.LISTINGS_SUBMIT: (_A, _C, _D, _SYS),
    Perm.COMPLAINTS_VIEW: (_A, _C, _D, _K, _E, _S, _SYS),
    Perm.COMPLAINTS_INTAKE: (_A, _C, _SYS),
    Perm.COMPLAINTS_MANAGE: (_A, _C),
    Perm.COMPLAINTS_HANDLE: (_A, _D, _E),
    Perm.COMPLAINTS_IDENTITY: (_A, _C, _D, _E),
    Perm.LEDGER_HISTORY: (_A, _C, _O, _K),
    Perm.REMEDIES_VIEW: (_A, _C, _D, _O, _K, _E, _SYS),
    Perm.OBJECTIONS_FILE: (_A, _C, _D, _O, _K, _E, _SYS),
    Perm.REPAIRS_APPLY: (_A, _C, _D, _E),
    Perm.REMEDIES_DECIDE: (_A, _C),
    Perm.OBJECTIONS_SOURCE: (_A, _C, _D),
    Perm.MITIGATION_DECIDE: (_A, _C, _O, _K),
    Perm.SUPERVISION_VIEW: (_A, _C, _D, _O, _K, _E, _S, _SYS),
    Perm.EVALUATION_VIEW: (_A, _C, _D, _O, _K, _E, _S, _SYS),
    Perm.EVALUATION_MANAGE: (_A, _C),
    Perm.SUPERVISION_SUBMIT: (_A, _C, _D, _S, _SYS),
    Perm.WARNINGS_VIEW: (_A, _C, _D, _O, _K, _E, _SYS),
    Perm.WARNINGS_RESPOND: (_A, _D, _E),
}

ROLE_POLICIES: dict[str, RolePolicy] = {
    role: RolePolicy(scope, frozenset(perm for perm, roles in GRANTS.items() if role in roles))
    for role, scope in SCOPES.items()
}


@dataclass(frozen=True)
class SystemPrincipal:
    """The platform itself acting from the command line or at set-up time (demo data, CLI imports):
    administrator role, no home organization. The audit chain names the concrete actor from the context."""

    role: str = Role.ADMIN
    organization: None = None
    is_active: bool = True


SYSTEM = SystemPrincipal()


def policy(principal: Any) -> RolePolicy:
    if principal is None or not getattr(principal, "is_active", True):
        return ROLE_POLICIES[Role.PUBLIC]
    if getattr(principal, "is_authenticated", True) is False:
        return ROLE_POLICIES[Role.PUBLIC]
    return ROLE_POLICIES.get(getattr(principal, "role", Role.PUBLIC), ROLE_POLICIES[Role.PUBLIC])


def can(principal: Any, perm: str) -> bool:
    return perm in policy(principal).perms


def require(principal: Any, perm: str, obj: models.Model | None = None) -> None:
    """Raise PermissionDenied unless the principal holds `perm` (and, given `obj`, reaches it)."""
    if not can(principal, perm):
        raise PermissionDenied()
    if obj is not None and not in_scope(principal, obj):
        raise PermissionDenied("该对象不在您的管辖范围内", "This object is outside your scope")


def scope_filter(principal: Any, model: type[models.Model]) -> Q | None:
    """The Q that limits `model` to the principal's scope; None means no limit; raises on no access.

    A model that records who asked (`scope_asker_field`, e.g. the check log) shows a calling system only
    what it asked itself: a tendering platform's key does not read the promotion checks of another system
    in the same region."""
    asker_field, asker = getattr(model, "scope_asker_field", None), getattr(principal, "asker_label", None)
    q = _scope_q(principal, model)
    if asker_field and asker:
        own = Q(**{asker_field: asker})
        return own if q is None else q & own
    return q


def _scope_q(principal: Any, model: type[models.Model]) -> Q | None:
    pol = policy(principal)
    if pol.scope == Scope.ALL:
        return None
    if getattr(model, "scope_global", False):
        return None if pol.scope != Scope.NONE else Q(pk__in=[])
    org = getattr(principal, "organization", None)
    if pol.scope == Scope.NONE or org is None:
        return Q(pk__in=[])
    if pol.scope == Scope.REGION:
        q = _any_under(getattr(model, "scope_region_field", None), org.region.path)
    else:
        q = _any_under(getattr(model, "scope_org_field", None), org.path)
    covering = getattr(model, "scope_covering_field", None)
    if covering:
        q |= Q(**{f"{covering}__in": _ancestors(org.region.path)}, **model.scope_covering)  # type: ignore[attr-defined]
    return q


def _ancestors(path: str) -> list[str]:
    """`/530000/530100/530102/` → itself and the paths above it."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def _any_under(fields: str | tuple[str, ...] | None, path: str) -> Q:
    """Objects whose path field (or any of several, e.g. a record's subject or its source) lies under `path`."""
    if not fields:
        return Q(pk__in=[])
    q = Q()
    for field in (fields,) if isinstance(fields, str) else fields:
        q |= Q(**{f"{field}__startswith": path})
    return q


def restrict(principal: Any, queryset: QuerySet[M], perm: str = Perm.SUBJECTS_VIEW) -> QuerySet[M]:
    """The part of `queryset` the principal may see under `perm`; PermissionDenied without the perm."""
    if not can(principal, perm):
        raise PermissionDenied()
    q = scope_filter(principal, queryset.model)
    return queryset if q is None else queryset.filter(q)


def get_visible(principal: Any, queryset: QuerySet[M], perm: str = Perm.SUBJECTS_VIEW, **lookup: Any) -> M:
    """One object the principal may see, or NotFound (the same answer as for a missing object)."""
    found = restrict(principal, queryset, perm).filter(**lookup).first()
    if found is None:
        raise NotFound(str(queryset.model._meta.verbose_name), queryset.model.__name__)
    return found


def in_scope(principal: Any, obj: models.Model) -> bool:
    q = scope_filter(principal, type(obj))
    if q is None:
        return True
    return type(obj)._default_manager.filter(q, pk=obj.pk).exists()


def reaches_placement(principal: Any, region: Any, parent: Any = None) -> bool:
    """Whether the principal may place a new object in `region` (and under `parent` organization).

    Used for creations, where there is no stored object to test with `in_scope` yet.
    """
    pol = policy(principal)
    if pol.scope == Scope.ALL:
        return True
    org = getattr(principal, "organization", None)
    if pol.scope == Scope.NONE or org is None:
        return False
    if pol.scope == Scope.REGION:
        return region is not None and region.path.startswith(org.region.path)
    return parent is not None and parent.path.startswith(org.path)


def require_placement(principal: Any, perm: str, region: Any, parent: Any = None) -> None:
    if not can(principal, perm):
        raise PermissionDenied()
    if not reaches_placement(principal, region, parent):
        raise PermissionDenied("目标区划或单位不在您的管辖范围内", "The target region or organization is outside your scope")


def may_check_scene(principal: Any, scene: Any) -> bool:
    """Whether the principal may ask screening checks in `scene` (a sanctions.Scene).

    An API key asks only in the scenes granted to it one by one (`ApiKey.scenes`: a tendering platform
    checks bidders, not candidates for promotion); a console user in the scenes whose `roles` list theirs;
    an all-scope principal (administrator, the command line) in every scene.
    """
    if not can(principal, Perm.CHECKS_RUN):
        return False
    granted = getattr(principal, "scenes", None)
    if granted is not None:
        return scene.code in granted
    return policy(principal).scope == Scope.ALL or getattr(principal, "role", None) in scene.roles


def roles_with(perm: str) -> Iterable[str]:
    return [role for role, pol in ROLE_POLICIES.items() if perm in pol.perms]
