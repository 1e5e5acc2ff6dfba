"""The CSV fast path (csv_fast.FastRows) and the full row parser agree on every row.

Mixed files, good and bad values in every field, for each preset: parsed once with the fast
path and once with it switched off, the records, errors and skipped rows must be equal.
"""

from __future__ import annotations

import random

import pytest

from ledger.imports.parsing import csv_rows, parse_file
from ledger.imports.parsing.csv_fast import FastRows

HEADER = (
    "invoice_number,debtor_name,debtor_vat_id,debtor_country,debtor_email,issue_date,due_date,"
    "currency,amount,outstanding,po_number,sales_rep_email,Type,Status,dispute_reason,"
    "dispute_opened_on"
)
VALUES = {
    "number": ["INV-{i}", " INV-{i} ", "", "X" * 101, "INV\u200b-{i}", "Inv\u00e9-{i}", "INV-1"],
    "name": ["ACME GmbH", "  Acme   Ltd ", "", "Mu\u0308ller AG", "A\tB", "N" * 301, '"A, B"'],
    "vat": ["", "DE123456789", "de 123.456-789", "...", "V" * 101],
    "country": ["", "DE", "de", "D", "DEU", "1E", "\u00c9S"],
    "email": ["", "ap@acme.example", "mailto:ap@acme.example", "not-mail", "mailto:", "a@b"],
    "issue": ["2026-01-05", "2026-1-5", "05/01/2026", "05.01.2026", "2026-02-30", "", "20260105"],
    "due": ["2026-02-04", "2026-01-01", "04/02/2026", "04.02.2026", "x", "2026-13-01"],
    "currency": ["EUR", "eur", "", "JPY", "KWD", "XXX", "EURO", " GBP "],
    "amount": [
        "100",
        "100.00",
        "100.5",
        "100.505",
        "1.500",
        "0",
        "0.00",
        "-5.00",
        "+7.10",
        "1234,56",
        "1.234,56",
        "1,234.56",
        "1e3",
        "nan",
        ".5",
        "5.",
        "9" * 20,
        " 42.00 ",
        "-0",
        "12 345,00",
    ],
    "outstanding": ["", "50", "50.00", "0", "0.00", "200.00", "-1.00", "abc", "100.00", "50,5"],
    "po": ["", "PO-1", "P" * 101],
    "rep": ["", "rep@us.example", "bad"],
    "type": ["", "Customer Invoice", "Customer Credit Note", "credit", "Vendor Bill", "weird"],
    "status": ["", "Posted", "Draft", "Cancelled"],
    "dispute": ["", "", "", "", "delivery.damaged", "bogus.reason"],
}


def _mixed(seed: int, rows: int, delimiter: str) -> bytes:
    rnd = random.Random(seed)
    lines = [HEADER.replace(",", delimiter)]
    for i in range(rows):
        # mostly the first (plain, valid) value, so that many rows are good throughout
        pick = [v[0] if rnd.random() < 0.85 else rnd.choice(v) for v in VALUES.values()]
        cells = [c.replace("{i}", str(i)) for c in pick]
        cells.append("2026-01-20" if cells[-1] else "")
        if rnd.random() < 0.05:
            cells = cells[: rnd.randrange(6, len(cells))]  # short row
        elif rnd.random() < 0.03:
            cells.append("stray")  # extra cell
        if delimiter == ",":
            cells = [f'"{c}"' if "," in c else c for c in cells]
        lines.append(delimiter.join(cells))
    return ("\n".join(lines) + "\n").encode()


def _without_fast_path(monkeypatch: pytest.MonkeyPatch, *args, **kwargs):
    with monkeypatch.context() as patch:
        patch.setattr(csv_rows, "FastRows", lambda *_a: lambda *_r: None)
        return parse_file(*args, **kwargs)


@pytest.mark.parametrize(
    ("preset", "delimiter"),
    [
        ("generic", ","),
        ("odoo", ","),
        ("xero", ","),
        ("zoho_books", ","),
        ("excel_eu", ";"),
        ("quickbooks", ","),
    ],
)
@pytest.mark.parametrize("default_currency", [None, "EUR"])
def test_fast_and_full_parser_agree(monkeypatch, preset, delimiter, default_currency):
    taken = []

    def counting(*args):
        rows = FastRows(*args)
        return lambda *row: taken.append(rows(*row)) or taken[-1]

    for seed in range(4):
        data = _mixed(seed, 400, delimiter)
        kwargs = {"preset": preset, "default_currency": default_currency}
        with monkeypatch.context() as patch:
            patch.setattr(csv_rows, "FastRows", counting)
            fast = parse_file("mixed.csv", data, **kwargs)
        full = _without_fast_path(monkeypatch, "mixed.csv", data, **kwargs)
        assert fast.errors == full.errors
        assert fast.skipped == full.skipped
        assert fast.records == full.records
    assert sum(r is not None for r in taken) > 20  # both paths really ran
    assert sum(r is None for r in taken) > 200


def test_fast_path_takes_plain_rows(monkeypatch):
    """A clean file never reaches the full row parser (so the fast path is really used)."""
    data = (
        "invoice_number,debtor_name,debtor_vat_id,debtor_country,issue_date,due_date,currency,"
        "amount,outstanding\n"
        + "".join(f"INV-{i},Customer {i},DE{i:09d},DE,2026-01-05,2026-02-04,EUR,{i}.50,1.00\n"
                  for i in range(1, 50))
    )  # fmt: skip

    def refuse(*_args):
        raise AssertionError("full parser used")

    monkeypatch.setattr(csv_rows, "_parse_row", refuse)
    result = parse_file("plain.csv", data.encode())
    assert len(result.records) == 49 and not result.errors


def test_builder_makes_the_same_frozen_record_as_the_dataclass():
    from dataclasses import FrozenInstanceError, fields
    from datetime import date

    from core.money import Money
    from ledger.imports.parsing.records import InvoiceRecord, Location, PartyRecord, builder

    eur = Money(1250, "EUR")
    values = ("INV-1", "invoice", "380", date(2026, 1, 5), date(2026, 2, 4), "EUR", eur, None,
              "PO-1", PartyRecord("ACME GmbH", "DE1", "DE"), None, None, None, "CSV", "csv",
              Location("a.csv", 2), None)  # fmt: skip
    assert len(values) == len(fields(InvoiceRecord))
    built = builder(InvoiceRecord)(*values)
    assert built == InvoiceRecord(*values)
    assert hash(builder(Location)("a.csv", 2)) == hash(Location("a.csv", 2))
    assert builder(Money)(1250, "EUR") == eur
    with pytest.raises(FrozenInstanceError):
        built.number = "INV-2"  # type: ignore[misc]
