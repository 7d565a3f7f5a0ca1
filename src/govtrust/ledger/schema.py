"""The category-specific fields a record carries: a small schema in the catalog, checked at intake.

A field spec is `{name, label, label_en, type, required, choices, max_length}` with type one of text,
date, money, integer, choice. Values arrive as text (from files, JSON or forms) and are stored as JSON:
dates as ISO strings, money as a decimal string with two places (never a float), integers as numbers,
choices as their code. Errors name the field by its Chinese label, as the template's header shows it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from govtrust.core.errors import FieldError

FIELD_TYPES = ("text", "date", "money", "integer", "choice")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"\d{8}")
_MONEY = re.compile(r"-?\d+(\.\d{1,2})?")


def parse_date(text: str) -> dt.date | None:
    """2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305 → a date; None when it is not one.

    `fromisoformat` first: it is the common case and about ten times faster than the regular expression.
    """
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _parse_other(text)
    except ValueError:
        return _parse_other(text)


def _parse_other(text: str) -> dt.date | None:
    if _COMPACT_DATE.fullmatch(text):
        y, m, d = int(text[:4]), int(text[4:6]), int(text[6:])
    else:
        match = _DATE.fullmatch(text.strip())
        if not match:
            return None
        y, m, d = (int(g) for g in match.groups())
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_money(text: str) -> str | None:
    """'1,234.5' or '1234.50元' → '1234.50'; None when it is not an amount (no floats on the way)."""
    cleaned = text.replace(",", "").replace("，", "").removesuffix("元").strip()
    if not _MONEY.fullmatch(cleaned):
        return None
    try:
        return str(Decimal(cleaned).quantize(Decimal("0.01")))
    except InvalidOperation:
        return None


def choice_codes(spec: dict[str, Any]) -> dict[str, str]:
    """A choice field's accepted texts (its codes and its labels) → the code stored."""
    choices = spec.get("choices", [])
    return {code: code for code, _ in choices} | {label: code for code, label in choices}


def check_value(spec: dict[str, Any], text: str,
                codes: dict[str, str] | None = None) -> tuple[Any, tuple[str, str] | None]:
    """One field's value as stored, or the reason (Chinese, English) it is refused. `codes`: the field's
    `choice_codes`, when the caller checks many rows against the same field."""
    kind = spec["type"]
    if kind == "text":
        limit = spec.get("max_length") or 500
        return (text, None) if len(text) <= limit else (None, (f"不能超过{limit}个字", f"at most {limit} characters"))
    if kind == "date":
        day = parse_date(text)
        return (day.isoformat(), None) if day else (None, (f"“{text}”不是有效日期（如2026-03-05）",
                                                           f"{text!r} is not a valid date (e.g. 2026-03-05)"))
    if kind == "money":
        amount = parse_money(text)
        return (amount, None) if amount else (None, (f"“{text}”不是有效金额（如12345.67）",
                                                     f"{text!r} is not a valid amount (e.g. 12345.67)"))
    if kind == "integer":
        return (int(text), None) if re.fullmatch(r"-?\d{1,12}", text) else (
            None, (f"“{text}”不是整数", f"{text!r} is not a whole number"))
    if codes is None:
        codes = choice_codes(spec)
    if text in codes:
        return codes[text], None
    labels = "、".join(label for _, label in spec.get("choices", []))
    return None, (f"“{text}”不是有效的取值，可选：{labels}", f"{text!r} is not one of the allowed values: {labels}")


def check_fields(specs: list[dict[str, Any]], raw: dict[str, str], row: int | None = None,
                 label: Any = None) -> tuple[dict[str, Any], list[FieldError]]:
    """All of a category's fields from `raw` (field name → text): the stored values and the errors.

    `label(spec)` gives the name an error uses (the user's header); by default the spec's Chinese label.
    """
    data: dict[str, Any] = {}
    errors: list[FieldError] = []
    for spec in specs:
        name = label(spec) if label else spec["label"]
        text = (raw.get(spec["name"]) or "").strip()
        if not text:
            if spec.get("required"):
                errors.append(FieldError(name, "该类别必填", "is required for this category", row=row))
            continue
        value, problem = check_value(spec, text)
        if problem:
            errors.append(FieldError(name, problem[0], problem[1], row=row))
        else:
            data[spec["name"]] = value
    return data, errors


def check_spec(specs: Any) -> list[FieldError]:
    """Whether a catalog edit's field list is itself well formed (names unique, types known, choices given)."""
    errors: list[FieldError] = []
    if not isinstance(specs, list):
        return [FieldError("fields", "应为字段列表", "must be a list of field specifications")]
    seen: set[str] = set()
    for i, spec in enumerate(specs):
        where = f"fields.{i}"
        if not isinstance(spec, dict) or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", str(spec.get("name", ""))):
            errors.append(FieldError(f"{where}.name", "字段名应为小写英文、数字和下划线",
                                     "name must be lower-case letters, digits and underscores"))
            continue
        if spec["name"] in seen:
            errors.append(FieldError(f"{where}.name", "字段名重复", "duplicate field name"))
        seen.add(spec["name"])
        if spec.get("type") not in FIELD_TYPES:
            errors.append(FieldError(f"{where}.type", f"类型应为{'、'.join(FIELD_TYPES)}之一",
                                     f"type must be one of {', '.join(FIELD_TYPES)}"))
        if not str(spec.get("label", "")).strip():
            errors.append(FieldError(f"{where}.label", "缺少中文名称", "label is required"))
        if spec.get("type") == "choice" and not spec.get("choices"):
            errors.append(FieldError(f"{where}.choices", "选项字段必须列出可选值", "a choice field needs its choices"))
    return errors
