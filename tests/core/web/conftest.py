"""Helpers for the HTML pages: a real sign-in through the form, CSRF tokens, hidden fields."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.auth.models import User
from tests import factories

_INPUT = re.compile(r"<input\b[^>]*>")
_ATTR = re.compile(r'([a-z-]+)="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """Hidden inputs of a page (csrf_token, next), as a browser would send them back."""
    found = {}
    for tag in _INPUT.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            found.setdefault(attrs["name"], html_lib.unescape(attrs.get("value", "")))
    return found


def csrf_of(client: FlaskClient, path: str) -> str:
    """The CSRF token that `path` hands to this client."""
    return hidden_fields(client.get(path).get_data(as_text=True))["csrf_token"]


def sign_in(
    client: FlaskClient,
    email: str,
    password: str = factories.PASSWORD,
    next_: str | None = None,
) -> TestResponse:
    """Sign in through the real form, as a browser would (GET the form, POST it back)."""
    path = "/login" + (f"?{urlencode({'next': next_})}" if next_ is not None else "")
    fields = hidden_fields(client.get(path).get_data(as_text=True))
    data = {**fields, "email": email, "password": password}
    return client.post("/login", data=data)


@pytest.fixture
def signed_in(client: FlaskClient) -> Callable[..., FlaskClient]:
    """Sign `user` in through /login and return the client."""

    def go(user: User) -> FlaskClient:
        resp = sign_in(client, user.email)
        assert resp.status_code == 302, resp.get_data(as_text=True)
        return client

    return go


@pytest.fixture
def post_form(client: FlaskClient) -> Callable[..., TestResponse]:
    """POST `data` to `action` with the CSRF token the page at `page` gives."""

    def post(page: str, action: str, **data: str) -> TestResponse:
        return client.post(action, data={"csrf_token": csrf_of(client, page), **data})

    return post
