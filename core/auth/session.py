"""Who is calling: session cookie (versioned) or bearer token; CSRF for cookie writes."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, g, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from core.auth.models import User
from core.auth.services import user_for_token
from core.extensions import csrf, db, login_manager

#: endpoints that take no cookie-authenticated writes, so they need no CSRF token
CSRF_EXEMPT = {"auth_api.Token", "auth_api.InvitationAccept", "payments.stripe_webhook"}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """`<id>:<session_version>`: a bumped version (logout, deactivation) ends the session."""
    raw_id, _, version = user_id.partition(":")
    if not raw_id.isdigit() or not version.isdigit():
        return None
    user = db.session.scalar(select(User).where(User.id == int(raw_id)))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@login_manager.request_loader
def load_user_from_bearer(req: object) -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret:
        return None
    found = user_for_token(secret.strip())
    if found is None:
        return None
    user, token = found
    g.api_token = token
    return user


@login_manager.unauthorized_handler
def unauthorized() -> ResponseReturnValue:
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def protect_csrf() -> None:
    """Check the CSRF token on cookie-authenticated writes (forms and browser API calls)."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    if request.routing_exception is not None or request.endpoint in CSRF_EXEMPT:
        return  # unknown path or method: let routing answer 404/405
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return  # a browser cannot attach this header cross-site without CORS, which we never allow
    csrf.protect()


def safe_next(target: str | None) -> str | None:
    """Accept only local absolute paths ("/cases/3"), never another host or scheme."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # the session version does this job, for API too
    app.before_request(protect_csrf)
