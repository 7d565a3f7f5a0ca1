"""The refused rows of a console upload: stored by intake, downloadable only by the uploading session."""

from __future__ import annotations

from django.http import HttpRequest

from govtrust.intake import rejected_rows
from govtrust.intake.services import ImportResult

SESSION_KEY = "console_import_rejects"


def keep(request: HttpRequest, result: ImportResult) -> str:
    token = rejected_rows.store(result)
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], token]
    return token


def fetch(request: HttpRequest, token: str, fmt: str) -> tuple[str, bytes] | None:
    if token not in request.session.get(SESSION_KEY, []):
        return None
    return rejected_rows.load(token, fmt)
