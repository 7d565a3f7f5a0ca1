"""Refused import rows, kept for the uploader to download for a while.

The rows may hold resident IDs, so they are stored encrypted (core.crypto) in a file under
VAR_DIR/import-rejects named by a random token; only who holds the token (the console session that
uploaded the file, or the background job that ran it) can ask for them. Files older than KEEP_FOR are
removed whenever another is written or one is fetched: the rejects are a working copy for fixing a
file, not a record (the audit trail is the record).
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from pathlib import Path

from django.conf import settings

from govtrust.core import crypto

from . import services
from .services import ImportResult

KEEP_FOR = 24 * 3600  # seconds: a background import's user may come back to it later in the day


def _folder() -> Path:
    return Path(settings.VAR_DIR) / "import-rejects"


def _purge() -> None:
    cutoff = time.time() - KEEP_FOR
    for path in _folder().glob("*.enc"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def store(result: ImportResult) -> str:
    """Store the refused rows of `result` in both formats; returns the token to fetch them with."""
    _folder().mkdir(parents=True, exist_ok=True)
    _purge()
    token = secrets.token_urlsafe(16)
    files = {fmt: base64.b64encode(services.rejects_file(result, fmt)).decode() for fmt in services.FORMATS}
    payload = json.dumps({"dataset": result.dataset, "files": files})
    (_folder() / f"{token}.enc").write_text(crypto.encrypt(payload))
    return token


def load(token: str, fmt: str) -> tuple[str, bytes] | None:
    """(dataset name, file content) for a stored token that has not expired, else None."""
    _purge()
    if fmt not in services.FORMATS or not token.replace("-", "").replace("_", "").isalnum():
        return None
    path = _folder() / f"{token}.enc"
    if not path.exists():
        return None
    payload = json.loads(crypto.decrypt(path.read_text()))
    return payload["dataset"], base64.b64decode(payload["files"][fmt])
