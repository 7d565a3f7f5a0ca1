"""Identifier validation API (/api/v1/identifiers): check USCCs or resident IDs in bulk before an import.

Values travel in the body, not the URL, so resident IDs stay out of access logs; they come back masked.
Checking a value reads nothing stored, so any authenticated principal may call it.
"""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from .identifiers import CHECKS, shown

router = Router(tags=["identifiers 代码校验"])


class ValidateIn(Schema):
    kind: Literal["uscc", "resident_id"]
    values: list[str] = Field(..., min_length=1, max_length=1000)


class Result(Schema):
    value: str = Field(..., description="规范化后的值；公民身份号码已脱敏 / normalized; resident IDs masked")
    valid: bool
    reason: str
    reason_en: str
    category: str = Field(..., description="统一社会信用代码的机构类别 / USCC organization category")


class ValidateOut(Schema):
    kind: str
    all_valid: bool
    invalid_count: int
    results: list[Result]


@router.post("/validate", response=ValidateOut)
def validate(request: HttpRequest, payload: ValidateIn) -> dict:
    """逐个校验，结果顺序与输入一致 / check each value; results are in input order."""
    checks = [CHECKS[payload.kind](v) for v in payload.values]
    results = [{"value": shown(payload.kind, c), "valid": c.valid, "reason": c.reason, "reason_en": c.reason_en,
                "category": c.category} for c in checks]
    bad = sum(not c.valid for c in checks)
    return {"kind": payload.kind, "all_valid": bad == 0, "invalid_count": bad, "results": results}
