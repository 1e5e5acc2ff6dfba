"""One error shape for the whole API: {"error": {"code", "message", "details"}}.

Domain code raises `DomainError` subclasses; views never build error bodies by hand.
HTML requests get the error pages in core/templates/errors/ instead.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

log = logging.getLogger(__name__)

#: HTTP status → error code when nothing more specific is given
DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


class DomainError(Exception):
    """A business rule said no. Subclasses fix the status and code."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, details: dict[str, Any] | None = None, code: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.details = details or {}
        if code:
            self.code = code


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Gone(DomainError):
    status = 410
    code = "gone"


class IllegalTransition(Conflict):
    """A lifecycle move that the transition table does not allow (409 + allowed moves)."""

    code = "illegal_transition"

    def __init__(self, current: str, target: str, allowed: list[str]):
        super().__init__(
            f"Cannot go from {current} to {target}.",
            details={"current": current, "target": target, "allowed": allowed},
        )


class TooManyRequests(DomainError):
    status = 429
    code = "rate_limited"


def wants_json() -> bool:
    """API paths (and explicit JSON clients) get JSON errors; browsers get pages."""
    if request.path.startswith("/api/") or request.path.startswith("/stripe/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes.accept_html


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render one error as JSON or as an HTML page, depending on the request."""
    if wants_json():
        resp = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    else:
        template = f"errors/{status}.html" if status in HTML_PAGES else "errors/generic.html"
        resp = Response(render_template(template, status=status, message=message, details=details))
    resp.status_code = status
    for name, value in (headers or {}).items():
        resp.headers[name] = value
    return resp


HTML_PAGES = {400, 403, 404, 405, 413, 429, 500, 503}


def _validation_details(data: dict[str, Any]) -> dict[str, Any]:
    """webargs puts messages per location ({"json": {...}, "query": {...}}); flatten them."""
    messages = data.get("messages") or data.get("errors") or {}
    details: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            details.update(fields)
        else:
            details[location] = fields
    return details


def handle_http_exception(error: HTTPException) -> Response:
    """The single handler for every HTTPException (flask-smorest routes here too)."""
    from core.extensions import db

    db.session.rollback()
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if status == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = "60"
    code = DEFAULT_CODES.get(status, "error")
    if status == 422:
        message = "The request did not validate."
        details = _validation_details(data)
    elif status == 413:
        message = "The request body is too large."
        details = {"max_bytes": request.max_content_length}
    elif status >= 500:
        message = "Something went wrong on our side; nothing was saved."
        details = {}
    else:
        message = data.get("message") or error.description or error.name
        details = data.get("details") or {}
    _persist_denial(status)
    return error_response(status, code, message, details, headers)


def handle_domain_error(error: DomainError) -> Response:
    """Roll back the request's transaction and answer the domain's verdict."""
    from core.extensions import db

    db.session.rollback()
    return error_response(error.status, error.code, error.message, error.details)


def handle_database_unavailable(error: OperationalError) -> Response:
    """A dropped connection mid-request: roll back and answer 503 (next request reconnects)."""
    from core.extensions import db

    log.warning("database error, answering 503: %s", error)
    try:
        db.session.rollback()
    except Exception:
        db.session.remove()
    return handle_http_exception(ServiceUnavailable())


def handle_unexpected(error: Exception) -> Response:
    """Log the traceback, never show it."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def _persist_denial(status: int) -> None:
    """Failed authorisations are audited after the rollback, in their own commit."""
    denial = g.pop("authz_denied", None)
    if denial is None or status not in (403, 404):
        return
    from core import audit
    from core.extensions import db

    audit.record("authz_denied", **denial)
    db.session.commit()


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
