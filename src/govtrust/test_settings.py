"""Test settings: fixed, throw-away keys so that the suite needs no environment set-up."""

import os

os.environ.setdefault("GOVTRUST_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("GOVTRUST_FIELD_KEY", "test-field-key-not-for-production-0123456789abcdef")

from govtrust.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# What tests write as files (evidence, uploads waiting for the worker, job progress) goes to a scratch folder,
# never into the checkout's var/.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

_SCRATCH = Path(tempfile.mkdtemp(prefix="govtrust-tests-"))
MEDIA_ROOT = _SCRATCH / "media"
IMPORT_UPLOADS_DIR = _SCRATCH / "uploads"
JOBS_DIR = _SCRATCH / "jobs"
