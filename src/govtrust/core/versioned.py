"""One way to change a versioned catalog entry (a record category, a measure): the catalogs keep every
version whole, so a change bumps `version`, appends the whole new content and audits the difference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import audit


def save_version(obj: Any, before: dict[str, Any], values: dict[str, Any], *, content_of: Callable[[Any], dict],
                 append_version: Callable[[Any, str], Any], reason: str) -> Any:
    """Apply `values` to `obj` (locked, already validated) as its next version; nothing when nothing changed."""
    if values == before:
        return obj
    for name, value in values.items():
        setattr(obj, name, value)
    obj.version += 1
    obj.save()
    append_version(obj, reason)
    b, a = audit.diff(before, content_of(obj))
    audit.record("update", obj, before=b, after=a | {"version": obj.version}, reason=reason)
    return obj
