"""Generic CSV: canonical columns and aliases, strict values (T37-T40), every error collected."""

from __future__ import annotations

import time
from datetime import date

import pytest

from ledger.imports.parsing import parse_file

HEADER = "invoice_number,debtor_name,issue_date,due_date,currency,amount"


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


def row(amount: str = "100.00", currency: str = "EUR", number: str = "INV-1", **kw: str) -> str:
    issue, due = kw.get("issue", "2026-01-05"), kw.get("due", "2026-02-04")
    return f"{number},{kw.get('name', 'ACME GmbH')},{issue},{due},{currency},{amount}"


def one_error(data: bytes, name: str = "f.csv"):
    result = parse_file(name, data)
    assert not result.records
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_all_canonical_and_dispute_columns():
    header = (
        "invoice_number,debtor_name,debtor_vat_id,debtor_country,debtor_email,issue_date,"
        "due_date,currency,amount,outstanding,po_number,sales_rep_email,dispute_reason,"
        "dispute_opened_on,dispute_resolved_on,dispute_outcome,dispute_amount"
    )
    line = (
        "INV-7,Müller AG,de 123.456.789,de,ap@mueller.example,2026-01-05,2026-02-04,eur,"
        "1234.5,234.50,PO-77,rep@us.example,delivery.damaged,2026-01-20,2026-02-01,"
        "credit_note,100"
    )
    result = parse_file("full.csv", csv(line, header=header))
    assert result.errors == ()
    [rec] = result.records
    assert (rec.number, rec.kind, rec.type_code, rec.source, rec.syntax) == (
        "INV-7", "invoice", "380", "csv", "CSV",
    )  # fmt: skip
    assert rec.debtor.name == "Müller AG"
    assert (rec.debtor.vat_id, rec.debtor.country) == ("DE123456789", "DE")
    assert rec.debtor.email == "ap@mueller.example"
    assert (rec.issue_date, rec.due_date) == (date(2026, 1, 5), date(2026, 2, 4))
    assert (rec.currency, rec.amount.minor, rec.outstanding.minor) == ("EUR", 123450, 23450)
    assert (rec.po_number, rec.sales_rep_email) == ("PO-77", "rep@us.example")
    assert rec.location.file == "full.csv" and rec.location.row == 2
    d = rec.dispute
    assert d and (d.reason, d.opened_on, d.resolved_on, d.outcome) == (
        "delivery.damaged", date(2026, 1, 20), date(2026, 2, 1), "credit_note",
    )  # fmt: skip
    assert d.amount and d.amount.minor == 10000


def test_common_aliases_in_any_case_and_spacing():
    header = "Invoice No, CUSTOMER ,Invoice Date,Due_Date,Currency Code,Total,Balance,VAT"
    result = parse_file(
        "a.csv", csv("A-1,Client Ltd,2026-03-01,2026-03-31,GBP,50,0,GB123", header=header)
    )
    assert result.errors == ()
    rec = result.records[0]
    assert (rec.number, rec.debtor.name, rec.amount.minor, rec.outstanding.minor) == (
        "A-1", "Client Ltd", 5000, 0,
    )  # fmt: skip
    assert rec.debtor.vat_id == "GB123"


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        ("-5", "EUR", "negative_amount"),
        ("0", "EUR", "zero_amount"),
        ("1e30", "EUR", "invalid_amount"),
        ("NaN", "EUR", "invalid_amount"),
        ("Infinity", "EUR", "invalid_amount"),
        ('"1.000,00"', "EUR", "invalid_amount"),
        ('"1,000.00"', "EUR", "invalid_amount"),
        ("10.001", "EUR", "too_many_decimals"),
        ("10.5", "JPY", "too_many_decimals"),
        ("9223372036854775808", "JPY", "amount_too_large"),  # BIGINT + 1 minor units
        ("92233720368547758.08", "EUR", "amount_too_large"),
        ("ten", "EUR", "invalid_amount"),
        ("", "EUR", "missing_value"),
    ],
)
def test_amounts_that_cannot_be_booked(amount, currency, code):
    error = one_error(csv(row(amount=amount, currency=currency)))
    assert (error.row, error.field, error.code) == (2, "amount", code)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("10.5", "EUR", 1050), ("10", "EUR", 1000), ("1500", "JPY", 1500), ("1.234", "KWD", 1234),
     ("9223372036854775807", "JPY", 2**63 - 1)],
)  # fmt: skip
def test_amounts_are_exact_minor_units(amount, currency, minor):
    [rec] = parse_file("f.csv", csv(row(amount=amount, currency=currency))).records
    assert rec.amount.minor == minor and isinstance(rec.amount.minor, int)


