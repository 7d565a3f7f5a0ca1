"""The one versioned REST API, /api/v1/. Each app contributes a router from its own api.py.

Authentication: an API key (`Authorization: Bearer gt_…` or `X-API-Key`) for other systems, or the
console session (with CSRF) for staff. Errors always have the same shape (code, message in Chinese
and English, field errors), produced from ServiceError here and nowhere else.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from govtrust.accounts.auth import ApiKeyAuth, SessionAuth
from govtrust.core.errors import FieldError, ServiceError


class ChineseJSONRenderer(JSONRenderer):
    """JSON with Chinese as itself, not \\uXXXX escapes."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)


api = NinjaAPI(
    title="govtrust API",
    version="1",
    description="政务诚信平台接口 · government integrity platform API. 错误统一为 {code, message, message_en, errors[]}.",
    renderer=ChineseJSONRenderer(),
    auth=[ApiKeyAuth(), SessionAuth()],
    urls_namespace="api",
)


def error_response(request: HttpRequest, err: ServiceError) -> HttpResponse:
    """The one error shape, for ninja's handlers below and for the check's short path (sanctions.fastpath)."""
    return api.create_response(request, err.as_dict(), status=err.status)


def request_invalid(errors: list[dict[str, Any]]) -> ServiceError:
    """The error for a body that does not fit its schema (pydantic's error list), field by field."""
    fields = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", []) if p not in {"body", "payload", "query", "path"}]
        fields.append(FieldError(".".join(loc) or "body", "格式或取值不正确", e.get("msg", "invalid")))
    return ServiceError("invalid", "请求参数有误", "Invalid request", errors=fields, status=422)


def unauthenticated() -> ServiceError:
    return ServiceError("unauthenticated", "未登录或API密钥无效", "Not authenticated or invalid API key", status=401)


def http_error(status: int, message: str) -> ServiceError:
    return ServiceError("http_error", message, message, status=status)


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return error_response(request, exc)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(request, request_invalid(list(exc.errors)))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, unauthenticated())


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, http_error(exc.status_code, str(exc)))


def _register_routers() -> None:
    from govtrust.accounts.api import router as accounts_router
    from govtrust.commitments.api import router as commitments_router
    from govtrust.commitments.rectification_api import router as rectification_router
    from govtrust.complaints.api import router as complaints_router
    from govtrust.core.api import router as core_router
    from govtrust.evaluation.api import router as evaluation_router
    from govtrust.intake.api import router as intake_router
    from govtrust.jobs.api import router as jobs_router
    from govtrust.ledger.api import router as ledger_router
    from govtrust.monitoring.api import router as monitoring_router
    from govtrust.publicity.api import router as publicity_router
    from govtrust.remedies.api import router as remedies_router
    from govtrust.reports.api import router as reports_router
    from govtrust.sanctions.api import router as sanctions_router
    from govtrust.subjects.api import router as subjects_router
    from govtrust.supervision.api import router as supervision_router

    api.add_router("/", core_router)
    api.add_router("/", accounts_router)
    api.add_router("/", subjects_router)
    api.add_router("/", intake_router)
    api.add_router("/", jobs_router)
    api.add_router("/", ledger_router)
    api.add_router("/", publicity_router)
    api.add_router("/", commitments_router)
    api.add_router("/", rectification_router)
    api.add_router("/", complaints_router)
    api.add_router("/", sanctions_router)
    api.add_router("/", remedies_router)
    api.add_router("/", evaluation_router)
    api.add_router("/", supervision_router)
    api.add_router("/", monitoring_router)
    api.add_router("/", reports_router)


_register_routers()
