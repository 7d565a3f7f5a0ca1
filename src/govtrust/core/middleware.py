"""Sets the action context (user, request id, channel) for every web request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import acting, actor_label_for, new_request_id


def request_id_of(request: HttpRequest) -> str:
    """The caller's X-Request-Id (so that its logs and ours meet), else a new one."""
    return request.headers.get("X-Request-Id", "")[:64] or new_request_id()


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_of(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        channel = "api" if request.path.startswith("/api/") else (
            "console" if request.path.startswith("/console/") else "portal"
        )
        user = getattr(request, "user", None)
        with acting(
            user=user if user is not None and user.is_authenticated else None,
            actor_label=actor_label_for(user),
            request_id=request_id,
            channel=channel,
        ):
            response = self.get_response(request)
        response["X-Request-Id"] = request_id
        return response