@pytest.mark.parametrize(
    ("currency", "code"),
    [("XXX", "invalid_currency"), ("EURO", "invalid_currency"), ("", "missing_value"),
     ("E1R", "invalid_currency")],
)  # fmt: skip
def test_currency_must_be_a_bookable_iso_code(currency, code):
    error = one_error(csv(row(currency=currency)))
    assert (error.field, error.code) == ("currency", code)


def test_lower_case_currency_is_normalised():
    assert parse_file("f.csv", csv(row(currency="eur"))).records[0].currency == "EUR"


@pytest.mark.parametrize("due", ["31/02/2026", "2026-02-31", "2026-13-01", "tomorrow", ""])
def test_bad_due_dates(due):
    error = one_error(csv(row(due=due)))
    assert error.field == "due_date"
    assert error.code in {"invalid_date", "missing_value"}


def test_due_before_issue_is_refused():
    error = one_error(csv(row(issue="2026-03-01", due="2026-02-01")))
    assert (error.field, error.code) == ("due_date", "due_before_issue")


def test_outstanding_cannot_exceed_amount():
    data = csv(row() + ",100.01", header=HEADER + ",outstanding")
    error = one_error(data)
    assert (error.field, error.code) == ("outstanding", "outstanding_above_amount")


def test_every_error_of_every_row_is_collected():
    data = csv(
        row(number="A", amount="-1", currency="XXX", due="31/02/2026"),
        row(number="B"),
        row(number="", name="", amount="0"),
    )
    result = parse_file("f.csv", data)
    got = {(e.row, e.field) for e in result.errors}
    assert got == {
        (2, "amount"), (2, "currency"), (2, "due_date"),
        (4, "invoice_number"), (4, "debtor_name"), (4, "amount"),
    }  # fmt: skip
    # good rows stay available (an all-or-nothing import refuses; a partial one keeps them)
    assert [r.number for r in result.records] == ["B"]


def test_ten_thousand_rows_with_one_bad_date_report_exactly_that_row():
    lines = [row(number=f"INV-{i:05d}") for i in range(2, 10_001)]
    lines[7341 - 2] = row(number="INV-07341", due="31/02/2026")
    started = time.perf_counter()
    result = parse_file("big.csv", csv(*lines))
    elapsed = time.perf_counter() - started
    assert [(e.row, e.field) for e in result.errors] == [(7341, "due_date")]
    assert "31/02/2026" in result.errors[0].message
    assert len(result.records) == 9_998
    assert elapsed < 5, elapsed


def test_bom_and_semicolon_delimiter():
    data = (
        "\ufeff" + HEADER.replace(",", ";") + "\nINV-1;Café SARL;2026-01-05;2026-02-04;EUR;12.50\n"
    )
    [rec] = parse_file("eu.csv", data.encode("utf-8")).records
    assert (rec.number, rec.debtor.name, rec.amount.minor) == ("INV-1", "Café SARL", 1250)


def test_tab_separated_utf16_from_excel():
    data = HEADER.replace(",", "\t") + "\r\nINV-1\tACME\t2026-01-05\t2026-02-04\tEUR\t1\r\n"
    [rec] = parse_file("x.txt", data.encode("utf-16")).records
    assert rec.amount.minor == 100


@pytest.mark.parametrize(
    "twin",
    ["INV-\u00c41", "INV-A\u03081", "INV-\u00c41\u200b", "\u202eINV-\u00c41", " INV-\u00c41 "],
    ids=["same", "nfd", "zero_width", "bidi", "spaces"],
)
def test_duplicates_are_found_after_normalisation(twin):
    result = parse_file("d.csv", csv(row(number="INV-\u00c41"), row(number=twin)))
    assert [(e.row, e.field, e.code) for e in result.errors] == [
        (3, "invoice_number", "duplicate_number")
    ]
    assert "row 2" in result.errors[0].message
    assert result.records == ()


def test_unicode_controls_are_stripped_from_names():
    [rec] = parse_file("u.csv", csv(row(name="Evil\u202eCorp\u200b GmbH\u2066"))).records
    assert rec.debtor.name == "EvilCorp GmbH"


def test_nul_byte_is_refused_with_its_line():
    error = one_error(csv(row(), "INV-2,Bad\x00Name,2026-01-05,2026-02-04,EUR,1"))
    assert (error.code, error.row) == ("nul_byte", 3)
    assert "NUL" in error.message


