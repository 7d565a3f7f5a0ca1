"""Refused import rows, kept for the uploader to download for a short while.

The rows may hold resident IDs, so they are stored encrypted (core.crypto) in a file under
VAR_DIR/import-rejects named by a random token, and only the session that uploaded the file knows
the token. Files older than KEEP_FOR are removed whenever another is written or one is fetched: the
rejects are a working copy for fixing a file, not a record (the audit trail is the record).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

from govtrust.core import crypto
from govtrust.intake import services as intake
from govtrust.intake.services import ImportResult

KEEP_FOR = 3600  # seconds
SESSION_KEY = "console_import_rejects"


def _folder() -> Path:
    return Path(settings.VAR_DIR) / "import-rejects"


def _purge() -> None:
    cutoff = time.time() - KEEP_FOR
    for path in _folder().glob("*.enc"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def keep(request: HttpRequest, result: ImportResult) -> str:
    """Store the refused rows of `result` in both formats; returns the token to download them with."""
    _folder().mkdir(parents=True, exist_ok=True)
    _purge()
    token = secrets.token_urlsafe(16)
    files = {fmt: base64.b64encode(intake.rejects_file(result, fmt)).decode() for fmt in intake.FORMATS}
    payload = json.dumps({"dataset": result.dataset, "files": files})
    (_folder() / f"{token}.enc").write_text(crypto.encrypt(payload))
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], token]
    return token


def fetch(request: HttpRequest, token: str, fmt: str) -> tuple[str, bytes] | None:
    """(dataset name, file content) for a token this session holds and that has not expired, else None."""
    _purge()
    path = _folder() / f"{token}.enc"
    if token not in request.session.get(SESSION_KEY, []) or fmt not in intake.FORMATS or not path.exists():
        return None
    payload = json.loads(crypto.decrypt(path.read_text()))
    return payload["dataset"], base64.b64decode(payload["files"][fmt])
