"""Shared pieces of the marketplace page tests: CSRF-carrying posts, statement counts."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

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
