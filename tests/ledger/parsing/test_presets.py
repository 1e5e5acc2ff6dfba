"""Each preset on a small file shaped like the real export of that tool."""

from __future__ import annotations

from datetime import date

from ledger.imports.parsing import PRESETS, parse_file

XERO_HEADER = (
    "*ContactName,EmailAddress,POAddressLine1,POCity,POCountry,*InvoiceNumber,Reference,"
    "*InvoiceDate,*DueDate,Total,TaxTotal,InvoiceAmountPaid,InvoiceAmountDue,InventoryItemCode,"
    "*Description,*Quantity,*UnitAmount,LineAmount,*AccountCode,*TaxType,Currency,Type,Sent,Status"
)
XERO_ROWS = [
    # two lines of one invoice: the invoice fields repeat on each line
    "Barney Rubble,barney@bedrock.example,1 Rock Rd,Bedrock,GB,INV-0001,PO-1,31/01/2026,"
    "28/02/2026,120.00,20.00,0.00,120.00,,Consulting,1,60.00,60.00,200,20% (VAT on Income),"
    "GBP,Sales invoice,Sent,Awaiting Payment",
    "Barney Rubble,barney@bedrock.example,1 Rock Rd,Bedrock,GB,INV-0001,PO-1,31/01/2026,"
    "28/02/2026,120.00,20.00,0.00,120.00,,Travel,1,40.00,40.00,200,20% (VAT on Income),"
    "GBP,Sales invoice,Sent,Awaiting Payment",
    "Fred Flintstone,,,,GB,INV-0002,,01/02/2026,03/03/2026,50.00,0.00,0.00,50.00,,Work,1,"
    "50.00,50.00,200,No VAT,GBP,Sales invoice,Sent,Voided",
    "Wilma Flintstone,,,,GB,CN-0001,,05/02/2026,05/02/2026,-30.00,0.00,0.00,-30.00,,Refund,"
    "1,-30.00,-30.00,200,No VAT,GBP,Sales credit note,Sent,Awaiting Payment",
    "Betty Rubble,,,,GB,INV-0003,,10/02/2026,12/03/2026,99.50,0.00,99.50,0.00,,Paid work,1,"
    "99.50,99.50,200,No VAT,GBP,Sales invoice,Sent,Paid",
]


def _text(header: str, rows: list[str]) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def test_presets_are_listed_with_descriptions():
    assert {"generic", "xero", "xero_us", "quickbooks", "odoo", "zoho_books", "excel_eu"} <= set(
        PRESETS
    )
    assert all(isinstance(d, str) and d for d in PRESETS.values())


def test_xero_export_merges_lines_skips_voided_and_reads_credit_notes():
    result = parse_file("xero.csv", _text(XERO_HEADER, XERO_ROWS), preset="xero")
    assert result.errors == ()
    by_number = {r.number: r for r in result.records}
    assert set(by_number) == {"INV-0001", "CN-0001", "INV-0003"}
    inv = by_number["INV-0001"]
    assert (inv.issue_date, inv.due_date) == (date(2026, 1, 31), date(2026, 2, 28))
    assert (inv.amount.minor, inv.outstanding.minor, inv.currency) == (12000, 12000, "GBP")
    assert (inv.debtor.name, inv.debtor.email, inv.debtor.country) == (
        "Barney Rubble", "barney@bedrock.example", "GB",
    )  # fmt: skip
    assert inv.po_number == "PO-1"
    assert inv.location.row == 2
    credit = by_number["CN-0001"]
    assert (credit.kind, credit.amount.minor) == ("credit_note", 3000)
    assert by_number["INV-0003"].outstanding.minor == 0
    assert [(s.row, s.field) for s in result.skipped] == [(4, "status")]


def test_xero_lines_that_disagree_are_an_error():
    rows = [*XERO_ROWS[:2]]
    rows[1] = rows[1].replace(",120.00,20.00,0.00,120.00,", ",125.00,20.00,0.00,125.00,")
    result = parse_file("xero.csv", _text(XERO_HEADER, rows), preset="xero")
    assert [(e.row, e.code) for e in result.errors] == [(3, "duplicate_number")]
    assert "different invoice details" in result.errors[0].message


