"""The web shell: security headers, cookies, error pages, production refusal, dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import security
from core.app import create_app
from core.auth import services
from core.auth.models import Invitation
from core.db import utcnow
from core.extensions import db
from tests.conftest import app_config
from tests.core.web.conftest import sign_in


def test_pages_carry_the_security_headers(client, signed_in, tenants):
    signed_in(tenants.a.owner)
    for path in ("/", "/login", "/team", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]


def test_static_files_may_be_cached_but_are_not_sniffed(client):
    resp = client.get("/static/css/app.css")
    assert resp.status_code == 200
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in resp.headers.get("Cache-Control", "")


def test_hsts_only_when_cookies_are_secure(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert "max-age=" in client.get("/login").headers["Strict-Transport-Security"]


def session_cookie_header(resp) -> str:
    """The last Set-Cookie header of the session cookie."""
    cookies = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("duebridge_session=")]
    assert cookies, "a session cookie is set"
    return cookies[-1]


def test_session_cookie_is_httponly_and_lax(client, tenants):
    cookie = session_cookie_header(sign_in(client, tenants.a.owner.email))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the test app runs over http


def test_session_cookie_is_secure_when_configured(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    cookie = session_cookie_header(client.get("/login", base_url="https://localhost"))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/no-such-page", 404), ("get", "/logout", 405), ("get", "/team", 403)],
)
def test_browser_errors_are_pages(client, signed_in, tenants, method, path, status):
    signed_in(tenants.a.viewer)
    resp = getattr(client, method)(path, headers={"Accept": "text/html"})
    assert resp.status_code == status
    assert resp.mimetype == "text/html"
    assert 'data-testid="error-page"' in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("get", "/api/v1/no-such-thing", 404, "not_found"),
        ("delete", "/api/v1/me", 405, "method_not_allowed"),
        ("get", "/api/v1/users", 403, "forbidden"),
    ],
)
def test_api_errors_are_json(client, bearer, tenants, method, path, status, code):
    resp = getattr(client, method)(path, headers=bearer(tenants.a.viewer))
    assert resp.status_code == status
    assert resp.mimetype == "application/json"
    assert resp.json["error"]["code"] == code


def test_body_over_the_limit_answers_413(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    resp = client.post("/login", data={"email": "x" * 4096, "password": "y"})
    assert resp.status_code == 413
    assert "Too large" in resp.get_data(as_text=True)
    api = client.post(
        "/api/v1/auth/token", data=b"{" + b" " * 4096 + b"}", content_type="application/json"
    )
    assert api.status_code == 413
    assert api.json["error"]["code"] == "payload_too_large"


PRODUCTION = {"DUEBRIDGE_MODE": "production", "TESTING": False, "DEBUG": False}


@pytest.mark.parametrize("secret", [None, "", "dev", "changeme", "short-but-random-1234"])
def test_production_refuses_a_weak_or_missing_secret_key(database_url, secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(app_config(database_url, SECRET_KEY=secret, **PRODUCTION))


def test_production_accepts_a_strong_secret_key(database_url):
    strong = "k3Yw8pV0rQ7mZ2xL9cT4bN6hJ1fD5sA8gE0uI3oP"
    prod = create_app(app_config(database_url, SECRET_KEY=strong, **PRODUCTION))
    assert prod.secret_key == strong
    assert not prod.debug
    assert prod.config["SESSION_COOKIE_HTTPONLY"]
    assert prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_templates_have_no_inline_script_or_style():
    """The CSP forbids them, so they would silently not work."""
    from pathlib import Path

    root = Path(security.__file__).resolve().parent
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text()
        assert "<script" not in text, template
        assert " style=" not in text and "<style" not in text, template


def test_creditor_dashboard_counts_members_and_pending_invitations(client, signed_in, tenants):
    services.invite(tenants.a.org, email="p1@example.com", role="sales", actor=tenants.a.owner)
    expired = services.invite(
        tenants.a.org, email="p2@example.com", role="viewer", actor=tenants.a.owner
    )
    expired.expires_at = utcnow() - timedelta(hours=1)
    services.invite(tenants.b.org, email="p3@example.com", role="viewer", actor=tenants.b.owner)
    tenants.a.viewer.active = False
    db.session.commit()
    html = signed_in(tenants.a.credit).get("/").get_data(as_text=True)
    assert tenants.a.org.name in html and "Creditor" in html
    assert 'data-testid="member-count">3<' in html
    assert "1 deactivated" in html
    assert 'data-testid="pending-count">1<' in html
    assert "p1@example.com" in html
    assert "p2@example.com" not in html and "p3@example.com" not in html
    assert 'data-testid="role-count-viewer">0<' in html


def test_agency_dashboard_counts_its_own_members(client, signed_in, tenants):
    services.invite(tenants.x.org, email="c2@example.com", role="collector", actor=tenants.x.owner)
    db.session.commit()
    html = signed_in(tenants.x.collector).get("/").get_data(as_text=True)
    assert tenants.x.org.name in html and "Collection agency" in html
    assert 'data-testid="member-count">2<' in html
    assert 'data-testid="pending-count">1<' in html
    assert 'data-testid="role-count-collector">1<' in html
    assert "Invite a colleague" not in html  # collectors do not manage the team


def test_pending_invitation_count_ignores_revoked(client, signed_in, tenants):
    invitation = services.invite(
        tenants.x.org, email="gone@example.com", role="collector", actor=tenants.x.owner
    )
    services.revoke_invitation(invitation, actor=tenants.x.owner)
    db.session.commit()
    html = signed_in(tenants.x.owner).get("/").get_data(as_text=True)
    assert 'data-testid="pending-count">0<' in html
    assert db.session.get(Invitation, invitation.id).status == "revoked"
