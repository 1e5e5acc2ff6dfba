"""UBL/CII term extraction: amounts to exact minor units, credit notes, missing terms."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.imports.parsing import parse_file

from .xmldocs import cii, ubl


def _one(doc: str, name: str = "inv.xml"):
    result = parse_file(name, doc.encode())
    assert result.errors == (), result.errors
    [record] = result.records
    return record


def test_ubl_terms_are_read_and_cleaned():
    rec = _one(ubl())
    assert (rec.number, rec.kind, rec.type_code, rec.syntax, rec.source) == (
        "INV-1", "invoice", "380", "UBL-Invoice", "ubl",
    )  # fmt: skip
    assert (rec.issue_date, rec.due_date) == (date(2026, 1, 31), date(2026, 3, 2))
    assert rec.debtor.country == "DE"
    assert rec.debtor.vat_id == "DE123456789"
    assert rec.debtor.email == "ap@buyer.example"
    assert rec.seller and rec.seller.name == "Seller SA"
    assert rec.po_number == "PO-9"
    assert rec.location.row == 2  # the root element's line


@pytest.mark.parametrize(
    ("written", "currency", "minor"),
    [("336.9", "EUR", 33690), ("104.900", "EUR", 10490), ("1500", "JPY", 1500),
     ("1.234", "KWD", 1234), ("7", "EUR", 700), ("+7.5", "EUR", 750)],
)  # fmt: skip
def test_amounts_convert_exactly_whatever_the_written_decimals(written, currency, minor):
    rec = _one(ubl(payable=written, currency=currency))
    assert rec.amount.minor == minor
    assert rec.amount.currency == currency


@pytest.mark.parametrize(
    ("written", "currency", "code"),
    [("104.905", "EUR", "too_many_decimals"), ("10.5", "JPY", "too_many_decimals"),
     ("NaN", "EUR", "invalid_amount"), ("INF", "EUR", "invalid_amount"),
     ("1e3", "EUR", "invalid_amount"), ("1,00", "EUR", "invalid_amount"),
     ("99999999999999999999", "EUR", "amount_too_large"), ("", "EUR", "missing_value")],
)  # fmt: skip
def test_amounts_that_cannot_be_booked_exactly_are_refused(written, currency, code):
    [error] = parse_file("inv.xml", ubl(payable=written, currency=currency).encode()).errors
    assert (error.field, error.code) == ("amount", code)


def test_amount_in_another_currency_than_the_invoice_is_refused():
    doc = ubl().replace('currencyID="EUR">100.00', 'currencyID="USD">100.00')
    [error] = parse_file("inv.xml", doc.encode()).errors
    assert error.code == "currency_mismatch"


@pytest.mark.parametrize("currency", ["XXX", "EURO", ""])
def test_unknown_currency_is_refused(currency):
    [error] = parse_file("inv.xml", ubl(currency=currency).encode()).errors
    assert error.field == "currency"


def test_ubl_credit_note_root_is_a_credit_note():
    rec = _one(ubl(root="CreditNote", type_code="381"))
    assert (rec.kind, rec.type_code, rec.syntax) == ("credit_note", "381", "UBL-CreditNote")


@pytest.mark.parametrize(("code", "kind"), [("381", "credit_note"), ("396", "credit_note"),
                                            ("380", "invoice"), ("384", "invoice")])  # fmt: skip
def test_type_code_decides_the_kind(code, kind):
    assert _one(ubl(type_code=code)).kind == kind
    assert _one(cii(type_code=code)).kind == kind


def test_cii_dates_are_format_102():
    rec = _one(cii())
    assert (rec.issue_date, rec.due_date, rec.syntax) == (
        date(2026, 1, 15), date(2026, 2, 14), "CII",
    )  # fmt: skip


def test_cii_impossible_date_is_refused():
    doc = cii().replace("20260214", "20260231")
    [error] = parse_file("c.xml", doc.encode()).errors
    assert (error.field, error.code) == ("due_date", "invalid_date")


def test_negative_payable_is_an_error_and_zero_is_skipped():
    [error] = parse_file("n.xml", ubl(payable="-10.00").encode()).errors
    assert (error.field, error.code) == ("amount", "negative_amount")
    zero = parse_file("z.xml", ubl(payable="0.00").encode())
    assert (zero.records, zero.errors) == ((), ())
    assert [s.code for s in zero.skipped] == ["skipped"]


def test_every_missing_term_is_reported_at_once():
    doc = (
        ubl()
        .replace("<cbc:ID>INV-1</cbc:ID>", "")
        .replace("<cbc:IssueDate>2026-01-31</cbc:IssueDate>", "")
        .replace("Buyer AG", "")
    )
    fields = {e.field for e in parse_file("m.xml", doc.encode()).errors}
    assert fields == {"invoice_number", "issue_date", "debtor_name"}


def test_bidi_and_zero_width_characters_are_stripped_from_the_number_and_names():
    rec = _one(ubl(number="INV\u200b-\u202e1", buyer="Evil\u202eCorp \u200dLtd"))
    assert rec.number == "INV-1"
    assert rec.debtor.name == "EvilCorp \u200dLtd"  # ZWJ kept in names: scripts need it


def test_peppol_envelope_is_unwrapped():
    body = ubl().split("\n", 1)[1]
    sbdh = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
    doc = (
        f'<StandardBusinessDocument xmlns="{sbdh}"><StandardBusinessDocumentHeader/>'
        f"{body}</StandardBusinessDocument>"
    )
    assert _one(doc).number == "INV-1"


def test_due_date_falls_back_to_payment_means():
    doc = (
        ubl()
        .replace("<cbc:DueDate>2026-03-02</cbc:DueDate>", "")
        .replace(
            "  <cac:LegalMonetaryTotal>",
            "  <cac:PaymentMeans>"
            "<cbc:PaymentDueDate>2026-04-01</cbc:PaymentDueDate></cac:PaymentMeans>\n"
            "  <cac:LegalMonetaryTotal>",
        )
    )
    assert _one(doc).due_date == date(2026, 4, 1)
