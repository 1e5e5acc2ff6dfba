"""Configuration read from the environment once, in the factory (never at import time)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: SECRET_KEY values that must never reach production (samples, docs, defaults)
WEAK_SECRETS = frozenset({"", "dev", "secret", "changeme", "change-me", "test", "development"})
MIN_SECRET_LENGTH = 32


def env_bool(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    """Read a boolean: 1/true/yes/on are true, 0/false/no/off are false."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(env: Mapping[str, str], name: str, default: int) -> int:
    """Read an integer, with a clear message when it is not one."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def env_str(env: Mapping[str, str], name: str) -> str | None:
    """Read a string; empty means unset."""
    raw = env.get(name)
    return raw.strip() if raw and raw.strip() else None


def database_url(raw: str | None, instance: Path) -> str:
    """Normalise DATABASE_URL: default SQLite file, postgres:// → psycopg 3 driver."""
    if not raw:
        return f"sqlite:///{instance / 'duebridge.db'}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
    return raw


@dataclass(frozen=True)
class Config:
    """Everything the app reads from the environment. Keys are Flask config names."""

    SECRET_KEY: str | None
    SQLALCHEMY_DATABASE_URI: str
    REDIS_URL: str | None
    #: "production" (strict), "demo" (SQLite demo over plain http) or "development"
    DUEBRIDGE_MODE: str
    DEBUG: bool
    SESSION_COOKIE_SECURE: bool
    MAIL_SERVER: str | None
    MAIL_PORT: int
    MAIL_USE_TLS: bool
    MAIL_USERNAME: str | None
    MAIL_PASSWORD: str | None
    MAIL_DEFAULT_SENDER: str
    MAIL_TIMEOUT: int
    STRIPE_SECRET_KEY: str | None
    STRIPE_WEBHOOK_SECRET: str | None
    STRIPE_API_BASE: str | None
    RATELIMIT_STORAGE_URI: str
    PUBLIC_URL: str
    MAX_CONTENT_LENGTH: int
    #: where uploaded attachments are kept (never under static/); None = <instance>/attachments
    ATTACHMENTS_DIR: str | None
    ATTACHMENT_MAX_BYTES: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        """Build the configuration from `env` (default: os.environ)."""
        env = os.environ if env is None else env
        mode = (env_str(env, "DUEBRIDGE_MODE") or "production").lower()
        if mode not in {"production", "demo", "development"}:
            raise ValueError(f"DUEBRIDGE_MODE must be production, demo or development: {mode!r}")
        debug = env_bool(env, "FLASK_DEBUG")
        instance = Path(env_str(env, "DUEBRIDGE_INSTANCE") or ROOT / "instance")
        redis_url = env_str(env, "REDIS_URL")
        return cls(
            SECRET_KEY=env_str(env, "SECRET_KEY"),
            SQLALCHEMY_DATABASE_URI=database_url(env_str(env, "DATABASE_URL"), instance),
            REDIS_URL=redis_url,
            DUEBRIDGE_MODE=mode,
            DEBUG=debug,
            SESSION_COOKIE_SECURE=env_bool(env, "SESSION_COOKIE_SECURE", mode == "production"),
            MAIL_SERVER=env_str(env, "MAIL_SERVER"),
            MAIL_PORT=env_int(env, "MAIL_PORT", 25),
            MAIL_USE_TLS=env_bool(env, "MAIL_USE_TLS"),
            MAIL_USERNAME=env_str(env, "MAIL_USERNAME"),
            MAIL_PASSWORD=env_str(env, "MAIL_PASSWORD"),
            MAIL_DEFAULT_SENDER=env_str(env, "MAIL_DEFAULT_SENDER")
            or "Duebridge <no-reply@localhost>",
            MAIL_TIMEOUT=env_int(env, "MAIL_TIMEOUT", 10),
            STRIPE_SECRET_KEY=env_str(env, "STRIPE_SECRET_KEY"),
            STRIPE_WEBHOOK_SECRET=env_str(env, "STRIPE_WEBHOOK_SECRET"),
            STRIPE_API_BASE=env_str(env, "STRIPE_API_BASE"),
            RATELIMIT_STORAGE_URI=env_str(env, "RATELIMIT_STORAGE_URI") or redis_url or "memory://",
            PUBLIC_URL=(env_str(env, "PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"),
            MAX_CONTENT_LENGTH=env_int(env, "MAX_CONTENT_LENGTH", 25 * 1024 * 1024),
            ATTACHMENTS_DIR=env_str(env, "ATTACHMENTS_DIR"),
            ATTACHMENT_MAX_BYTES=env_int(env, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
        )

    def as_flask(self) -> dict[str, Any]:
        """The mapping handed to `app.config`."""
        return asdict(self)


#: settings that never come from the environment
STATIC_SETTINGS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "duebridge_session",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # CSRF is checked in a before_request hook so that Bearer-token API calls skip it.
    "WTF_CSRF_CHECK_DEFAULT": False,
    "WTF_CSRF_TIME_LIMIT": 12 * 3600,
    "API_TITLE": "Duebridge API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/api/docs-assets/",
    "INVITATION_TTL_HOURS": 72,
    "LOGIN_FAILURES_PER_ACCOUNT": 10,
    "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
    "LOGIN_RATE_LIMIT": "60 per minute",
    "RATELIMIT_HEADERS_ENABLED": True,
    # multipart parts per request (Flask's default is 1,000): our forms carry a file and a
    # few fields, so a flood of parts is refused with 413 before it is parsed further (T43)
    "MAX_FORM_PARTS": 100,
}


def finalise(config: dict[str, Any]) -> None:
    """Refuse unsafe production settings; give demo/test/debug a usable secret."""
    relaxed = (
        config.get("TESTING") or config.get("DEBUG") or config["DUEBRIDGE_MODE"] != "production"
    )
    secret = config.get("SECRET_KEY") or ""
    if not relaxed and (secret.lower() in WEAK_SECRETS or len(secret) < MIN_SECRET_LENGTH):
        raise RuntimeError(
            "SECRET_KEY must be set to a random string of at least "
            f"{MIN_SECRET_LENGTH} characters in production "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    if not secret:
        config["SECRET_KEY"] = secrets.token_urlsafe(48)
    config["REMEMBER_COOKIE_SECURE"] = config["SESSION_COOKIE_SECURE"]
