"""Secrets: Argon2 password hashes, API tokens and their digests, CSRF and session tokens.

Argon2 (argon2-cffi, extra `web`) is imported when a password is hashed or checked, so
the CLI's other commands never need it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from mllens.errors import InputError

TOKEN_PREFIX = "mll_"  # lets secret scanners and people recognise an mllens token
MIN_PASSWORD = 8


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ModuleNotFoundError:
        raise InputError(
            "passwords need the argon2-cffi package: install mllens with the web extra "
            "(pip install 'mllens[web]')"
        ) from None
    return PasswordHasher()


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"expected at least {MIN_PASSWORD} characters, got {len(password)}", field="password")
    return password


def hash_password(password: str) -> str:
    """The Argon2id hash of a password of at least MIN_PASSWORD characters."""
    hashed: str = _hasher().hash(check_password(password))
    return hashed


def verify_password(hashed: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(hashed, password))
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A new API token: the prefix and 256 random bits, URL-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the store keeps of a token (hex SHA-256)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two secrets."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
