"""Who may read the reports, and the 422s for arguments that make no sense."""

from __future__ import annotations

import pytest

from tests import factories

REPORTS = [
    "/api/v1/reports/aging",
    "/api/v1/reports/dso",
    "/api/v1/reports/payers?kind=good",
]


@pytest.mark.parametrize("url", REPORTS)
@pytest.mark.parametrize("role", ["owner", "credit", "sales", "viewer"])
def test_every_creditor_role_may_read(client, tenants, bearer, url, role):
    resp = client.get(url, headers=bearer(getattr(tenants.a, role)))
    assert resp.status_code == 200, resp.get_data(as_text=True)


@pytest.mark.parametrize("url", REPORTS)
def test_agency_users_are_refused(client, tenants, bearer, url):
    assert client.get(url, headers=bearer(tenants.x.owner)).status_code == 403


def test_agency_users_cannot_ask_for_credit_status(client, tenants, bearer):
    debtor = factories.make_debtor(tenants.a.org)
    resp = client.get(f"/api/v1/debtors/{debtor.id}/credit-status", headers=bearer(tenants.x.owner))
    assert resp.status_code == 403


@pytest.mark.parametrize("url", REPORTS)
def test_anonymous_callers_get_401(client, url):
    assert client.get(url).status_code == 401


def test_a_session_login_works_too(client, tenants, login_as):
    login_as(tenants.a.viewer)
    assert client.get("/api/v1/reports/aging").status_code == 200


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/reports/aging?as_of=2026-02-30", "as_of"),
        ("/api/v1/reports/aging?as_of=yesterday", "as_of"),
        ("/api/v1/reports/aging?currency=EURO", "currency"),
        ("/api/v1/reports/aging?currency=XXX", "currency"),
        ("/api/v1/reports/aging?limit=0", "limit"),
        ("/api/v1/reports/dso?as_of=31.03.2026", "as_of"),
        ("/api/v1/reports/dso?currency=ABC", "currency"),
        ("/api/v1/reports/dso?period_days=0", "period_days"),
        ("/api/v1/reports/dso?period_days=1000", "period_days"),
        ("/api/v1/reports/payers", "kind"),
        ("/api/v1/reports/payers?kind=best", "kind"),
    ],
)
def test_bad_arguments_are_422_naming_the_field(client, tenants, bearer, url, field):
    resp = client.get(url, headers=bearer(tenants.a.owner))
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert field in str(resp.json["error"]["details"])
