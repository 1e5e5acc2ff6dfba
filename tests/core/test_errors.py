"""Every API error has the shape {"error": {"code", "message", "details"}} (API.md)."""

import pytest

from core.app import create_app
from tests.conftest import app_config


def assert_error(resp, status, code):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.is_json
    assert set(resp.json) == {"error"}
    assert set(resp.json["error"]) == {"code", "message", "details"}
    assert resp.json["error"]["code"] == code
    assert isinstance(resp.json["error"]["message"], str) and resp.json["error"]["message"]


def test_unknown_api_path_is_404(client):
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")


def test_wrong_method_is_405(client):
    assert_error(client.put("/api/v1/me"), 405, "method_not_allowed")


def test_validation_is_422_with_field_details(client, tenants, bearer):
    resp = client.post("/api/v1/invitations", json={"email": 5}, headers=bearer(tenants.a.owner))
    assert_error(resp, 422, "validation_error")
    assert set(resp.json["error"]["details"]) == {"email", "role"}


def test_unauthenticated_is_401(client):
    assert_error(client.get("/api/v1/users"), 401, "unauthorized")


def test_wrong_role_is_403(client, tenants, bearer):
    assert_error(client.get("/api/v1/users", headers=bearer(tenants.a.sales)), 403, "forbidden")


def test_a_body_over_the_limit_is_413_before_it_is_read(database_url):
    small = create_app(app_config(database_url, MAX_CONTENT_LENGTH=1024))
    resp = small.test_client().post(
        "/api/v1/auth/token", data=b"x" * 4096, content_type="application/json"
    )
    assert_error(resp, 413, "payload_too_large")


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/me"])
def test_api_errors_carry_security_headers(client, path):
    resp = client.get(path)
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Cache-Control"] == "no-store"


def test_anonymous_api_writes_are_401_not_a_csrf_error(client):
    assert_error(client.post("/api/v1/tokens", json={"name": "x"}), 401, "unauthorized")
