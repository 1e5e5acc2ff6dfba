"""Who may see the analytics (page, CSV, API), and bad periods: 400 on pages, 422 in the API."""

from __future__ import annotations

import pytest

PAGES = ["/disputes/analytics", "/disputes/analytics.csv"]
API = "/api/v1/reports/disputes"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", ["owner", "credit", "sales", "viewer"])
def test_every_creditor_role_may_open_the_page_and_export(client, tenants, login_as, path, role):
    resp = login_as(getattr(tenants.a, role)).get(path, buffered=True)
    assert resp.status_code == 200, resp.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", ["owner", "collector"])
def test_agency_users_are_refused_the_page(client, tenants, login_as, path, role):
    assert login_as(getattr(tenants.x, role)).get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, path):
    resp = client.get(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("role", ["owner", "credit", "sales", "viewer"])
def test_every_creditor_role_may_read_the_api(client, tenants, bearer, role):
    assert client.get(API, headers=bearer(getattr(tenants.a, role))).status_code == 200


def test_agency_users_are_refused_the_api(client, tenants, bearer):
    assert client.get(API, headers=bearer(tenants.x.owner)).status_code == 403


def test_anonymous_api_callers_get_401(client):
    assert client.get(API).status_code == 401


BAD = [
    ("from=2025-02-30", "from"),
    ("to=yesterday", "to"),
    ("from=31.01.2025", "from"),
    ("from=2025-02-01&to=2025-01-01", "to"),
    ("from=2000-01-01&to=2025-01-01", "from"),
    ("from=1969-12-31&to=1970-01-10", "from"),
    ("to=9999-12-31", "to"),
]


@pytest.mark.parametrize(("query", "field"), BAD)
def test_bad_periods_are_422_naming_the_field_in_the_api(client, tenants, bearer, query, field):
    resp = client.get(f"{API}?{query}", headers=bearer(tenants.a.owner))
    assert resp.status_code == 422
    error = resp.json["error"]
    assert error["code"] == "validation_error"
    assert field in str(error["details"])


@pytest.mark.parametrize(("query", "_field"), BAD)
@pytest.mark.parametrize("path", PAGES)
def test_bad_periods_are_400_on_the_page_and_export(client, tenants, login_as, path, query, _field):
    resp = login_as(tenants.a.owner).get(f"{path}?{query}", buffered=True)
    assert resp.status_code == 400


def test_blank_dates_take_the_defaults(client, tenants, login_as):
    assert login_as(tenants.a.owner).get("/disputes/analytics?from=&to=").status_code == 200


def test_the_endpoint_is_described_in_openapi(client):
    spec = client.get("/api/openapi.json").json
    get = spec["paths"]["/api/v1/reports/disputes"]["get"]
    assert {p["name"] for p in get["parameters"] if p["in"] == "query"} >= {"from", "to"}
    schema = get["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/DisputeAnalytics")
    assert "currencies" in spec["components"]["schemas"]["DisputeAnalytics"]["properties"]
