"""Sign-in form: CSRF, credentials, throttling (T12) and the `next` parameter (T17)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.app import create_app
from core.audit import AuditEvent
from core.extensions import db
from tests.conftest import app_config
from tests.core.web.conftest import hidden_fields, sign_in


def audit_count(action: str, subject: str) -> int:
    """How many audit rows of `action` name `subject` (the e-mail tried)."""
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == action, AuditEvent.subject == subject
        )
    )


def test_login_page_renders_a_csrf_protected_form(client):
    resp = client.get("/login")
    assert resp.status_code == 200
    assert "csrf_token" in hidden_fields(resp.get_data(as_text=True))


def test_post_without_csrf_token_is_refused_and_does_not_sign_in(client, tenants):
    resp = client.post(
        "/login", data={"email": tenants.a.owner.email, "password": "x" * 20, "next": "/team"}
    )
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "The sign-in form expired" in page
    assert hidden_fields(page)["next"] == "/team"  # a retry still lands where it was going
    assert client.get("/").status_code == 302


def test_right_credentials_open_the_dashboard(client, tenants):
    resp = sign_in(client, tenants.a.owner.email)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert tenants.a.org.name in page.get_data(as_text=True)
    assert audit_count("auth.login", tenants.a.owner.email) == 1


def test_email_is_matched_without_regard_to_case(client, tenants):
    assert sign_in(client, tenants.a.owner.email.upper()).status_code == 302


def test_wrong_password_and_unknown_email_read_the_same(client, tenants):
    wrong = sign_in(client, tenants.a.owner.email, "not the password at all")
    unknown = sign_in(client, "nobody-here@example.com", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password." in unknown.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert audit_count("auth.login_failed", "nobody-here@example.com") == 1


def test_deactivated_member_cannot_sign_in(client, tenants):
    tenants.a.viewer.active = False
    db.session.commit()
    resp = sign_in(client, tenants.a.viewer.email)
    assert resp.status_code == 401
    assert "Wrong e-mail or password." in resp.get_data(as_text=True)


def test_account_is_throttled_after_repeated_failures_even_with_the_right_password(
    app, client, tenants
):
    email = tenants.a.credit.email
    for _ in range(app.config["LOGIN_FAILURES_PER_ACCOUNT"]):
        assert sign_in(client, email, "wrong password, again").status_code == 401
    resp = sign_in(client, email)
    assert resp.status_code == 429
    assert "Too many failed sign-ins" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert audit_count("auth.login_failed", email) == app.config["LOGIN_FAILURES_PER_ACCOUNT"]
    assert audit_count("auth.login_throttled", email) == 1
    # other accounts are not affected
    assert sign_in(client, tenants.a.owner.email).status_code == 302


@pytest.fixture(scope="module")
def strict_app(database_url: str) -> Flask:
    """The same app with a per-IP sign-in limit low enough to reach in a test."""
    return create_app(app_config(database_url, LOGIN_RATE_LIMIT="3 per minute"))


@pytest.fixture
def strict_client(app: Flask, strict_app: Flask, monkeypatch) -> Iterator[FlaskClient]:
    """A client of `strict_app` whose writes join this test's rolled-back transaction."""
    conn = db.engines[None]  # the session app's connection, swapped in by _isolation
    with strict_app.app_context():
        engines = db.engines
    monkeypatch.setitem(engines, None, conn)
    strict_app.test_client_class = app.test_client_class
    yield strict_app.test_client()


def test_per_ip_limit_answers_429_across_accounts(strict_client, tenants):
    for role in ("credit", "sales", "viewer"):
        wrong = sign_in(strict_client, tenants.a.users[role].email, "wrong password")
        assert wrong.status_code == 401
    resp = sign_in(strict_client, tenants.a.owner.email)
    assert resp.status_code == 429
    assert "Retry-After" in resp.headers
    assert "<html" in resp.get_data(as_text=True)
    assert strict_client.get("/").status_code == 302


EVIL_NEXT = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\\\\\evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "http:/evil.example",
    "/\tevil.example",
]


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_login_never_redirects_off_site(client, tenants, target):
    resp = sign_in(client, tenants.a.owner.email, next_=target)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL_NEXT[:6])
def test_signed_in_visit_to_login_ignores_foreign_next(client, tenants, target):
    sign_in(client, tenants.a.owner.email)
    resp = client.get("/login", query_string={"next": target})
    assert resp.headers["Location"] == "/"


def test_local_next_is_honoured(client, tenants):
    resp = sign_in(client, tenants.a.owner.email, next_="/team")
    assert resp.headers["Location"] == "/team"


def test_protected_page_sends_anonymous_visitor_to_login_and_back(client, tenants):
    resp = client.get("/team")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login?next=")
    back = sign_in(client, tenants.a.owner.email, next_="/team")
    assert back.headers["Location"] == "/team"