def test_xero_impossible_date_is_named():
    rows = [XERO_ROWS[0].replace("28/02/2026", "31/02/2026")]
    [error] = parse_file("xero.csv", _text(XERO_HEADER, rows), preset="xero").errors
    assert (error.row, error.field, error.code) == (2, "due_date", "invalid_date")
    assert "not a real date" in error.message


def test_xero_us_reads_month_first():
    rows = [XERO_ROWS[0].replace("31/01/2026,28/02/2026", "01/31/2026,02/28/2026")]
    [rec] = parse_file("xero.csv", _text(XERO_HEADER, rows), preset="xero_us").records
    assert (rec.issue_date, rec.due_date) == (date(2026, 1, 31), date(2026, 2, 28))


QUICKBOOKS = """Open Invoices
Craig's Design and Landscaping Services
"As of March 31, 2026"

,Date,Transaction Type,Num,Customer,Due Date,Amount,Open Balance
Bill's Windsurf Shop,,,,,,,
,01/15/2026,Invoice,1001,Bill's Windsurf Shop,02/14/2026,"1,250.00","1,250.00"
,02/20/2026,Payment,,Bill's Windsurf Shop,02/20/2026,-500.00,-500.00
Total for Bill's Windsurf Shop,,,,,,"750.00","750.00"
Cool Cars,,,,,,,
,02/01/2026,Invoice,1002,Cool Cars,03/03/2026,694.00,194.00
,02/10/2026,Credit Memo,1003,Cool Cars,02/10/2026,-100.00,-100.00
Total for Cool Cars,,,,,,594.00,94.00
TOTAL,,,,,,"1,344.00",844.00
"""


def test_quickbooks_open_invoices_report():
    result = parse_file("qb.csv", QUICKBOOKS.encode(), preset="quickbooks", default_currency="USD")
    assert result.errors == ()
    got = [(r.number, r.kind, r.debtor.name, r.amount.minor, r.outstanding.minor, r.location.row)
           for r in result.records]  # fmt: skip
    assert got == [
        ("1001", "invoice", "Bill's Windsurf Shop", 125000, 125000, 7),
        ("1002", "invoice", "Cool Cars", 69400, 19400, 11),
        ("1003", "credit_note", "Cool Cars", 10000, 10000, 12),
    ]
    assert result.records[0].due_date == date(2026, 2, 14)
    assert [s.row for s in result.skipped] == [8]  # the payment


def test_quickbooks_report_without_customer_column_uses_the_group_rows():
    text = QUICKBOOKS.replace(",Customer,", ",").replace(",Bill's Windsurf Shop,", ",")
    text = text.replace(",Cool Cars,", ",")
    result = parse_file("qb.csv", text.encode(), preset="quickbooks", default_currency="USD")
    assert result.errors == ()
    assert [r.debtor.name for r in result.records] == [
        "Bill's Windsurf Shop", "Cool Cars", "Cool Cars",
    ]  # fmt: skip


def test_quickbooks_customer_named_total_is_a_group_not_a_total_line():
    text = QUICKBOOKS.replace(",Customer,", ",").replace(",Cool Cars,", ",")
    text = text.replace("Cool Cars", "Total Energies").replace(",Bill's Windsurf Shop,", ",")
    result = parse_file("qb.csv", text.encode(), preset="quickbooks", default_currency="USD")
    assert [r.debtor.name for r in result.records][1:] == ["Total Energies", "Total Energies"]


def test_quickbooks_without_currency_needs_a_default():
    [error] = parse_file("qb.csv", QUICKBOOKS.encode(), preset="quickbooks").errors
    assert (error.field, error.code, error.row) == ("currency", "missing_column", 5)


