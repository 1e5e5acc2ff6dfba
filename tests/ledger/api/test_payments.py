"""POST /api/v1/invoices/{id}/payments and /credit-notes."""

import pytest
from sqlalchemy import func, select

from core.extensions import db
from ledger.models import Allocation, Invoice, Payment
from tests.factories import make_invoice


def pay(client, headers, invoice, amount, currency="EUR"):
    return client.post(
        f"/api/v1/invoices/{invoice.id}/payments",
        headers=headers,
        json={
            "amount": {"amount": amount, "currency": currency},
            "date": "2026-11-01",
            "reference": "bank 42",
        },
    )


def test_partial_then_full_payment(client, tenants, bearer):
    invoice = make_invoice(tenants.a.org, amount="1000.00")
    headers = bearer(tenants.a.credit)
    assert pay(client, headers, invoice, "400.00").status_code == 201
    body = client.get(f"/api/v1/invoices/{invoice.id}", headers=headers).json
    assert body["outstanding"]["amount"] == "600.00"
    assert pay(client, headers, invoice, "600.00").status_code == 201
    body = client.get(f"/api/v1/invoices/{invoice.id}", headers=headers).json
    assert body["outstanding"]["amount"] == "0.00" and body["status"] == "paid"


def test_overpayment_is_kept_as_unapplied_credit(client, tenants, bearer):
    invoice = make_invoice(tenants.a.org, amount="100.00")
    resp = pay(client, bearer(tenants.a.credit), invoice, "150.00")
    assert resp.status_code == 201
    assert resp.json["unapplied"] == {"amount": "50.00", "currency": "EUR"}
    db.session.refresh(invoice)
    assert invoice.outstanding_minor == 0
    assert db.session.scalar(select(func.sum(Allocation.amount_minor))) == 10000


@pytest.mark.parametrize(("amount", "currency"), [("10.00", "USD"), ("0.00", "EUR"), ("1", "EUR")])
def test_bad_payments_are_422_and_change_nothing(client, tenants, bearer, amount, currency):
    invoice = make_invoice(tenants.a.org, amount="100.00")
    assert pay(client, bearer(tenants.a.credit), invoice, amount, currency).status_code == 422
    db.session.refresh(invoice)
    assert invoice.outstanding_minor == 10000
    assert db.session.scalar(select(func.count(Payment.id))) == 0


@pytest.mark.parametrize("role", ["sales", "viewer"])
def test_only_owner_and_credit_record_payments(client, tenants, bearer, role):
    invoice = make_invoice(tenants.a.org)
    assert pay(client, bearer(tenants.a.users[role]), invoice, "1.00").status_code == 403


def test_credit_note_reduces_outstanding(client, tenants, bearer):
    invoice = make_invoice(tenants.a.org, amount="100.00")
    resp = client.post(
        f"/api/v1/invoices/{invoice.id}/credit-notes",
        headers=bearer(tenants.a.owner),
        json={
            "amount": {"amount": "30.00", "currency": "EUR"},
            "date": "2026-11-02",
            "reason": "price correction",
        },
    )
    assert resp.status_code == 201
    db.session.refresh(invoice)
    assert invoice.outstanding_minor == 7000


def test_credit_note_needs_a_reason(client, tenants, bearer):
    invoice = make_invoice(tenants.a.org)
    resp = client.post(
        f"/api/v1/invoices/{invoice.id}/credit-notes",
        headers=bearer(tenants.a.owner),
        json={"amount": {"amount": "30.00", "currency": "EUR"}, "date": "2026-11-02"},
    )
    assert resp.status_code == 422 and "reason" in resp.json["error"]["details"]


def test_outstanding_can_never_go_negative_in_the_database(tenants):
    invoice = make_invoice(tenants.a.org, amount="100.00")
    invoice.outstanding_minor = -1
    with pytest.raises(Exception, match=r"(?i)check|constraint"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(Invoice, invoice.id).outstanding_minor == 10000
