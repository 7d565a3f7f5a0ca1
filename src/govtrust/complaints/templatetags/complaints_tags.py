"""Template helpers for the complaint figures: a row's value by a key named in the template, rates as percent."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(row: dict[str, Any], key: str) -> Any:
    return row.get(key, "")


@register.filter
def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"
