"""Template helpers for the console: form rows that show service errors, pretty JSON."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.forms import BoundField

register = template.Library()


@register.inclusion_tag("console/_field.html")
def form_row(field: BoundField) -> dict[str, Any]:
    form = field.form
    errors = form.service_errors_for(field.name) if hasattr(form, "service_errors_for") else []
    return {"field": field, "service_errors": errors}


@register.filter
def pretty_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) if value is not None else ""

