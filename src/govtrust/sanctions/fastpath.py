"""The screening check's short way through the web stack: `POST /api/v1/checks` from another system.

A check is the request other systems send most (every bidder of every tender, every appointment), and under
load Django's middleware, the URL resolver's walk over the API's routes and ninja's request handling cost
about as much as the check itself (docs/benchmarks.md). This middleware sits right after SecurityMiddleware and
answers such a request itself — with the pieces the ninja route uses: the key's authentication
(`accounts.auth.authenticate_key`), the body's schema (`api.CheckIn`), the answer (`api.answer_check`) and the
one error shape (`govtrust.api`). So the answer, its errors and the check log are the same either way, and a
test holds the two ways to the same answers.

Only a request whose API key authenticates is answered here. Anything else — the console's session (with its
CSRF check), a missing or bad key, another path or method — goes down the full stack unchanged, where the
ninja route also documents the endpoint in the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson
from django.http import HttpRequest, HttpResponse
from pydantic import ValidationError

from govtrust.accounts.auth import authenticate_key
from govtrust.accounts.models import ApiKey
from govtrust.api import error_response, http_error, request_invalid
from govtrust.core.context import acting
from govtrust.core.errors import ServiceError
from govtrust.core.middleware import request_id_of

from .api import CheckIn, answer_check

CHECK_PATH = "/api/v1/checks"
# What ninja answers for a body that is not JSON; kept word for word so that both ways say the same.
UNPARSABLE = "Cannot parse request body"


class CheckFastPath:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.path_info != CHECK_PATH:
            return self.get_response(request)
        raw = request.META.get("HTTP_AUTHORIZATION") or request.META.get("HTTP_X_API_KEY")
        key = authenticate_key(raw) if raw else None
        if key is None:
            return self.get_response(request)
        request_id = request_id_of(request)
        with acting(user=key, actor_label=key.asker_label, request_id=request_id, channel="api"):
            response = self._answer(request, key)
        response["X-Request-Id"] = request_id
        response["Content-Length"] = str(len(response.content))  # what CommonMiddleware adds on the full way
        return response

    @staticmethod
    def _answer(request: HttpRequest, key: ApiKey) -> HttpResponse:
        try:
            try:
                body = orjson.loads(request.body)
            except orjson.JSONDecodeError:
                raise http_error(400, UNPARSABLE) from None
            return answer_check(key, CheckIn.model_validate(body))
        except ValidationError as exc:
            return error_response(request, request_invalid(list(exc.errors())))
        except ServiceError as exc:
            return error_response(request, exc)
