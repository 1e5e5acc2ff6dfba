"""parse_file picks the reader by magic bytes; extensions must not lie (T43); Xero JSON."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.imports.parsing import ParseResult, RowError, detect_kind, parse_file

from .conftest import SAMPLES
from .xmldocs import ubl

HTML = (
    b"<!DOCTYPE html>\n<html><head><title>Login</title></head><body>Session expired</body></html>"
)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.csv", b"invoice_number\n1\n", "csv"),
        ("noext", b"invoice_number\n1\n", "csv"),
        ("a.xml", ubl().encode(), "xml"),
        ("a.XML", b"\xef\xbb\xbf  " + ubl().encode(), "xml"),
        ("upload", b"%PDF-1.7\n", "pdf"),
        ("x.zip", b"PK\x03\x04rest", "zip"),
        ("i.json", b'{"Invoices": []}', "json"),
    ],
)
def test_content_decides_the_reader(name, data, kind):
    assert detect_kind(name, data) == (kind, None)


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("invoice.pdf", HTML, "HTML page"),
        ("invoice.xml", HTML, "HTML page"),
        ("invoice.xml", b"%PDF-1.4 ...", "named .xml but its content is a PDF"),
        ("ledger.csv", b"PK\x03\x04....", "named .csv but its content is a zip"),
        ("invoice.pdf", b"invoice_number,amount\n", "named .pdf but its content is a CSV"),
        ("ledger.xlsx", b"PK\x03\x04....", "Save spreadsheets as 'CSV UTF-8'"),
        ("photo.png", b"\x89PNG\r\n", ".png files cannot be imported"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_magic_byte_mismatch_is_refused(name, data, needle):
    result = parse_file(name, data)
    assert result.records == ()
    [error] = result.errors
    assert (error.file, error.code) == (name, "unsupported_file")
    assert needle in error.message


def test_pdf_reader_checks_magic_itself():
    from ledger.imports.parsing.pdf import parse_pdf

    [error] = parse_pdf("fake.pdf", HTML).errors
    assert (error.code, error.message) == (
        "not_a_pdf", "This file is named .pdf but is an HTML page, not a PDF.",
    )  # fmt: skip
    [error] = parse_pdf("broken.pdf", b"%PDF-1.7\n garbage").errors
    assert error.code in {"pdf_unreadable", "pdf_no_einvoice"}


def test_result_and_error_shapes():
    result = parse_file("a.xml", ubl(payable="-1").encode())
    assert isinstance(result, ParseResult) and not result.ok
    [error] = result.errors
    assert isinstance(error, RowError)
    assert error.to_dict() == {
        "file": "a.xml", "row": 2, "field": "amount", "code": "negative_amount",
        "message": error.message,
    }  # fmt: skip


def test_xero_invoices_response_imports_receivables_only():
    path = SAMPLES / "xero-openapi/invoices_list.json"
    result = parse_file(path.name, path.read_bytes())
    assert result.errors == ()
    got = {r.number: r for r in result.records}
    assert set(got) == {"INV-0002", "INV-0003"}  # INV-0001 is VOIDED
    inv = got["INV-0003"]
    assert (inv.issue_date, inv.due_date) == (date(2018, 11, 2), date(2018, 11, 7))
    assert (inv.currency, inv.amount.minor, inv.outstanding.minor) == ("NZD", 11500, 11500)
    assert inv.debtor.name == "Barney Rubble-83203"
    assert (inv.source, inv.syntax, inv.location.row) == ("xero_json", "JSON", 3)
    assert got["INV-0002"].outstanding.minor == 0
    assert [(s.row, s.code) for s in result.skipped] == [(1, "skipped")]


@pytest.mark.parametrize(
    "name", ["contact.json", "credit_notes_list.json", "report_aged_receivables_by_contact.json"]
)
def test_other_xero_responses_are_not_import_files(name):
    path = SAMPLES / "xero-openapi" / name
    [error] = parse_file(path.name, path.read_bytes()).errors
    assert error.code == "unsupported_json"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('{"Invoices": [{"Type": "ACCREC", "Status": "AUTHORISED", "Total": NaN}]}',
         "invalid_json"),
        ('{"Invoices": [{"Type": "ACCREC", "Status": "AUTHORISED", "InvoiceNumber": "I-1", '
         '"Contact": {"Name": "A"}, "DateString": "2026-01-01T00:00:00", '
         '"DueDateString": "2026-01-31T00:00:00", "CurrencyCode": "EUR", "Total": 10.001, '
         '"AmountDue": 0}]}', "too_many_decimals"),
        ('{"Invoices": [{"Type": "ACCREC", "Status": "AUTHORISED", "InvoiceNumber": "I-1", '
         '"Contact": {"Name": "A"}, "DateString": "2026-01-01T00:00:00", '
         '"DueDateString": "2026-01-31T00:00:00", "CurrencyCode": "EUR", "Total": "10", '
         '"AmountDue": 0}]}', "invalid_amount"),
    ],
)  # fmt: skip
def test_xero_json_numbers_are_exact_and_finite(body, code):
    assert code in {e.code for e in parse_file("x.json", body.encode()).errors}
