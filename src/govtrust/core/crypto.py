"""Field encryption and keyed lookup hashes for personal identifiers.

Resident IDs are stored as AES-GCM ciphertext (random nonce per value) so a database copy reveals
nothing; equality lookups go through an HMAC of the normalized value, which an attacker without
FIELD_KEY cannot compute even for the small space of valid IDs. Both keys are derived from
settings.FIELD_KEY with HKDF so one secret is configured. Ciphertexts carry a version prefix so the
key can be rotated later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_VERSION = "v1"


@lru_cache(maxsize=8)
def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"govtrust", info=purpose).derive(secret.encode())


def _enc_key() -> bytes:
    return _derive(settings.FIELD_KEY, b"field-encryption")


def _hash_key() -> bytes:
    return _derive(settings.FIELD_KEY, b"lookup-hash")


def derived_key(purpose: str) -> bytes:
    """A 32-byte key for another purpose (e.g. the audit chain), derived from SECRET_KEY."""
    return _derive(settings.SECRET_KEY, purpose.encode())


def encrypt(plaintext: str) -> str:
    nonce = os.urandom(12)
    ct = AESGCM(_enc_key()).encrypt(nonce, plaintext.encode(), _VERSION.encode())
    return f"{_VERSION}:{base64.b64encode(nonce + ct).decode()}"


def decrypt(token: str) -> str:
    version, _, payload = token.partition(":")
    if version != _VERSION:
        raise ValueError(f"unknown ciphertext version {version!r}")
    raw = base64.b64decode(payload)
    return AESGCM(_enc_key()).decrypt(raw[:12], raw[12:], version.encode()).decode()


def lookup_hash(value: str) -> str:
    """Keyed hash for equality lookups of a normalized identifier."""
    return hmac.new(_hash_key(), value.encode(), hashlib.sha256).hexdigest()
