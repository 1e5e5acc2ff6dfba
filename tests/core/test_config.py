"""Configuration from the environment, and the refusal to run production without a secret."""

import pytest

from core.app import create_app
from core.config import Config, database_url


def test_database_url_defaults_to_sqlite_and_normalises_postgres(tmp_path):
    assert database_url(None, tmp_path).startswith("sqlite:///")
    assert database_url("postgres://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db", tmp_path) == "postgresql+psycopg://u@h/db"


def test_redis_unset_means_inline_jobs_and_memory_rate_limits():
    cfg = Config.from_env({})
    assert cfg.REDIS_URL is None
    assert cfg.RATELIMIT_STORAGE_URI == "memory://"
    assert cfg.SESSION_COOKIE_SECURE is True  # production default


def test_bad_values_are_named():
    with pytest.raises(ValueError, match="MAIL_PORT"):
        Config.from_env({"MAIL_PORT": "twenty-five"})
    with pytest.raises(ValueError, match="DUEBRIDGE_MODE"):
        Config.from_env({"DUEBRIDGE_MODE": "staging"})


@pytest.mark.parametrize("secret", [None, "", "dev", "short-but-random-1234"])
def test_production_refuses_to_start_without_a_strong_secret(secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            {
                "DUEBRIDGE_MODE": "production",
                "DEBUG": False,
                "TESTING": False,
                "SECRET_KEY": secret,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )


def test_demo_mode_starts_with_a_generated_secret():
    app = create_app(
        {"DUEBRIDGE_MODE": "demo", "SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )
    assert len(app.config["SECRET_KEY"]) >= 32


def test_remember_cookie_follows_the_session_cookie_flags():
    app = create_app(
        {
            "DUEBRIDGE_MODE": "production",
            "SECRET_KEY": "x" * 40,
            "SESSION_COOKIE_SECURE": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_attachment_settings_come_from_the_environment():
    cfg = Config.from_env(
        {"ATTACHMENTS_DIR": "/srv/duebridge/files", "ATTACHMENT_MAX_BYTES": "1024"}
    )
    assert cfg.ATTACHMENTS_DIR == "/srv/duebridge/files" and cfg.ATTACHMENT_MAX_BYTES == 1024
    assert Config.from_env({}).ATTACHMENTS_DIR is None
