"""Staff users with one role and one home organization, and API keys for other government systems."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from govtrust.core.access import Role


class GovtrustUserManager(UserManager):
    """`govtrust createsuperuser` makes a platform administrator (the role is what grants access)."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):  # type: ignore[no-untyped-def]
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices, default=Role.PUBLIC)
    organization = models.ForeignKey(
        "subjects.Organization",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)

    objects = GovtrustUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    scope_region_field = "organization__region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiKey(models.Model):
    """A per-organization key for a calling system. Only a hash is stored; the key is shown once."""

    organization = models.ForeignKey(
        "subjects.Organization", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="api_keys"
    )
    name = models.CharField(_("系统名称"), max_length=64)
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices, default=Role.SYSTEM)
    # The screening-check scenes (sanctions.Scene codes) this system may ask in; none until granted.
    scenes = models.JSONField(_("比对场景"), default=list, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API密钥")
        verbose_name_plural = _("API密钥")

    scope_region_field = "organization__region__path"
    scope_org_field = "organization__path"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def asker_label(self) -> str:
        """How the audit chain and the check log name this key as the actor."""
        return f"apikey:{self.prefix}"