ODOO = """Number,Customer,Invoice Date,Due Date,Reference,Salesperson,Total in Currency,Amount Due,Currency,Status,Payment Status,Type
INV/2026/00001,Deco Addict,2026-01-10,2026-02-09,PO-4411,Mitchell Admin,1150.0,1150.0,EUR,Posted,Not Paid,Customer Invoice
INV/2026/00002,Azure Interior,2026-01-12,2026-02-11,,Mitchell Admin,2000.5,0.0,USD,Posted,Paid,Customer Invoice
RINV/2026/00001,Deco Addict,2026-01-20,2026-01-20,,Mitchell Admin,-115.0,-115.0,EUR,Posted,Not Paid,Customer Credit Note
/,Gemini Furniture,,,,,300.0,300.0,EUR,Draft,Not Paid,Customer Invoice
BILL/2026/01/0001,Wood Corner,2026-01-05,2026-02-04,,,80.0,80.0,EUR,Posted,Not Paid,Vendor Bill
"""  # noqa: E501


def test_odoo_invoice_list_export():
    result = parse_file("odoo.csv", ODOO.encode(), preset="odoo")
    assert result.errors == ()
    got = [(r.number, r.kind, r.currency, r.amount.minor, r.outstanding.minor)
           for r in result.records]  # fmt: skip
    assert got == [
        ("INV/2026/00001", "invoice", "EUR", 115000, 115000),
        ("INV/2026/00002", "invoice", "USD", 200050, 0),
        ("RINV/2026/00001", "credit_note", "EUR", 11500, 11500),
    ]
    assert result.records[0].po_number == "PO-4411"
    assert result.records[0].sales_rep_email is None  # a salesperson's name is not an e-mail
    assert sorted((s.row, s.field) for s in result.skipped) == [(5, "status"), (6, "kind")]


ZOHO = """Invoice Date,Invoice ID,Invoice Number,Invoice Status,Customer ID,Customer Name,PurchaseOrder,Due Date,Currency Code,Exchange Rate,Item Name,Quantity,Item Price,Total,Balance
2026-02-15,4612000000012001,INV-000011,Overdue,4612000000010001,ABC Electronics,SO-00002,2026-03-17,INR,1,Bulb,10,100,1180.00,1180.00
2026-02-15,4612000000012001,INV-000011,Overdue,4612000000010001,ABC Electronics,SO-00002,2026-03-17,INR,1,Switch,2,50,1180.00,1180.00
2026-02-18,4612000000012002,INV-000012,Draft,4612000000010002,AMS Stores,,2026-02-19,INR,1,Room Spray,3,3000,9000.00,9000.00
2026-02-20,4612000000012003,INV-000013,Paid,4612000000010003,NewTech Industries,,2026-03-22,GBP,89.82,Painting,1,250,250.00,0.00
"""  # noqa: E501


def test_zoho_books_invoice_export():
    result = parse_file("zoho.csv", ZOHO.encode(), preset="zoho_books")
    assert result.errors == ()
    got = [(r.number, r.debtor.name, r.currency, r.amount.minor, r.outstanding.minor, r.po_number)
           for r in result.records]  # fmt: skip
    assert got == [
        ("INV-000011", "ABC Electronics", "INR", 118000, 118000, "SO-00002"),
        ("INV-000013", "NewTech Industries", "GBP", 25000, 0, None),
    ]
    assert [s.row for s in result.skipped] == [4]


def test_excel_eu_comma_decimals_and_dotted_dates():
    text = (
        "Rechnung;Kunde;Datum;Fällig;Währung;Betrag\n"  # unknown German headers: not mapped
        "R-1;Schmidt KG;05.01.2026;04.02.2026;EUR;1.234,56\n"
    )
    result = parse_file("eu.csv", text.encode(), preset="excel_eu")
    assert {e.code for e in result.errors} == {"missing_column"}
    text = (
        "invoice_number;debtor_name;issue_date;due_date;currency;amount\n"
        "R-1;Schmidt KG;05.01.2026;04.02.2026;EUR;1.234,56\n"
        "R-2;Schmidt KG;05.01.2026;31.02.2026;EUR;12,5\n"
        "R-3;Schmidt KG;05.01.2026;05.02.2026;EUR;12.50\n"
    )
    result = parse_file("eu.csv", text.encode(), preset="excel_eu")
    assert [r.amount.minor for r in result.records] == [123456]
    assert [(e.row, e.field, e.code) for e in result.errors] == [
        (3, "due_date", "invalid_date"), (4, "amount", "invalid_amount"),
    ]  # fmt: skip
