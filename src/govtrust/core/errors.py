"""One error type for the whole platform: a code, a message in Chinese and English, and field errors.

Service functions raise ServiceError; the API, the console and the CLI render the same object, so a
user sees the same reason whichever door they came through. A field error may name a row (imports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str  # Chinese
    message_en: str
    row: int | None = None
    value: Any = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "message": self.message, "message_en": self.message_en}
        if self.row is not None:
            data["row"] = self.row
        return data

    def __str__(self) -> str:
        where = f"第{self.row}行 " if self.row is not None else ""
        row_en = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.message} ({row_en}{self.field}: {self.message_en})"


@dataclass
class ServiceError(Exception):
    """A refusal that the user can act on. `status` is the HTTP status the API answers with."""

    code: str
    message: str
    message_en: str
    errors: list[FieldError] = field(default_factory=list)
    status: int = 400

    def __post_init__(self) -> None:
        super().__init__(self.message_en)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
            "errors": [e.as_dict() for e in self.errors],
        }

    def __str__(self) -> str:
        lines = [f"{self.message} / {self.message_en}"]
        lines += [f"  - {e}" for e in self.errors]
        return "\n".join(lines)


def invalid(errors: list[FieldError], message: str = "输入有误", message_en: str = "Invalid input") -> ServiceError:
    return ServiceError("invalid", message, message_en, errors=errors, status=400)


def field_error(field_name: str, message: str, message_en: str, row: int | None = None) -> ServiceError:
    return invalid([FieldError(field_name, message, message_en, row=row)])


class NotFound(ServiceError):
    def __init__(self, what: str = "对象", what_en: str = "object"):
        super().__init__("not_found", f"{what}不存在或无权访问", f"{what_en} not found or not accessible", status=404)


class PermissionDenied(ServiceError):
    def __init__(self, message: str = "无权执行此操作", message_en: str = "You are not allowed to do this"):
        super().__init__("forbidden", message, message_en, status=403)


class Conflict(ServiceError):
    def __init__(self, message: str, message_en: str, errors: list[FieldError] | None = None):
        super().__init__("conflict", message, message_en, errors=errors or [], status=409)
