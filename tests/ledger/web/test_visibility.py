"""Sales reps see their own debtors only (unless allowed); other tenants' ids are 404 everywhere."""

from __future__ import annotations

import pytest

from core.extensions import db
from tests.ledger.web.conftest import Ledger
from tests.ledger.web.test_forms import _token


def test_sales_rep_sees_only_own_debtors(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.sales)
    listing = client.get("/debtors").text
    assert "Alpha GmbH" in listing and "Beta SARL" not in listing
    invoices = client.get("/invoices").text
    assert "INV-A1" in invoices and "INV-B1" not in invoices
    assert client.get(f"/debtors/{ledger.beta.id}").status_code == 404
    assert client.get(f"/invoices/{ledger.b1.id}").status_code == 404
    assert client.get(f"/invoices?debtor_id={ledger.beta.id}").text.count("invoice-row") == 0
    csv = client.get("/invoices.csv", buffered=True).text
    assert "INV-A1" in csv and "INV-B1" not in csv


def test_sales_rep_sees_all_when_the_organisation_allows(ledger: Ledger, login_as):
    ledger.t.a.org.sales_see_all = True
    db.session.commit()
    client = login_as(ledger.t.a.sales)
    listing = client.get("/debtors").text
    assert "Alpha GmbH" in listing and "Beta SARL" in listing
    assert client.get(f"/debtors/{ledger.beta.id}").status_code == 200
    assert client.get(f"/invoices/{ledger.b1.id}").status_code == 200
    assert "INV-B1" in client.get("/invoices.csv", buffered=True).text
    # seeing is not writing: still no forms
    assert 'data-testid="payment-form"' not in client.get(f"/invoices/{ledger.b1.id}").text


@pytest.mark.parametrize("role", ["owner", "credit", "viewer", "sales"])
def test_other_tenants_ids_are_404_on_every_page_and_form(ledger: Ledger, login_as, role):
    client = login_as(getattr(ledger.t.a, role))
    debtor, invoice = ledger.foreign_debtor.id, ledger.foreign_invoice.id
    for path in (f"/debtors/{debtor}", f"/invoices/{invoice}"):
        assert client.get(path).status_code == 404, path
    if role in ("owner", "credit"):
        assert client.get(f"/debtors/{debtor}/edit").status_code == 404
        token = _token(client, "/debtors/new")
        posts = {
            f"/debtors/{debtor}/edit": {"csrf_token": token, "name": "x", "country": "DE"},
            f"/invoices/{invoice}/payments": {
                "payment-csrf_token": token,
                "payment-amount": "1.00",
                "payment-currency": "EUR",
                "payment-received_on": "2026-01-01",
            },
            f"/invoices/{invoice}/credit-notes": {
                "credit-csrf_token": token,
                "credit-amount": "1.00",
                "credit-currency": "EUR",
                "credit-issued_on": "2026-01-01",
                "credit-reason": "x",
            },
        }
        for path, data in posts.items():
            assert client.post(path, data=data).status_code == 404, path
    # a foreign debtor id as a list filter finds nothing rather than leaking rows
    page = client.get(f"/invoices?debtor_id={debtor}").text
    assert "B-0001" not in page and "Gamma Foreign" not in page
    csv = client.get(f"/invoices.csv?debtor_id={debtor}", buffered=True).text
    assert csv.strip().count("\n") == 0  # the header only
    db.session.expire_all()
    assert ledger.foreign_invoice.outstanding_minor == 100000
