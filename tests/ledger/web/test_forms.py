"""Payment, credit-note and debtor forms: what they write, and that refusals write nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from ledger.models import Allocation, CreditNote, Debtor, Invoice, Payment
from tests.ledger.web.conftest import Ledger


def _token(client, path: str) -> str:
    import re

    html = client.get(path).text
    return re.search(r'name="[a-z-]*csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def pay(client, invoice_id: int, amount: str, currency: str = "EUR", **extra: str):
    page = f"/invoices/{invoice_id}"
    data = {
        "payment-csrf_token": _token(client, page),
        "payment-amount": amount,
        "payment-currency": currency,
        "payment-received_on": "2026-01-15",
        **extra,
    }
    return client.post(f"{page}/payments", data=data)


def credit(client, invoice_id: int, amount: str, currency: str = "EUR", reason: str = "Damaged"):
    page = f"/invoices/{invoice_id}"
    data = {
        "credit-csrf_token": _token(client, page),
        "credit-amount": amount,
        "credit-currency": currency,
        "credit-issued_on": "2026-01-15",
        "credit-reason": reason,
    }
    return client.post(f"{page}/credit-notes", data=data)


def outstanding(invoice_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Invoice, invoice_id).outstanding_minor


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_payment_reduces_outstanding(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.credit)
    resp = pay(client, ledger.a1.id, "400.00", **{"payment-reference": "Bank 123"})
    assert resp.status_code == 302
    assert outstanding(ledger.a1.id) == 60000
    page = client.get(resp.headers["Location"]).text
    assert "Payment of 400.00 EUR recorded." in page
    assert 'data-testid="outstanding">600.00 EUR' in page
    assert "Bank 123" in page and 'data-testid="allocations"' in page


def test_overpayment_shows_unapplied_credit(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.owner)
    resp = pay(client, ledger.b1.id, "300.00")
    assert resp.status_code == 302
    assert outstanding(ledger.b1.id) == 0
    page = client.get(resp.headers["Location"]).text
    assert "50.00 EUR exceeded the outstanding: kept as unapplied credit." in page
    assert 'data-testid="unapplied">50.00 EUR unapplied credit' in page
    assert ">Paid<" in page
    debtor_page = client.get(f"/debtors/{ledger.beta.id}").text
    assert 'data-testid="unapplied">50.00 EUR' in debtor_page


def test_credit_note_reduces_outstanding(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.credit)
    resp = credit(client, ledger.a1.id, "100.00", reason="Goods returned")
    assert resp.status_code == 302
    assert outstanding(ledger.a1.id) == 90000
    page = client.get(resp.headers["Location"]).text
    assert "Credit note of 100.00 EUR issued." in page and "Goods returned" in page


def test_currency_mismatch_is_an_error_and_writes_nothing(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.credit)
    before = (count(Payment), count(Allocation), count(CreditNote))
    resp = pay(client, ledger.a1.id, "100.00", currency="USD")
    assert resp.status_code == 422
    assert "nothing converts currencies" in resp.text
    resp = credit(client, ledger.a1.id, "100.00", currency="GBP")
    assert resp.status_code == 422 and "nothing converts currencies" in resp.text
    assert (count(Payment), count(Allocation), count(CreditNote)) == before
    assert outstanding(ledger.a1.id) == 100000


def test_bad_amounts_are_refused_next_to_the_field(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.credit)
    for amount in ("12.345", "abc", "-5.00", "0.00"):
        resp = pay(client, ledger.a1.id, amount)
        assert resp.status_code == 422, amount
        assert 'aria-invalid="true"' in resp.text
    resp = credit(client, ledger.a1.id, "10.00", reason="")
    assert resp.status_code == 422
    assert count(Payment) == 0 and outstanding(ledger.a1.id) == 100000


def test_missing_csrf_token_is_refused(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.owner)
    data = {
        "payment-amount": "1.00",
        "payment-currency": "EUR",
        "payment-received_on": "2026-01-01",
    }
    resp = client.post(f"/invoices/{ledger.a1.id}/payments", data=data)
    assert resp.status_code in (400, 422)
    assert count(Payment) == 0


def debtor_data(client, path: str, **fields: str) -> dict[str, str]:
    data = {
        "csrf_token": _token(client, path),
        "name": "Delta BV",
        "debtor_type": "company",
        "country": "NL",
        "emails": "ap@delta.example, finance@delta.example",
        "sales_rep_id": "0",
        "payment_terms_days": "45",
        "currency": "EUR",
        "credit_limit": "25000.00",
    }
    return {**data, **fields}


def test_create_and_edit_a_debtor(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.credit)
    resp = client.post("/debtors/new", data=debtor_data(client, "/debtors/new"))
    assert resp.status_code == 302, resp.text
    debtor = db.session.scalar(select(Debtor).where(Debtor.name == "Delta BV"))
    assert debtor.credit_limit_minor == 2_500_000 and debtor.payment_terms_days == 45
    assert debtor.emails == ["ap@delta.example", "finance@delta.example"]
    edit = f"/debtors/{debtor.id}/edit"
    page = client.get(edit).text
    assert 'value="25000.00"' in page and "ap@delta.example, finance@delta.example" in page
    data = debtor_data(client, edit, name="Delta B.V.", on_hold="y", credit_limit="")
    data.pop("currency")
    data["sales_rep_id"] = str(ledger.t.a.sales.id)
    assert client.post(edit, data=data).status_code == 302
    db.session.expire_all()
    debtor = db.session.get(Debtor, debtor.id)
    assert debtor.name == "Delta B.V." and debtor.on_hold and debtor.credit_limit_minor is None
    assert debtor.sales_rep_id == ledger.t.a.sales.id
    assert "Credit hold" in client.get(f"/debtors/{debtor.id}").text


def test_debtor_form_refusals_write_nothing(ledger: Ledger, login_as):
    client = login_as(ledger.t.a.owner)
    before = count(Debtor)
    cases = [
        {"name": "alpha gmbh"},  # duplicate (case-insensitive)
        {"country": "XX"},
        {"credit_limit": "12.5"},
        {"emails": "not-an-address"},
        {"sales_rep_id": str(ledger.t.b.sales.id)},  # another tenant's user: not a choice
    ]
    for fields in cases:
        resp = client.post("/debtors/new", data=debtor_data(client, "/debtors/new", **fields))
        assert resp.status_code in (409, 422), fields
        assert 'aria-invalid="true"' in resp.text or 'data-testid="flash"' in resp.text, fields
    assert count(Debtor) == before