def test_ten_megabyte_field_is_refused():
    error = one_error(csv(row(name="x" * 10_000_000)))
    assert error.code == "malformed_csv"


def test_overlong_identifier_is_refused():
    error = one_error(csv(row(number="N" * 101)))
    assert (error.field, error.code) == ("invoice_number", "too_long")


def test_not_utf8_names_the_line():
    error = one_error(csv(row()).replace(b"ACME", b"\xe9ACME"))
    assert (error.code, error.row) == ("invalid_encoding", 2)


def test_missing_columns_are_all_named():
    result = parse_file("m.csv", b"Number,Customer,Amount\n1,A,1\n")
    assert {(e.row, e.field, e.code) for e in result.errors} == {
        (1, "issue_date", "missing_column"), (1, "due_date", "missing_column"),
        (1, "currency", "missing_column"),
    }  # fmt: skip


def test_default_currency_fills_a_file_without_currency_column():
    data = b"Number,Customer,Date,Due Date,Amount\n1,A,2026-01-01,2026-01-31,7.5\n"
    [rec] = parse_file("c.csv", data, default_currency="CHF").records
    assert (rec.currency, rec.amount.minor) == ("CHF", 750)


def test_unquoted_thousands_separator_shifts_columns():
    error = one_error(csv(row(amount="1,000.00")))
    assert error.code == "extra_cells"


def test_header_only_and_empty_files():
    assert one_error(csv()).code == "empty_file"
    assert one_error(b"\n\n", "e.csv").code in {"empty_file", "unsupported_file"}


def test_multiline_quoted_cell_keeps_physical_row_numbers():
    data = csv('INV-1,"ACME\nGroup",2026-01-05,2026-02-04,EUR,1', row(number="INV-2", currency="X"))
    [error] = parse_file("m.csv", data).errors
    assert error.row == 4


def test_unknown_preset_is_an_error():
    result = parse_file("f.csv", csv(row()), preset="sap")
    assert [e.code for e in result.errors] == ["unknown_preset"]


@pytest.mark.parametrize(
    ("cells", "field", "code"),
    [
        ("bogus.reason,2026-01-10,,,", "dispute_reason", "invalid_dispute_reason"),
        (",2026-01-10,,,", "dispute_reason", "missing_value"),
        ("quality.defect,2026-01-01,,,", "dispute_opened_on", "dispute_before_issue"),
        ("quality.defect,2026-01-10,2026-01-09,rejected,", "dispute_resolved_on",
         "resolved_before_opened"),
        ("quality.defect,2026-01-10,2026-01-12,,", "dispute_outcome", "missing_value"),
        ("quality.defect,2026-01-10,,won,", "dispute_outcome", "invalid_dispute_outcome"),
        ("quality.defect,2026-01-10,,,60", "dispute_amount", "dispute_above_amount"),
        ("quality.defect,2026-01-10,,,-1", "dispute_amount", "negative_amount"),
    ],
)  # fmt: skip
def test_dispute_history_is_checked(cells, field, code):
    header = HEADER + ",outstanding," + ",".join(
        ["dispute_reason", "dispute_opened_on", "dispute_resolved_on", "dispute_outcome",
         "dispute_amount"]
    )  # fmt: skip
    errors = parse_file("d.csv", csv(f"{row()},50,{cells}", header=header)).errors
    assert (field, code) in {(e.field, e.code) for e in errors}, errors


def test_open_dispute_without_amount_is_kept():
    header = HEADER + ",dispute_reason,dispute_opened_on"
    [rec] = parse_file(
        "d.csv", csv(row() + ",Payment.Already_Paid,2026-01-06", header=header)
    ).records
    assert rec.dispute and rec.dispute.reason == "payment.already_paid"
    assert rec.dispute.amount is None and rec.dispute.resolved_on is None


def test_credit_note_via_kind_column():
    data = csv(row() + ",credit_note", row(number="INV-2") + ",invoice", header=HEADER + ",kind")
    kinds = [(r.number, r.kind, r.type_code) for r in parse_file("k.csv", data).records]
    assert kinds == [("INV-1", "credit_note", "381"), ("INV-2", "invoice", "380")]


def test_row_limit_is_enforced():
    from ledger.imports.parsing import Limits

    data = csv(*(row(number=f"N{i}") for i in range(5)))
    result = parse_file("big.csv", data, limits=Limits(max_rows=3))
    assert [(e.code, e.row) for e in result.errors] == [("too_many_rows", 5)]
