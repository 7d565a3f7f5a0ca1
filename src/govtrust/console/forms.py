"""Console forms: Django forms parse and label the input; the service functions decide what is valid.

A form that the service refused carries the ServiceError: its field errors are shown next to their
fields (Chinese, with the English message in smaller text) and everything else above the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from govtrust.core.errors import FieldError, ServiceError

REASON_HELP = _("将记入审计日志")


class ServiceForm(forms.Form):
    """A form that can show a ServiceError; every console change form asks for a reason."""

    service_error: ServiceError | None = None

    def show_service_error(self, err: ServiceError) -> None:
        self.service_error = err

    def service_errors_for(self, name: str) -> list[FieldError]:
        """The errors about field `name`, including its parts ("days.3.kind" belongs to "days")."""
        if not self.service_error:
            return []
        return [e for e in self.service_error.errors if _form_field(e) == name]

    @property
    def unplaced_service_errors(self) -> list[FieldError]:
        """Field errors that name no field of this form (e.g. a rule about two fields at once)."""
        if not self.service_error:
            return []
        return [e for e in self.service_error.errors if _form_field(e) not in self.fields]


class ActionForm(ServiceForm):
    """One of several action forms on a detail page: `prefix_id` keeps their field ids apart (explain_text,
    submit_text …) so labels and browser tests find the right one."""

    prefix_id = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if self.prefix_id:
            kwargs.setdefault("auto_id", f"{self.prefix_id}_%s")
        super().__init__(*args, **kwargs)


def _form_field(error: FieldError) -> str:
    return error.field.split(".", 1)[0]


def reason_field(label: Any = None) -> forms.CharField:
    """The 变更理由 every console change needs; required here already so the browser says so early."""
    return forms.CharField(
        label=label or _("变更理由"), help_text=REASON_HELP, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
