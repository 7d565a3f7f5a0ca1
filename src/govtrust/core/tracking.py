"""Tracking codes for the public (查询码): a serial number and an extraction code that only its holder knows.

Complaints, objections and credit-repair applications filed on the portal are followed by the filer with
the serial and a short code shown once. `reveal_filer` is the one audited way to read a filer's name and
contact unmasked. Only a keyed hash of (namespace, serial, code) is stored, so the
code cannot be read back. `find` answers and works the same whether the serial exists or not, so a wrong
code tells nothing about the case. Names and contacts of filers are kept encrypted elsewhere; the masks
here are what lists show.
"""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata
from typing import Any, TypeVar

from django.db import models

from . import access, audit, crypto
from .errors import FieldError, invalid

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
CODE_LENGTH = 6
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(-\d{1,6})?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

M = TypeVar("M", bound=models.Model)


def fold(text: str) -> str:
    """What a person types, as stored: full-width folded, trimmed, upper case."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_hash(namespace: str, serial: str, code: str) -> str:
    return crypto.lookup_hash(f"{namespace}:{serial}:{code}")


def find(queryset: models.QuerySet[M], namespace: str, serial: str, code: str) -> M | None:
    """The object of `queryset` with this serial whose stored `code_hash` matches the code; None otherwise."""
    serial, code = fold(serial)[:20], fold(code)[:16]
    found: Any = queryset.filter(serial=serial).first() if serial else None
    expected = found.code_hash if found else crypto.lookup_hash(f"{namespace}:none")
    ok = hmac.compare_digest(code_hash(namespace, serial, code), expected)
    return found if ok and found is not None else None


def mask_name(name: str) -> str:
    """`张三丰` → `张**`: the surname only."""
    name = (name or "").strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_contact(contact: str) -> str:
    """`13812345678` → `138****5678`; `zhang@example.cn` → `z***@example.cn`; else the ends only."""
    c = (contact or "").strip()
    if _MOBILE.fullmatch(c):
        return c[:3] + "****" + c[-4:]
    if "@" in c:
        local, _, domain = c.partition("@")
        return local[:1] + "***@" + domain
    return c[:3] + "*" * max(len(c) - 5, 1) + c[-2:] if len(c) > 5 else "*" * len(c)


def valid_contact(contact: str) -> bool:
    """A mobile number, a landline (with area code) or an e-mail address."""
    c = (contact or "").strip()
    return bool(_MOBILE.fullmatch(c) or _LANDLINE.fullmatch(c) or _EMAIL.fullmatch(c))


def reveal_filer(principal: Any, obj: models.Model, perm: str, *, purpose: str) -> dict[str, str]:
    """A filer's name and contact (`name_encrypted`, `contact_encrypted`) for a stated purpose; the read is
    audited in the chain, like every unmasked read of personal data."""
    if not (purpose or "").strip():
        raise invalid([FieldError("purpose", "查看身份和联系方式须说明用途", "a purpose is required")])
    access.require(principal, perm, obj)
    name, contact = getattr(obj, "name_encrypted", ""), getattr(obj, "contact_encrypted", "")
    out = {"name": crypto.decrypt(name) if name else "", "contact": crypto.decrypt(contact) if contact else ""}
    audit.record("read_unmasked", obj, after={"fields": ["name", "contact"]}, reason=purpose.strip())
    return out
