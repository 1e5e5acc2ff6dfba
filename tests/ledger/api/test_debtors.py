"""GET/POST /api/v1/debtors, GET/PATCH /api/v1/debtors/{id}."""

import pytest
from sqlalchemy import func, select

from core.extensions import db
from ledger.models import Debtor
from tests.factories import make_debtor

NEW = {
    "name": "Acme Trading GmbH",
    "debtor_type": "company",
    "country": "DE",
    "vat_id": "DE123456789",
    "emails": ["ap@acme.example"],
    "payment_terms_days": 45,
    "credit_limit": {"amount": "50000.00", "currency": "EUR"},
}


def test_credit_creates_a_debtor(client, tenants, bearer):
    resp = client.post("/api/v1/debtors", json=NEW, headers=bearer(tenants.a.credit))
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["name"] == "Acme Trading GmbH" and body["payment_terms_days"] == 45
    assert body["credit_limit"] == {"amount": "50000.00", "currency": "EUR"}
    assert body["on_hold"] is False
    assert body["score"] == {
        "grade": None,
        "avg_days_beyond_terms": None,
        "trend": "unknown",
        "paid_invoices": 0,
    }


@pytest.mark.parametrize("role", ["sales", "viewer"])
def test_sales_and_viewers_cannot_create(client, tenants, bearer, role):
    assert (
        client.post("/api/v1/debtors", json=NEW, headers=bearer(tenants.a.users[role])).status_code
        == 403
    )


def test_agencies_have_no_ledger(client, tenants, bearer):
    assert client.get("/api/v1/debtors", headers=bearer(tenants.x.owner)).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"debtor_type": "bank"}, "debtor_type"),
        ({"payment_terms_days": 400}, "payment_terms_days"),
        ({"emails": ["nope"]}, "emails"),
        ({"credit_limit": {"amount": "10.00", "currency": "USD"}}, "credit_limit"),
        ({"org_id": 99}, "org_id"),
        ({"on_hold": True}, "on_hold"),
    ],
)
def test_bad_debtors_are_422(client, tenants, bearer, change, field):
    resp = client.post("/api/v1/debtors", json={**NEW, **change}, headers=bearer(tenants.a.owner))
    assert resp.status_code == 422
    assert field in resp.json["error"]["details"]


def test_names_are_unique_per_creditor_whatever_the_case_and_form(client, tenants, bearer):
    headers = bearer(tenants.a.owner)
    assert client.post("/api/v1/debtors", json=NEW, headers=headers).status_code == 201
    twin = {**NEW, "name": "ACME TRADING gmbh\u200b"}
    assert client.post("/api/v1/debtors", json=twin, headers=headers).status_code == 409
    # another creditor may have a debtor of the same name
    assert (
        client.post("/api/v1/debtors", json=NEW, headers=bearer(tenants.b.owner)).status_code == 201
    )


def test_sales_rep_must_belong_to_the_organisation(client, tenants, bearer):
    resp = client.post(
        "/api/v1/debtors",
        json={**NEW, "sales_rep_id": tenants.b.sales.id},
        headers=bearer(tenants.a.owner),
    )
    assert resp.status_code == 422 and "sales_rep_id" in resp.json["error"]["details"]


def test_patch_changes_fields_and_sets_a_hold(client, tenants, bearer):
    debtor = make_debtor(tenants.a.org)
    resp = client.patch(
        f"/api/v1/debtors/{debtor.id}",
        json={"on_hold": True, "sector": "Retail"},
        headers=bearer(tenants.a.credit),
    )
    assert resp.status_code == 200
    assert resp.json["on_hold"] is True and resp.json["sector"] == "Retail"


def test_sales_reps_see_only_their_debtors_unless_allowed(client, tenants, bearer):
    mine = make_debtor(tenants.a.org, "Mine", sales_rep_id=tenants.a.sales.id)
    other = make_debtor(tenants.a.org, "Not mine")
    headers = bearer(tenants.a.sales)
    names = [d["name"] for d in client.get("/api/v1/debtors", headers=headers).json["items"]]
    assert names == ["Mine"]
    assert client.get(f"/api/v1/debtors/{other.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/debtors/{mine.id}", headers=headers).status_code == 200
    tenants.a.org.sales_see_all = True
    db.session.commit()
    names = [d["name"] for d in client.get("/api/v1/debtors", headers=headers).json["items"]]
    assert names == ["Mine", "Not mine"]
    assert client.get(f"/api/v1/debtors/{other.id}", headers=headers).status_code == 200


def test_list_is_paginated_and_tenant_scoped(client, tenants, bearer):
    for i in range(3):
        make_debtor(tenants.a.org, f"A{i}")
    make_debtor(tenants.b.org, "B0")
    resp = client.get("/api/v1/debtors?page_size=2", headers=bearer(tenants.a.viewer))
    assert resp.json["total"] == 3 and len(resp.json["items"]) == 2
    assert db.session.scalar(select(func.count(Debtor.id))) == 4
