"""The access layer: who may do what, to which objects. Decided here and nowhere else.

A principal is a console user or an API key: anything with `.role` and `.organization`. Each role has
a scope and a set of permissions (ROLE_POLICIES). Scoped models declare where they sit in the tree:

    scope_region_field = "organization__region__path"   # lookup to a Region.path
    scope_org_field = "organization__path"               # lookup to an Organization.path
                                                         # (a tuple of lookups: any of them)

A REGION-scoped principal sees objects whose region path lies under its organization's region; an
ORGANIZATION-scoped principal sees objects under its own organization; ALL sees everything; NONE sees
nothing. Views, API endpoints and CLI commands call `restrict`, `get_visible` and `require`; tests in
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


@dataclass(frozen=True)
class RolePolicy:
    scope: str
    perms: frozenset[str]


def _p(*perms: str) -> frozenset[str]:
    return frozenset(perms)


_STAFF = (Perm.CONSOLE, Perm.SUBJECTS_VIEW, Perm.LEDGER_VIEW, Perm.PUBLICITY_VIEW)

# 三员分立: the administrator manages the platform but does not read the audit trail; the security
# auditor reads the audit trail and nothing else.
ROLE_POLICIES: dict[str, RolePolicy] = {
    Role.ADMIN: RolePolicy(Scope.ALL, _p(*_STAFF, Perm.SUBJECTS_CHANGE, Perm.CIVIL_SERVANTS_CHANGE,
                                         Perm.CALENDAR_CHANGE, Perm.APIKEYS_MANAGE, Perm.USERS_MANAGE, Perm.IMPORT,
                                         Perm.LEDGER_CHANGE, Perm.CATALOG_CHANGE, Perm.PUBLICITY_CHANGE,
                                         Perm.PUBLICITY_SUBMIT, Perm.COMMITMENTS_VIEW, Perm.COMMITMENTS_SUBMIT,
                                         Perm.COMMITMENTS_REVIEW, Perm.RECTIFICATION_VIEW, Perm.RECTIFICATION_ACT,
                                         Perm.RECTIFICATION_REVIEW, Perm.CHECKS_RUN, Perm.CHECKS_VIEW,
                                         Perm.MEASURES_CHANGE, Perm.LISTINGS_SUBMIT)),
    Role.CREDIT_OFFICE: RolePolicy(Scope.REGION, _p(*_STAFF, Perm.SUBJECTS_CHANGE, Perm.CIVIL_SERVANTS_CHANGE,
                                                    Perm.CALENDAR_CHANGE, Perm.APIKEYS_MANAGE, Perm.IMPORT,
                                                    Perm.LEDGER_CHANGE, Perm.CATALOG_CHANGE,
                                                    Perm.PUBLICITY_CHANGE, Perm.PUBLICITY_SUBMIT,
                                                    Perm.COMMITMENTS_VIEW, Perm.COMMITMENTS_SUBMIT,
                                                    Perm.COMMITMENTS_REVIEW, Perm.RECTIFICATION_VIEW,
                                                    Perm.RECTIFICATION_REVIEW, Perm.CHECKS_RUN, Perm.CHECKS_VIEW,
                                                    Perm.MEASURES_CHANGE, Perm.LISTINGS_SUBMIT)),
    Role.DEPARTMENT: RolePolicy(Scope.ORGANIZATION, _p(*_STAFF, Perm.IMPORT, Perm.PUBLICITY_SUBMIT,
                                                       Perm.COMMITMENTS_VIEW, Perm.COMMITMENTS_SUBMIT,
                                                       Perm.RECTIFICATION_VIEW, Perm.RECTIFICATION_ACT,
                                                       Perm.CHECKS_RUN, Perm.CHECKS_VIEW, Perm.LISTINGS_SUBMIT)),
    Role.ORGANIZATION_DEPT: RolePolicy(Scope.REGION, _p(*_STAFF, Perm.CIVIL_SERVANTS_CHANGE, Perm.PERSONAL_UNMASK,
                                                        Perm.IMPORT, Perm.COMMITMENTS_VIEW, Perm.RECTIFICATION_VIEW,
                                                        Perm.CHECKS_RUN, Perm.CHECKS_VIEW)),
    Role.DISCIPLINE: RolePolicy(Scope.REGION, _p(*_STAFF, Perm.PERSONAL_UNMASK, Perm.IMPORT, Perm.COMMITMENTS_VIEW,
                                                 Perm.RECTIFICATION_VIEW, Perm.CHECKS_RUN, Perm.CHECKS_VIEW)),
    Role.EVALUATED_BODY: RolePolicy(Scope.ORGANIZATION, _p(*_STAFF, Perm.COMMITMENTS_VIEW, Perm.COMMITMENTS_SUBMIT,
                                                           Perm.RECTIFICATION_VIEW, Perm.RECTIFICATION_ACT)),
    Role.ASSESSOR: RolePolicy(Scope.REGION, _p(*_STAFF, Perm.COMMITMENTS_VIEW, Perm.RECTIFICATION_VIEW)),
    Role.AUDITOR: RolePolicy(Scope.ALL, _p(Perm.CONSOLE, Perm.AUDIT_VIEW)),
    Role.SYSTEM: RolePolicy(Scope.REGION, _p(Perm.SUBJECTS_VIEW, Perm.LEDGER_VIEW, Perm.PUBLICITY_VIEW, Perm.IMPORT,
                                             Perm.PUBLICITY_SUBMIT, Perm.COMMITMENTS_VIEW, Perm.RECTIFICATION_VIEW,
                                             Perm.CHECKS_RUN, Perm.CHECKS_VIEW, Perm.LISTINGS_SUBMIT)),
    Role.PUBLIC: RolePolicy(Scope.NONE, _p()),
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
    """The Q that limits `model` to the principal's scope; None means no limit; raises on no access."""
    pol = policy(principal)
    if pol.scope == Scope.ALL:
        return None
    if getattr(model, "scope_global", False):
        return None if pol.scope != Scope.NONE else Q(pk__in=[])
    org = getattr(principal, "organization", None)
    if pol.scope == Scope.NONE or org is None:
        return Q(pk__in=[])
    if pol.scope == Scope.REGION:
        return _any_under(getattr(model, "scope_region_field", None), org.region.path)
    return _any_under(getattr(model, "scope_org_field", None), org.path)


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
