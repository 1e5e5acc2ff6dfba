"""Shared pieces of the marketplace page tests: CSRF-carrying posts, statement counts."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event

from core.extensions import db

SCRIPT = "<script>alert(1)</script>"
_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def token(client: FlaskClient, page: str = "/") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    match = _TOKEN.search(client.get(page).text)
    assert match, f"no csrf_token on {page}"
    return match.group(1)


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """POST with the session's CSRF token."""
    fields = {"csrf_token": token(client), **(data or {})}
    return client.post(path, data=fields, **kw)


def count_statements(client: FlaskClient, path: str) -> int:
    """SQL statements one GET of `path` runs (asserting a 200)."""
    count = 0

    def bump(*_args: object) -> None:
        nonlocal count
        count += 1

    engine = db.engines[None]
    engine = getattr(engine, "engine", engine)
    event.listen(engine, "before_cursor_execute", bump)
    try:
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", bump)
    return count
