"""Uploaded files for commitments' evidence and rectification reports: one check, one way to read.

`check_file` refuses a file by type (whitelist), size (limit) and content (the type's leading bytes);
`read_checked` reads an upload whole, checks it and returns what the models store; `store` saves checked
files as attachments of a case (complaints, objections, repairs), audited. Nothing is stored when a file
is refused, and a failure half-way removes the files already written. The limits are settings (COMMITMENT_EVIDENCE_TYPES, COMMITMENT_EVIDENCE_MAX_BYTES).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from govtrust.core import audit
from govtrust.core.context import current
from govtrust.core.errors import FieldError, invalid

# What a file of each accepted type starts with (docx and xlsx are zip containers).
MAGIC = {"pdf": (b"%PDF",), "png": (b"\x89PNG",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
         "docx": (b"PK\x03\x04",), "xlsx": (b"PK\x03\x04",)}


@dataclass(frozen=True)
class Checked:
    name: str  # the original file name, without any directory
    extension: str
    data: bytes
    sha256: str


def check_file(name: str, size: int, head: bytes) -> tuple[str, list[FieldError]]:
    """The file's extension and the errors that refuse it (type whitelist, size limit, content)."""
    allowed = tuple(settings.COMMITMENT_EVIDENCE_TYPES)
    limit = settings.COMMITMENT_EVIDENCE_MAX_BYTES
    ext = PurePath(name or "").suffix.lower().lstrip(".")
    if ext not in allowed:
        return ext, [FieldError("file", f"文件类型“{ext or '无'}”不允许，仅限：{'、'.join(allowed)}",
                                f"file type {ext!r} is not allowed (only {', '.join(allowed)})")]
    if size <= 0:
        return ext, [FieldError("file", "文件为空", "the file is empty")]
    if size > limit:
        return ext, [FieldError("file", f"文件过大（{size / 1048576:.1f} MB），不得超过{limit / 1048576:.0f} MB",
                                f"the file is too large ({size} bytes; at most {limit})")]
    if not head.startswith(MAGIC.get(ext, (b"",))):
        return ext, [FieldError("file", f"文件内容与类型“{ext}”不符", f"the content is not a {ext} file")]
    return ext, []


def read_checked(file: Any) -> Checked:
    """Read an uploaded file and check it; raises the service's invalid error when refused."""
    name = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if size is not None and size > settings.COMMITMENT_EVIDENCE_MAX_BYTES:  # refuse before reading it whole
        _, errors = check_file(name, size, b"")
        if errors:
            raise invalid(errors)
    data = b"".join(file.chunks()) if hasattr(file, "chunks") else file.read()
    ext, errors = check_file(name, len(data) if size is None else size, data[:8])
    if errors:
        raise invalid(errors)
    return Checked(PurePath(name).name[:200], ext, data, hashlib.sha256(data).hexdigest())


def store(files: list[Checked], build: Callable[..., Any], label: str, owner: str) -> list[Any]:
    """Save checked files as attachments: `build(**stored fields)` makes the unsaved model (a StoredFile
    with a `file` field); each is audited naming `owner` (the case's serial) and the kind `label`."""
    written: list[tuple[Any, str]] = []  # (storage, name) of each file written, to remove on failure
    saved = []
    try:
        for f in files:
            attachment = build(original_name=f.name, extension=f.extension, size=len(f.data), sha256=f.sha256,
                               uploaded_by=current().actor_label, uploaded_at=timezone.now())
            attachment.file.save(f"{f.sha256[:20]}.{f.extension}", ContentFile(f.data), save=False)
            written.append((attachment.file.storage, attachment.file.name))
            attachment.save()
            saved.append(attachment)
            audit.record("attach", attachment, after={"case": owner, "sha256": f.sha256, "size": len(f.data),
                                                      "name": f.name}, reason=f"{label}附件：{f.name}")
    except Exception:
        for storage, name in written:
            storage.delete(name)
        raise
    return saved
