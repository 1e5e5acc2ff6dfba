"""Password hashing (Argon2id via argon2-cffi) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from core.errors import ValidationFailed

MIN_LENGTH = 12
MAX_LENGTH = 256

_STRONG = PasswordHasher()  # argon2-cffi's RFC 9106 low-memory profile
#: test suites create hundreds of users; honoured only when TESTING is on
_CHEAP = PasswordHasher.from_parameters(profiles.CHEAPEST)
#: verified against when the e-mail is unknown, so both failures take the same time
_DUMMY_HASH = _STRONG.hash("duebridge-timing-equaliser")


def _hasher() -> PasswordHasher:
    if (
        has_app_context()
        and current_app.config.get("TESTING")
        and current_app.config.get("CHEAP_PASSWORD_HASHING")
    ):
        return _CHEAP
    return _STRONG


def hash_password(password: str) -> str:
    """Check the policy and return an Argon2id hash."""
    check_policy(password)
    return _hasher().hash(password)


def check_policy(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise ValidationFailed(
            "Password too short.",
            details={"password": [f"Use at least {MIN_LENGTH} characters."]},
        )
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(
            "Password too long.", details={"password": [f"Use at most {MAX_LENGTH} characters."]}
        )


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-effort check; an unknown user is checked against a dummy hash."""
    try:
        return (
            _hasher().verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
