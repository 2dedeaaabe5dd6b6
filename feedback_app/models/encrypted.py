"""Application-layer encryption of children's free text (security-privacy requirement 17).

AES-256-GCM with a random 96-bit nonce per value; the key comes from FIELD_ENCRYPTION_KEY
(base64, 32 bytes). A database dump therefore never contains the words a child wrote.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator

_VERSION = b"\x01"  # lets a later key rotation tell old ciphertexts from new ones
_key_cache: dict[str, AESGCM] = {}


def _cipher() -> AESGCM:
    from flask import current_app

    raw = str(current_app.config["FIELD_ENCRYPTION_KEY"])
    cipher = _key_cache.get(raw)
    if cipher is None:
        try:
            key = base64.b64decode(raw, validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            # Accept any passphrase too, stretched to 32 bytes, so a mis-encoded key still encrypts.
            key = hashlib.sha256(raw.encode()).digest()
        cipher = _key_cache[raw] = AESGCM(key)
    return cipher


def encrypt_text(plain: str) -> bytes:
    """Encrypt ``plain`` to version byte + nonce + ciphertext."""
    nonce = os.urandom(12)
    return _VERSION + nonce + _cipher().encrypt(nonce, plain.encode("utf-8"), None)


def decrypt_text(blob: bytes) -> str:
    """Reverse of encrypt_text; raises if the data was tampered with."""
    if blob[:1] != _VERSION:
        raise ValueError("Unknown ciphertext version")
    return _cipher().decrypt(blob[1:13], blob[13:], None).decode("utf-8")


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted; Python code sees plain ``str``."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> bytes | None:
        return None if value is None else encrypt_text(str(value))

    def process_result_value(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else decrypt_text(bytes(value))
