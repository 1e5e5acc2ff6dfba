"""The case's money summary, worked by hand, and the creditor's allocation settings."""

from __future__ import annotations

import pytest

from core.extensions import db
from marketplace.models import Case
from marketplace.workspace import allocation
from tests.marketplace.workspace.helpers import add_cost, add_recovery, eur, make_awarded_case


def summary(client, headers, case_id):
    resp = client.get(f"/api/v1/cases/{case_id}/summary", headers=headers)
    assert resp.status_code == 200, resp.json
    return resp.json


def test_a_fresh_case_has_claimed_only(client, tenants, bearer):
    awarded = make_awarded_case(tenants)
    assert summary(client, bearer(tenants.x.owner), awarded.id) == {
        "claimed": eur("1500.00"),
        "recovered": eur("0.00"),
        "costs": eur("0.00"),
        "net_recovery": eur("0.00"),
        "success_fees": eur("0.00"),
        "pending_costs": eur("0.00"),
        "outstanding": eur("1500.00"),
    }


def test_net_recovery_by_hand(client, tenants, bearer):
    """Claimed 1,500.00 at 15 % contingency; approval threshold 250.00.

    1. agency recovers 1,000.00: all principal, success fee 150.00
    2. costs: creditor expense 40.00 (counts); agency expense 100.00 borne by the
       debtor, within the threshold (counts: the creditor advances it); agency expense
       60.00 borne by the agency (not the creditor's); agency expense 300.00 (pending,
       does not count); agency fee 80.00 (rejected, does not count)
    3. debtor pays the creditor 200.00 directly: 100.00 repays the debtor's cost first,
       100.00 principal; success fee 15 % of 100.00 = 15.00
    recovered 1,200.00; costs 150.00 + 15.00 + 40.00 + 100.00 = 305.00;
    net 1,200.00 - 305.00 = 895.00; outstanding 1,500.00 - 1,100.00 principal = 400.00
    """
    tenants.a.org.expense_approval_threshold_minor = 25_000
    db.session.commit()
    awarded = make_awarded_case(tenants)
    case = db.session.get(Case, awarded.id)
    add_recovery(case, tenants.x.owner, "1000.00")
    add_cost(case, tenants.a.credit, "40.00")
    add_cost(case, tenants.x.owner, "100.00", borne_by="debtor")
    add_cost(case, tenants.x.owner, "60.00", borne_by="agency")
    add_cost(case, tenants.x.owner, "300.00")
    fee = add_cost(case, tenants.x.owner, "80.00", kind="fee")
    client.post(f"/api/v1/costs/{fee.id}/reject", headers=bearer(tenants.a.owner))
    direct = add_recovery(case, tenants.a.credit, "200.00")
    assert direct.legal_costs_minor == 10_000 and direct.principal_minor == 10_000
    # the fee base excludes the repaid costs: 15 % of 100.00
    assert direct.fee_minor == 1_500
    got = summary(client, bearer(tenants.a.viewer), awarded.id)
    assert got == {
        "claimed": eur("1500.00"),
        "recovered": eur("1200.00"),
        "costs": eur("305.00"),
        "net_recovery": eur("895.00"),
        "success_fees": eur("165.00"),
        "pending_costs": eur("300.00"),
        "outstanding": eur("400.00"),
    }
    assert summary(client, bearer(tenants.x.collector), awarded.id) == got


@pytest.mark.parametrize("who", ["b.owner", "y.owner"])
def test_outsiders_get_404(client, tenants, bearer, who):
    awarded = make_awarded_case(tenants)
    org, role = who.split(".")
    headers = bearer(getattr(getattr(tenants, org), role))
    assert client.get(f"/api/v1/cases/{awarded.id}/summary", headers=headers).status_code == 404


def test_allocation_settings_round_trip(client, tenants, bearer):
    headers = bearer(tenants.a.owner)
    assert client.get("/api/v1/marketplace/settings", headers=headers).json == {
        "allocation_order": list(allocation.DEFAULT_ORDER)
    }
    order = ["principal", "compensation", "statutory_interest", "legal_costs"]
    resp = client.put(
        "/api/v1/marketplace/settings", json={"allocation_order": order}, headers=headers
    )
    assert resp.status_code == 200 and resp.json == {"allocation_order": order}
    assert client.get("/api/v1/marketplace/settings", headers=bearer(tenants.a.credit)).json == {
        "allocation_order": order
    }
    # another creditor keeps the default
    other = client.get("/api/v1/marketplace/settings", headers=bearer(tenants.b.owner)).json
    assert other["allocation_order"] == list(allocation.DEFAULT_ORDER)


@pytest.mark.parametrize(
    "order",
    [
        ["principal"],
        ["principal", "principal", "legal_costs", "compensation"],
        ["principal", "legal_costs", "compensation", "statutory_interest", "tips"],
    ],
)
def test_an_order_must_name_every_bucket_once(client, tenants, bearer, order):
    resp = client.put(
        "/api/v1/marketplace/settings",
        json={"allocation_order": order},
        headers=bearer(tenants.a.owner),
    )
    assert resp.status_code == 422


@pytest.mark.parametrize(
    ("user", "method", "status"),
    [("a.credit", "put", 403), ("a.sales", "get", 403), ("x.owner", "get", 403)],
)
def test_settings_roles(client, tenants, bearer, user, method, status):
    org, role = user.split(".")
    headers = bearer(getattr(getattr(tenants, org), role))
    body = {"allocation_order": list(allocation.DEFAULT_ORDER)} if method == "put" else None
    resp = client.open(
        "/api/v1/marketplace/settings", method=method.upper(), json=body, headers=headers
    )
    assert resp.status_code == status


def test_allocate_fills_buckets_in_order():
    open_ = {"legal_costs": 100, "principal": 1000}
    assert allocation.allocate(150, open_, allocation.DEFAULT_ORDER) == {
        "legal_costs": 100,
        "statutory_interest": 0,
        "compensation": 0,
        "principal": 50,
    }
    with pytest.raises(ValueError):
        allocation.allocate(1101, open_, allocation.DEFAULT_ORDER)


@pytest.mark.parametrize(
    ("base", "bp", "fee"),
    [(100_000, 1500, 15_000), (33_333, 1250, 4_167), (1, 5000, 1), (1, 4999, 0), (0, 1500, 0)],
)
def test_success_fee_rounds_half_up(base, bp, fee):
    assert allocation.success_fee(base, bp) == fee
    assert allocation.success_fee(base, None) == 0
