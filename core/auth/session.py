"""Who is calling: session cookie (versioned) or bearer token; CSRF for cookie writes."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select, update

from core.auth.models import ApiToken, User
from core.auth.services import user_for_token
from core.db import utcnow
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
    if request.method != "GET":  # coming back to a POST-only address would be a 405
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def protect_csrf() -> None:
    """Check the CSRF token on cookie-authenticated writes (forms and browser API calls)."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    if request.routing_exception is not None or request.endpoint in CSRF_EXEMPT:
        return  # unknown path or method: let routing answer 404/405
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return  # a browser cannot attach this header cross-site without CORS, which we never allow
    if request.path.startswith("/api/") and "_user_id" not in session:
        return  # no signed-in session to abuse: authentication answers 401 instead
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


#: how stale `api_tokens.last_used_at` may get before a request refreshes it
LAST_USED_RESOLUTION = timedelta(minutes=15)


def stamp_token_use(response: Response) -> Response:
    """Record when a token was last used (after the request's own commit, throttled)."""
    token = g.get("api_token")
    if token is None or response.status_code >= 400:
        return response
    now = utcnow()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
        db.session.commit()
    return response


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # the session version does this job, for API too
    app.before_request(protect_csrf)
    app.after_request(stamp_token_use)
